"""The measurements: each issues what Odoo 18's web client (or the cron) issues.

Every figure is the median of ``runs`` timed runs after one untimed warm-up run;
the record cache is emptied before each run (a new request starts with an empty
cache), the registry caches (rules, views, groups) stay warm as in a running
server.  Nothing is committed: writes happen in a savepoint that is rolled back.

The raw SQL floor of a figure: the SQL statements the ORM sent during the warm-up
run, replayed with EXPLAIN (ANALYZE) and their execution times added up -- the
time PostgreSQL itself needs for the work, without Python, ORM or network.
"""

import contextlib
import json
import os
import statistics
import time

from lxml import etree

KANBAN_LIMIT = 40  # web/static/src/views/kanban/kanban_controller.js
KANBAN_GROUP_LIMIT = 10  # RelationalModel.DEFAULT_OPEN_GROUP_LIMIT
LIST_LIMIT = 80  # RelationalModel.DEFAULT_LIMIT
COUNT_LIMIT = 10001  # DEFAULT_COUNT_LIMIT + 1, as _loadUngroupedList sends it
FLOOR_MAX_STATEMENTS = 3000  # replay a sample of longer runs and scale the sum
# fields the activity widgets read besides activity_ids (their fieldDependencies)
ACTIVITY_FIELDS = [
    "activity_exception_decoration",
    "activity_exception_icon",
    "activity_state",
    "activity_summary",
    "activity_type_icon",
    "activity_type_id",
]

SIDES = {
    "complaints": {
        "model": "huatai.complaint",
        # the action's default filter (search_default_open)
        "domain": [("is_closed", "=", False)],
        "tables": [
            "huatai_complaint",
            "huatai_complaint_dispatch",
            "res_partner",
            "mail_message",
            "mail_tracking_value",
            "mail_followers",
            "mail_activity",
        ],
    },
    "helpdesk": {
        "model": "helpdesk.ticket",
        # the 'Open' filter the helpdesk dashboard applies
        "domain": [("closed", "=", False)],
        "tables": [
            "helpdesk_ticket",
            "helpdesk_ticket_sla",
            "res_partner",
            "mail_message",
            "mail_tracking_value",
            "mail_followers",
            "mail_activity",
        ],
    },
}


# ---------------------------------------------------------------------------
# timing and the SQL floor
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def capture_queries():
    """Record (query, params) of every statement sent through Odoo's cursors."""
    from odoo import sql_db
    from odoo.tools import SQL

    original = sql_db.Cursor.execute
    log = []

    def execute(self, query, params=None, log_exceptions=True):
        if isinstance(query, SQL):
            log.append((query.code, query.params))
        else:
            log.append((query, params))
        return original(self, query, params, log_exceptions)

    sql_db.Cursor.execute = execute
    try:
        yield log
    finally:
        sql_db.Cursor.execute = original


@contextlib.contextmanager
def rolled_back(env):
    """Run the block in a savepoint that is rolled back, caches emptied after
    (what is pending before is written first: it is not part of the block)."""
    env.flush_all()
    savepoint = env.cr.savepoint(flush=False)
    try:
        yield
    finally:
        env.invalidate_all(flush=False)
        env.cr.precommit.clear()
        env.cr.postcommit.clear()
        savepoint.close(rollback=True)
        env.invalidate_all(flush=False)


def _statement_kind(query):
    head = query.lstrip().split(None, 1)[0].upper() if query.strip() else ""
    return head


def sql_floor(env, queries, writes=False):
    """Sum of EXPLAIN ANALYZE execution times (ms) of the captured statements."""
    kinds = {"SELECT", "WITH"} | ({"INSERT", "UPDATE", "DELETE"} if writes else set())
    todo = [(q, p) for q, p in queries if _statement_kind(q) in kinds]
    if not todo:
        return 0.0
    step = max(1, len(todo) // FLOOR_MAX_STATEMENTS)
    sample = todo[::step]
    total = 0.0
    done = 0
    with rolled_back(env):
        for query, params in sample:
            savepoint = env.cr.savepoint(flush=False)
            try:
                env.cr.execute(
                    "EXPLAIN (ANALYZE, FORMAT JSON) " + query,
                    params,
                    log_exceptions=False,
                )
                plan = env.cr.fetchone()[0]
                if isinstance(plan, str):
                    plan = json.loads(plan)
                total += plan[0]["Execution Time"]
                done += 1
                savepoint.close(rollback=False)
            except Exception:  # a replayed write may hit an id of the warm-up run
                savepoint.close(rollback=True)
    if not done:
        return None
    return total * len(todo) / done


def timed(env, fn, runs=3, floor=True, writes=False, setup=None):
    """{'ms': median, 'runs': [...], 'floor_ms': ...} of ``fn()``.

    ``setup``: run before each run in the same rolled-back savepoint, untimed
    (it prepares the data the run works on)."""

    def prepare():
        if setup:
            setup()
            env.flush_all()
            env.invalidate_all()

    with capture_queries() as queries:
        with rolled_back(env):
            prepare()
            queries.clear()
            fn()
            env.flush_all()
    times, cpus, pg_cpus = [], [], []
    env.cr.execute("SELECT pg_backend_pid()")
    backend = env.cr.fetchone()[0]
    for _i in range(runs):
        env.invalidate_all()
        with rolled_back(env):
            prepare()
            t0, c0 = time.perf_counter(), time.process_time()
            p0 = _cpu_seconds(backend)
            fn()
            env.flush_all()
            times.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
            p1 = _cpu_seconds(backend)
            if p0 is not None and p1 is not None:
                pg_cpus.append((p1 - p0) * 1000)
    result = {
        "ms": statistics.median(times),
        "runs": [round(t, 1) for t in times],
        "queries": len(queries),
        # CPU of this process and of the connection's PostgreSQL backend:
        # what a shared machine distorts much less than the wall time
        "cpu_ms": statistics.median(cpus),
    }
    if pg_cpus:
        result["pg_cpu_ms"] = statistics.median(pg_cpus)
    if floor:
        result["floor_ms"] = sql_floor(env, queries, writes=writes)
    return result


# ---------------------------------------------------------------------------
# what the web client sends
# ---------------------------------------------------------------------------


def client_context(env, user):
    return {
        "lang": user.lang or "en_US",
        "tz": user.tz or "UTC",
        "uid": user.id,
        "allowed_company_ids": [user.company_id.id],
        "bin_size": True,
    }


def view_spec(model, view_type):
    """The web_search_read specification of the default view of ``view_type``."""
    views = model.get_views([(False, view_type)])
    arch = etree.fromstring(views["views"][view_type]["arch"])
    spec = {}
    for node in arch.iter("field"):
        if any(a.tag == "field" for a in node.iterancestors()):
            continue  # inside an inline sub-view
        name = node.get("name")
        field = model._fields[name]
        if field.type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif field.type == "many2many" and node.get("widget") == "many2many_tags":
            spec[name] = {"fields": {"display_name": {}, "color": {}}}
        elif field.type in ("one2many", "many2many"):
            spec[name] = {}
        else:
            spec[name] = {}
        if name == "activity_ids":
            for dep in ACTIVITY_FIELDS:
                if dep in model._fields:
                    spec[dep] = (
                        {"fields": {"display_name": {}}}
                        if model._fields[dep].type == "many2one"
                        else {}
                    )
    return spec


def progress_bar(model):
    """The <progressbar> of the default kanban view: {'field', 'colors'}."""
    views = model.get_views([(False, "kanban")])
    arch = etree.fromstring(views["views"]["kanban"]["arch"])
    node = next(arch.iter("progressbar"), None)
    if node is None:
        return None
    return {"field": node.get("field"), "colors": json.loads(node.get("colors"))}


def kanban_first_load(model, domain, spec, progress=None):
    """web_read_group by stage + the first cards of each open column + progress bar
    (``progress``: the view's <progressbar>, see progress_bar())."""
    aggregates = [
        f"{name}:{model._fields[name].aggregator}"
        for name in spec
        if getattr(model._fields[name], "aggregator", None) and name != "stage_id"
    ]
    res = model.web_read_group(
        domain,
        aggregates,
        ["stage_id"],
        limit=KANBAN_GROUP_LIMIT,
        offset=0,
        orderby="",
        lazy=True,
    )
    opened = 0
    cards = 0
    for group in res["groups"]:
        if group.get("__fold") or not group.get("stage_id_count"):
            continue
        opened += 1
        if opened > KANBAN_GROUP_LIMIT:
            break
        page = model.web_search_read(
            group["__domain"],
            spec,
            offset=0,
            limit=KANBAN_LIMIT,
            order="",
            count_limit=COUNT_LIMIT,
        )
        cards += len(page["records"])
    if progress:
        model.read_progress_bar(domain, "stage_id", progress)
    return cards


def list_first_page(model, domain, spec):
    page = model.web_search_read(
        domain, spec, offset=0, limit=LIST_LIMIT, order="", count_limit=COUNT_LIMIT
    )
    return len(page["records"])


# ---------------------------------------------------------------------------
# intake
# ---------------------------------------------------------------------------


def complaint_vals(env, user, k):
    cats = env["huatai.complaint.category"].search(
        [("is_confidential", "=", False)], limit=3
    )
    return {
        "channel": "email",
        "category_id": cats[k % len(cats)].id,
        "complainant_name": f"测试客户{k}",
        "complainant_phone": f"139{k:08d}",
        "complainant_email": f"bench.intake.{k}.{time.time_ns()}@example.com",
        "client_account": f"{880000000000 + k}",
        "description": "客户反映开盘后交易系统卡顿，委托长时间未成交。",
        "demand": "要求尽快处理并书面答复。",
        "accepting_unit_id": user.huatai_unit_ids[:1].id,
    }


def ticket_vals(env, user, k):
    team = env["helpdesk.ticket.team"].search([("user_ids", "in", user.ids)], limit=1)
    category = env["helpdesk.ticket.category"].search([], limit=1)
    return {
        "name": "交易系统问题",
        "description": "<p>客户反映开盘后交易系统卡顿，委托长时间未成交。</p>",
        "team_id": team.id,
        "user_id": user.id,
        "category_id": category.id,
        "channel_id": env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email").id,
        "partner_name": f"测试客户{k}",
        "partner_email": f"bench.intake.{k}.{time.time_ns()}@example.com",
    }


def intake(env, side, user, count):
    """Create ``count`` records as ``user`` with tracking on, then run what the
    end of the request runs (flush, tracking in precommit)."""
    model = (
        env[SIDES[side]["model"]]
        .with_user(user)
        .with_context(**client_context(env, user))
    )
    make = complaint_vals if side == "complaints" else ticket_vals
    vals = [make(model.env, user, k) for k in range(count)]

    def run_one():
        for v in vals:
            model.create(dict(v))
            model.env.flush_all()
            model.env.cr.precommit.run()

    def run_batch():
        model.create([dict(v) for v in vals])
        model.env.flush_all()
        model.env.cr.precommit.run()

    return run_one, run_batch


def _cpu_seconds(pid=None):
    """CPU seconds (user + system) used so far by process ``pid`` (this
    one by default), from /proc: PostgreSQL's backend of a connection is a
    process of the same machine here."""
    if pid is None:
        return time.process_time()
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def intake_interleaved(envs, depts, runs=3, count=20, say=print):
    """One-by-one intake of every side of ``envs`` ({side: env}), run after
    run alternately (the machine is shared: a burst of other work hits both
    sides alike). Per side: wall ms per record (median of ``runs``), the
    Python CPU ms of this process and the CPU ms of the connection's
    PostgreSQL backend per record (which contention distorts much less than
    the wall time), queries per record and the SQL floor."""
    closures, out = {}, {}
    for side, env in envs.items():
        sales, _hq = bench_users(env, side, depts[side])
        one, _many = intake(env, side, sales, count)
        closures[side] = one
        # warm-up, queries and SQL floor
        first = timed(env, one, runs=1, writes=True)
        env.cr.execute("SELECT pg_backend_pid()")
        out[side] = {
            "queries": first["queries"] / count,
            "floor_ms": (first.get("floor_ms") or 0) / count,
            "backend": env.cr.fetchone()[0],
            "walls": [],
            "python": [],
            "postgres": [],
        }
    for run_no in range(runs):
        for side, env in envs.items():
            res = out[side]
            env.invalidate_all()
            with rolled_back(env):
                w0, c0 = time.perf_counter(), _cpu_seconds()
                p0 = _cpu_seconds(res["backend"])
                closures[side]()
                env.flush_all()
                wall = (time.perf_counter() - w0) * 1000 / count
                cpu = (_cpu_seconds() - c0) * 1000 / count
                p1 = _cpu_seconds(res["backend"])
            res["walls"].append(round(wall, 1))
            res["python"].append(round(cpu, 1))
            if p0 is not None and p1 is not None:
                res["postgres"].append(round((p1 - p0) * 1000 / count, 1))
            say(
                f"{side}: intake run {run_no + 1}: {wall:.1f} ms per record "
                f"(Python {cpu:.1f} ms, PostgreSQL "
                f"{res['postgres'][-1] if res['postgres'] else '?'} ms), "
                f"load {os.getloadavg()[0]:.1f}"
            )
    for res in out.values():
        res["ms"] = statistics.median(res["walls"])
        res["python_ms"] = statistics.median(res["python"])
        if res["postgres"]:
            res["postgres_ms"] = statistics.median(res["postgres"])
        del res["backend"]
    return out


# ---------------------------------------------------------------------------
# the deadline job / the peer's SLA refresh
# ---------------------------------------------------------------------------


def complaint_deadline_cron(env):
    """The scheduled action that refreshes the complaints' deadlines, or None
    while the product has none."""
    crons = (
        env["ir.cron"]
        .with_context(active_test=False)
        .search([("model_id.model", "=", "huatai.complaint")])
    )
    for cron in crons:
        code = (cron.code or "").strip()
        if "deadline" not in (code + (cron.name or "")).lower():
            continue
        if code.startswith("model.") and code.endswith("()"):
            return cron
    return None


def cron_until_done(env, cron, stats=None, max_batches=None):
    """The cron's job as Odoo's cron runner runs it: batch after batch while
    the job reports progress and work remains (a partially done job is run
    again at once), as the cron's user.  ``stats`` gets the number of batches
    and what the job reported."""
    method = cron.code.strip()[len("model.") : -2]

    def run():
        progress = (
            env["ir.cron.progress"]
            .sudo()
            .create({"cron_id": cron.id, "done": 0, "remaining": 0})
        )
        model = (
            env[cron.model_id.model]
            .with_user(cron.user_id)
            .with_context(ir_cron_progress_id=progress.id)
        )
        batches = done = 0
        while True:
            getattr(model, method)()
            batches += 1
            done += progress.done
            if not progress.done or not progress.remaining:
                break
            if max_batches and batches >= max_batches:
                break
        if stats is not None:
            stats.update(batches=batches, alerts=done)

    return run


def complaint_deadline_job(env):
    """The deadline cron as a callable run until done, and its name."""
    cron = complaint_deadline_cron(env)
    if cron is None:
        return None, None
    return cron_until_done(env, cron), cron.name


def _deadline_states_as_of(env, day):
    """Set the open complaints' deadline states and sent alerts as the job
    left them on ``day``: the state of their running clock's deadline seen
    from ``day``, the alerts of every clock due soon or overdue sent.
    Returns how many rows changed."""
    from odoo.addons.huatai_complaints.models.huatai_complaint_deadline import (
        DEADLINE_STATES,  # noqa: F401  (fails loudly if the engine moved)
    )

    Complaint = env["huatai.complaint"]
    soon = Complaint._due_soon_limit(day)
    env.flush_all()
    env.cr.execute(
        """
        UPDATE huatai_complaint c
           SET deadline_state = s.state,
               alert_due_soon_key = s.key_soon,
               alert_overdue_key = s.key_overdue
          FROM (SELECT q.id, q.state,
                       CASE WHEN q.state IN ('due_soon', 'overdue') THEN q.key
                       END AS key_soon,
                       CASE WHEN q.state = 'overdue' THEN q.key END AS key_overdue
                  FROM (SELECT id,
                               deadline_clock || ':' || next_deadline::text AS key,
                               CASE WHEN next_deadline IS NULL THEN 'on_track'
                                    WHEN next_deadline < %(day)s THEN 'overdue'
                                    WHEN next_deadline <= %(soon)s THEN 'due_soon'
                                    ELSE 'on_track' END AS state
                          FROM huatai_complaint
                         WHERE is_closed IS NOT TRUE AND active) q) s
         WHERE c.id = s.id
           AND (c.deadline_state IS DISTINCT FROM s.state
                OR c.alert_due_soon_key IS DISTINCT FROM s.key_soon
                OR c.alert_overdue_key IS DISTINCT FROM s.key_overdue)
        """,
        {"day": day, "soon": soon},
    )
    changed = env.cr.rowcount
    env.invalidate_all()
    return changed


def _state_moves(env, day, today):
    """How many open complaints' deadline state differs between ``day`` and
    ``today`` (the state changes the job has to make)."""
    soon_day = env["huatai.complaint"]._due_soon_limit(day)
    soon_today = env["huatai.complaint"]._due_soon_limit(today)
    env.cr.execute(
        """
        SELECT count(*) FROM huatai_complaint
         WHERE is_closed IS NOT TRUE AND active AND next_deadline IS NOT NULL
           AND (CASE WHEN next_deadline < %(day)s THEN 2
                     WHEN next_deadline <= %(soon_day)s THEN 1 ELSE 0 END)
            <> (CASE WHEN next_deadline < %(today)s THEN 2
                     WHEN next_deadline <= %(soon_today)s THEN 1 ELSE 0 END)
        """,
        {"day": day, "soon_day": soon_day, "today": today, "soon_today": soon_today},
    )
    return env.cr.fetchone()[0]


@contextlib.contextmanager
def prepared(env, prepare, restore, commit):
    """Data prepared for a figure.  ``commit``: prepared, committed and
    vacuumed now, the context gives no per-run setup, and ``restore`` runs
    (committed, vacuumed) at the end; else the context gives ``prepare`` as
    the per-run setup of timed(), inside each run's rolled-back savepoint."""
    if not commit:
        yield prepare
        return
    prepare()
    env.flush_all()
    env.cr.commit()
    for table in VACUUMED:
        vacuum(env, table)
    try:
        yield None
    finally:
        env.invalidate_all(flush=False)
        env.cr.rollback()
        restore()
        env.flush_all()
        env.cr.commit()
        for table in VACUUMED:
            vacuum(env, table)


# the complaints and what triggers keep in step with them (huatai_reports)
VACUUMED = (
    "huatai_complaint",
    "huatai_complaint_report_fact",
    "huatai_complaint_report_month",
)


def vacuum(env, table, full=False):
    """VACUUM ANALYZE ``table``, as autovacuum does after a mass update;
    ``full``: rewrite it and its indexes compactly, as the generator left it."""
    import psycopg2

    from odoo.sql_db import connection_info_for

    _name, params = connection_info_for(env.cr.dbname)
    conn = psycopg2.connect(**params)
    try:
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute("SELECT to_regclass(%s)", [table])
            if cr.fetchone()[0]:
                if full:
                    cr.execute("SET maintenance_work_mem = '512MB'")
                    # a rewrite leaves the visibility map empty: index-only
                    # scans would visit the heap until the next plain VACUUM
                    cr.execute(f"VACUUM FULL {table}")
                cr.execute(f"VACUUM ANALYZE {table}")
    finally:
        conn.close()


def _pending_alerts(env):
    """The alerts the job will send: complaints whose state the date moves
    into due soon or overdue, or already there without their alert."""
    today = _today()
    env.cr.execute(
        """
        SELECT count(*) FROM huatai_complaint
         WHERE is_closed IS NOT TRUE AND active
           AND ((deadline_state = 'due_soon'
                 AND alert_due_soon_key IS DISTINCT FROM
                     deadline_clock || ':' || next_deadline::text)
             OR (deadline_state = 'overdue'
                 AND alert_overdue_key IS DISTINCT FROM
                     deadline_clock || ':' || next_deadline::text)
             OR (next_deadline < %(today)s AND deadline_state <> 'overdue')
             OR (next_deadline <= %(soon)s AND deadline_state = 'on_track'))
        """,
        {"today": today, "soon": env["huatai.complaint"]._due_soon_limit(today)},
    )
    return env.cr.fetchone()[0]


def _today():
    from odoo.addons.huatai_complaints.tools.workdays import china_today

    return china_today()


def _deadline_states_reset(env, alerts_sent):
    """Every open complaint back to the state it had when received (on
    track); ``alerts_sent``: keep the alert keys of its current clock as if
    they had been sent (only the states move), else no alert sent yet."""
    env.flush_all()
    keys = (
        "alert_due_soon_key = deadline_clock || ':' || next_deadline::text, "
        "alert_overdue_key = deadline_clock || ':' || next_deadline::text"
        if alerts_sent
        else "alert_due_soon_key = NULL, alert_overdue_key = NULL"
    )
    env.cr.execute(
        f"UPDATE huatai_complaint SET deadline_state = 'on_track', {keys} "
        "WHERE is_closed IS NOT TRUE AND active"
    )
    changed = env.cr.rowcount
    env.invalidate_all()
    return changed


def _open_deadline_counts(env):
    env.cr.execute(
        "SELECT deadline_state, count(*) FROM huatai_complaint "
        "WHERE is_closed IS NOT TRUE AND active GROUP BY 1"
    )
    return {state or "none": count for state, count in env.cr.fetchall()}


def complaint_deadline_figures(
    env, runs, open_count, say=print, commit=False, alert_batches=10
):
    """Figure 4 for the product, three ways (see bench/README.md):

    - ``deadline_job``: the cron as it runs each day: the states and alerts
      as the job left them yesterday, then the job today until it is done
      (the day's state changes and their alerts);
    - ``deadline_states_all``: the job when the date moved for every open
      complaint at once: all of them on track with their alerts already
      sent, so that every one due soon or overdue changes state (the state
      pass over all open complaints, no alert);
    - ``deadline_recompute_all``: every open complaint's deadlines computed
      again by the engine (policy re-matched, the three clocks on the
      working-day calendar, next deadline, state), as after a change of the
      holiday schedule or of the policies -- the counterpart of the peer's
      SLA refresh;
    - ``deadline_alerts_all``: the job on a database where no alert was
      ever sent (all open complaints on track, no key): every complaint due
      soon or overdue changes state and gets its alerts -- the worst case
      (first run after a migration): ``alert_batches`` batches timed, the
      time per alert scaled to all of them.

    ``commit``: commit the data prepared for a figure (and VACUUM) before
    timing it, restore and commit after: the timed runs then update rows
    written by an earlier transaction, as in production (rows written in the
    same transaction make PostgreSQL check every foreign key of every updated
    row again).  Off inside tests, where nothing may be committed.
    """
    import datetime

    from odoo.addons.huatai_complaints.tools.workdays import china_today

    out = {}
    cron = complaint_deadline_cron(env)
    if cron is None:
        skipped = {"skipped": "no deadline cron on huatai.complaint yet"}
        return {"deadline_job": skipped}
    Complaint = env["huatai.complaint"].sudo().with_context(active_test=False)
    today = china_today()
    yesterday = today - datetime.timedelta(days=1)

    def per_100k(res):
        res["per_100k_open_s"] = res["ms"] / 1000 * 100000 / max(open_count, 1)
        return res

    # (a) the daily run
    stats = {}
    info = {}

    def setup_daily():
        info["rows_prepared"] = _deadline_states_as_of(env, yesterday)
        info["state_changes"] = _state_moves(env, yesterday, today)

    def restore():
        _deadline_states_as_of(env, today)

    job = cron_until_done(env, cron, stats)
    with prepared(env, setup_daily, restore, commit) as setup:
        res = per_100k(timed(env, job, runs, writes=True, setup=setup))
    res.update(job=cron.name, **stats, **info)
    out["deadline_job"] = res
    say(
        f"complaints: deadline job (daily) {res['ms'] / 1000:.2f} s, "
        f"{res['state_changes']} state changes, {stats.get('alerts')} alerts "
        f"in {stats.get('batches')} batches"
    )

    # (b) the state pass over all open complaints
    def setup_states():
        info["rows_prepared"] = _deadline_states_reset(env, alerts_sent=True)

    def states():
        info["changed"] = Complaint._refresh_deadline_states()

    with prepared(env, setup_states, restore, commit) as setup:
        res = per_100k(timed(env, states, runs, writes=True, setup=setup))
    res.update(rows_prepared=info["rows_prepared"], state_changes=info["changed"])
    out["deadline_states_all"] = res
    say(
        f"complaints: deadline states, all open {res['ms'] / 1000:.2f} s "
        f"({info['changed']} state changes)"
    )

    # (c) the engine's recomputation of every open complaint's deadlines
    def recompute():
        Complaint._recompute_open_deadlines(policies=True)

    res = per_100k(timed(env, recompute, runs, writes=True))
    out["deadline_recompute_all"] = res
    say(f"complaints: deadline recompute, all open {res['ms'] / 1000:.2f} s")

    # (d) the worst case: every alert due at once.  The state pass is (b);
    # the alerts: the cron's first call (Odoo runs up to 10 batches of a job
    # in one go) on states already moved, timed and scaled to all of them
    states_ms = out["deadline_states_all"]["ms"]
    stats_all = {}
    job_all = cron_until_done(env, cron, stats_all, max_batches=alert_batches)

    def setup_alerts():
        info["rows_prepared"] = _deadline_states_reset(env, alerts_sent=False)
        Complaint._refresh_deadline_states()
        info["pending"] = _pending_alerts(env)

    with prepared(env, setup_alerts, restore, commit) as setup:
        res = timed(env, job_all, 1, writes=True, setup=setup)
    res.update(**stats_all, pending=info["pending"], states_ms=states_ms)
    if stats_all.get("alerts"):
        scale = info["pending"] / stats_all["alerts"]
        res["ms_per_alert"] = res["ms"] / stats_all["alerts"]
        res["sample_ms"] = res["ms"]
        res["ms"] = states_ms + res["ms"] * scale
        if res.get("floor_ms") is not None:
            res["floor_ms"] *= scale
            res["floor_ms"] += out["deadline_states_all"].get("floor_ms") or 0
    out["deadline_alerts_all"] = per_100k(res)
    if commit:
        # the committed preparations rewrote every open complaint four times:
        # leave the table and its indexes as compact as the generator did
        env.cr.commit()
        for table in VACUUMED:
            vacuum(env, table, full=True)
    say(
        f"complaints: deadline job, every alert at once {res['ms'] / 1000:.1f} s "
        f"(state pass {states_ms / 1000:.1f} s, then {info['pending']} alerts; "
        f"{stats_all.get('alerts')} timed, {res.get('ms_per_alert', 0):.1f} ms each)"
    )
    return out


def helpdesk_sla_refresh(env, tickets):
    """What the peer offers to bring SLAs up to date: refresh_sla() on each ticket
    (re-matching the SLA rules), then their deadlines recomputed over the team's
    working time."""

    def run():
        for ticket in tickets:
            ticket.refresh_sla()
        lines = tickets.ticket_sla_ids
        field = lines._fields["deadline"]
        env.add_to_compute(field, lines)
        env.flush_all()

    return run


# ---------------------------------------------------------------------------
# sizes
# ---------------------------------------------------------------------------


def db_sizes(env, side):
    cr = env.cr
    out = {}
    for table in SIDES[side]["tables"]:
        cr.execute("SELECT to_regclass(%s)", [table])
        if cr.fetchone()[0]:
            cr.execute("SELECT pg_total_relation_size(%s)", [table])
            out[table] = cr.fetchone()[0]
    cr.execute("SELECT pg_database_size(current_database())")
    out["database"] = cr.fetchone()[0]
    return out


# ---------------------------------------------------------------------------
# the whole suite for one side
# ---------------------------------------------------------------------------


def bench_users(env, side, depts):
    """(sales-department user, HQ user) of a generated database.

    The sales department is the median one by size (departments are skewed)."""
    k = depts // 2 + 1
    users = env["res.users"].with_context(active_test=False)
    sales = users.search([("login", "=", f"bench_s{k:03d}a")])
    hq_login = "bench_retail1" if side == "complaints" else "bench_hq1"
    hq = users.search([("login", "=", hq_login)])
    return sales, hq


def run_side(
    env,
    side,
    depts,
    runs=3,
    intake_count=20,
    batch=100,
    sla_sample=2000,
    say=print,
    only=None,
    commit=False,
):
    """All the figures of one side: {figure: {'ms':..., 'floor_ms':..., ...}}.

    ``only="deadlines"``: figure 4 alone.  ``commit``: see
    complaint_deadline_figures() (the database is left as it was)."""
    conf = SIDES[side]
    results = {}
    sales, hq = bench_users(env, side, depts)
    env.cr.execute(f"SELECT count(*) FROM {env[conf['model']]._table}")
    results["records"] = env.cr.fetchone()[0]
    open_ids = env[conf["model"]].search(conf["domain"]).ids
    results["open_records"] = len(open_ids)
    if only != "deadlines":
        _web_and_intake(
            env, side, conf, sales, hq, runs, intake_count, batch, say, results
        )
    _deadlines(env, side, open_ids, runs, sla_sample, say, results, commit)
    results["sizes"] = db_sizes(env, side)
    return results


def _web_and_intake(
    env, side, conf, sales, hq, runs, intake_count, batch, say, results
):
    for label, user in (("sales", sales), ("hq", hq)):
        model = (
            env[conf["model"]].with_user(user).with_context(**client_context(env, user))
        )
        kspec = view_spec(model, "kanban")
        bar = progress_bar(model)
        lspec = view_spec(model, "list")
        domain = conf["domain"]
        results[f"kanban_{label}"] = timed(
            env,
            lambda m=model, s=kspec, d=domain, b=bar: kanban_first_load(m, d, s, b),
            runs,
        )
        say(f"{side}: kanban {label} {results[f'kanban_{label}']['ms']:.0f} ms")
        results[f"list_{label}"] = timed(
            env, lambda m=model, s=lspec, d=domain: list_first_page(m, d, s), runs
        )
        results[f"count_{label}"] = timed(
            env, lambda m=model, d=domain: m.search_count(d), runs
        )
        results[f"count_{label}"]["value"] = model.search_count(domain)
        say(
            f"{side}: list {label} {results[f'list_{label}']['ms']:.0f} ms, count "
            f"{results[f'count_{label}']['ms']:.0f} ms"
        )

    one, many = intake(env, side, sales, intake_count)
    res = timed(env, one, runs, writes=True)
    for key in ("ms", "floor_ms"):
        if res.get(key) is not None:
            res[key] /= intake_count
    res["runs"] = [round(t / intake_count, 1) for t in res["runs"]]
    results["intake_one"] = res
    _one, many = intake(env, side, sales, batch)
    res = timed(env, many, runs, writes=True)
    res["per_second"] = batch / (res["ms"] / 1000)
    results["intake_batch"] = res
    say(
        f"{side}: intake {results['intake_one']['ms']:.0f} ms each, "
        f"{res['per_second']:.0f}/s in batches of {batch}"
    )


def _deadlines(env, side, open_ids, runs, sla_sample, say, results, commit):
    if side == "complaints":
        results.update(
            complaint_deadline_figures(env, runs, len(open_ids), say=say, commit=commit)
        )
    else:
        sample = open_ids[:sla_sample]
        tickets = env["helpdesk.ticket"].browse(sample)
        res = timed(env, helpdesk_sla_refresh(env, tickets), runs, writes=True)
        scale = len(open_ids) / max(len(sample), 1)
        res["sample"] = len(sample)
        res["sample_ms"] = res["ms"]
        res["ms"] *= scale
        if res.get("floor_ms") is not None:
            res["floor_ms"] *= scale
        res["per_100k_open_s"] = res["ms"] / 1000 * 100000 / max(len(open_ids), 1)
        results["deadline_job"] = res
    if "ms" in results["deadline_job"]:
        say(f"{side}: deadline job {results['deadline_job']['ms'] / 1000:.1f} s")
