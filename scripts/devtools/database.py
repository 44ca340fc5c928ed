"""Odoo databases: which exist, installing and updating the modules in one,
the demo and test databases, backup and restore."""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import backup

from .cluster import pg_connect, pg_server
from .common import DEMO_DB, DEMO_LANG, LOCAL, MODULES, ROOT, TEST_DB, Fail, say
from .odoo_setup import check_odoo, odoo_cmd

# an Odoo log line: "2024-01-01 10:00:00,000 1234 ERROR dbname logger: message"
LOG_ERROR = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")


def db_exists(pg, name):
    conn = pg_connect(pg.params, "postgres")
    with conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        found = bool(cr.fetchone())
    conn.close()
    return found


def db_module_states(pg, name, modules):
    """{module: state} of an Odoo database; None if it is not an Odoo database."""
    conn = pg_connect(pg.params, name)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT to_regclass('ir_module_module')")
            if cr.fetchone()[0] is None:
                return None
            cr.execute(
                "SELECT name, state, latest_version FROM ir_module_module "
                "WHERE name = 'base' OR name = ANY(%s)",
                (list(modules),),
            )
            return {n: (s, v) for n, s, v in cr.fetchall()}
    finally:
        conn.close()


def drop_db(pg, name):
    conn = pg_connect(pg.params, "postgres")
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        cr.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.close()
    shutil.rmtree(LOCAL / "data" / "filestore" / name, ignore_errors=True)


# ---------------------------------------------------------------------------
# installing modules
# ---------------------------------------------------------------------------


def odoo_install(conf, db, pg, install=(), update=(), extra=(), echo=True):
    """Install/update modules with --stop-after-init; check the log and the states.

    Odoo can exit with status 0 after a failed module install, so the log is scanned
    for ERROR/CRITICAL lines and the states are read back from the database.
    """
    logdir = LOCAL / "log"
    logdir.mkdir(parents=True, exist_ok=True)
    logfile = logdir / f"{db}-install.log"
    args = ["-d", db, "--stop-after-init", "--no-http", *extra]
    if install:
        args += ["-i", ",".join(install)]
    if update:
        args += ["-u", ",".join(update)]
    errors = []
    started = time.monotonic()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(logfile, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            odoo_cmd(conf, *args),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        try:
            for line in proc.stdout:
                log.write(line)
                if LOG_ERROR.match(line):
                    errors.append(line.rstrip())
                if echo:
                    sys.stdout.write(line)
            rc = proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    elapsed = time.monotonic() - started
    rel = os.path.relpath(logfile, Path.cwd())
    if rc != 0 or errors:
        first = errors[0] if errors else f"odoo exited with status {rc}"
        if not echo:
            for line in errors[:20]:
                print(line, file=sys.stderr)
        raise Fail(f"module install/update in {db} failed: {first}\n  full log: {rel}")
    states = db_module_states(pg, db, MODULES) or {}
    bad = [m for m in MODULES if states.get(m, ("absent",))[0] != "installed"]
    if bad:
        detail = ", ".join(f"{m}={states.get(m, ('absent',))[0]}" for m in bad)
        raise Fail(f"modules not installed in {db} ({detail}); full log: {rel}")
    return elapsed


# ---------------------------------------------------------------------------
# commands


def prepare_demo_db(pg, conf, reset):
    if reset and db_exists(pg, DEMO_DB):
        say(f"dropping database {DEMO_DB}")
        drop_db(pg, DEMO_DB)
    if db_exists(pg, DEMO_DB):
        states = db_module_states(pg, DEMO_DB, MODULES)
        if states is None or "base" not in states:
            raise Fail(
                f"database {DEMO_DB} exists but is not an Odoo database: "
                "`make reset` (dev.py run --reset) drops and recreates it"
            )
        version = states["base"][1] or "?"
        if not version.startswith("18.0"):
            raise Fail(
                f"database {DEMO_DB} was made by another Odoo version "
                f"(base {version}); this is Odoo 18.0: `make reset` "
                "(dev.py run --reset) drops and recreates it"
            )
        installed = [m for m in MODULES if states.get(m, ("",))[0] == "installed"]
        missing = [m for m in MODULES if m not in installed]
        say(f"updating {', '.join(MODULES)} in the existing database {DEMO_DB}")
        odoo_install(conf, DEMO_DB, pg, install=missing, update=installed)
        return
    say(f"creating database {DEMO_DB} with {', '.join(MODULES)} and demo data")
    try:
        odoo_install(
            conf, DEMO_DB, pg, install=MODULES, extra=[f"--load-language={DEMO_LANG}"]
        )
    except BaseException:
        say(f"dropping the half-created database {DEMO_DB}")
        drop_db(pg, DEMO_DB)
        raise


def prepare_test_db(pg, conf, keep, update):
    if keep and db_exists(pg, TEST_DB):
        states = db_module_states(pg, TEST_DB, MODULES) or {}
        if all(states.get(m, ("",))[0] == "installed" for m in MODULES):
            if update:
                say(f"updating {', '.join(MODULES)} in {TEST_DB}")
                t = odoo_install(conf, TEST_DB, pg, update=MODULES, echo=False)
                say(f"updated in {t:.0f} s")
            else:
                say(f"reusing {TEST_DB} as it is (--keep-db; --update reloads modules)")
            return
        say(f"{TEST_DB} is not usable as it is: recreating it")
    if db_exists(pg, TEST_DB):
        drop_db(pg, TEST_DB)
    say(
        f"installing {', '.join(MODULES)} into a new {TEST_DB} without demo data "
        f"(log: {os.path.relpath(LOCAL / 'log' / (TEST_DB + '-install.log'))})"
    )
    try:
        t = odoo_install(
            conf, TEST_DB, pg, install=MODULES, extra=["--without-demo=all"], echo=False
        )
    except BaseException:
        drop_db(pg, TEST_DB)
        raise
    say(f"installed in {t:.0f} s")


@contextlib.contextmanager
def backup_server():
    """The database server of a backup or a restore, started for it when it
    was stopped (and stopped again); a backup error is one line."""
    check_odoo()
    pg = pg_server()
    started = pg.ensure()
    try:
        yield pg
    except backup.BackupError as exc:
        raise Fail(str(exc)) from None
    finally:
        if started:
            pg.stop()


def cmd_backup(args):
    with backup_server() as pg:
        db = args.db
        if not db_exists(pg, db):
            raise Fail(f"database {db} does not exist on the {pg.describe()}")
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        target = Path(args.output or LOCAL / "backups" / f"{db}-{stamp}.tar")
        backup.backup(
            db,
            target,
            lambda name: pg_connect(pg.params, name),
            pg.params,
            LOCAL / "data" / "filestore" / db,
            bindir=pg.bindir if pg.local else None,
        )
        say(f"backup of {db} written to {target}")
    return 0


def cmd_restore(args):
    with backup_server() as pg:
        backup.restore(
            args.file,
            args.db,
            lambda name: pg_connect(pg.params, name),
            pg.params,
            LOCAL / "data" / "filestore",
            bindir=pg.bindir if pg.local else None,
        )
    return 0
