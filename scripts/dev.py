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
"""

import argparse
import configparser
import contextlib
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import backup
import bootstrap

ROOT = Path(__file__).resolve().parent.parent
# everything this script creates lives here (git-ignored); HUATAI_LOCAL_DIR moves it
LOCAL = Path(os.environ.get("HUATAI_LOCAL_DIR") or ROOT / ".local").resolve()
TEMPLATE_CONF = ROOT / "odoo.conf"

MODULES = ["huatai_complaints", "huatai_reports"]
DEMO_DB = "huatai_demo"
TEST_DB = "huatai_test"
DEMO_LANG = "zh_CN"
TEST_PATHS = ["addons/huatai_complaints", "addons/huatai_reports", "tests"]
LINT_PATHS = ["addons", "tests", "bench", "scripts", "conftest.py"]
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

# Logins of the demo database (created by the demo data of huatai_complaints).
DEMO_LOGINS = [
    ("admin", "admin", "administrator"),
    ("staff", "demo", "complaint staff of 南京鼓楼营业部 (a sales department)"),
    ("staff_hz", "demo", "complaint staff of 杭州庆春路营业部"),
    ("head", "demo", "unit head of 江苏分公司 (a branch and its subtree)"),
    ("hq", "demo", "Retail Client Service HQ (process owner)"),
    ("csc", "demo", "Customer Service Center (hotline, web, email, callbacks)"),
    ("compliance", "demo", "Compliance & Risk Management (sees whistleblowing)"),
    ("cadmin", "demo", "complaint configuration administrator"),
    ("client", "demo", "a complainant with portal access (/my/complaints)"),
]

PG_USER = "odoo"  # role created in the throwaway cluster (Odoo refuses `postgres`)
PG_OS_USER = "odoo-pg"  # system user that runs the throwaway cluster when we are root
# an Odoo log line: "2024-01-01 10:00:00,000 1234 ERROR dbname logger: message"
LOG_ERROR = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")


class Fail(Exception):
    """A problem explained in one line: printed, then exit status 1."""


def say(msg):
    print(f"dev.py: {msg}", flush=True)


# ---------------------------------------------------------------------------
# Odoo
# ---------------------------------------------------------------------------


def check_odoo():
    """Import Odoo 18.0 from this Python, or fail saying what to do."""
    try:
        import odoo  # noqa: F401
        from odoo import release
    except ImportError as exc:
        raise Fail(
            f"Odoo is not importable by {sys.executable} ({exc}): run "
            "`python3 scripts/dev.py bootstrap` (Odoo from ODOO_SOURCE into .venv), "
            "or use docker compose (README.md)"
        ) from None
    if tuple(release.version_info[:2]) != (18, 0):
        raise Fail(
            f"{sys.executable} imports Odoo {release.version} from "
            f"{Path(odoo.__file__).parent}; this project needs Odoo 18.0"
        )
    return Path(odoo.__file__).resolve().parent


def odoo_addons_paths(odoo_dir):
    """The addons folders of the Odoo installation, as Odoo itself computes them."""
    paths = []
    for cand in (odoo_dir / "addons", odoo_dir.parent / "addons"):
        if cand.is_dir() and any(cand.glob("*/__manifest__.py")):
            paths.append(str(cand))
    return paths


def odoo_cmd(conf, *args):
    return [
        sys.executable,
        "-c",
        "import odoo; odoo.cli.main()",
        "-c",
        str(conf),
        *args,
    ]


# ---------------------------------------------------------------------------
# configuration
# ---------------------------------------------------------------------------


def read_template():
    cp = configparser.ConfigParser(interpolation=None)
    if not TEMPLATE_CONF.is_file():
        raise Fail(f"{TEMPLATE_CONF} is missing")
    cp.read(TEMPLATE_CONF, encoding="utf-8")
    if not cp.has_section("options"):
        raise Fail(f"{TEMPLATE_CONF} has no [options] section")
    return cp


def conf_value(cp, key):
    value = cp.get("options", key, fallback="").strip()
    return "" if value in ("", "False", "None") else value


def write_config(odoo_dir, pg, db_name):
    """Write .local/odoo.conf from the template: absolute paths and the db server."""
    cp = read_template()
    opts = cp["options"]
    opts["addons_path"] = ",".join([str(ROOT / "addons"), *odoo_addons_paths(odoo_dir)])
    opts["data_dir"] = str(LOCAL / "data")
    opts["db_name"] = db_name
    for key in ("db_host", "db_port", "db_user", "db_password"):
        opts[key] = str(pg.params.get(key.removeprefix("db_")) or "False")
    if os.environ.get("ODOO_HTTP_PORT"):
        # several checkouts testing at once on one machine: one HTTP port each
        opts["http_port"] = os.environ["ODOO_HTTP_PORT"]
    LOCAL.mkdir(parents=True, exist_ok=True)
    path = LOCAL / "odoo.conf"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("; generated by scripts/dev.py from odoo.conf -- edit that file\n")
        cp.write(fh)
    return path


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------


def pg_connect(params, dbname):
    import psycopg2

    kwargs = {k: v for k, v in params.items() if v}
    return psycopg2.connect(dbname=dbname, connect_timeout=10, **kwargs)


class Server:
    """A PostgreSQL server given by PGHOST/PGPORT or by odoo.conf."""

    local = False

    def __init__(self, params, origin):
        self.params = params
        self.origin = origin

    def describe(self):
        where = self.params.get("host") or "the default socket"
        if self.params.get("port"):
            where += f":{self.params['port']}"
        return f"PostgreSQL server {where} (from {self.origin})"

    def ensure(self):
        try:
            pg_connect(self.params, "postgres").close()
        except Exception as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else exc
            raise Fail(f"cannot connect to the {self.describe()}: {msg}") from None
        return False

    def stop(self):
        pass


class LocalCluster:
    """Throwaway cluster in .local/pg, reachable on a unix socket only."""

    local = True
    port = 5432

    def __init__(self):
        self.base = LOCAL / "pg"
        fallback = self.fallback_base()
        if len(str(self.base / "run" / ".s.PGSQL.5432")) > 100 or (
            not (self.base / "data").exists() and (fallback / "data").exists()
        ):
            # unix socket paths are limited to ~107 bytes; or an earlier run had
            # to move the cluster (see prepare_dirs)
            self.base = fallback
        self.bindir = None

    @staticmethod
    def fallback_base():
        digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
        return Path(tempfile.gettempdir()) / f"huatai-pg-{digest}"

    @property
    def data(self):
        return self.base / "data"

    @property
    def run_dir(self):
        return self.base / "run"

    @property
    def log(self):
        return self.base / "postgres.log"

    @property
    def params(self):
        return {"host": str(self.run_dir), "port": self.port, "user": PG_USER}

    def describe(self):
        return f"throwaway PostgreSQL cluster in {self.base}"

    # -- running the binaries as an unprivileged user when we are root ----------

    @property
    def as_root(self):
        return os.name == "posix" and os.geteuid() == 0

    def pg_run(self, args, **kwargs):
        kwargs.setdefault("cwd", self.base)
        if self.as_root:
            kwargs.update(user=PG_OS_USER, group=PG_OS_USER, extra_groups=[])
        return subprocess.run(args, **kwargs)

    def ensure_os_user(self):
        import pwd

        try:
            pwd.getpwnam(PG_OS_USER)
            return
        except KeyError:
            pass
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        res = subprocess.run(
            [
                useradd,
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                PG_OS_USER,
            ],
            capture_output=True,
            text=True,
        )
        if res.returncode:
            raise Fail(
                f"running as root, PostgreSQL needs an unprivileged user: creating "
                f"system user {PG_OS_USER!r} failed: {res.stderr.strip()}"
            )

    def prepare_dirs(self):
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if not self.as_root:
            return
        self.ensure_os_user()
        import pwd

        uid = pwd.getpwnam(PG_OS_USER).pw_uid
        if any(p.stat().st_uid != uid for p in (self.base, self.run_dir)):
            subprocess.run(
                ["chown", "-R", f"{PG_OS_USER}:{PG_OS_USER}", str(self.base)]
            )
        os.chmod(self.base, 0o700)
        ok = self.pg_run(["test", "-w", str(self.base)], cwd="/").returncode == 0
        if not ok and self.base != self.fallback_base():
            # a parent folder is closed to other users (e.g. a checkout under /root)
            self.base = self.fallback_base()
            say(f"{PG_OS_USER} cannot reach .local/pg: using {self.base} instead")
            self.prepare_dirs()
        elif not ok:
            raise Fail(f"user {PG_OS_USER} cannot write to {self.base}")

    # -- binaries -----------------------------------------------------------------

    def find_bindir(self):
        wanted = None
        if (self.data / "PG_VERSION").is_file():
            wanted = (self.data / "PG_VERSION").read_text().strip()
        candidates = []
        if os.environ.get("PG_BINDIR"):
            candidates.append(Path(os.environ["PG_BINDIR"]))
        if shutil.which("pg_config"):
            res = subprocess.run(
                ["pg_config", "--bindir"], capture_output=True, text=True
            )
            if res.returncode == 0:
                candidates.append(Path(res.stdout.strip()))

        def version_key(p):
            return [int(x) for x in re.findall(r"\d+", p.parent.name)] or [0]

        for pattern in ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin"):
            globbed = [Path(p) for p in sorted(Path("/").glob(pattern.lstrip("/")))]
            candidates += sorted(globbed, key=version_key, reverse=True)
        if shutil.which("pg_ctl"):
            candidates.append(Path(shutil.which("pg_ctl")).parent)
        usable = [
            c
            for c in candidates
            if all(os.access(c / b, os.X_OK) for b in ("initdb", "pg_ctl", "postgres"))
        ]
        if not usable:
            raise Fail(
                "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: "
                "install them (Debian: apt-get install postgresql), set PG_BINDIR, "
                "or set PGHOST/PGPORT to use a running server"
            )
        for cand in usable:
            if wanted is None or self.binary_version(cand) == wanted:
                return cand
        found = ", ".join(f"{c} ({self.binary_version(c)})" for c in usable)
        raise Fail(
            f"the cluster in {self.base} was made by PostgreSQL {wanted}, but only "
            f"{found} are installed: `python3 scripts/dev.py clean` deletes it "
            "(and its databases)"
        )

    @staticmethod
    def binary_version(bindir):
        res = subprocess.run(
            [bindir / "postgres", "--version"], capture_output=True, text=True
        )
        m = re.search(r"(\d+)(?:\.\d+)?", res.stdout)
        return m.group(1) if m else "?"

    # -- lifecycle ----------------------------------------------------------------

    def is_running(self):
        if not (self.data / "PG_VERSION").is_file():
            return False
        res = self.pg_run(
            [self.bindir / "pg_ctl", "-D", self.data, "status"], capture_output=True
        )
        return res.returncode == 0

    def init(self):
        say(f"creating a {self.describe()}")
        res = self.pg_run(
            [
                self.bindir / "initdb",
                "-D",
                self.data,
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
            ],
            capture_output=True,
            text=True,
        )
        if res.returncode:
            tail = (res.stderr or res.stdout).strip().splitlines()[-1:]
            shutil.rmtree(self.data, ignore_errors=True)
            raise Fail(f"initdb failed: {' '.join(tail)}")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as fh:
            fh.write(
                "\n# scripts/dev.py: throwaway development cluster\n"
                "listen_addresses = ''\n"
                f"unix_socket_directories = '{self.run_dir}'\n"
                "unix_socket_permissions = 0700\n"
                f"port = {self.port}\n"
                "max_connections = 100\n"
                "fsync = off\n"
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
            )

    def ensure(self):
        """Start the cluster (creating it first if needed); True if we started it."""
        self.prepare_dirs()
        self.bindir = self.find_bindir()
        if not (self.data / "PG_VERSION").is_file():
            self.init()
        started = False
        if not self.is_running():
            res = self.pg_run(
                [
                    self.bindir / "pg_ctl",
                    "-D",
                    self.data,
                    "-l",
                    self.log,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
                capture_output=True,
                text=True,
            )
            if res.returncode:
                tail = ""
                if self.log.is_file():
                    lines = self.log.read_text(errors="replace").strip().splitlines()
                    tail = lines[-1] if lines else ""
                raise Fail(
                    f"PostgreSQL did not start ({tail.strip()}); log: {self.log}"
                )
            started = True
        try:
            self.ensure_role()
        except BaseException:
            if started:
                self.stop()
            raise
        return started

    def ensure_role(self):
        params = dict(self.params, user="postgres")
        try:
            conn = pg_connect(params, "postgres")
        except Exception as exc:
            raise Fail(f"cannot connect to the {self.describe()}: {exc}") from None
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (PG_USER,))
            if not cr.fetchone():
                cr.execute(f'CREATE ROLE "{PG_USER}" LOGIN SUPERUSER')
        conn.close()

    def stop(self):
        if self.bindir and self.is_running():
            self.pg_run(
                [self.bindir / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"],
                capture_output=True,
            )


def pg_server():
    """Decide which PostgreSQL server to use.

    1. PGHOST or PGPORT set in the environment: that server (PGUSER, PGPASSWORD too);
    2. else db_host or db_port set in odoo.conf: that server (db_user, db_password);
    3. else the throwaway cluster in .local/pg.
    """
    env = os.environ
    if env.get("PGHOST") or env.get("PGPORT"):
        params = {
            "host": env.get("PGHOST"),
            "port": env.get("PGPORT"),
            "user": env.get("PGUSER"),
            "password": env.get("PGPASSWORD"),
        }
        return Server(params, "PGHOST/PGPORT")
    cp = read_template()
    if conf_value(cp, "db_host") or conf_value(cp, "db_port"):
        params = {
            k: conf_value(cp, f"db_{k}") for k in ("host", "port", "user", "password")
        }
        return Server(params, "odoo.conf")
    return LocalCluster()


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
# ---------------------------------------------------------------------------


def port_free(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def wait_port(host, port, proc, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def has_cjk_font():
    """Whether a font with Chinese glyphs is installed (PDF reports in zh_CN)."""
    if not shutil.which("fc-list"):
        return False
    res = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    )
    return bool(res.stdout.strip())


def system_packages(pg, browser=False):
    """The Debian packages `run`/`test` need: installed as root on Debian, else
    named in one line with the apt-get command (Chromium, the PDF engine and
    the Chinese fonts only warned about)."""
    missing = []
    if pg.local:
        try:
            pg.find_bindir()
        except Fail as exc:
            if "not found" in str(exc):  # not: a cluster of another version
                missing.append("postgresql")
    optional = []  # without them: tours skipped, no PDF, PDFs without Chinese
    chrome = ("google-chrome", "chromium", "chromium-browser")
    if browser and not any(shutil.which(c) for c in chrome):
        optional.append("chromium")
    if not shutil.which("wkhtmltopdf"):
        optional.append("wkhtmltopdf")
    if not has_cjk_font():
        optional.append("fonts-noto-cjk")
    if not missing and not optional:
        return
    apt = shutil.which("apt-get") and not os.environ.get("HUATAI_NO_APT")
    if not missing and not (os.geteuid() == 0 and apt):
        say(
            f"missing {' '.join(optional)}: browser tests (tours) are skipped and "
            "PDF reports (registration form, reply letter) cannot be printed in "
            f"Chinese -- install them: sudo {bootstrap.apt_command(optional)}"
        )
        return
    try:
        bootstrap.ensure_packages(
            missing + optional, "the database server, PDF reports and browser tests"
        )
    except bootstrap.BootstrapError as exc:
        raise Fail(str(exc)) from None


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


def split_passthrough(argv):
    """dev.py options before `--`, and everything after it, for pytest."""
    if "--" in argv:
        i = argv.index("--")
        return argv[:i], argv[i + 1 :]
    return argv, []


def cmd_test(args, pytest_args):
    odoo_dir = check_odoo()
    try:
        import pytest_odoo  # noqa: F401
    except ImportError:
        raise Fail(
            "pytest-odoo is not installed: python3 -m pip install -r requirements.txt"
        ) from None
    pg = pg_server()
    system_packages(pg, browser=True)
    started = pg.ensure()
    try:
        conf = write_config(odoo_dir, pg, TEST_DB)
        prepare_test_db(pg, conf, keep=args.keep_db, update=args.update)
        paths = [a for i, a in enumerate(pytest_args) if is_test_path(pytest_args, i)]
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            f"--odoo-config={os.path.relpath(conf, ROOT)}",
            f"--odoo-database={TEST_DB}",
            "--odoo-http",
            f"--odoo-log-level={args.odoo_log_level}",
            *([] if paths else TEST_PATHS),
            *pytest_args,
        ]
        say("running python3 " + " ".join(cmd[1:]))
        rc = subprocess.run(cmd, cwd=ROOT).returncode
    finally:
        if started:
            pg.stop()
    if rc == 5:
        print(
            "dev.py: pytest ran no test (exit status 5): treated as a failure",
            file=sys.stderr,
        )
        return 1
    return rc


def is_test_path(args, i):
    """Whether pytest argument i names tests (then the default paths are left out)."""
    arg = args[i]
    if arg.startswith("-") or (
        i and args[i - 1] in ("-k", "-m", "-p", "-o", "--deselect")
    ):
        return False
    looks_like_path = "/" in arg or ".py" in arg or arg in ("tests", "addons")
    return looks_like_path and (ROOT / arg.split("::")[0]).exists()


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


def find_tool(name):
    """A console script installed next to this Python, or on PATH."""
    local = Path(sys.executable).parent / name
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which(name)


def lint_steps(fix=False):
    dirs = [d for d in LINT_PATHS if (ROOT / d).exists()]
    addons = sorted(
        str(p.parent.relative_to(ROOT)) for p in ROOT.glob("addons/*/__manifest__.py")
    )
    po_files = sorted(
        str(p.relative_to(ROOT)) for p in ROOT.glob("addons/*/i18n/*.po*")
    )
    prettier = ROOT / "node_modules" / ".bin" / "prettier"
    ruff = [sys.executable, "-m", "ruff"]
    if fix:
        return [
            ("ruff check --fix", [*ruff, "check", "--fix", *dirs]),
            ("ruff format", [*ruff, "format", *dirs]),
            (
                "oca-checks-odoo-module --fix",
                [find_tool("oca-checks-odoo-module"), "--fix", "--no-exit", *addons],
            ),
            ("prettier --write", [prettier, "--write", "addons/**/*.xml"]),
        ]
    steps = [
        ("ruff check", [*ruff, "check", "--no-fix", *dirs]),
        ("ruff format --check", [*ruff, "format", "--check", *dirs]),
    ]
    if addons:
        steps += [
            (
                "pylint (mandatory)",
                [
                    sys.executable,
                    "-m",
                    "pylint",
                    "--rcfile=.pylintrc-mandatory",
                    "--output-format=colorized"
                    if sys.stdout.isatty()
                    else "--output-format=text",
                    *addons,
                ],
            ),
            ("oca-checks-odoo-module", [find_tool("oca-checks-odoo-module"), *addons]),
        ]
    if po_files:
        steps.append(
            (
                "oca-checks-po",
                [find_tool("oca-checks-po"), "--disable=po-pretty-format", *po_files],
            )
        )
    steps.append(("prettier --check (XML)", [prettier, "--check", "addons/**/*.xml"]))
    return steps


def run_steps(steps):
    failed = []
    for title, cmd in steps:
        print(f"--- {title}", flush=True)
        if cmd[0] is None or not Path(cmd[0]).exists():
            hint = (
                "npm ci"
                if "prettier" in title
                else ("python3 -m pip install -r requirements-dev.txt")
            )
            print(f"not installed: run `{hint}`", flush=True)
            failed.append(title)
            continue
        if subprocess.run([str(c) for c in cmd], cwd=ROOT).returncode:
            failed.append(title)
    return failed


def cmd_lint(args):
    failed = run_steps(lint_steps())
    if failed:
        raise Fail(f"lint failed: {', '.join(failed)} (`make format` fixes formatting)")
    say("lint passed")
    return 0


def cmd_format(args):
    failed = run_steps(lint_steps(fix=True))
    if failed:
        raise Fail(f"format: {', '.join(failed)} did not finish cleanly")
    return 0


def cmd_pg(args):
    pg = pg_server()
    if args.action == "status":
        if not pg.local:
            pg.ensure()
            say(f"using the {pg.describe()}: reachable")
            return 0
        pg.bindir = pg.find_bindir() if (pg.data / "PG_VERSION").is_file() else None
        state = "running" if pg.bindir and pg.is_running() else "stopped"
        say(
            f"{pg.describe()}: {state}; connect with PGHOST={pg.run_dir} "
            f"PGPORT={pg.port} PGUSER={PG_USER}"
        )
        return 0
    if not pg.local:
        raise Fail(f"using the {pg.describe()}: nothing to {args.action} here")
    if args.action == "start":
        pg.ensure()
        say(f"{pg.describe()}: running (PGHOST={pg.run_dir} PGUSER={PG_USER})")
    else:
        pg.prepare_dirs()
        pg.bindir = pg.find_bindir()
        pg.stop()
        say(f"{pg.describe()}: stopped")
    return 0


def cmd_psql(args):
    pg = pg_server()
    pg.ensure()
    env = dict(os.environ)
    for key, var in (
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
    ):
        if pg.params.get(key):
            env[var] = str(pg.params[key])
    psql = (pg.bindir / "psql") if pg.local and pg.bindir else shutil.which("psql")
    if not psql or not Path(psql).exists():
        raise Fail("psql not found (Debian: apt-get install postgresql-client)")
    return subprocess.call([str(psql), args.db], env=env)


def cmd_clean(args):
    pg = pg_server()
    if pg.local and (pg.data / "PG_VERSION").is_file():
        try:
            pg.bindir = pg.find_bindir()
            pg.stop()
        except Fail:
            pass
        shutil.rmtree(pg.base, ignore_errors=True)
    cache = bootstrap.CACHE
    if LOCAL.is_dir():
        for child in LOCAL.iterdir():
            if child != cache:
                (shutil.rmtree if child.is_dir() else Path.unlink)(child)
    kept = f", kept {cache} (downloads)" if cache.is_dir() else ""
    say(f"deleted {LOCAL}{kept}; the virtualenv .venv stays (delete it by hand)")
    return 0


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


def cmd_bootstrap(args):
    odoo_dir = check_odoo()
    say(f"Odoo 18.0 is importable by {sys.executable} (from {odoo_dir})")
    return 0


def main(argv=None):
    # scripts/topology.py builds on this module: one copy of it, whatever its name
    sys.modules.setdefault("dev", sys.modules[__name__])
    import topology  # noqa: PLC0415

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
