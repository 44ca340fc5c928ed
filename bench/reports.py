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
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

REPORT_MODEL = "huatai.complaint.report"
XLSX_MODEL = "huatai.complaint.xlsx"
HQ_LOGIN = "bench_retail1"
EXPORT_ROWS = 100000


def _hq_env(env):
    user = env["res.users"].search([("login", "=", HQ_LOGIN)], limit=1)
    if not user:
        return None
    return env(user=user.id, context={"lang": user.lang, "tz": user.tz})


def _statistics(months):
    def probe(env):
        if REPORT_MODEL not in env or not hasattr(env[REPORT_MODEL], "get_statistics"):
            return None, f"{REPORT_MODEL}.get_statistics not installed"
        hq = _hq_env(env)
        today = datetime.date.today()
        date_from = (
            today.replace(day=1) - datetime.timedelta(days=31 * (months - 1))
        ).replace(day=1)
        model = hq[REPORT_MODEL]

        def run():
            model.get_statistics(date_from, today, period="month")

        return run, None

    return probe


def _dashboards(env):
    return None, "no dashboard API to call yet: add its first-load calls here"


FIGURES = [
    ("stats_12m", "monthly statistics, 12 months (ms)", 500, _statistics(12)),
    ("stats_5y", "monthly statistics, 5 years (ms)", 1000, _statistics(60)),
    ("dashboards", "dashboards, first load (ms)", None, _dashboards),
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
        "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
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
        "| report figure (complaints) | ms | target | note |",
        "|---|---:|---:|---|",
    ]
    for res in results.values():
        if "skipped" in res:
            lines.append(f"| {res['title']} | - | | {res['skipped']} |")
            continue
        note = ""
        if "peak_rss_mb" in res:
            note = f"peak RSS {res['peak_rss_mb']:.0f} MB (target ≤ 300 MB)"
        target = res.get("target_ms")
        lines.append(
            f"| {res['title']} | {res['ms']:,.0f} | "
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
    with common.environment(args.db) as env:
        hq = _hq_env(env)
        ids = hq["huatai.complaint"].search([], limit=args.rows, order="id desc").ids
        domain = [("id", ">=", min(ids)), ("id", "<=", max(ids))]
        t0 = time.perf_counter()
        _content, _name, count = hq[XLSX_MODEL]._build("register", domain=domain)
        ms = (time.perf_counter() - t0) * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"ms": ms, "peak_rss_mb": peak, "rows": count}))


if __name__ == "__main__":
    _export_main(sys.argv[1:])
