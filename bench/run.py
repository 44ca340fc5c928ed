#!/usr/bin/env python3
"""Benchmark the complaint addon side by side with OCA helpdesk_mgmt(+_sla).

    python3 bench/run.py --size 1000000

builds (or reuses) two databases of the same shape -- SIZE complaints in
<prefix>_complaints_<size>, SIZE helpdesk tickets in <prefix>_helpdesk_<size> --
then measures both sides and prints every figure with its raw SQL floor and the
ratio peer / product.  The peer must be installed first:
python3 -m pip install -r bench/requirements.txt
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, generate, measure, reports  # noqa: E402

MODULES = {
    "complaints": ["huatai_complaints"],
    "helpdesk": ["helpdesk_mgmt_sla"],
}
# installed after the bulk load: their install builds what they keep beside
# the records (the reports' fact table and monthly totals) in one pass,
# instead of the triggers following every statement of the generator
MODULES_AFTER_LOAD = {
    "complaints": ["huatai_reports"],
    "helpdesk": [],
}
TARGETS = {  # issue 7, at 1M complaints on 2 cores
    "kanban_sales": ("ms", 150),
    "kanban_hq": ("ms", 500),
    "list_sales": ("ms", 150),
    "intake_one": ("ms", 40),
    "intake_batch": ("per_second", 40),
    "deadline_job": ("per_100k_open_s", 10),
    "deadline_states_all": ("per_100k_open_s", 10),
    "deadline_recompute_all": ("per_100k_open_s", 10),
}
ROWS = [
    ("intake_one", "intake, one record (ms)"),
    ("intake_batch", "intake, batch of 100 (ms)"),
    ("kanban_sales", "kanban first load, sales dept (ms)"),
    ("kanban_hq", "kanban first load, HQ (ms)"),
    ("list_sales", "list first page, sales dept (ms)"),
    ("list_hq", "list first page, HQ (ms)"),
    ("count_sales", "record count, sales dept (ms)"),
    ("count_hq", "record count, HQ (ms)"),
]
# figure 4: (our key, the peer's key, title); the peer has one figure, its SLA
# refresh of every open ticket, the counterpart of our full recomputation
DEADLINE_ROWS = [
    ("deadline_job", None, "deadline job, daily run (ms)"),
    ("deadline_states_all", None, "deadline states, all open change (ms)"),
    (
        "deadline_recompute_all",
        "deadline_job",
        "deadline recompute, all open / SLA refresh, all open (ms)",
    ),
    ("deadline_alerts_all", None, "deadline job, every alert at once (ms)"),
]


def label(size):
    if size >= 1000000 and size % 1000000 == 0:
        return f"{size // 1000000}m"
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def say(msg):
    print(f"bench: {msg}", flush=True)


def ensure_db(server, conf, side, name, args):
    """Create and fill the database unless it already holds this dataset."""
    if server.db_exists(name) and not args.rebuild:
        common.odoo_setup(conf)
        try:
            with common.environment(name) as env:
                marker = generate.read_marker(env)
        except Exception as exc:  # not an Odoo database, or a broken one
            marker = None
            say(f"{name}: cannot read it ({exc}); rebuilding")
        if marker and marker.get("size") == args.size and marker.get("side") == side:
            say(f"{name}: reusing ({args.size} records, built {marker.get('date')})")
            install_after_load(server, conf, side, name)
            return
        say(f"{name}: holds another dataset ({marker}); rebuilding")
    if server.db_exists(name):
        server.drop_db(name)
    say(f"{name}: creating, installing {', '.join(MODULES[side])}")
    t0 = time.monotonic()
    server.create_db(name, template=args.template)
    try:
        common.odoo_install(conf, name, MODULES[side], lang="zh_CN")
        say(f"{name}: installed in {time.monotonic() - t0:.0f} s; loading data")
        common.odoo_setup(conf)
        with common.environment(name, commit=True) as env:
            if side == "complaints":
                generate.load_complaints(env, args.size, depts=args.depts)
            else:
                generate.load_helpdesk(env, args.size, teams=args.depts)
        install_after_load(server, conf, side, name)
        vacuum(server, name, side)
    except BaseException:
        say(f"{name}: dropping the half-built database")
        server.drop_db(name)
        raise


def install_after_load(server, conf, side, name):
    """Install the modules of MODULES_AFTER_LOAD that ``name`` lacks."""
    conn = server.connect(name)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT name FROM ir_module_module "
                "WHERE name = ANY(%s) AND state = 'installed'",
                [MODULES_AFTER_LOAD[side]],
            )
            installed = {row[0] for row in cr.fetchall()}
    finally:
        conn.close()
    missing = [m for m in MODULES_AFTER_LOAD[side] if m not in installed]
    if not missing:
        return
    say(f"{name}: installing {', '.join(missing)}")
    t0 = time.monotonic()
    common.odoo_install(conf, name, missing, lang="zh_CN")
    say(f"{name}: installed in {time.monotonic() - t0:.0f} s")
    # the registry this process may hold for it predates the install
    from odoo.modules.registry import Registry

    Registry.delete(name)


def vacuum(server, name, side):
    """VACUUM ANALYZE the big tables, as autovacuum would have after a load (the
    visibility map lets index-only scans skip the heap)."""
    conn = server.connect(name)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            for table in measure.SIDES[side]["tables"]:
                cr.execute("SELECT to_regclass(%s)", [table])
                if cr.fetchone()[0]:
                    cr.execute(f"VACUUM ANALYZE {table}")
    finally:
        conn.close()


def fmt(value, unit="ms"):
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
    return f"{value:,.0f}"


def table(results):
    """Rows: figure, product, its floor, peer, its floor, ratio peer/product."""
    ours, peer = results.get("complaints", {}), results.get("helpdesk", {})
    if not ours or not peer:
        return ""
    lines = [
        "| figure | complaints | SQL floor | OCA helpdesk | SQL floor | peer / ours |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    rows = [(key, key, title) for key, title in ROWS] + DEADLINE_ROWS
    for key, peer_key, title in rows:
        a, b = ours.get(key, {}), peer.get(peer_key, {}) if peer_key else {}
        if "ms" not in a and "ms" not in b:
            note = a.get("skipped") or b.get("skipped") or ""
            lines.append(f"| {title} | {note} | | | | |")
            continue
        ratio = b["ms"] / a["ms"] if "ms" in a and "ms" in b and a["ms"] else None
        lines.append(
            f"| {title} | {fmt(a.get('ms'))} | {fmt(a.get('floor_ms'))} | "
            f"{fmt(b.get('ms'))} | {fmt(b.get('floor_ms'))} | "
            f"{'%.1f×' % ratio if ratio else '-'} |"
        )
    a, b = ours.get("intake_batch"), peer.get("intake_batch")
    if a and b:
        lines.append(
            f"| intake throughput in batches (records/s) | "
            f"{fmt(a['per_second'], '')} | | {fmt(b['per_second'], '')} | | "
            f"{a['per_second'] / b['per_second']:.1f}× (ours / peer) |"
        )
    for key, peer_key, title in DEADLINE_ROWS:
        a, b = ours.get(key, {}), peer.get(peer_key, {}) if peer_key else {}
        if "per_100k_open_s" in a or "per_100k_open_s" in b:
            lines.append(
                f"| {title.replace('(ms)', '')}per 100k open (s) | "
                f"{fmt(a.get('per_100k_open_s'), 'ms')} | | "
                f"{fmt(b.get('per_100k_open_s'), 'ms')} | | |"
            )
    size_a, size_b = ours["sizes"], peer["sizes"]
    main_a = size_a.get("huatai_complaint", 0)
    main_b = size_b.get("helpdesk_ticket", 0) + size_b.get("helpdesk_ticket_sla", 0)
    lines.append(
        f"| main table(s) incl. indexes (MB) | {main_a / 2**20:,.0f} | | "
        f"{main_b / 2**20:,.0f} | | {main_b / max(main_a, 1):.2f}× |"
    )
    for tbl in ("mail_message", "mail_tracking_value", "mail_followers", "res_partner"):
        lines.append(
            f"| {tbl} (MB) | {size_a.get(tbl, 0) / 2**20:,.0f} | | "
            f"{size_b.get(tbl, 0) / 2**20:,.0f} | | |"
        )
    lines.append(
        f"| whole database (MB) | {size_a['database'] / 2**20:,.0f} | | "
        f"{size_b['database'] / 2**20:,.0f} | | "
        f"{size_b['database'] / size_a['database']:.2f}× |"
    )
    return "\n".join(lines)


def targets(results):
    ours = results.get("complaints", {})
    lines = []
    for key, (unit, limit) in TARGETS.items():
        value = ours.get(key, {}).get(unit)
        if value is None:
            lines.append(f"- {key}: not measured")
            continue
        ok = value >= limit if unit == "per_second" else value <= limit
        sign = "≥" if unit == "per_second" else "≤"
        lines.append(
            f"- {key}: {value:,.1f} {unit} (target {sign} {limit}) "
            f"{'met' if ok else 'MISSED'}"
        )
    return "\n".join(lines)


def machine():
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in open("/proc/cpuinfo", encoding="utf-8")
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor() or "?"
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "loadavg_at_start": [round(x, 2) for x in load],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100000, help="records per side")
    parser.add_argument(
        "--depts", type=int, default=300, help="sales departments / helpdesk teams"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure")
    parser.add_argument("--prefix", default="bench", help="database name prefix")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the databases")
    parser.add_argument("--template", help="create the databases from this template")
    parser.add_argument(
        "--side",
        choices=["complaints", "helpdesk"],
        action="append",
        help="only this side (repeatable)",
    )
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--intake", type=int, default=20, help="records created one by one per run"
    )
    parser.add_argument(
        "--sla-sample",
        type=int,
        default=2000,
        help="open tickets whose SLA refresh is timed and scaled to all open tickets",
    )
    parser.add_argument(
        "--drop", action="store_true", help="drop the two databases at the end"
    )
    parser.add_argument(
        "--only",
        choices=["deadlines", "reports", "intake"],
        help="measure only figure 4 (the deadline job), only the report figures, "
        "or only the one-by-one intake of the sides, run after run alternately "
        "(with the CPU of Python and of PostgreSQL per record)",
    )
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    sides = args.side or ["complaints", "helpdesk"]
    if "helpdesk" in sides:
        try:
            import odoo.addons.helpdesk_mgmt_sla  # noqa: F401
        except ImportError:
            sys.exit(
                "bench: the peer is not installed: "
                "python3 -m pip install -r bench/requirements.txt"
            )
    started = datetime.datetime.now()
    info = machine()
    results = {"machine": info, "size": args.size, "date": started.isoformat()}
    with common.Server() as server:
        say(f"using the {server.describe()}")
        conf = common.write_config(server)
        names = {s: f"{args.prefix}_{s}_{label(args.size)}" for s in sides}
        for side in sides:
            ensure_db(server, conf, side, names[side], args)
        if args.build_only:
            return 0
        common.odoo_setup(conf)
        if args.only == "intake":
            results["intake"] = intake_interleaved(names, sides, args)
            print(intake_table(results["intake"]))
            return write_results(results, args, started)
        for side in sides:
            vacuum(server, names[side], side)
        for side in sides:
            with common.environment(names[side]) as env:
                marker = generate.read_marker(env)
                depts = marker.get("depts") or marker.get("teams") or args.depts
                # the report figures first: the deadline figures rewrite the
                # open complaints (committed, restored, vacuumed)
                if side == "complaints" and args.only != "deadlines":
                    results["reports"] = reports.run(env, runs=args.runs, say=say)
                if args.only != "reports":
                    results[side] = measure.run_side(
                        env,
                        side,
                        depts,
                        runs=args.runs,
                        intake_count=args.intake,
                        sla_sample=args.sla_sample,
                        say=say,
                        only=args.only,
                        commit=True,
                    )
        if args.drop:
            for name in names.values():
                server.drop_db(name)
    info["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print(
        f"# {args.size:,} records per side, {started:%Y-%m-%d %H:%M}, "
        f"{info['cpus']} × {info['cpu']}, load {info['loadavg_at_start']} → "
        f"{info['loadavg_at_end']}"
    )
    if len(sides) == 2:
        print(table(results))
        print()
    print(targets(results) if "complaints" in sides else "")
    print(reports.table(results.get("reports")))
    return write_results(results, args, started)


def write_results(results, args, started):
    out = (
        Path(args.json)
        if args.json
        else (
            common.BENCH_DIR / f"results-{label(args.size)}-{started:%Y%m%d-%H%M}.json"
        )
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    say(f"results written to {out}")
    return 0


def intake_interleaved(names, sides, args):
    """--only intake: both sides' one-by-one intake, alternately."""
    with contextlib.ExitStack() as stack:
        envs, depts = {}, {}
        for side in sides:
            env = stack.enter_context(common.environment(names[side]))
            marker = generate.read_marker(env)
            envs[side] = env
            depts[side] = marker.get("depts") or marker.get("teams") or args.depts
        return measure.intake_interleaved(
            envs, depts, runs=args.runs, count=args.intake, say=say
        )


def intake_table(res):
    lines = [
        "| intake, one record (ms per record) | wall (median) | Python CPU "
        "| PostgreSQL CPU | queries | SQL floor | runs (wall) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for side, r in res.items():
        lines.append(
            f"| {side} | {r['ms']:.1f} | {r['python_ms']:.1f} | "
            f"{r.get('postgres_ms', float('nan')):.1f} | {r['queries']:.1f} | "
            f"{r['floor_ms']:.2f} | {' / '.join(str(w) for w in r['walls'])} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
