"""`dev.py run`: the demo database, served on this machine."""

import subprocess

from .cluster import pg_server
from .common import DEMO_DB, ROOT, Fail, say
from .database import prepare_demo_db
from .odoo_setup import (
    check_odoo,
    conf_value,
    odoo_cmd,
    port_free,
    read_template,
    system_packages,
    wait_port,
    write_config,
)

# Logins of the demo database (created by the demo data of huatai_complaints).
DEMO_LOGINS = [
    ("admin", "admin", "administrator"),
    ("staff", "demo", "complaint staff of 南京鼓楼营业部 (a sales department)"),
    ("staff_hz", "demo", "complaint staff of 杭州庆春路营业部"),
    ("head", "demo", "unit head of 江苏分公司 (a branch and its subtree)"),
    ("head_zj", "demo", "unit head of 浙江分公司 (head_gd: 广东, head_bj: 北京)"),
    ("hq", "demo", "Retail Client Service HQ (process owner)"),
    ("csc", "demo", "Customer Service Center (hotline, web, email, callbacks)"),
    ("compliance", "demo", "Compliance & Risk Management (sees whistleblowing)"),
    ("cadmin", "demo", "complaint configuration administrator"),
    ("client", "demo", "a complainant with portal access (/my/complaints)"),
]


def cmd_run(args):
    odoo_dir = check_odoo()
    cp = read_template()
    host = conf_value(cp, "http_interface") or "127.0.0.1"
    port = args.port or int(conf_value(cp, "http_port") or 8069)
    if not port_free(host, port):
        raise Fail(
            f"port {port} on {host} is already in use (another Odoo running?): stop "
            "it, or choose another port with `python3 scripts/dev.py run --port N`"
        )
    pg = pg_server()
    system_packages(pg)
    started = pg.ensure()
    proc = None
    try:
        conf = write_config(odoo_dir, pg, DEMO_DB)
        prepare_demo_db(pg, conf, reset=args.reset)
        say(f"serving {DEMO_DB} on http://{host}:{port} (Ctrl-C stops)")
        proc = subprocess.Popen(
            odoo_cmd(
                conf, "-d", DEMO_DB, f"--db-filter=^{DEMO_DB}$", f"--http-port={port}"
            ),
            cwd=ROOT,
        )
        if wait_port(host, port, proc):
            print_banner(host, port, stops_pg=started)
        rc = proc.wait()
        if rc:
            raise Fail(f"the Odoo server exited with status {rc}")
        return 0
    except KeyboardInterrupt:
        print()
        say("stopping")
        return 130
    finally:
        if proc is not None and proc.poll() is None:
            # Ctrl-C reached Odoo too (same process group); SIGTERM for other cases
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if started:
            pg.stop()
            say("throwaway PostgreSQL cluster stopped")


def print_banner(host, port, stops_pg):
    url = f"http://{host}:{port}"
    lines = [
        "",
        f"  Huatai complaints demo: {url}/web/login   (database {DEMO_DB})",
        "  logins (login, password, role):",
        *(f"    {login:<11} {pwd:<6} {role}" for login, pwd, role in DEMO_LOGINS),
        "  Ctrl-C stops the server"
        + (" and the throwaway PostgreSQL cluster" if stops_pg else ""),
        "",
    ]
    print("\n".join(lines), flush=True)
