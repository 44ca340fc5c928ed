"""Where the benchmark finds Odoo and PostgreSQL, and how it opens a database.

PostgreSQL comes from scripts/dev.py when the repository has it (PGHOST/PGPORT,
odoo.conf, else the throwaway cluster in .local/pg), so the benchmark uses the
same server as the tests; without it, from PGHOST/PGPORT/PGUSER/PGPASSWORD.
"""

import contextlib
import importlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = Path(os.environ.get("HUATAI_LOCAL_DIR") or ROOT / ".local").resolve()
BENCH_DIR = LOCAL / "bench"


def _cluster():
    """scripts/devtools/cluster.py (how scripts/dev.py finds PostgreSQL) as a
    module, or None."""
    scripts = ROOT / "scripts"
    if not (scripts / "devtools" / "cluster.py").is_file():
        return None
    # devtools imports its sibling modules (bootstrap, backup...)
    if str(scripts) not in sys.path:
        sys.path.insert(0, str(scripts))
    return importlib.import_module("devtools.cluster")


class Server:
    """The PostgreSQL server: connection parameters, started if it is ours."""

    def __init__(self):
        cluster = _cluster()
        self.pg = None
        self.started = False
        if cluster is not None:
            self.pg = cluster.pg_server()
            self.params = None
        else:
            self.params = {
                "host": os.environ.get("PGHOST"),
                "port": os.environ.get("PGPORT"),
                "user": os.environ.get("PGUSER"),
                "password": os.environ.get("PGPASSWORD"),
            }

    def __enter__(self):
        if self.pg is not None:
            self.started = self.pg.ensure()
            self.params = self.pg.params
        return self

    def __exit__(self, *exc):
        if self.started:
            self.pg.stop()

    def describe(self):
        if self.pg is not None:
            return self.pg.describe()
        return f"PostgreSQL {self.params.get('host') or 'default'}:" + str(
            self.params.get("port") or 5432
        )

    def connect(self, dbname="postgres"):
        import psycopg2

        kwargs = {k: v for k, v in self.params.items() if v}
        return psycopg2.connect(dbname=dbname, **kwargs)

    def db_exists(self, name):
        conn = self.connect()
        try:
            with conn.cursor() as cr:
                cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                return bool(cr.fetchone())
        finally:
            conn.close()

    def drop_db(self, name):
        conn = self.connect()
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                cr.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                )
                cr.execute(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            conn.close()

    def create_db(self, name, template=None):
        conn = self.connect()
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                tmpl = f' TEMPLATE "{template}"' if template else " TEMPLATE template0"
                cr.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8'{tmpl}")
        finally:
            conn.close()


def odoo_addons_paths():
    import odoo

    odoo_dir = Path(odoo.__file__).resolve().parent
    paths = [str(ROOT / "addons")]
    for cand in (odoo_dir / "addons", odoo_dir.parent / "addons"):
        if cand.is_dir() and any(cand.glob("*/__manifest__.py")):
            paths.append(str(cand))
    return paths


def write_config(server):
    """An Odoo configuration file for the benchmark databases."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / "odoo.conf"
    lines = [
        "[options]",
        f"addons_path = {','.join(odoo_addons_paths())}",
        f"data_dir = {BENCH_DIR / 'data'}",
        "list_db = False",
        "workers = 0",
        "max_cron_threads = 0",
        "log_level = warn",
    ]
    for key in ("host", "port", "user", "password"):
        value = server.params.get(key)
        lines.append(f"db_{key} = {value if value else 'False'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def odoo_install(conf, db, modules, lang=None):
    """Install ``modules`` into ``db`` with Odoo's command line (no demo data)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    log = BENCH_DIR / f"{db}-install.log"
    cmd = [
        sys.executable,
        "-c",
        "import odoo; odoo.cli.main()",
        "-c",
        str(conf),
        "-d",
        db,
        "-i",
        ",".join(modules),
        "--without-demo=all",
        "--stop-after-init",
        "--no-http",
        f"--logfile={log}",
    ]
    if lang:
        cmd.append(f"--load-language={lang}")
    res = subprocess.run(cmd, cwd=ROOT)
    text = log.read_text(errors="replace") if log.exists() else ""
    if res.returncode or " ERROR " in text or " CRITICAL " in text:
        raise RuntimeError(f"installing {modules} into {db} failed: see {log}")


def odoo_setup(conf):
    """Load the configuration into this process (once)."""
    import odoo

    if not getattr(odoo_setup, "done", False):
        odoo.tools.config.parse_config(["-c", str(conf), "--log-level=warn"])
        odoo_setup.done = True


@contextlib.contextmanager
def environment(db, commit=False):
    """An Odoo superuser environment on ``db``; commits at the end if asked."""
    import odoo
    from odoo.modules.registry import Registry

    registry = Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            yield env
            if commit:
                env.flush_all()
                cr.commit()
            else:
                cr.rollback()
        except BaseException:
            cr.rollback()
            raise
