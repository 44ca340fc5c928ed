"""The production topology on this machine, without Docker (scripts/dev.py topology).

    python3 scripts/dev.py topology [--workers N] [--port P] [--load SECONDS]

1. a primary PostgreSQL cluster (.local/topology/primary, unix socket only) with
   the database huatai_topology (both addons, demo data, zh_CN), created on first use;
2. a hot standby cloned from it with pg_basebackup (-R: streaming replication),
   on its own socket and port (.local/topology/standby);
3. Odoo in prefork mode (--workers, max_cron_threads = 0) with db_host on the
   primary and db_replica_host on the standby, on 127.0.0.1:P (gevent on P+3);
4. one cron process (--no-http --workers=0 --max-cron-threads=1).

Ctrl-C stops all of it.  With --load SECONDS it does not wait for Ctrl-C: it runs a
small load (concurrent demo users reading complaint lists and forms through the web
client's JSON-RPC, plus creating complaints), prints the figures, including how many
transactions each server committed for the database, then stops everything.
If the standby is down, Odoo falls back to the primary by itself (it logs "Failed to
open a readonly cursor"): `--standby-down` stops it once Odoo is up, to see that;
`--no-standby` runs the same without one, for comparison.
"""

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from devtools.cluster import PG_USER, LocalCluster, pg_connect
from devtools.common import DEMO_LANG, LOCAL, MODULES, ROOT, Fail, say
from devtools.database import db_exists, drop_db, odoo_install
from devtools.odoo_setup import (
    check_odoo,
    odoo_addons_paths,
    odoo_cmd,
    port_free,
    read_template,
)

DB = "huatai_topology"
BASE = LOCAL / "topology"


class Cluster(LocalCluster):
    """A throwaway cluster of the topology: primary or standby."""

    def __init__(self, role, port):
        self.role = role
        super().__init__()
        self.port = port
        self.base = BASE / role
        if len(str(self.run_dir / f".s.PGSQL.{port}")) > 100:
            self.base = self.fallback_base()

    def fallback_base(self):
        digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
        return Path(tempfile.gettempdir()) / f"huatai-topo-{digest}-{self.role}"

    def describe(self):
        return f"{self.role} PostgreSQL cluster in {self.base}"

    def settings(self):
        return (
            f"\n# scripts/topology.py: {self.role}\n"
            "listen_addresses = ''\n"
            f"unix_socket_directories = '{self.run_dir}'\n"
            "unix_socket_permissions = 0700\n"
            f"port = {self.port}\n"
            "max_connections = 200\n"
            "fsync = off\n"
            "synchronous_commit = off\n"
            # a base backup and a standby need full pages after checkpoints
            "full_page_writes = on\n"
            "wal_level = replica\n"
            "max_wal_senders = 5\n"
            "hot_standby = on\n"
        )

    def init(self):
        super().init()
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as fh:
            fh.write(self.settings())

    def clone_from(self, primary):
        """Make this cluster a streaming standby of `primary` (pg_basebackup -R)."""
        say(f"cloning the primary into a {self.describe()} (pg_basebackup)")
        res = self.pg_run(
            [
                self.bindir / "pg_basebackup",
                "-h",
                primary.run_dir,
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                self.data,
                "-X",
                "stream",
                "-R",
                "--checkpoint=fast",
            ],
            capture_output=True,
            text=True,
        )
        if res.returncode:
            shutil.rmtree(self.data, ignore_errors=True)
            last = (res.stderr or "").strip().splitlines()[-1:]
            raise Fail(f"pg_basebackup failed: {' '.join(last)}")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as fh:
            fh.write(self.settings())

    def ensure_standby(self, primary):
        self.prepare_dirs()
        self.bindir = primary.bindir
        if not (self.data / "PG_VERSION").is_file():
            self.clone_from(primary)
        if self.is_running():
            return False
        self.start(timeout=120, what="the standby")
        return True


def stat_xacts(cluster, db):
    """(commits, rows returned) of `db` on `cluster`, from pg_stat_database;
    (0, 0) for a cluster that is not there or down."""
    import psycopg2  # noqa: PLC0415 -- an Odoo dependency, there once bootstrapped

    if cluster is None:
        return (0, 0)
    try:
        conn = pg_connect(dict(cluster.params, user="postgres"), "postgres")
    except psycopg2.OperationalError:
        return (0, 0)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT xact_commit, tup_returned FROM pg_stat_database "
                "WHERE datname = %s",
                (db,),
            )
            return cr.fetchone() or (0, 0)
    finally:
        conn.close()


def replication_state(primary):
    conn = pg_connect(dict(primary.params, user="postgres"), "postgres")
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT state FROM pg_stat_replication")
            return [r[0] for r in cr.fetchall()]
    finally:
        conn.close()


def write_conf(primary, standby, port, workers):
    cp = read_template()
    opts = cp["options"]
    odoo_dir = check_odoo()
    opts["addons_path"] = ",".join([str(ROOT / "addons"), *odoo_addons_paths(odoo_dir)])
    opts["data_dir"] = str(LOCAL / "data")
    opts.update(
        db_name=DB,
        dbfilter=f"^{DB}$",
        db_host=str(primary.run_dir),
        db_port=str(primary.port),
        db_user=PG_USER,
        db_password="False",
        http_interface="127.0.0.1",
        http_port=str(port),
        gevent_port=str(port + 3),
        workers=str(workers),
        max_cron_threads="0",
        list_db="False",
        log_level="warn",
    )
    if standby is not None:
        opts["db_replica_host"] = str(standby.run_dir)
        opts["db_replica_port"] = str(standby.port)
    path = BASE / "odoo.conf"
    BASE.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("; generated by scripts/topology.py from odoo.conf\n")
        cp.write(fh)
    return path


# -- a small load ------------------------------------------------------------------


class Client:
    def __init__(self, base_url, login):
        self.base = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())
        )
        self.call("/web/session/authenticate", db=DB, login=login, password="demo")

    def call(self, path, **params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        req = urllib.request.Request(
            self.base + path,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(req, timeout=120) as resp:
            data = json.loads(resp.read())
        if data.get("error"):
            raise RuntimeError(data["error"]["data"]["message"])
        return data["result"]

    def kw(self, model, method, args=(), **kwargs):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            model=model,
            method=method,
            args=list(args),
            kwargs=kwargs,
        )


def one_user(base_url, login, until, timings, errors, write_every):
    try:
        client = Client(base_url, login)
    except Exception as exc:  # noqa: BLE001 -- reported in the figures
        errors.append(f"{login}: login: {exc}")
        return
    fields = ["name", "complainant_name", "stage_id", "reply_deadline"]
    n = 0
    while time.monotonic() < until:
        n += 1
        started = time.monotonic()
        try:
            if write_every and n % write_every == 0:
                kind = "write"
                client.kw(
                    "huatai.complaint",
                    "create",
                    [
                        {
                            "channel": "phone",
                            "category_id": category_id(client),
                            "complainant_name": "负载测试",
                            "description": "topology load",
                        }
                    ],
                )
            else:
                kind = "read"
                page = client.kw(
                    "huatai.complaint",
                    "web_search_read",
                    specification={f: {} for f in fields},
                    domain=[],
                    limit=80,
                )
                ids = [r["id"] for r in page["records"][:3]]
                if ids:
                    client.kw(
                        "huatai.complaint",
                        "web_read",
                        [ids],
                        specification={f: {} for f in fields},
                    )
        except Exception as exc:  # noqa: BLE001 -- reported in the figures
            errors.append(f"{login}: {exc}")
            continue
        timings.setdefault(kind, []).append(time.monotonic() - started)


def category_id(client):
    if not hasattr(client, "_category"):
        found = client.kw(
            "huatai.complaint.category",
            "search_read",
            [[["code", "=", "service"]]],
            fields=["id"],
            limit=1,
        )
        client._category = found[0]["id"]
    return client._category


def run_load(base_url, seconds, primary, standby, users):
    logins = ["staff", "staff_hz", "head", "hq", "csc", "compliance"][:users]
    before_p = stat_xacts(primary, DB)
    before_s = stat_xacts(standby, DB)
    timings, errors = {}, []
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=one_user,
            args=(base_url, login, until, timings, errors, 10),
            daemon=True,
        )
        for login in logins
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 180)
    after_p = stat_xacts(primary, DB)
    after_s = stat_xacts(standby, DB)
    reads, writes = timings.get("read", []), timings.get("write", [])
    committed_p = after_p[0] - before_p[0]
    committed_s = after_s[0] - before_s[0]
    rows_p = after_p[1] - before_p[1]
    rows_s = after_s[1] - before_s[1]
    figures = {
        "users": len(logins),
        "seconds": seconds,
        "read_iterations": len(reads),
        "write_iterations": len(writes),
        "reads_per_s": round(len(reads) / seconds, 1),
        "read_median_ms": round(statistics.median(reads) * 1000) if reads else None,
        "read_p95_ms": round(sorted(reads)[int(len(reads) * 0.95)] * 1000)
        if reads
        else None,
        "write_median_ms": round(statistics.median(writes) * 1000) if writes else None,
        "primary_commits": committed_p,
        "standby_commits": committed_s,
        "primary_rows_read": rows_p,
        "standby_rows_read": rows_s,
        "standby_share_of_rows_read": round(rows_s / (rows_p + rows_s), 3)
        if rows_p + rows_s
        else None,
        "errors": len(errors),
    }
    for line in errors[:5]:
        print(f"  error: {line}")
    return figures


# -- the command ----------------------------------------------------------------------


def wait_http(url, procs, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            time.sleep(1)
    return False


def prepare_clusters(primary, standby, args, started):
    """Start the primary (creating it and the database on first use), then the
    standby (cloning it on first use); `started` gets the clusters started here."""
    if primary.ensure():
        started.append(primary)
    conf = write_conf(primary, None, args.port, args.workers)
    if not db_exists(primary, DB):
        say(f"creating {DB} (both addons, demo data, zh_CN) in the primary")
        try:
            odoo_install(
                conf,
                DB,
                primary,
                install=MODULES,
                extra=[f"--load-language={DEMO_LANG}"],
                echo=False,
            )
        except BaseException:
            drop_db(primary, DB)
            raise
    if standby is not None:
        if standby.ensure_standby(primary):
            started.append(standby)
        states = replication_state(primary)
        say(f"standby streaming from the primary: {states or 'not yet'}")


def cmd_topology(args):
    check_odoo()
    if not port_free("127.0.0.1", args.port) or not port_free(
        "127.0.0.1", args.port + 3
    ):
        raise Fail(
            f"port {args.port} or {args.port + 3} is in use: choose another with --port"
        )
    primary = Cluster("primary", 5432)
    standby = None if args.no_standby else Cluster("standby", 5433)
    started = []
    procs = []
    try:
        prepare_clusters(primary, standby, args, started)
        conf = write_conf(primary, standby, args.port, args.workers)
        log = BASE / "odoo.log"
        say(
            f"Odoo: {args.workers} workers on http://127.0.0.1:{args.port}, "
            f"gevent on {args.port + 3}, read-only requests on "
            f"{'the standby' if standby else 'the primary (no standby)'}; "
            f"one cron process; log: {log}"
        )
        with open(log, "a", encoding="utf-8") as fh:
            procs.append(
                subprocess.Popen(
                    odoo_cmd(conf, "-d", DB), cwd=ROOT, stdout=fh, stderr=fh
                )
            )
            procs.append(
                subprocess.Popen(
                    odoo_cmd(
                        conf,
                        "-d",
                        DB,
                        "--no-http",
                        "--workers=0",
                        "--max-cron-threads=1",
                    ),
                    cwd=ROOT,
                    stdout=fh,
                    stderr=fh,
                )
            )
        url = f"http://127.0.0.1:{args.port}"
        if not wait_http(f"{url}/web/health", procs):
            raise Fail(f"Odoo did not come up: see {log}")
        if args.standby_down and standby is not None:
            say("stopping the standby: Odoo must fall back to the primary")
            standby.stop()
        if args.load:
            say(f"load: {args.users} users for {args.load} s")
            figures = run_load(url, args.load, primary, standby, args.users)
            print(json.dumps(figures, indent=1))
            return 0
        say(f"ready: {url}/web/login (demo logins as `make run`); Ctrl-C stops")
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        raise Fail(f"an Odoo process exited: see {log}")
    except KeyboardInterrupt:
        print()
        return 130
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for cluster in reversed(started):
            cluster.stop()
        if started:
            say("stopped Odoo, cron and the clusters this run started")


def add_parser(sub):
    p = sub.add_parser(
        "topology",
        help="primary + hot standby PostgreSQL, prefork Odoo reading from the "
        "standby, one cron process (the prod profile without Docker)",
    )
    p.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1)))
    p.add_argument("--port", type=int, default=8169)
    p.add_argument("--users", type=int, default=6, help="with --load (max 6)")
    p.add_argument(
        "--load",
        type=int,
        metavar="SECONDS",
        help="run a small load for SECONDS, print the figures, stop",
    )
    p.add_argument(
        "--no-standby", action="store_true", help="the same, without a standby"
    )
    p.add_argument(
        "--standby-down",
        action="store_true",
        help="stop the standby once Odoo is up (Odoo falls back to the primary)",
    )
    return p


if __name__ == "__main__":
    sys.exit("run it as: python3 scripts/dev.py topology")
