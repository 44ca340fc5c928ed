"""Bulk benchmark data: complaints (huatai_complaints) or OCA helpdesk tickets.

Both datasets have the same shape: the same receipt dates over 5 years, the same
open ratio (~10%), one unit / team per sales department with two staff users each,
one creation message per record, a stage-change tracking message on every record
past its first stage, followers, and activities on 30% of the open records.

The org tree, the users and the teams are made with the ORM (a few hundred
records); the bulk rows (partners, records, messages, tracking values, followers,
activities, SLA lines) with INSERT ... SELECT over generate_series in PostgreSQL.
Every function takes an Odoo environment and works inside its transaction, so the
smoke test runs them on the test database and rolls them back.
"""

import contextlib
import datetime
import io
import json
import logging
import math
import time

from bench import zh

_logger = logging.getLogger("bench.generate")

MARKER = "bench.generated"
YEARS = 5
OPEN_RECENT = 0.08  # the newest 8% of the records are still open ...
OPEN_OLD = 0.02  # ... and 2% of the older ones (long-running cases)
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}


def _say(msg):
    print(f"bench: {msg}", flush=True)


def n_branches(depts):
    return max(1, min(len(zh.CITIES), math.ceil(depts / 10)))


def dept_names(depts):
    """[(branch index, city, code, district)] for ``depts`` sales departments."""
    nb = n_branches(depts)
    out = []
    for k in range(depts):
        b = k % nb
        city, code, districts = zh.CITIES[b]
        j = k // nb
        district = districts[j % len(districts)]
        if j >= len(districts):
            district = f"{district}{j // len(districts) + 1}"
        out.append((b, city, code, district))
    return out


# ---------------------------------------------------------------------------
# shared pieces
# ---------------------------------------------------------------------------


def _date_span(today):
    end = today - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=365 * YEARS)
    return start, end


def _workday_tables(cr, today, holidays):
    """TEMP tables bench_wd(date, workday_index, is_working) and bench_wk (its
    working days, indexed by workday_index), as ``huatai_workday`` holds them.

    ``holidays``: follow the State Council schedule (chinese_calendar) where it
    is known, else Monday-Friday.
    """
    from odoo.addons.huatai_complaints.tools.workdays import workday_rows

    start, _end = _date_span(today)
    is_workday = None
    if holidays:
        try:
            from chinese_calendar import is_workday
        except ImportError:
            is_workday = None

    def is_working(day):
        if is_workday:
            try:
                return is_workday(day)
            except NotImplementedError:
                pass
        return day.weekday() < 5

    rows = workday_rows(
        start - datetime.timedelta(days=10),
        today + datetime.timedelta(days=400),
        is_working,
    )
    data = "".join(
        f"{day.isoformat()}\t{index}\t{'t' if work else 'f'}\n"
        for day, index, work in rows
    )
    cr.execute("DROP TABLE IF EXISTS bench_wd; DROP TABLE IF EXISTS bench_wk")
    cr.execute(
        "CREATE TEMP TABLE bench_wd "
        "(date date PRIMARY KEY, workday_index int, is_working bool)"
    )
    cr.copy_from(
        io.StringIO(data),
        "bench_wd",
        columns=("date", "workday_index", "is_working"),
    )
    _workday_index(cr)


def _engine_workday_tables(env, today):
    """bench_wd / bench_wk from the deadline engine's own working-day table
    (``huatai_workday``: the official schedules, Monday to Friday in the years
    without one), so that the loaded deadlines are the engine's."""
    start, _end = _date_span(today)
    Workday = env["huatai.workday"].sudo()
    Workday._ensure_covered(start)
    Workday._ensure_covered(today + datetime.timedelta(days=400))
    cr = env.cr
    cr.execute("DROP TABLE IF EXISTS bench_wd; DROP TABLE IF EXISTS bench_wk")
    cr.execute(
        "CREATE TEMP TABLE bench_wd AS SELECT date, workday_index, is_working "
        "FROM huatai_workday; ALTER TABLE bench_wd ADD PRIMARY KEY (date)"
    )
    _workday_index(cr)


def _workday_index(cr):
    cr.execute(
        "CREATE TEMP TABLE bench_wk AS "
        "SELECT workday_index, date, is_working FROM bench_wd WHERE is_working;"
        "CREATE UNIQUE INDEX ON bench_wk (workday_index); "
        "ANALYZE bench_wd; ANALYZE bench_wk"
    )


# the n-th working day after the (China) date of the timestamp expression ts
def _wd_sql(ts, n):
    from odoo.addons.huatai_complaints.tools.workdays import workday_after_sql

    return workday_after_sql(ts, n, table="bench_wd", working_table="bench_wk")


def _base_rows(cr, n, today, seed):
    """TEMP table bench_base: one row per record with its receipt time, open flag
    and the random draws every dataset uses the same way."""
    start, end = _date_span(today)
    days = (end - start).days + 1
    cr.execute("SELECT setseed(%s)", [seed])
    cr.execute("DROP TABLE IF EXISTS bench_base")
    cr.execute(
        """
        CREATE TEMP TABLE bench_base AS
        SELECT i,
               -- receipt: uniform over the span, 08:00-20:00 China time (UTC+8)
               (%(start)s::timestamp
                + floor((i - 1 + random()) / %(n)s * %(days)s) * interval '1 day'
                + random() * interval '12 hours')::timestamp(0) AS received,
               (i > %(n)s * (1 - %(recent)s) OR random() < %(old)s) AS is_open,
               random() AS r_stage, random() AS r_chan, random() AS r_cat,
               random() AS r_dept, random() AS r_unit, random() AS r_user,
               random() AS r_p, random() AS r_x, random() AS r_y, random() AS r_z,
               random() AS r_act
        FROM generate_series(1, %(n)s) i
        """,
        {
            "n": n,
            "start": start,
            "days": days,
            "recent": OPEN_RECENT,
            "old": OPEN_OLD,
        },
    )
    cr.execute("ALTER TABLE bench_base ADD PRIMARY KEY (i); ANALYZE bench_base")


def _load_partners(cr, count, uid):
    """``count`` individual contacts (the complainants); returns the id offset."""
    cr.execute("SELECT COALESCE(MAX(id), 0) FROM res_partner")
    base = cr.fetchone()[0] + 1000
    cr.execute(
        """
        INSERT INTO res_partner (
            id, name, complete_name, type, active, is_company, partner_share,
            commercial_partner_id, lang, tz, email, email_normalized, phone, street,
            city, create_uid, write_uid, create_date, write_date)
        SELECT %(base)s + p, nm, nm, 'contact', true, false, true,
               %(base)s + p, 'zh_CN', 'Asia/Shanghai', em, em, ph,
               (%(roads)s::text[])[1 + p %% 8] || (1 + p %% 300) || '号',
               (%(cities)s::text[])[1 + p %% 30],
               %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
        FROM (
            SELECT p,
                   (%(sur)s::text[])[1 + (p * 7) %% %(ns)s]
                   || (%(giv)s::text[])[1 + (p * 13) %% %(ng)s]
                   || CASE WHEN p %% 3 = 0 THEN ''
                      ELSE (%(giv)s::text[])[1 + (p * 31) %% %(ng)s] END AS nm,
                   CASE WHEN p %% 10 < 3 THEN 'kh' || p || '@'
                        || (%(doms)s::text[])[1 + p %% 6] END AS em,
                   '1' || (3 + p %% 7)
                   || lpad(((p::bigint * 7919 * 13) %% 1000000000)::text, 9, '0') AS ph
            FROM generate_series(1, %(count)s) p
        ) x
        """,
        {
            "base": base,
            "count": count,
            "uid": uid,
            "sur": list(zh.SURNAMES),
            "ns": len(zh.SURNAMES),
            "giv": list(zh.GIVEN),
            "ng": len(zh.GIVEN),
            "doms": zh.EMAIL_DOMAINS,
            "roads": zh.ROADS,
            "cities": [c[0] for c in zh.CITIES],
        },
    )
    return base


BULK_TABLES = [
    "res_partner",
    "mail_message",
    "mail_tracking_value",
    "mail_followers",
    "mail_activity",
]
DEFER_INDEXES_FROM = 20000  # rows; below that, inserting into the indexes is cheap


@contextlib.contextmanager
def _indexes_deferred(cr, tables, size):
    """Drop the secondary indexes of ``tables`` and build them again at the end:
    one sort per index instead of a million random index insertions."""
    if size < DEFER_INDEXES_FROM:
        yield
        return
    cr.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(%s) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [list(tables)],
    )
    indexes = cr.fetchall()
    for name, _definition in indexes:
        cr.execute(f"DROP INDEX {name}")
    yield
    _say(f"building {len(indexes)} indexes again")
    cr.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for _name, definition in indexes:
        cr.execute(definition)


def _sync_id_sequences(cr, tables):
    for table in tables:
        cr.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


def _set_marker(env, info):
    env["ir.config_parameter"].sudo().set_param(MARKER, json.dumps(info))


def read_marker(env):
    value = env["ir.config_parameter"].sudo().get_param(MARKER)
    return json.loads(value) if value else None


def _users(env, vals_list):
    return (
        env["res.users"]
        .with_context(**QUIET)
        .create(
            [
                dict(
                    vals,
                    lang=_lang(env),
                    tz="Asia/Shanghai",
                    notification_type="inbox",
                )
                for vals in vals_list
            ]
        )
    )


def _lang(env):
    """zh_CN where it is installed (the users' language), else en_US."""
    return "zh_CN" if env["res.lang"]._lang_get("zh_CN") else "en_US"


def _analyze(cr, tables):
    for table in tables:
        cr.execute(f"ANALYZE {table}")


def _activity_rows(cr, model, table, base_id, uid):
    """Activities (to-do) on 30% of the open records, due around their deadline."""
    cr.execute("SELECT id FROM ir_model WHERE model = %s", [model])
    model_id = cr.fetchone()[0]
    cr.execute(
        "SELECT res_id FROM ir_model_data "
        "WHERE module = 'mail' AND name = 'mail_activity_data_todo'"
    )
    todo = cr.fetchone()[0]
    cr.execute(
        f"""
        INSERT INTO mail_activity (
            res_model_id, res_model, res_id, res_name, activity_type_id, user_id,
            summary, date_deadline, user_tz, automated, active,
            create_uid, write_uid, create_date, write_date)
        SELECT %(model_id)s, %(model)s, %(base)s + b.i, r.name, %(todo)s, r.owner,
               %(summary)s,
               (now() at time zone 'UTC')::date + floor(b.r_act * 200)::int %% 20 - 8,
               'Asia/Shanghai', false, true, %(uid)s, %(uid)s, b.received, b.received
        FROM bench_base b JOIN {table} r ON r.i = b.i
        WHERE b.is_open AND b.r_act < 0.3 AND r.owner IS NOT NULL
        """,
        {
            "model_id": model_id,
            "model": model,
            "base": base_id,
            "todo": todo,
            "uid": uid,
            "summary": "跟进处理进度",
        },
    )


# ---------------------------------------------------------------------------
# complaints
# ---------------------------------------------------------------------------

CHANNEL_CUTS = [  # cumulative shares of the channels
    ("phone", 0.45),
    ("onsite", 0.57),
    ("email", 0.67),
    ("letter", 0.72),
    ("fax", 0.73),
    ("website", 0.85),
    ("regulator", 1.01),
]
CATEGORY_CUTS = [
    ("service", 0.35),
    ("financial_service", 0.55),
    ("system", 0.70),
    ("marketing", 0.85),
    ("environment", 0.90),
    ("other", 0.99),
    ("whistleblowing", 1.01),
]
OPEN_STATE_CUTS = [
    ("new", 0.20),
    ("accepted", 0.40),
    ("in_progress", 0.75),
    ("compliance", 0.80),
    ("replied", 0.90),
    ("callback", 1.01),
]
PREVIOUS_STATE = {
    "accepted": "new",
    "in_progress": "accepted",
    "compliance": "in_progress",
    "replied": "in_progress",
    "callback": "replied",
    "closed": "callback",
    "rejected": "new",
}


def _case(expr, cuts, quote=True):
    parts = [
        f"WHEN {expr} < {cut} THEN " + (f"'{value}'" if quote else f"{value}")
        for value, cut in cuts
    ]
    return "CASE " + " ".join(parts) + " END"


def build_complaint_org(env, depts):
    """Branch companies, sales departments and their users (ORM, tracking off)."""
    Unit = env["huatai.org.unit"].with_context(**QUIET)
    company = env.ref("huatai_complaints.unit_company")
    g = "huatai_complaints.group_complaint_"
    group = {name: env.ref(g + name).id for name in ("user", "manager", "hq")}
    group["compliance"] = env.ref(g + "compliance").id
    names = dept_names(depts)
    nb = n_branches(depts)
    branches = Unit.create(
        [
            {
                "name": f"{zh.CITIES[b][0]}分公司",
                "code": f"B{b + 1:02d}-{zh.CITIES[b][1]}",
                "kind": "branch",
                "parent_id": company.id,
            }
            for b in range(nb)
        ]
    )
    units = Unit.create(
        [
            {
                "name": f"{city}{district}营业部",
                "code": f"S{k + 1:03d}-{code}",
                "kind": "sales_department",
                "parent_id": branches[b].id,
                "phone": f"025-{84000000 + k}",
            }
            for k, (b, city, code, district) in enumerate(names)
        ]
    )
    staff = _users(
        env,
        [
            {
                "name": f"{units[k].name}投诉专员{j + 1}",
                "login": f"bench_s{k + 1:03d}{'ab'[j]}",
                "groups_id": [(6, 0, [group["user"]])],
                "huatai_unit_ids": [(6, 0, [units[k].id])],
            }
            for k in range(depts)
            for j in range(2)
        ],
    )
    heads = _users(
        env,
        [
            {
                "name": f"{branches[b].name}负责人",
                "login": f"bench_head{b + 1:02d}",
                "groups_id": [(6, 0, [group["manager"]])],
                "huatai_unit_ids": [(6, 0, [branches[b].id])],
            }
            for b in range(nb)
        ],
    )
    for b, head in enumerate(heads):
        branches[b].manager_id = head
    hq_units = {
        "csc": env.ref("huatai_complaints.unit_customer_service_center"),
        "retail": env.ref("huatai_complaints.unit_retail_service_hq"),
        "compliance": env.ref("huatai_complaints.unit_compliance"),
    }
    hq = _users(
        env,
        [
            {
                "name": f"总部{label}{j + 1}",
                "login": f"bench_{key}{j + 1}",
                "groups_id": [(6, 0, [group[grp]])],
                "huatai_unit_ids": [(6, 0, [hq_units[key].id])],
            }
            for key, label, grp in (
                ("csc", "客服中心坐席", "hq"),
                ("retail", "零售客户服务总部专员", "hq"),
                ("compliance", "合规专员", "compliance"),
            )
            for j in range(2)
        ],
    )
    env.flush_all()
    return {
        "units": units,
        "branches": branches,
        "staff": staff,
        "hq_units": hq_units,
        "hq_users": {u.login: u for u in hq},
    }


def load_complaints(env, size, depts=300, seed=0.42, today=None):
    """Build the org and ``size`` complaints with their chatter; returns a summary."""
    t0 = time.monotonic()
    today = today or datetime.date.today()
    cr = env.cr
    uid = env.ref("base.user_admin").id
    org = build_complaint_org(env, depts)
    _say(f"org: {len(org['units'])} sales departments, {len(org['staff'])} staff")
    with _indexes_deferred(cr, ["huatai_complaint", *BULK_TABLES], size):
        base_id = _bulk_complaints(env, org, size, depts, today, seed, uid)
    _sequence_complaints(env)
    tables = ["huatai_complaint", *BULK_TABLES]
    _sync_id_sequences(cr, tables)
    _recompute_missing(env, "huatai.complaint", COMPLAINT_FILLED, base_id)
    _analyze(cr, tables + ["huatai_org_unit", "res_users"])
    info = {
        "side": "complaints",
        "size": size,
        "depts": depts,
        "date": today.isoformat(),
        "seconds": round(time.monotonic() - t0),
    }
    _set_marker(env, info)
    env.invalidate_all()
    _say(f"complaints loaded in {info['seconds']} s")
    return info


def _bulk_complaints(env, org, size, depts, today, seed, uid):
    from odoo.addons.huatai_complaints.tools.workdays import china_date_sql

    cr = env.cr
    _engine_workday_tables(env, today)
    _base_rows(cr, size, today, seed)
    n_partners = max(1, int(size * 0.75))
    pbase = _load_partners(cr, n_partners, uid)
    _say(f"{n_partners} complainant contacts")

    # sales departments with their two staff users
    cr.execute("DROP TABLE IF EXISTS bench_dept")
    cr.execute(
        "CREATE TEMP TABLE bench_dept (k int PRIMARY KEY, unit int, s1 int, s2 int)"
    )
    staff = org["staff"]
    cr.execute(
        "INSERT INTO bench_dept SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], "
        "%s::int[])",
        [
            list(range(1, depts + 1)),
            org["units"].ids,
            staff.ids[0::2],
            staff.ids[1::2],
        ],
    )
    hq_u = org["hq_users"]
    stages = {
        s.state: s
        for s in env["huatai.complaint.stage"].with_context(lang=_lang(env)).search([])
    }
    cats = {
        c.code: c.id
        for c in env["huatai.complaint.category"].search([("parent_id", "=", False)])
    }
    cr.execute("DROP TABLE IF EXISTS bench_fact")
    cr.execute("CREATE TEMP TABLE bench_fact (cat int, k int, cnt int, txt text)")
    for code, facts in zh.FACTS.items():
        for k, txt in enumerate(facts):
            cr.execute(
                "INSERT INTO bench_fact VALUES (%s, %s, %s, %s)",
                [cats[code], k, len(facts), txt],
            )
    cr.execute("SELECT COALESCE(MAX(id), 0) + 1000 FROM huatai_complaint")
    base_id = cr.fetchone()[0]
    threshold = env["huatai.complaint"]._group_threshold()
    currency = env.company.currency_id.id
    state_sql = (
        "CASE WHEN b.is_open THEN "
        + _case("b.r_stage", OPEN_STATE_CUTS)
        + " WHEN b.r_stage < 0.97 THEN 'closed' ELSE 'rejected' END"
    )
    stage_case = (
        "CASE "
        + " ".join(f"WHEN st = '{s}' THEN {stage.id}" for s, stage in stages.items())
        + " END"
    )
    cat_case = _case("b.r_cat", [(cats[c], cut) for c, cut in CATEGORY_CUTS], False)
    # where each channel is taken (Art. 11): at the sales department when its
    # level accepts the channel (as configured: the channels per level and
    # Settings > Complaints), else at HQ, regulator-forwarded complaints at
    # Retail Client Service HQ and the others at the Customer Service Center;
    # HQ also answers part of the calls and forwarded complaints itself
    local = [ch for ch, _cut in CHANNEL_CUTS if org["units"][0]._accepts_channel(ch)]
    for ch, _cut in CHANNEL_CUTS:
        taker = org["hq_units"]["retail" if ch == "regulator" else "csc"]
        if ch not in local and not taker._accepts_channel(ch):
            raise ValueError(f"no unit of the benchmark accepts the channel {ch}")
    at_local = "ch = ANY(%(local)s::varchar[])"
    at_retail = f"ch = 'regulator' AND (b.r_unit < 0.3 OR NOT {at_local})"
    at_csc = f"(ch = 'phone' AND b.r_unit < 0.4) OR NOT ({at_retail} OR {at_local})"

    # one staging row per complaint: the decisions, then the insert reads them
    cr.execute("DROP TABLE IF EXISTS bench_c")
    cr.execute(
        f"""
        CREATE TEMP TABLE bench_c AS
        SELECT x.*,
               CASE WHEN x.worked THEN LEAST(now() at time zone 'UTC',
                    x.received + x.r_x * interval '2 days')::timestamp(0)
               END AS accepted,
               CASE WHEN x.replied THEN LEAST(now() at time zone 'UTC',
                    x.received + (3 + x.r_y * 12) * interval '1 day')::timestamp(0)
               END AS replied_at,
               CASE WHEN x.st = 'closed' THEN LEAST(now() at time zone 'UTC',
                    x.received + (16 + x.r_z * 4) * interval '1 day')::timestamp(0)
                    WHEN x.st = 'rejected' THEN x.received
                    + x.r_y * interval '3 days'
               END AS closed
        FROM (
        SELECT b.i, %(base)s + b.i AS id, b.received, st, ch, cat, d.unit AS dept,
               b.r_x, b.r_y, b.r_z,
               b.r_x < 0.02 AS is_major, b.r_y > 0.97 AS is_group,
               b.r_z > 0.97 AS is_difficult, b.r_z < 0.005 AS is_media,
               b.r_x > 0.995 AS is_judicial, b.r_y < 0.08 AS is_compensation,
               CASE WHEN ch = 'regulator' THEN {china_date_sql("b.received")}
                    + 30 END AS regulator_deadline,
               CASE WHEN b.r_user < 0.5 THEN d.s1 ELSE d.s2 END AS staff,
               CASE WHEN {at_csc} THEN %(csc)s
                    WHEN {at_retail} THEN %(retail)s
                    ELSE d.unit END AS acc_unit,
               CASE WHEN cat = %(wb)s THEN %(compliance)s ELSE d.unit END AS hdl_unit,
               CASE WHEN {at_csc} THEN %(csc_user)s
                    WHEN {at_retail} THEN %(retail_user)s
                    WHEN b.r_user < 0.5 THEN d.s1 ELSE d.s2 END AS acc_user,
               CASE WHEN cat = %(wb)s THEN %(compliance_user)s
                    WHEN b.r_user < 0.5 THEN d.s1 ELSE d.s2 END AS owner,
               %(pbase)s + 1 + floor(b.r_p * %(np)s)::int AS partner,
               st NOT IN ('new', 'rejected') AS worked,
               st IN ('replied', 'callback', 'closed') AS replied
        FROM (
            SELECT b.*, {state_sql} AS st, {_case("b.r_chan", CHANNEL_CUTS)} AS ch,
                   {cat_case} AS cat,
                   1 + LEAST(floor(%(depts)s * power(b.r_dept, 1.3))::int,
                             %(depts)s - 1) AS k
            FROM bench_base b
        ) b JOIN bench_dept d ON d.k = b.k
        ) x
        """,
        {
            "base": base_id,
            "csc": org["hq_units"]["csc"].id,
            "retail": org["hq_units"]["retail"].id,
            "compliance": org["hq_units"]["compliance"].id,
            "wb": cats["whistleblowing"],
            "csc_user": hq_u["bench_csc1"].id,
            "retail_user": hq_u["bench_retail1"].id,
            "compliance_user": hq_u["bench_compliance1"].id,
            "pbase": pbase,
            "np": n_partners,
            "depts": depts,
            "local": local,
        },
    )
    cr.execute("ALTER TABLE bench_c ADD PRIMARY KEY (i); ANALYZE bench_c")
    _deadline_rows(env, org, stages, cats)
    _say("staging rows ready")

    cr.execute(
        f"""
        INSERT INTO huatai_complaint (
            id, name, active, priority, color, channel, category_id, is_confidential,
            partner_id, complainant_name, complainant_phone, complainant_email,
            complainant_address, client_account, respondent_name, respondent_position,
            respondent_unit_id, description, demand, currency_id, compensation_amount,
            received_date, accepting_unit_id, accepting_user_id, handling_unit_id,
            user_id, stage_id, stage_state, is_closed, is_major, is_group,
            complainant_count, is_difficult, is_media, is_judicial, is_compensation,
            regulator_authority, regulator_reference, regulator_deadline,
            recording_consent_state, recording_consent, accepted_date,
            deadline_policy_id, acknowledgement_deadline, acknowledged_date,
            acknowledgement_method, accept_deadline, reply_deadline, callback_deadline,
            deadline_fallback_years, clock_paused_since, next_deadline,
            deadline_clock, deadline_state, alert_due_soon_key, alert_overdue_key,
            compliance_review_requested, compliance_required, compliance_opinion,
            compliance_opinion_user_id, compliance_opinion_date,
            escalation_notified, media_escalated, callback_attempt_count,
            callback_result, satisfaction_score, survey_state, survey_answer_count,
            reply_text, reply_method, replied_date, replied_by_id, replied_unit_id,
            closed_date, rejection_reason,
            create_uid, write_uid, create_date, write_date)
        SELECT c.id,
               'TS' || extract(year FROM c.received) || '-' || lpad(
                   row_number() OVER (PARTITION BY extract(year FROM c.received)
                                      ORDER BY c.i)::text, 6, '0'),
               true, CASE WHEN b.r_z < 0.05 THEN '1' ELSE '0' END, 0, c.ch, c.cat,
               c.cat = %(wb)s,
               CASE WHEN c.cat <> %(wb)s THEN c.partner END,
               p.name, p.phone, p.email, p.city || p.street,
               CASE WHEN b.r_x < 0.85
                    THEN lpad((100000000000 + c.partner)::text, 12, '0') END,
               CASE WHEN c.cat IN (%(service)s, %(marketing)s, %(fin)s)
                    THEN (%(sur)s::text[])[1 + (c.i * 11) %% %(ns)s] || '经理' END,
               CASE WHEN c.cat IN (%(service)s, %(marketing)s, %(fin)s)
                    THEN (%(pos)s::text[])[1 + c.i %% 6] END,
               CASE WHEN c.cat IN (%(service)s, %(marketing)s, %(fin)s) THEN c.dept END,
               f.txt || ' ' || to_char({china_date_sql("c.received")},
                                       'YYYY"年"MM"月"DD"日"') || '反映。',
               (%(demands)s::text[])[1 + c.i %% 6],
               %(currency)s,
               CASE WHEN b.r_y < 0.08 THEN round((500 + b.r_z * 99500)::numeric, 2) END,
               c.received, c.acc_unit, c.acc_user, c.hdl_unit, c.owner,
               {stage_case.replace("st =", "c.st =")}, c.st,
               c.st IN ('closed', 'rejected'),
               c.is_major, c.is_group, CASE WHEN c.is_group THEN %(threshold)s
                    + (c.i %% 20) ELSE 1 END,
               c.is_difficult, c.is_media, c.is_judicial, c.is_compensation,
               CASE WHEN c.ch = 'regulator' THEN (%(auth)s::text[])[1 + c.i %% 5] END,
               CASE WHEN c.ch = 'regulator' THEN 'JG' || extract(year FROM c.received)
                    || '-' || c.i END,
               c.regulator_deadline,
               CASE WHEN c.ch = 'onsite' THEN CASE WHEN b.r_z < 0.8 THEN 'granted'
                    ELSE 'refused' END END,
               c.ch = 'onsite' AND b.r_z < 0.8,
               c.accepted, dl.policy, dl.ack_deadline, dl.ack_date, dl.ack_method,
               dl.accept_deadline, dl.reply_deadline,
               dl.callback_deadline, dl.fallback_years, dl.paused_since,
               dl.next_deadline, dl.clock, dl.state,
               CASE WHEN dl.state IN ('due_soon', 'overdue')
                    THEN dl.clock || ':' || dl.next_deadline::text END,
               CASE WHEN dl.state = 'overdue'
                    THEN dl.clock || ':' || dl.next_deadline::text END,
               c.cat = %(wb)s, dl.compliance_required,
               CASE WHEN dl.gated THEN %(opinion)s END,
               CASE WHEN dl.gated THEN %(compliance_user)s END,
               CASE WHEN dl.gated THEN GREATEST(c.received, COALESCE(c.replied_at,
                    c.closed) - interval '1 hour') END,
               dl.compliance_required, c.is_media, 0, NULL, 0, NULL, 0,
               CASE WHEN c.replied THEN (%(replies)s::text[])[1 + c.i %% 4] END,
               CASE WHEN c.replied THEN (ARRAY['phone', 'letter', 'email',
                    'onsite'])[1 + c.i %% 4] END,
               c.replied_at,
               CASE WHEN c.replied THEN c.owner END,
               CASE WHEN c.replied THEN c.hdl_unit END,
               c.closed,
               CASE WHEN c.st = 'rejected' THEN (%(rejections)s::text[])[1 + c.i %% 3]
                    END,
               c.acc_user, c.owner, c.received,
               COALESCE(c.closed, c.replied_at, c.accepted, c.received)
        FROM bench_c c
        JOIN bench_base b ON b.i = c.i
        JOIN bench_dl dl ON dl.i = c.i
        JOIN res_partner p ON p.id = c.partner
        JOIN bench_fact f ON f.cat = c.cat AND f.k = c.i %% f.cnt
        """,
        {
            "wb": cats["whistleblowing"],
            "service": cats["service"],
            "marketing": cats["marketing"],
            "fin": cats["financial_service"],
            "sur": list(zh.SURNAMES),
            "ns": len(zh.SURNAMES),
            "pos": zh.POSITIONS,
            "demands": zh.DEMANDS,
            "currency": currency,
            "csc": org["hq_units"]["csc"].id,
            "retail": org["hq_units"]["retail"].id,
            "compliance": org["hq_units"]["compliance"].id,
            "threshold": threshold,
            "auth": ["csrc", "csrc_bureau", "hotline_12386", "sac", "other"],
            "replies": zh.REPLIES,
            "rejections": zh.REJECTIONS,
            "opinion": zh.COMPLIANCE_OPINION,
            "compliance_user": hq_u["bench_compliance1"].id,
        },
    )
    _say(f"{size} complaints")
    stage_field = env["ir.model.fields"]._get("huatai.complaint", "stage_id").id
    _chatter(
        env,
        "huatai.complaint",
        "huatai_complaint",
        base_id,
        creation_body="<p>客户投诉已创建</p>",
        creation_subtype=env.ref("mail.mt_note").id,
        stage_field=stage_field,
        stages={s: (st.id, st.name) for s, st in stages.items()},
        state_col="stage_state",
        author_col="accepting_user_id",
        owner_col="user_id",
        company=None,
        previous=PREVIOUS_STATE,
    )
    cr.execute(
        "DROP TABLE IF EXISTS bench_r; CREATE TEMP TABLE bench_r AS "
        "SELECT id - %s AS i, name, user_id AS owner FROM huatai_complaint "
        "WHERE id > %s; ALTER TABLE bench_r ADD PRIMARY KEY (i)",
        [base_id, base_id],
    )
    _activity_rows(cr, "huatai.complaint", "bench_r", base_id, uid)
    return base_id


def _deadline_rows(env, org, stages, cats):
    """TEMP table bench_dl: for each staging row of bench_c, what the deadline
    engine (huatai_complaint_deadline.py) stores, computed in SQL the same way:

    - the policy that applies: the most specific active policy whose criteria
      the complaint meets, then by sequence (``_select_for``);
    - the acknowledgement, acceptance, reply and callback deadlines: that many
      working days after the receipt (the reply) in ``huatai_workday``
      (``calendar.add``: a
      clock starting on a non-working day starts on the next working day), the
      reply capped by a regulator's deadline; the years without a schedule;
    - the reply clock paused in the policy's pause stages;
    - the complainant told that the complaint was received (``acknowledged_date``)
      when they have an email address (the acknowledgement job, minutes after
      the receipt) or the complaint is past registration or finished (staff
      told them: by phone, in person, by letter, else SMS); the others, new
      complaints of complainants without email, still wait for it;
    - the running clock with the earliest deadline, its state as of today in
      China (due soon: up to the configured number of working days ahead);
    - whether Compliance's opinion is required (severity flags, or asked for:
      whistleblowing reports, as the shipped routing rule does), and whether a
      complaint past the compliance gate has it.
    """
    from odoo.addons.huatai_complaints.models.huatai_complaint import SEVERITY_FLAGS
    from odoo.addons.huatai_complaints.models.huatai_complaint_compliance import (
        GATED_STATES,
    )
    from odoo.addons.huatai_complaints.models.huatai_deadline_policy import (
        DEFAULT_DAYS,
    )
    from odoo.addons.huatai_complaints.tools.workdays import china_date_sql, china_today

    cr = env.cr
    Complaint = env["huatai.complaint"]
    policies = env["huatai.deadline.policy"].sudo().search([])
    whens = []
    for policy in policies.sorted(lambda p: (-p.specificity, p.sequence, p.id)):
        conds = ["TRUE"]
        if policy.channel:
            conds.append(cr.mogrify("c.ch = %s", [policy.channel]).decode())
        if policy.category_ids:
            types = (
                env["huatai.complaint.category"]
                .with_context(active_test=False)
                .search([("id", "child_of", policy.category_ids.ids)])
            )
            conds.append(cr.mogrify("c.cat = ANY(%s)", [types.ids]).decode())
        conds += [f"c.{flag}" for flag in policy._criteria_flags()]
        whens.append(f"WHEN {' AND '.join(conds)} THEN {policy.id}")
    policy_sql = f"CASE {' '.join(whens)} END" if whens else "NULL::int"
    cr.execute("DROP TABLE IF EXISTS bench_pol; DROP TABLE IF EXISTS bench_pause")
    cr.execute(
        "CREATE TEMP TABLE bench_pol (id int PRIMARY KEY, ak int, a int, r int, cb int)"
    )
    cr.execute("CREATE TEMP TABLE bench_pause (policy int, st varchar)")
    for policy in policies:
        cr.execute(
            "INSERT INTO bench_pol VALUES (%s, %s, %s, %s, %s)",
            [
                policy.id,
                policy.acknowledgement_days,
                policy.accept_days,
                policy.reply_days,
                policy.callback_days,
            ],
        )
        for stage in policy.pause_stage_ids:
            cr.execute(
                "INSERT INTO bench_pause VALUES (%s, %s)", [policy.id, stage.state]
            )
    cr.execute(
        "SELECT DISTINCT extract(year FROM date)::int FROM huatai_workday "
        "WHERE year_has_schedule"
    )
    scheduled = [row[0] for row in cr.fetchall()]
    today = china_today()
    flags = " OR ".join(f"c.{flag}" for flag in SEVERITY_FLAGS)
    days = {
        k: f"COALESCE(pol.{col}, {DEFAULT_DAYS[k]})"
        for k, col in (
            ("acknowledgement_days", "ak"),
            ("accept_days", "a"),
            ("reply_days", "r"),
            ("callback_days", "cb"),
        )
    }
    ack_sql = _wd_sql("p.received", days["acknowledgement_days"])
    accept_sql = _wd_sql("p.received", days["accept_days"])
    reply_sql = _wd_sql("p.received", days["reply_days"])
    callback_sql = _wd_sql("p.replied_at", days["callback_days"])
    cr.execute("DROP TABLE IF EXISTS bench_dl")
    cr.execute(
        f"""
        CREATE TEMP TABLE bench_dl AS
        SELECT z.i, z.policy, z.ack_deadline, z.ack_date,
               CASE WHEN z.emailed THEN 'email'
                    WHEN z.ack_date IS NULL THEN NULL
                    WHEN z.ch IN ('phone', 'onsite', 'letter') THEN z.ch
                    ELSE 'sms' END AS ack_method,
               z.accept_deadline, z.reply_deadline,
               z.callback_deadline, z.compliance_required, z.gated,
               CASE WHEN z.paused THEN z.pause_day END AS paused_since,
               z.next_deadline,
               CASE WHEN z.run_ack AND z.ack_deadline = z.next_deadline
                    THEN 'acknowledgement'
                    WHEN z.run_accept AND z.accept_deadline = z.next_deadline
                    THEN 'accept'
                    WHEN z.run_reply AND z.reply_deadline = z.next_deadline
                    THEN 'reply'
                    WHEN z.run_callback AND z.callback_deadline = z.next_deadline
                    THEN 'callback' END AS clock,
               CASE WHEN z.is_closed THEN NULL
                    WHEN z.next_deadline IS NULL THEN 'on_track'
                    WHEN z.next_deadline < %(today)s THEN 'overdue'
                    WHEN z.next_deadline <= %(soon)s THEN 'due_soon'
                    ELSE 'on_track' END AS state,
               (SELECT string_agg(yr::text, ', ' ORDER BY yr)
                  FROM generate_series(
                       extract(year FROM LEAST(z.received_day, z.ack_deadline,
                           z.accept_deadline, z.reply_deadline,
                           z.callback_deadline))::int,
                       extract(year FROM GREATEST(z.ack_deadline, z.accept_deadline,
                           z.reply_deadline, z.callback_deadline))::int) yr
                 WHERE yr <> ALL(%(scheduled)s)) AS fallback_years
        FROM (
            SELECT y.*,
                   LEAST(CASE WHEN y.run_ack THEN y.ack_deadline END,
                         CASE WHEN y.run_accept THEN y.accept_deadline END,
                         CASE WHEN y.run_reply THEN y.reply_deadline END,
                         CASE WHEN y.run_callback THEN y.callback_deadline END
                   ) AS next_deadline
            FROM (
                SELECT x.*,
                       NOT x.is_closed AND x.ack_date IS NULL
                           AND x.replied_at IS NULL AS run_ack,
                       NOT x.is_closed AND x.accepted IS NULL AND x.st = 'new'
                           AS run_accept,
                       NOT x.is_closed AND x.replied_at IS NULL AND NOT x.paused
                           AS run_reply,
                       NOT x.is_closed AND x.replied_at IS NOT NULL AS run_callback
                FROM (
                    SELECT p.*,
                           {ack_sql} AS ack_deadline,
                           CASE WHEN p.emailed THEN LEAST(now() at time zone 'UTC',
                                    p.received + interval '5 minutes')
                                WHEN p.st <> 'new' THEN LEAST(
                                    COALESCE(p.accepted, p.closed),
                                    p.received + interval '4 hours')
                           END::timestamp(0) AS ack_date,
                           {accept_sql} AS accept_deadline,
                           CASE WHEN p.ch = 'regulator'
                                     AND p.regulator_deadline IS NOT NULL
                                THEN LEAST(p.regulator_deadline, {reply_sql})
                                ELSE {reply_sql}
                           END AS reply_deadline,
                           CASE WHEN p.replied_at IS NOT NULL
                                THEN {callback_sql}
                           END AS callback_deadline,
                           NOT p.is_closed AND p.replied_at IS NULL AND EXISTS (
                               SELECT 1 FROM bench_pause bp
                                WHERE bp.policy = p.policy AND bp.st = p.st
                           ) AS paused,
                           p.compliance_required AND p.st = ANY(%(gated)s) AS gated
                    FROM (
                        SELECT c.i, c.received, c.st, c.ch, c.regulator_deadline,
                               c.accepted, c.replied_at, c.closed,
                               (rp.email IS NOT NULL) AS emailed,
                               c.st IN ('closed', 'rejected') AS is_closed,
                               ({flags} OR c.cat = %(wb)s) AS compliance_required,
                               {policy_sql} AS policy,
                               {china_date_sql("c.received")} AS received_day,
                               {china_date_sql("COALESCE(c.accepted, c.received)")}
                                   AS pause_day
                        FROM bench_c c
                        JOIN res_partner rp ON rp.id = c.partner
                    ) p LEFT JOIN bench_pol pol ON pol.id = p.policy
                ) x
            ) y
        ) z
        """,
        {
            "today": today,
            "soon": Complaint._due_soon_limit(today),
            "scheduled": scheduled,
            "gated": list(GATED_STATES),
            "wb": cats["whistleblowing"],
        },
    )
    cr.execute("ALTER TABLE bench_dl ADD PRIMARY KEY (i); ANALYZE bench_dl")


# the stored fields the complaint loader fills; others found stored get recomputed
COMPLAINT_FILLED = {
    "is_confidential",
    "stage_state",
    "is_closed",
    "is_group",
    "is_compensation",
    "recording_consent",
    "acknowledgement_deadline",
    "accept_deadline",
    "reply_deadline",
    "callback_deadline",
    "deadline_state",
    "deadline_policy_id",
    "deadline_fallback_years",
    "next_deadline",
    "deadline_clock",
    "compliance_required",
    # no callback or satisfaction survey is loaded: their empty values
    "callback_attempt_count",
    "callback_result",
    "satisfaction_score",
    "survey_state",
    "survey_answer_count",
}


def _recompute_missing(env, model, filled, base_id):
    """Stored computed fields added after this loader was written: recompute them
    with the ORM (slow, so say so)."""
    Model = env[model]
    todo = [
        f
        for name, f in Model._fields.items()
        if f.store
        and f.compute
        and not f.related
        and name not in filled
        and f.type not in ("one2many", "many2many")
    ]
    if not todo:
        return
    _say(
        f"recomputing with the ORM {', '.join(f.name for f in todo)} (teach "
        "bench/generate.py to fill them in SQL to make this fast)"
    )
    env.cr.execute(
        f"SELECT id FROM {Model._table} WHERE id > %s ORDER BY id", [base_id]
    )
    ids = [r[0] for r in env.cr.fetchall()]
    for start in range(0, len(ids), 5000):
        records = Model.browse(ids[start : start + 5000])
        for f in todo:
            env.add_to_compute(f, records)
        records.flush_recordset()
        env.invalidate_all()


def _sequence_complaints(env):
    """Per-year date ranges of the complaint sequence continue after the loaded
    references."""
    seq = env.ref("huatai_complaints.seq_huatai_complaint").sudo()
    env.cr.execute(
        "SELECT extract(year FROM received_date)::int, count(*) FROM huatai_complaint "
        "WHERE name LIKE 'TS%%' GROUP BY 1"
    )
    for year, count in env.cr.fetchall():
        date_range = seq._get_current_sequence(sequence_date=datetime.date(year, 6, 1))
        if date_range.number_next_actual <= count:
            date_range.write({"number_next": count + 1})


def _chatter(
    env,
    model,
    table,
    base_id,
    creation_body,
    creation_subtype,
    stage_field,
    stages,
    state_col,
    author_col,
    owner_col,
    company,
    previous,
):
    """Creation message, stage-change tracking, followers of the loaded records.

    ``stages``: {state: (stage id, stage name)}; records whose state is not the
    first one get one tracking message from the previous stage to theirs.
    """
    cr = env.cr
    name_col = "name" if model == "huatai.complaint" else "number"
    cr.execute(
        f"""
        INSERT INTO mail_message (
            model, res_id, record_name, record_company_id, message_type, subtype_id,
            body, author_id, is_internal, date, create_uid, write_uid, create_date,
            write_date)
        SELECT %(model)s, r.id, r.{name_col}, %(company)s, 'notification', %(subtype)s,
               %(body)s, u.partner_id, false, r.create_date, r.create_uid, r.create_uid,
               r.create_date, r.create_date
        FROM {table} r JOIN res_users u ON u.id = r.{author_col}
        WHERE r.id > %(base)s
        """,
        {
            "model": model,
            "company": company,
            "subtype": creation_subtype,
            "body": creation_body,
            "base": base_id,
        },
    )
    state_ids = {s: v[0] for s, v in stages.items()}
    first = next(iter(stages))
    prev = previous
    values = ", ".join(
        cr.mogrify(
            "(%s, %s, %s, %s, %s)",
            [s, state_ids[s], stages[s][1], state_ids[prev[s]], stages[prev[s]][1]],
        ).decode()
        for s in stages
        if s != first
    )
    note = env.ref("mail.mt_note").id
    cr.execute(
        f"""
        WITH moves AS (
            SELECT r.id, r.{name_col} AS rec_name, r.write_date, r.{owner_col} AS owner,
                   m.new_id, m.new_name, m.old_id, m.old_name
            FROM {table} r
            JOIN (VALUES {values}) AS m (state, new_id, new_name, old_id, old_name)
              ON m.state = r.{state_col}
            WHERE r.id > %(base)s
        ), msg AS (
            INSERT INTO mail_message (
                model, res_id, record_name, record_company_id, message_type,
                subtype_id, body, author_id, is_internal, date, create_uid, write_uid,
                create_date, write_date)
            SELECT %(model)s, mv.id, mv.rec_name, %(company)s, 'notification',
                   %(note)s, '', u.partner_id, false, mv.write_date, mv.owner, mv.owner,
                   mv.write_date, mv.write_date
            FROM moves mv LEFT JOIN res_users u ON u.id = mv.owner
            RETURNING id, res_id
        )
        INSERT INTO mail_tracking_value (
            mail_message_id, field_id, old_value_integer, new_value_integer,
            old_value_char, new_value_char, create_uid, write_uid, create_date,
            write_date)
        SELECT msg.id, %(field)s, mv.old_id, mv.new_id, mv.old_name, mv.new_name,
               mv.owner, mv.owner, mv.write_date, mv.write_date
        FROM msg JOIN moves mv ON mv.id = msg.res_id
        """,
        {
            "model": model,
            "company": company,
            "note": note,
            "field": stage_field,
            "base": base_id,
        },
    )
    cr.execute(
        f"""
        INSERT INTO mail_followers (res_model, res_id, partner_id)
        SELECT DISTINCT %(model)s, r.id, u.partner_id
        FROM {table} r
        CROSS JOIN LATERAL (VALUES (r.{author_col}), (r.{owner_col})) AS f (uid)
        JOIN res_users u ON u.id = f.uid
        WHERE r.id > %(base)s
        """,
        {"model": model, "base": base_id},
    )


# ---------------------------------------------------------------------------
# OCA helpdesk tickets (the peer)
# ---------------------------------------------------------------------------

HELPDESK_OPEN_CUTS = [("new", 0.20), ("in_progress", 0.75), ("awaiting", 1.01)]
HELPDESK_PREVIOUS = {
    "in_progress": "new",
    "awaiting": "in_progress",
    "done": "in_progress",
    "cancelled": "new",
    "rejected": "new",
}
HELPDESK_CHANNEL = {  # complaint channel -> helpdesk channel xml id
    "phone": "phone",
    "onsite": "other",
    "email": "email",
    "letter": "other",
    "fax": "other",
    "website": "web",
    "regulator": "other",
}


def build_helpdesk_org(env, teams):
    """Helpdesk teams named after the sales departments, two users each, SLAs."""
    names = dept_names(teams)
    grp = "helpdesk_mgmt.group_helpdesk_user"
    users = _users(
        env,
        [
            {
                "name": f"{city}{district}营业部服务专员{j + 1}",
                "login": f"bench_s{k + 1:03d}{'ab'[j]}",
                "groups_id": [(6, 0, [env.ref(grp + "_team").id])],
            }
            for k, (b, city, code, district) in enumerate(names)
            for j in range(2)
        ],
    )
    hq = _users(
        env,
        [
            {
                "name": f"总部服务专员{j + 1}",
                "login": f"bench_hq{j + 1}",
                "groups_id": [(6, 0, [env.ref(grp).id])],
            }
            for j in range(4)
        ],
    )
    calendar = env.company.resource_calendar_id
    Team = env["helpdesk.ticket.team"].with_context(**QUIET)
    team_recs = Team.create(
        [
            {
                "name": f"{city}{district}营业部",
                "user_ids": [(6, 0, users[2 * k : 2 * k + 2].ids)],
                "use_sla": True,
                "resource_calendar_id": calendar.id,
                "alias_name": False,
            }
            for k, (b, city, code, district) in enumerate(names)
        ]
    )
    cat_vals = [
        {"name": zh.TITLES[code].replace("问题", "")} for code, _c in CATEGORY_CUTS
    ]
    cats = env["helpdesk.ticket.category"].with_context(**QUIET).create(cat_vals)
    stage = {
        key: env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{key}")
        for key in ("new", "in_progress", "awaiting", "done", "cancelled", "rejected")
    }
    Sla = env["helpdesk.sla"].with_context(**QUIET)
    slas = Sla.create(
        [
            {
                "name": "首次响应",
                "days": 1,
                "hours": 0,
                "stage_id": stage["in_progress"].id,
            },
            {"name": "解决时限", "days": 15, "hours": 0, "stage_id": stage["done"].id},
        ]
    )
    env.flush_all()
    return {
        "teams": team_recs,
        "users": users,
        "hq_users": hq,
        "categories": cats,
        "stages": stage,
        "slas": slas,
    }


def load_helpdesk(env, size, teams=300, seed=0.42, today=None):
    """Build the teams and ``size`` tickets with chatter and SLA lines."""
    t0 = time.monotonic()
    today = today or datetime.date.today()
    cr = env.cr
    uid = env.ref("base.user_admin").id
    org = build_helpdesk_org(env, teams)
    _say(f"org: {len(org['teams'])} helpdesk teams, {len(org['users'])} users")
    tables = ["helpdesk_ticket", "helpdesk_ticket_sla", *BULK_TABLES]
    with _indexes_deferred(cr, tables, size):
        _bulk_helpdesk(env, org, size, teams, today, seed, uid)
    seq = env.ref("helpdesk_mgmt.helpdesk_ticket_sequence").sudo()
    if seq.number_next_actual <= size:
        seq.write({"number_next": size + 1})
    _sync_id_sequences(cr, tables)
    _analyze(cr, tables + ["helpdesk_ticket_team", "res_users"])
    info = {
        "side": "helpdesk",
        "size": size,
        "teams": teams,
        "date": today.isoformat(),
        "seconds": round(time.monotonic() - t0),
    }
    _set_marker(env, info)
    env.invalidate_all()
    _say(f"tickets loaded in {info['seconds']} s")
    return info


def _bulk_helpdesk(env, org, size, teams, today, seed, uid):
    cr = env.cr
    _workday_tables(cr, today, holidays=False)  # the team calendar: Mon-Fri
    _base_rows(cr, size, today, seed)
    n_partners = max(1, int(size * 0.75))
    pbase = _load_partners(cr, n_partners, uid)
    _say(f"{n_partners} contacts")
    users = org["users"]
    cr.execute("DROP TABLE IF EXISTS bench_team")
    cr.execute(
        "CREATE TEMP TABLE bench_team (k int PRIMARY KEY, team int, s1 int, s2 int)"
    )
    cr.execute(
        "INSERT INTO bench_team SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], "
        "%s::int[])",
        [list(range(1, teams + 1)), org["teams"].ids, users.ids[0::2], users.ids[1::2]],
    )
    st = org["stages"]
    open_case = _case(
        "b.r_stage", [(st[k].id, c) for k, c in HELPDESK_OPEN_CUTS], False
    )
    closed_case = (
        f"CASE WHEN b.r_stage < 0.95 THEN {st['done'].id} WHEN b.r_stage < 0.98 "
        f"THEN {st['cancelled'].id} ELSE {st['rejected'].id} END"
    )
    chan_ids = {
        k: env.ref(f"helpdesk_mgmt.helpdesk_ticket_channel_{k}").id
        for k in ("web", "email", "phone", "other")
    }
    chan_case = _case(
        "b.r_chan",
        [(chan_ids[HELPDESK_CHANNEL[c]], cut) for c, cut in CHANNEL_CUTS],
        False,
    )
    cats = org["categories"]
    cat_case = _case(
        "b.r_cat", [(cats[i].id, c) for i, (_x, c) in enumerate(CATEGORY_CUTS)], False
    )
    title_case = _case(
        "b.r_cat", [(f"'{zh.TITLES[code]}'", c) for code, c in CATEGORY_CUTS], False
    )
    fact_case = _case(
        "b.r_cat",
        [
            (
                "(ARRAY["
                + ",".join(f"'{t}'" for t in zh.FACTS[code])
                + f"])[1 + mod(b.i, {len(zh.FACTS[code])})]",
                c,
            )
            for code, c in CATEGORY_CUTS
        ],
        False,
    )
    cr.execute("SELECT COALESCE(MAX(id), 0) + 1000 FROM helpdesk_ticket")
    base_id = cr.fetchone()[0]
    padding = env.ref("helpdesk_mgmt.helpdesk_ticket_sequence").padding
    cr.execute(
        f"""
        INSERT INTO helpdesk_ticket (
            id, number, name, description, user_id, stage_id, partner_id,
            commercial_partner_id, partner_name, partner_email, company_id, channel_id,
            category_id, team_id, color, sequence, priority, kanban_state, unattended,
            active, last_stage_update, assigned_date, closed_date,
            create_uid, write_uid, create_date, write_date)
        SELECT %(base)s + b.i, 'HT' || lpad(b.i::text, %(padding)s, '0'),
               {title_case}, '<p>' || {fact_case} || '</p>',
               t.owner, t.stage, p.id, p.id, p.name, p.email, %(company)s,
               {chan_case}, {cat_case}, t.team, 0, 10,
               CASE WHEN b.r_z < 0.05 THEN '2' ELSE '1' END, 'normal',
               t.stage = %(new)s, true,
               COALESCE(t.closed, t.moved, b.received),
               b.received + interval '10 minutes', t.closed,
               t.owner, t.owner, b.received,
               COALESCE(t.closed, t.moved, b.received)
        FROM bench_base b
        JOIN res_partner p ON p.id = %(pbase)s + 1 + floor(b.r_p * %(np)s)::int
        CROSS JOIN LATERAL (
            SELECT CASE WHEN b.r_user < 0.5 THEN tm.s1 ELSE tm.s2 END AS owner,
                   tm.team,
                   CASE WHEN b.is_open THEN {open_case} ELSE {closed_case} END AS stage,
                   CASE WHEN NOT b.is_open THEN LEAST(now() at time zone 'UTC',
                        b.received + (16 + b.r_z * 4) * interval '1 day')::timestamp(0)
                   END AS closed,
                   CASE WHEN b.is_open AND b.r_stage >= 0.2 THEN LEAST(
                        now() at time zone 'UTC', b.received + b.r_x * interval '2 days'
                        )::timestamp(0) END AS moved
            FROM bench_team tm
            WHERE tm.k = 1 + LEAST(floor(%(teams)s * power(b.r_dept, 1.3))::int,
                                   %(teams)s - 1)
        ) t
        """,
        {
            "base": base_id,
            "padding": padding,
            "company": env.company.id,
            "new": st["new"].id,
            "pbase": pbase,
            "np": n_partners,
            "teams": teams,
        },
    )
    _say(f"{size} tickets")
    # SLA lines: response (1 working day) and resolution (15 working days)
    for sla in org["slas"]:
        expected = sla.stage_id
        cr.execute(
            f"""
            INSERT INTO helpdesk_ticket_sla (
                ticket_id, sla_id, expected_stage_id, state, deadline, last_state_date,
                hours, consumed_time, create_uid, write_uid, create_date, write_date)
            SELECT t.id, %(sla)s, %(expected)s,
                   CASE WHEN s.sequence >= %(seq)s THEN 'accomplished'
                        ELSE 'in_progress' END,
                   {_wd_sql("t.create_date", sla.days)} + t.create_date::time,
                   t.create_date, %(hours)s, 0, t.create_uid, t.create_uid,
                   t.create_date, t.write_date
            FROM helpdesk_ticket t JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
            WHERE t.id > %(base)s
            """,
            {
                "sla": sla.id,
                "expected": expected.id,
                "seq": expected.sequence,
                "hours": sla.days * 8 + sla.hours,
                "base": base_id,
            },
        )
    # the stored state ('closed' is a related, non-stored field of the stage)
    cr.execute(
        "DROP TABLE IF EXISTS bench_h; CREATE TEMP TABLE bench_h AS "
        "SELECT t.id, t.number, t.create_date, t.write_date, t.create_uid, t.user_id, "
        "CASE s.id "
        + " ".join(f"WHEN {v.id} THEN '{k}'" for k, v in st.items())
        + " END AS state FROM helpdesk_ticket t JOIN helpdesk_ticket_stage s "
        "ON s.id = t.stage_id WHERE t.id > %s",
        [base_id],
    )
    lang = _lang(env)
    stage_names = {k: (v.id, v.with_context(lang=lang).name) for k, v in st.items()}
    stage_field = env["ir.model.fields"]._get("helpdesk.ticket", "stage_id").id
    _chatter(
        env,
        "helpdesk.ticket",
        "bench_h",
        base_id,
        creation_body="<p>工单已创建</p>",
        creation_subtype=env.ref("helpdesk_mgmt.hlp_tck_created").id,
        stage_field=stage_field,
        stages={
            "new": stage_names["new"],
            "in_progress": stage_names["in_progress"],
            "awaiting": stage_names["awaiting"],
            "done": stage_names["done"],
            "cancelled": stage_names["cancelled"],
            "rejected": stage_names["rejected"],
        },
        state_col="state",
        author_col="create_uid",
        owner_col="user_id",
        company=env.company.id,
        previous=HELPDESK_PREVIOUS,
    )
    cr.execute(
        "DROP TABLE IF EXISTS bench_r; CREATE TEMP TABLE bench_r AS "
        "SELECT id - %s AS i, number AS name, user_id AS owner FROM helpdesk_ticket "
        "WHERE id > %s; ALTER TABLE bench_r ADD PRIMARY KEY (i)",
        [base_id, base_id],
    )
    _activity_rows(cr, "helpdesk.ticket", "bench_r", base_id, uid)


# ---------------------------------------------------------------------------
# outage burst (issue 16): a labelled set for the incident proposals
# ---------------------------------------------------------------------------


def outage_burst(
    units,
    start,
    burst=100,
    background=200,
    events=("login", "order", "quote"),
    minutes=20,
    seed=42,
):
    """Complaint values of an outage burst among background complaints.

    ``burst`` complaints about ``events`` (paraphrased, zh.OUTAGE_EVENTS)
    arrive at the sales departments ``units`` within ``minutes`` of
    ``start``; ``background`` ordinary complaints (every type, zh.FACTS) are
    spread over the 7 days before ``start`` and the burst's morning. Returns
    [(label, values)] sorted by arrival, where label is the event of a burst
    complaint and None for the background; values take the category code in
    ``category`` (the caller maps it to a record) and the unit in
    ``accepting_unit_id``.
    """
    import random

    rng = random.Random(seed)
    rows = []
    for k in range(burst):
        event = events[k % len(events)]
        text = (
            rng.choice(zh.OUTAGE_OPENINGS)
            + rng.choice(zh.OUTAGE_EVENTS[event])
            + rng.choice(zh.OUTAGE_CONSEQUENCES)
        )
        received = start + datetime.timedelta(seconds=rng.uniform(0, minutes * 60))
        rows.append((event, received, "system", text))
    codes = sorted(zh.FACTS)
    for _k in range(background):
        code = rng.choice(codes)
        # the same openings and demands as the outage complaints: what every
        # complainant says carries no sign of an event
        text = (
            rng.choice(zh.OUTAGE_OPENINGS)
            + rng.choice(zh.FACTS[code])
            + rng.choice(zh.OUTAGE_CONSEQUENCES + zh.DEMANDS)
        )
        offset = rng.uniform(-7 * 24 * 3600, 3 * 3600)
        rows.append((None, start + datetime.timedelta(seconds=offset), code, text))
    rows.sort(key=lambda row: row[1])
    out = []
    for label, received, code, text in rows:
        unit = rng.choice(units)
        surname, given = rng.choice(zh.SURNAMES), rng.choice(zh.GIVEN)
        out.append(
            (
                label,
                {
                    "channel": "phone",
                    "category": code,
                    "accepting_unit_id": unit,
                    "received_date": received.replace(microsecond=0),
                    "complainant_name": f"{surname}{given}",
                    "complainant_phone": f"139{rng.randrange(10**8):08d}",
                    "client_account": f"{rng.randrange(10**10):010d}",
                    "description": text,
                },
            )
        )
    return out
