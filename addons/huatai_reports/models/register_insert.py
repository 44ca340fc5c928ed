"""The bulk insert of checked register rows.

The rows are written with one ``INSERT ... SELECT FROM unnest(...)`` per
chunk rather than the ORM's ``create``: the intake's create (routing,
deadline policies, complainant contacts, acknowledgement, chatter) is what
an import must not run. What the ORM would compute on the stored fields is
computed here in the same way: confidentiality from the complaint type,
recording consent from its state, the compliance requirement from the
severity flags; the deadlines are those of the register.
"""

import logging
from datetime import date, timedelta

from odoo import fields
from odoo.tools import SQL

from odoo.addons.huatai_complaints.models.huatai_complaint import SEVERITY_FLAGS

from ..report.complaint_facts import REPORT_UTC_OFFSET_HOURS
from .register_columns import EARLIEST, FLAGS, INSERT_CHUNK, NAME_PATTERN, TEXTS

_logger = logging.getLogger(__name__)


def existing_names(cr, names):
    existing = set()
    for start in range(0, len(names), 50_000):
        # a join, not "= ANY(array)": right after a bulk import the
        # planner may scan the table once per name of the array
        cr.execute(
            "SELECT c.name FROM huatai_complaint c "
            "JOIN unnest(%s::varchar[]) AS n(name) ON n.name = c.name",
            [names[start : start + 50_000]],
        )
        existing.update(row[0] for row in cr.fetchall())
    return existing


def insert_complaints(env, records):
    """Insert the checked rows; return how many."""
    Complaint = env["huatai.complaint"]
    Complaint.flush_model()
    lookups_confidential = {
        c.id
        for c in env["huatai.complaint.category"]
        .sudo()
        .with_context(active_test=False)
        .search([])
        if c.is_confidential
    }
    stages = {
        s.id: s.state
        for s in env["huatai.complaint.stage"]
        .sudo()
        .with_context(active_test=False)
        .search([])
    }
    uid = env.uid
    currency = env.company.currency_id.id
    columns = insert_columns()
    for start in range(0, len(records), INSERT_CHUNK):
        chunk = records[start : start + INSERT_CHUNK]
        arrays = {name: [] for name, _type in columns}
        for vals in chunk:
            row = insert_values(vals, stages, lookups_confidential, currency, uid)
            for name, _type in columns:
                arrays[name].append(row.get(name))
        env.cr.execute(
            SQL(
                "INSERT INTO huatai_complaint (%s) SELECT * FROM unnest(%s)",
                SQL(", ").join(SQL.identifier(name) for name, _t in columns),
                SQL(", ").join(
                    SQL("%s::%s", arrays[name], SQL(sql_type))
                    for name, sql_type in columns
                ),
            )
        )
    insert_callbacks(env, records)
    continue_references(env, records)
    # the planner's figures of the table after a bulk insert
    env.cr.execute("ANALYZE huatai_complaint")
    Complaint.invalidate_model()
    _logger.info("Imported %s complaints from a register", len(records))
    return len(records)


def insert_callbacks(env, records):
    """The callbacks of the complaints of the register that were called
    back, on their "Called Back On" day (from noon, China time, a minute
    apart): the analysis' callback timeliness reads the first callback's
    date. One dissatisfied callback per return to handling (the complaint's
    ``dissatisfied_callback_count``, inserted with it), then, unless the
    last outcome is dissatisfied (the last return), one with the
    complaint's callback outcome: what the callbacks' computations
    (outcome of the latest, returns) read back. Made by the complaint's
    replier (else its owner, else the importer), from the replying unit
    (else the handling unit)."""
    rows = [
        (vals["name"], vals["callback_date"])
        for vals in records
        if vals.get("callback_date")
    ]
    if not rows:
        return
    env["huatai.complaint.callback"].flush_model()
    noon = timedelta(hours=12 - REPORT_UTC_OFFSET_HOURS)
    uid = env.uid
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        env.cr.execute(
            SQL(
                """
                INSERT INTO huatai_complaint_callback
                    (complaint_id, date, user_id, unit_id, unit_kind,
                     branch_id, attempt, reached, satisfied, result,
                     create_uid, write_uid, create_date, write_date)
                SELECT c.id, cb.at,
                       COALESCE(c.replied_by_id, c.user_id, %(uid)s),
                       u.id, u.kind, u.branch_id, cb.attempt,
                       cb.result <> 'unreached', cb.result = 'satisfied',
                       cb.result, %(uid)s, %(uid)s, cb.at, cb.at
                  FROM unnest(%(names)s::varchar[], %(days)s::date[])
                       AS r(name, day)
                  JOIN huatai_complaint c ON c.name = r.name
                 CROSS JOIN LATERAL (
                       SELECT s.attempt,
                              r.day + %(noon)s
                                  + (s.attempt - 1) * INTERVAL '1 minute' AS at,
                              CASE WHEN s.attempt <= c.dissatisfied_callback_count
                                   THEN 'dissatisfied'
                                   WHEN c.callback_result IN
                                        ('satisfied', 'dissatisfied')
                                   THEN c.callback_result
                                   ELSE 'unreached' END AS result
                         FROM generate_series(
                                1, c.dissatisfied_callback_count
                                   + CASE WHEN c.callback_result = 'dissatisfied'
                                          THEN 0 ELSE 1 END) AS s(attempt)
                       ) cb
             LEFT JOIN huatai_org_unit u
                    ON u.id = COALESCE(c.replied_unit_id, c.handling_unit_id)
                """,
                noon=noon,
                uid=uid,
                names=[name for name, _day in chunk],
                days=[day for _name, day in chunk],
            )
        )
        # the planner's figures of the callbacks just inserted: else the
        # fact rows' callback join scans the table once per complaint
        env.cr.execute("ANALYZE huatai_complaint_callback")
        # the analysis' fact rows follow the complaints (their triggers):
        # an update without change has them read the callbacks
        env.cr.execute(
            "UPDATE huatai_complaint c SET write_date = c.write_date "
            "FROM unnest(%s::varchar[]) AS r(name) WHERE c.name = r.name",
            [[name for name, _day in chunk]],
        )
    env["huatai.complaint.callback"].invalidate_model()


def insert_columns():
    texts = [(field, "varchar[]") for field in TEXTS.values()]
    texts = [
        (f, "text[]" if f in ("description", "demand", "rejection_reason") else t)
        for f, t in texts
    ]
    return [
        *texts,
        ("received_date", "timestamp[]"),
        ("accepted_date", "timestamp[]"),
        ("replied_date", "timestamp[]"),
        ("closed_date", "timestamp[]"),
        ("regulator_deadline", "date[]"),
        ("accept_deadline", "date[]"),
        ("reply_deadline", "date[]"),
        ("callback_deadline", "date[]"),
        ("channel", "varchar[]"),
        ("regulator_authority", "varchar[]"),
        ("recording_consent_state", "varchar[]"),
        ("recording_consent", "boolean[]"),
        ("reply_method", "varchar[]"),
        ("callback_result", "varchar[]"),
        ("callback_attempt_count", "integer[]"),
        ("dissatisfied_callback_count", "integer[]"),
        ("returned_after_callback", "boolean[]"),
        ("satisfaction_score", "float8[]"),
        ("survey_state", "varchar[]"),
        ("survey_answer_count", "integer[]"),
        ("reply_text", "text[]"),
        ("category_id", "integer[]"),
        ("stage_id", "integer[]"),
        ("stage_state", "varchar[]"),
        ("is_closed", "boolean[]"),
        ("is_confidential", "boolean[]"),
        ("accepting_unit_id", "integer[]"),
        ("handling_unit_id", "integer[]"),
        ("respondent_unit_id", "integer[]"),
        ("replied_unit_id", "integer[]"),
        ("accepting_user_id", "integer[]"),
        ("user_id", "integer[]"),
        ("replied_by_id", "integer[]"),
        *[(flag, "boolean[]") for flag in FLAGS],
        ("is_compensation", "boolean[]"),
        ("complainant_count", "integer[]"),
        ("compensation_amount", "numeric[]"),
        ("currency_id", "integer[]"),
        ("compliance_required", "boolean[]"),
        ("acknowledgement_pending", "boolean[]"),
        ("active", "boolean[]"),
        ("priority", "varchar[]"),
        ("paused_days", "integer[]"),
        ("create_uid", "integer[]"),
        ("write_uid", "integer[]"),
        ("create_date", "timestamp[]"),
        ("write_date", "timestamp[]"),
    ]


def insert_values(vals, stages, confidential, currency, uid):
    row = dict(vals)
    row["received_date"] = vals.get("received")
    row["accepted_date"] = vals.get("accepted")
    row["replied_date"] = vals.get("replied")
    row["closed_date"] = vals.get("closed")
    row["stage_state"] = stages.get(vals["stage_id"])
    row["is_closed"] = True
    row["is_confidential"] = vals["category_id"] in confidential
    row["recording_consent"] = vals.get("recording_consent_state") == "granted"
    row["survey_state"] = "done" if vals.get("satisfaction_score") else None
    row["survey_answer_count"] = 1 if vals.get("satisfaction_score") else 0
    row["callback_attempt_count"] = vals.get("callback_attempt_count") or 0
    row["dissatisfied_callback_count"] = vals.get("dissatisfied_callback_count") or 0
    row["returned_after_callback"] = bool(row["dissatisfied_callback_count"])
    for flag in FLAGS:
        row[flag] = bool(vals.get(flag))
    row["compliance_required"] = any(row.get(flag) for flag in SEVERITY_FLAGS)
    row["acknowledgement_pending"] = False
    row["active"] = True
    row["priority"] = "0"
    row["paused_days"] = 0
    row["currency_id"] = currency
    row["create_uid"] = row["write_uid"] = uid
    row["create_date"] = vals.get("received")
    row["write_date"] = vals.get("closed")
    return row


def continue_references(env, records):
    """The yearly reference numbering continues after the imported
    references (``TS<year>-<number>``): no new complaint takes one."""
    highest = {}
    for vals in records:
        match = NAME_PATTERN.match(vals["name"])
        if match:
            year, number = int(match.group(1)), int(match.group(2))
            highest[year] = max(highest.get(year, 0), number)
    sequence = env.ref(
        "huatai_complaints.seq_huatai_complaint", raise_if_not_found=False
    )
    if not sequence or not highest:
        return
    sequence = sequence.sudo()
    for year, number in highest.items():
        if year < EARLIEST.year or year > fields.Date.today().year + 1:
            continue
        date_range = sequence._get_current_sequence(sequence_date=date(year, 6, 1))
        if date_range.number_next_actual <= number:
            date_range.write({"number_next": number + 1})


# ------------------------------------------------------------------
# The error report
