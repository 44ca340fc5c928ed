"""The PostgreSQL server the commands use: a server given by PGHOST/PGPORT
or odoo.conf, or a throwaway cluster in .local/pg (pg, psql, clean)."""

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import bootstrap

from .common import LOCAL, ROOT, Fail, say
from .odoo_setup import conf_value, read_template

PG_USER = "odoo"  # role created in the throwaway cluster (Odoo refuses `postgres`)
PG_OS_USER = "odoo-pg"  # system user that runs the throwaway cluster when we are root


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
            self.start()
            started = True
        try:
            self.ensure_role()
        except BaseException:
            if started:
                self.stop()
            raise
        return started

    def start(self, timeout=60, what="PostgreSQL"):
        """Start the cluster with pg_ctl, or fail with the last line of its log."""
        res = self.pg_run(
            [
                self.bindir / "pg_ctl",
                "-D",
                self.data,
                "-l",
                self.log,
                "-w",
                "-t",
                str(timeout),
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
            raise Fail(f"{what} did not start ({tail.strip()}); log: {self.log}")

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
