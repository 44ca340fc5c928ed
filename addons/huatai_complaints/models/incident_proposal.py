"""The incident proposal job: clustering the new complaints with the recent
ones of their time window (issue 16).

``huatai.complaint.incident._cron_propose_incidents`` calls
:func:`propose_for` with the complaints registered since its last run;
the similarity of the texts is ``tools/text_similarity.py``'s. ``Incident`` is
the ``huatai.complaint.incident`` model, as superuser (the job's own).
"""

from collections import Counter
from datetime import timedelta

import pytz

from ..tools import settings as S
from ..tools import text_similarity as similarity
from ..tools.settings import read_setting
from ..tools.workdays import CN_TZ

OPEN_STATES = ("proposed", "confirmed")
# most complaints one job run clusters (nearest in time to the new ones)
MAX_CANDIDATES = 1500


def candidate_domain():
    return [
        ("active", "=", True),
        ("is_confidential", "=", False),
        ("incident_excluded", "=", False),
        ("duplicate_of_id", "=", False),
        ("stage_state", "!=", "rejected"),
    ]


def propose_for(Incident, pending):
    """Cluster the new complaints with the others of their time window.

    Proposed incidents are the job's own: each run shapes them again
    from the whole window (a burst arrives over several runs). A
    confirmed incident keeps its complaints and takes in the new ones
    that resemble it; two confirmed incidents are never merged.
    """
    Complaint = Incident.env["huatai.complaint"].sudo()
    window = timedelta(minutes=read_setting(Incident.env, S.INCIDENT_WINDOW_MINUTES))

    def usable(c):
        return similarity.meaningful_length(c.description) >= similarity.MIN_CHARS

    new = pending.filtered_domain(
        [*candidate_domain(), ("incident_id", "=", False)]
    ).filtered(usable)
    if not new:
        return Incident.browse()
    start = min(new.mapped("received_date")) - window
    end = max(new.mapped("received_date")) + window
    others = Complaint.search(
        [
            *candidate_domain(),
            ("received_date", ">=", start),
            ("received_date", "<=", end),
            ("id", "not in", new.ids),
            "|",
            ("incident_id", "=", False),
            ("incident_id.state", "in", OPEN_STATES),
        ],
        order="received_date desc",
        limit=MAX_CANDIDATES,
    ).filtered(usable)
    items = new | others
    proposals = items.incident_id.filtered(lambda i: i.state == "proposed")
    reference = reference_texts(Incident.env, start)
    vectors = similarity.tfidf_vectors([c.description for c in items], reference)
    dates = [c.received_date for c in items]
    categories = [c.category_id.id for c in items]

    def comparable(i, j):
        return categories[i] == categories[j] and abs(dates[i] - dates[j]) <= window

    confirmed = {}
    for k, complaint in enumerate(items):
        if complaint.incident_id.state == "confirmed":
            confirmed.setdefault(complaint.incident_id, []).append(k)
    env = Incident.env
    threshold = read_setting(env, S.INCIDENT_SIMILARITY_PERCENT) / 100
    cohesion = read_setting(env, S.INCIDENT_COHESION_PERCENT) / 100
    locked = list(confirmed.values())
    clusters = similarity.average_linkage(
        vectors, comparable, threshold, locked=locked, cohesion=cohesion
    )
    clusters = similarity.reassign(
        vectors,
        clusters,
        comparable,
        threshold,
        locked=locked,
        minimum=read_setting(env, S.INCIDENT_MIN_COMPLAINTS),
    )
    touched = Incident.browse()
    # the largest clusters first: each proposal goes to the cluster holding
    # most of it, the others get their own
    claimed = set()
    for cluster in sorted(clusters, key=len, reverse=True):
        members = Complaint.browse([items[k].id for k in cluster])
        touched |= reconcile(Incident, members, [vectors[k] for k in cluster], claimed)
    # proposals left without complaints were reshaped into others
    emptied = (proposals - touched).filtered(lambda i: not i.complaint_ids)
    emptied.unlink()
    touched = touched.exists()
    touched._alert_group()
    touched._apply_group_flag()
    return touched


def reference_texts(env, before):
    """Descriptions of ordinary complaints received before ``before``:
    what every complaint says weighs little in the similarity."""
    size = read_setting(env, S.INCIDENT_REFERENCE_SIZE)
    if not size:
        return []
    complaints = (
        env["huatai.complaint"]
        .sudo()
        .search(
            [("is_confidential", "=", False), ("received_date", "<", before)],
            order="received_date desc",
            limit=size,
        )
    )
    return complaints.mapped("description")


def reconcile(Incident, members, vectors, claimed):
    """One cluster of this run: the confirmed incident in it takes the
    others in; else, when the cluster is large and spread enough, the
    proposal most of it is in (not ``claimed`` by a larger cluster of this
    run) becomes the cluster — its complaints elsewhere leave it — or a new
    proposal is made; a cluster too small for a proposal leaves the
    proposals it was in."""
    env = Incident.env
    incidents = members.incident_id
    confirmed = incidents.filtered(lambda i: i.state == "confirmed")
    large = len(members) >= read_setting(env, S.INCIDENT_MIN_COMPLAINTS) and len(
        members.accepting_unit_id
    ) >= read_setting(env, S.INCIDENT_MIN_UNITS)
    proposals = (incidents - confirmed).filtered(lambda i: i.id not in claimed)
    if confirmed:
        target = confirmed[0]
    elif not large:
        members.filtered(lambda c: c.incident_id.state == "proposed").write(
            {"incident_id": False}
        )
        return Incident.browse()
    elif proposals:
        target = max(
            proposals,
            key=lambda i: (
                len(members.filtered(lambda c: c.incident_id == i)),
                -i.id,
            ),
        )
    else:
        target = Incident.create(
            {
                "name": proposal_name(Incident, members, vectors),
                "category_id": members[0].category_id.id,
                "user_id": False,
            }
        )
        claimed.add(target.id)
        members.write({"incident_id": target.id})
        target.message_post(
            body=env._(
                "Proposed by the job: %(count)s similar complaints of %(units)s "
                "units between %(first)s and %(last)s.",
                count=len(members),
                units=len(members.accepting_unit_id),
                first=china_time(target.first_received),
                last=china_time(target.last_received),
            )
        )
        return target
    claimed.add(target.id)
    joining = members.filtered(lambda c: c.incident_id != target)
    # a confirmed incident keeps its complaints; the job reshapes proposals
    joining = joining.filtered(lambda c: c.incident_id.state != "confirmed")
    if target.state == "proposed":
        leaving = target.complaint_ids - members
        leaving.write({"incident_id": False})
    if joining:
        joining.write({"incident_id": target.id})
        target.message_post(
            body=env._(
                "%(count)s similar complaints added by the proposal job.",
                count=len(joining),
            )
        )
    if target.state == "proposed" and len(target.complaint_ids) >= 2:
        target.name = proposal_name(Incident, target.complaint_ids, vectors)
    return target


def china_time(moment):
    """A stored (UTC) moment in China time, as the job writes it in the
    incident's name and history (the job's user has no time zone of the
    firm's)."""
    return pytz.utc.localize(moment).astimezone(CN_TZ).strftime("%Y-%m-%d %H:%M:%S")


def proposal_name(Incident, members, vectors):
    """The terms most of the cluster shares (never one person's words)."""
    shared = Counter()
    for vector in vectors:
        shared.update(
            g for g in vector if len(g) == 2 and not g.isascii() and g.isalpha()
        )
    weight = Counter()
    for vector in vectors:
        for g, x in vector.items():
            if shared[g] * 2 >= len(vectors):
                weight[g] += x
    terms = [g for g, _x in weight.most_common(3)]
    when = china_time(min(members.mapped("received_date")))[:16]
    label = "、".join(terms) or members[0].category_id.name
    return f"{label} · {when}"
