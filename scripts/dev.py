#!/usr/bin/env python3
"""Developer commands of the Huatai complaint-handling addons.

    python3 scripts/dev.py run [--reset] [--port N]  serve the demo db on 127.0.0.1
    python3 scripts/dev.py test [--keep-db] [--update] [PYTEST ARGS] [-- PYTEST ARGS]
    python3 scripts/dev.py lint                      ruff, pylint-odoo, OCA, prettier
    python3 scripts/dev.py format                    rewrite files: ruff + prettier
    python3 scripts/dev.py pg {start,stop,status}    the throwaway PostgreSQL cluster
    python3 scripts/dev.py psql [DB]                 psql on the database server used
    python3 scripts/dev.py clean                     stop the cluster, delete .local/
    python3 scripts/dev.py bootstrap                 only make Odoo 18.0 importable
    python3 scripts/dev.py backup [DB] [-o FILE]     database + filestore, one archive
    python3 scripts/dev.py restore FILE NEWDB        ... into a new database
    python3 scripts/dev.py topology [--load SECONDS] primary + standby, prefork, cron

Uses the standard library, plus Odoo 18.0 and psycopg2 (an Odoo dependency).  Odoo is
found with `import odoo` in the Python running this script; when that Python cannot
import Odoo 18.0, the project virtualenv .venv is made (scripts/bootstrap.py, Odoo
from ODOO_SOURCE) and the command runs again with .venv/bin/python.  PostgreSQL is
found through PGHOST/PGPORT, odoo.conf, or a throwaway cluster in .local/pg (see
README.md).

The commands live in scripts/devtools, one module per concern: common (paths,
databases, one-line failures), odoo_setup (Odoo, its configuration, system
packages), cluster (the PostgreSQL server: pg, psql, clean), database (module
installs, the demo and test databases, backup, restore), run, testing (test),
lint (lint, format); scripts/topology.py (topology).
"""

import argparse
import signal
import sys
from pathlib import Path

import bootstrap
import topology
from devtools.cluster import cmd_clean, cmd_pg, cmd_psql
from devtools.common import DEMO_DB, TEST_DB, Fail, say
from devtools.database import cmd_backup, cmd_restore
from devtools.lint import cmd_format, cmd_lint
from devtools.odoo_setup import check_odoo
from devtools.run import cmd_run
from devtools.testing import cmd_test, split_passthrough

# commands that need Odoo 18.0 (or the tools installed beside it): they run in the
# project virtualenv when python3 cannot import Odoo 18.0
NEEDS_ODOO = {
    "run",
    "test",
    "lint",
    "format",
    "bootstrap",
    "backup",
    "restore",
    "topology",
}


def cmd_bootstrap(args):
    odoo_dir = check_odoo()
    say(f"Odoo 18.0 is importable by {sys.executable} (from {odoo_dir})")
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    own, passthrough = split_passthrough(argv)
    parser = argparse.ArgumentParser(
        prog="dev.py", description=__doc__.split("\n\n")[0], allow_abbrev=False
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "run", help="create/update the demo database and serve it", allow_abbrev=False
    )
    p.add_argument(
        "--reset",
        action="store_true",
        help=f"drop and recreate the {DEMO_DB} database first",
    )
    p.add_argument("--port", type=int, help="HTTP port (default: odoo.conf http_port)")
    p = sub.add_parser(
        "test",
        allow_abbrev=False,
        help="install the modules in a fresh test database, then run pytest; "
        "unknown options and anything after `--` go to pytest",
    )
    p.add_argument(
        "--keep-db",
        action="store_true",
        help=f"reuse {TEST_DB} if both modules are installed in it",
    )
    p.add_argument(
        "--update",
        "--modules-update",
        action="store_true",
        dest="update",
        help="with --keep-db: update (-u) the modules first",
    )
    p.add_argument(
        "--odoo-log-level",
        default="warn",
        help="Odoo log level during the tests (default: warn)",
    )
    sub.add_parser("lint", help="ruff, pylint-odoo, OCA checks, prettier (no changes)")
    sub.add_parser("format", help="rewrite files with ruff and prettier")
    p = sub.add_parser("pg", help="the throwaway PostgreSQL cluster")
    p.add_argument("action", choices=["start", "stop", "status"])
    p = sub.add_parser("psql", help="psql on the database server in use")
    p.add_argument("db", nargs="?", default=DEMO_DB)
    sub.add_parser("clean", help="stop the throwaway cluster and delete .local/")
    p = sub.add_parser(
        "backup", help="dump a database and its filestore into one archive"
    )
    p.add_argument("db", nargs="?", default=DEMO_DB)
    p.add_argument(
        "-o", "--output", help="archive file (default: .local/backups/DB-DATE.tar)"
    )
    p = sub.add_parser("restore", help="restore a backup into a new database")
    p.add_argument("file", help="archive made by `dev.py backup`")
    p.add_argument("db", help="name of the new database (must not exist)")
    topology.add_parser(sub)
    sub.add_parser(
        "bootstrap",
        help="make Odoo 18.0 importable: the project virtualenv .venv when python3 "
        "cannot import it (ODOO_SOURCE: directory, tarball or git URL)",
    )

    args, unknown = parser.parse_known_args(own)
    if unknown and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        if args.command in NEEDS_ODOO:
            bootstrap.ensure_python(argv, Path(__file__).resolve())
        if args.command == "test":
            return cmd_test(args, unknown + passthrough)
        return {
            "run": cmd_run,
            "lint": cmd_lint,
            "format": cmd_format,
            "pg": cmd_pg,
            "psql": cmd_psql,
            "clean": cmd_clean,
            "bootstrap": cmd_bootstrap,
            "backup": cmd_backup,
            "restore": cmd_restore,
            "topology": topology.cmd_topology,
        }[args.command](args)
    except (Fail, bootstrap.BootstrapError) as exc:
        sys.stdout.flush()
        print(f"dev.py: error: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\ndev.py: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
