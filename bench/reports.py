"""Issue 6 report figures, measured in the same harness (pluggable section).

Each entry of FIGURES names a figure, its target and a probe: the probe returns a
callable to time, or a reason why the figure cannot be measured on this database
(the reports addon not installed, its API not there yet).  Add a figure by adding
a probe; bench/run.py prints whatever this module returns in its own table.

The register export runs in a subprocess (``python3 bench/reports.py
export-register ...``) so that its peak RSS is the export's own.
"""

import datetime
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

CHINA = datetime.timezone(datetime.timedelta(hours=8))
REPORT_MODEL = "huatai.complaint.report"
XLSX_MODEL = "huatai.complaint.xlsx"
HQ_LOGIN = "bench_retail1"
HEAD_LOGIN = "bench_head01"  # head of a branch company (a unit head)
EXPORT_ROWS = 100000


def _hq_env(env):
    user = env["res.users"].search([("login", "=", HQ_LOGIN)], limit=1)
    if not user:
        return None
    return env(user=user.id, context={"lang": user.lang, "tz": user.tz})


# SPEC §10: "monthly / quarterly / yearly statistics per unit and type"
UNIT_TYPE = ("accepting_unit_id", "category_id")
BRANCH = ("accepting_branch_id",)


def _statistics(months, groupby):
    def probe(env):
        if REPORT_MODEL not in env or not hasattr(env[REPORT_MODEL], "_get_statistics"):
            return None, f"{REPORT_MODEL}._get_statistics not installed"
        hq = _hq_env(env)
        # the users' today: in China (UTC+8), the day after UTC from 16:00 UTC;
        # a period ending on another day than today or a month end is not a
        # whole month, and is counted from the complaint rows
        today = datetime.datetime.now(CHINA).date()
        date_from = (
            today.replace(day=1) - datetime.timedelta(days=31 * (months - 1))
        ).replace(day=1)
        model = hq[REPORT_MODEL]

        def run():
            run.rows = len(
                model._get_statistics(date_from, today, period="month", groupby=groupby)
            )

        return run, None

    return probe


DASHBOARDS = {
    # figure: (dashboard xml id, login of the user who opens it)
    "hq": ("huatai_reports.spreadsheet_dashboard_complaints_hq", HQ_LOGIN),
    "head": ("huatai_reports.spreadsheet_dashboard_complaints_units", HEAD_LOGIN),
}


def _user_env(env, login):
    user = env["res.users"].search([("login", "=", login)], limit=1)
    if not user:
        return None
    return env(
        user=user.id,
        context={
            "lang": user.lang,
            "tz": user.tz,
            "uid": user.id,
            "allowed_company_ids": [user.company_id.id],
        },
    )


def _list_rows(data, list_id):
    """How many rows of list ``list_id`` the sheets show: the highest
    position its ODOO.LIST formulas ask for (what the client fetches)."""
    pattern = re.compile(rf'ODOO\.LIST(?:\.HEADER)?\(\s*"?{list_id}"?\s*,\s*(\d+)')
    rows = 0
    for sheet in data.get("sheets", []):
        for cell in (sheet.get("cells") or {}).values():
            text = cell.get("content", "") if isinstance(cell, dict) else str(cell)
            for match in pattern.finditer(text or ""):
                rows = max(rows, int(match.group(1)))
    return rows


def _filter_domains(model, data):
    """{global filter id: domain terms without the field} of the filters'
    default values, as the reports addon defines them."""
    helper = getattr(model, "_dashboard_filter_domain", None)
    if helper is None:
        return {}
    return {flt["id"]: helper(flt) for flt in data.get("globalFilters", [])}


def _matched_domain(domain, field_matching, defaults):
    from odoo.osv import expression

    domain = list(domain or [])
    for filter_id, match in (field_matching or {}).items():
        terms = defaults.get(filter_id)
        if terms and match.get("chain"):
            domain = expression.AND(
                [domain, [(match["chain"], *term) for term in terms]]
            )
    return domain


def _group_spec(dimension):
    name = dimension["fieldName"]
    granularity = dimension.get("granularity")
    return f"{name}:{granularity}" if granularity else name


def dashboard_first_load(env, dashboard):
    """What the web client sends when ``dashboard`` is first displayed:
    get_readonly_dashboard, then for every Odoo pivot the read_group of each
    (row level x column level) pair with its measures, for every Odoo chart
    its web_read_group, for every list a web_search_read of the rows the
    sheets show -- with the global filters at their default values.
    Returns the number of calls."""
    dashboard = dashboard.with_env(env)
    payload = dashboard.get_readonly_dashboard()
    raw = payload.get("snapshot") if isinstance(payload, dict) else None
    data = raw if isinstance(raw, dict) else json.loads(dashboard.spreadsheet_data)
    calls = 1
    defaults = {}
    for pivot in data.get("pivots", {}).values():
        model = env[pivot["model"]]
        defaults = defaults or _filter_domains(model, data)
        domain = _matched_domain(
            pivot.get("domain"), pivot.get("fieldMatching"), defaults
        )
        measures = [
            "__count"
            if m["fieldName"] == "__count"
            else f"{m['fieldName']}:"
            f"{m.get('aggregator') or model._fields[m['fieldName']].aggregator}"
            for m in pivot.get("measures", [])
        ]
        rows = [_group_spec(d) for d in pivot.get("rows", [])]
        cols = [_group_spec(d) for d in pivot.get("columns", [])]
        for i in range(len(rows) + 1):
            for j in range(len(cols) + 1):
                model.read_group(
                    domain,
                    measures,
                    rows[:i] + cols[:j],
                    lazy=False,
                    orderby=",".join(
                        f"{_group_spec(d)} {d['order']}"
                        for d in pivot.get("rows", [])[:i]
                        + pivot.get("columns", [])[:j]
                        if d.get("order")
                    )
                    or None,
                )
                calls += 1
    for sheet in data.get("sheets", []):
        for figure in sheet.get("figures", []):
            chart = figure.get("data") or {}
            meta = chart.get("metaData") or {}
            if not meta.get("resModel"):
                continue  # a scorecard or gauge of cells: read by the pivots
            model = env[meta["resModel"]]
            defaults = defaults or _filter_domains(model, data)
            measure = meta["measure"]
            if measure != "__count":
                field = model._fields[measure]
                agg = "count_distinct" if field.type == "many2one" else field.aggregator
                measure = f"{measure}:{agg}"
            domain = _matched_domain(
                (chart.get("searchParams") or {}).get("domain"),
                chart.get("fieldMatching"),
                defaults,
            )
            model.with_context(fill_temporal=True).web_read_group(
                domain, [measure], meta["groupBy"], lazy=False
            )
            calls += 1
    for list_id, spec in data.get("lists", {}).items():
        rows = _list_rows(data, list_id)
        if not rows:
            continue
        model = env[spec["model"]]
        defaults = defaults or _filter_domains(model, data)
        specification = {}
        for name in spec.get("columns", []):
            field = model._fields.get(name)
            if field is None:
                continue
            specification[name] = (
                {"fields": {"display_name": {}}} if field.type == "many2one" else {}
            )
        order = ", ".join(
            f"{o['name']} {'ASC' if o.get('asc', True) else 'DESC'}"
            for o in spec.get("orderBy", [])
        )
        model.web_search_read(
            _matched_domain(spec.get("domain"), spec.get("fieldMatching"), defaults),
            specification,
            limit=rows,
            order=order or None,
        )
        calls += 1
    return calls


def _dashboard(key):
    def probe(env):
        xmlid, login = DASHBOARDS[key]
        dashboard = env.ref(xmlid, raise_if_not_found=False)
        if not dashboard:
            return None, f"{xmlid} not installed"
        user_env = _user_env(env, login)
        if user_env is None:
            return None, f"no user {login} in this database"

        def run():
            dashboard_first_load(user_env, dashboard)

        return run, None

    return probe


FIGURES = [
    (
        "stats_12m",
        "monthly statistics per unit and type, 12 months (ms)",
        500,
        _statistics(12, UNIT_TYPE),
    ),
    (
        "stats_5y",
        "monthly statistics per unit and type, 5 years (ms)",
        1000,
        _statistics(60, UNIT_TYPE),
    ),
    (
        "stats_branch_12m",
        "monthly statistics per branch company, 12 months (ms)",
        500,
        _statistics(12, BRANCH),
    ),
    (
        "stats_branch_5y",
        "monthly statistics per branch company, 5 years (ms)",
        1000,
        _statistics(60, BRANCH),
    ),
    ("dashboard_hq", "dashboard first load, HQ (ms)", None, _dashboard("hq")),
    (
        "dashboard_head",
        "dashboard first load, unit head (ms)",
        None,
        _dashboard("head"),
    ),
]


def run(env, runs=3, say=print, export=True):
    """{figure: {'ms':..., 'target_ms':...} or {'skipped': reason}}.

    ``export``: also time the register export in a subprocess (it needs the
    configuration file that bench/run.py writes)."""
    from bench import measure

    out = {}
    for key, title, target, probe in FIGURES:
        fn, reason = probe(env)
        if fn is None:
            out[key] = {"title": title, "skipped": reason}
            continue
        res = measure.timed(env, fn, runs)
        res.update(title=title, target_ms=target)
        if hasattr(fn, "rows"):
            res["rows"] = fn.rows
        out[key] = res
        say(f"reports: {title} {res['ms']:.0f} ms")
    if export:
        out["register_export"] = register_export(env, runs, say)
    return out


def register_export(env, runs, say):
    title = f"register export, {EXPORT_ROWS:,} rows (ms / peak RSS MB)"
    if XLSX_MODEL not in env or not hasattr(env[XLSX_MODEL], "_build"):
        return {"title": title, "skipped": f"{XLSX_MODEL}._build not installed"}
    conf = common.BENCH_DIR / "odoo.conf"
    results = []
    for _i in range(runs):
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "export-register",
                "--conf",
                str(conf),
                "--db",
                env.cr.dbname,
                "--rows",
                str(EXPORT_ROWS),
            ],
            capture_output=True,
            text=True,
        )
        if proc.returncode:
            return {
                "title": title,
                "skipped": "export failed: "
                + (proc.stderr.strip().splitlines() or ["?"])[-1],
            }
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    res = {
        "title": title,
        "ms": statistics.median(r["ms"] for r in results),
        "cpu_ms": statistics.median(r.get("cpu_ms") or 0 for r in results),
        "pg_cpu_ms": statistics.median(r.get("pg_cpu_ms") or 0 for r in results),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
        "before_export_rss_mb": max(r.get("before_export_rss_mb", 0) for r in results),
        "rows": results[0]["rows"],
        "target_ms": 10000,
        "target_rss_mb": 300,
    }
    say(f"reports: {title} {res['ms']:.0f} ms, {res['peak_rss_mb']:.0f} MB")
    return res


def table(results):
    if not results:
        return ""
    lines = [
        "| report figure (complaints) | ms | CPU ms: Python + PostgreSQL "
        "| target | note |",
        "|---|---:|---:|---:|---|",
    ]
    for res in results.values():
        if "skipped" in res:
            lines.append(f"| {res['title']} | - | | {res['skipped']} |")
            continue
        note = f"{res['rows']:,} result rows" if res.get("rows") else ""
        if "peak_rss_mb" in res:
            note = f"peak RSS {res['peak_rss_mb']:.0f} MB (target ≤ 300 MB)"
        target = res.get("target_ms")
        cpu = (
            f"{res['cpu_ms']:,.0f} + {res['pg_cpu_ms']:,.0f}"
            if res.get("cpu_ms") is not None and res.get("pg_cpu_ms") is not None
            else ""
        )
        lines.append(
            f"| {res['title']} | {res['ms']:,.0f} | {cpu} | "
            f"{'≤ %s' % target if target else ''} | {note} |"
        )
    return "\n".join(lines)


def _export_main(argv):
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["export-register"])
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--rows", type=int, default=EXPORT_ROWS)
    args = parser.parse_args(argv)
    common.odoo_setup(args.conf)
    from bench import measure

    with common.environment(args.db) as env:
        hq = _hq_env(env)
        ids = hq["huatai.complaint"].search([], limit=args.rows, order="id desc").ids
        domain = [("id", ">=", min(ids)), ("id", "<=", max(ids))]
        base = peak_rss_mb()
        env.cr.execute("SELECT pg_backend_pid()")
        backend = env.cr.fetchone()[0]
        t0, c0 = time.perf_counter(), time.process_time()
        p0 = measure._cpu_seconds(backend)
        _content, _name, count = hq[XLSX_MODEL]._build("register", domain=domain)
        ms = (time.perf_counter() - t0) * 1000
        cpu_ms = (time.process_time() - c0) * 1000
        p1 = measure._cpu_seconds(backend)
    print(
        json.dumps(
            {
                "ms": ms,
                "cpu_ms": cpu_ms,
                "pg_cpu_ms": (p1 - p0) * 1000
                if p0 is not None and p1 is not None
                else None,
                "peak_rss_mb": peak_rss_mb(),
                "before_export_rss_mb": base,
                "rows": count,
            }
        )
    )


def peak_rss_mb():
    """This process's peak RSS in MB: VmHWM, which exec() resets.  (Linux
    keeps getrusage()'s ru_maxrss across exec(): a process started by a big
    parent would report the parent's size.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    _export_main(sys.argv[1:])
