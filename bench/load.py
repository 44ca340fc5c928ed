#!/usr/bin/env python3
"""Burst load on a multi-worker Odoo: intake over every channel, staff
workflow and managers' screens from N concurrent clients.

    python3 bench/load.py --size 100000 --clients 1,10,50 --duration 60

For each client count: a fresh copy (``bench_load_<size>``) of the benchmark
database ``bench_complaints_<size>`` (built like ``bench/run.py`` builds it
when missing), a prefork server started with the ``odoo`` console script
(``--workers``, one cron thread, HTTP on 127.0.0.1 only, a local SMTP sink as
the outgoing mail server), then N clients for ``--duration`` seconds, each
looping over a weighted mix:

- ``hotline``: ``huatai.complaint.create`` over ``/jsonrpc`` (channel phone,
  by the sales-department staff member the client plays) and its call
  recording with ``ir.attachment.create``;
- ``webform``: ``GET /complaints/new`` (CSRF and one-time form token), then
  ``POST /complaints/submit`` with two files;
- ``email``: a mail to the complaints alias through
  ``mail.thread.message_process`` over RPC (as the administrator, as the
  mail gateway does);
- ``workflow``: the next step of one of the client's complaints: accept
  (``action_accept``), start, dispatch (one in five, to a sibling
  department), write and submit the handling plan (``action_submit_plan``),
  the branch review of the plan by the head of the department's branch
  company (review wizard, as that head: Art. 6 asks it of every complaint of
  a sales department), record the reply (reply wizard), record the callback
  (callback wizard);
- ``kanban``: the web client's first kanban load (``web_read_group`` by
  stage, ``web_search_read`` of the first column) as the staff member;
- ``dashboard``: what a manager's dashboard reads over RPC, as a Retail
  Client Service HQ user: a pivot of the analysis (``read_group``: received,
  overdue and closed per branch company and type over 12 months) and a chart
  (``web_read_group`` per month).

Reported per client count: throughput, p50/p95/p99 per operation, refusals by
cause (HTTP status or the server's exception), serialization retries and bad
queries in the server log, and a check of the database afterwards: every
acknowledged submission stored exactly once (by the unique name it carries),
no refused one stored, no duplicate reference, no orphan contact.

``--addons DIR`` serves another checkout's addons (e.g. ``../main-checkout/addons``
to measure main). The copy is updated to the served addons first (the
source database may predate their fields; ``--no-update`` skips it).
"""

import argparse
import base64
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import socketserver
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, run  # noqa: E402

PASSWORD = "bench-load"
WEIGHTS = {
    "hotline": 25,
    "webform": 12,
    "email": 10,
    "workflow": 33,
    "kanban": 12,
    "dashboard": 8,
}
INTAKES = ("hotline", "webform", "email")
RETRY_PATTERNS = {
    "serialization": re.compile(r"could not serialize", re.I),
    "retrying": re.compile(r"tries left, try again"),
    "gave_up": re.compile(r"maximum number of tries reached"),
    "bad_query": re.compile(r"bad query", re.I),
    "deadlock": re.compile(r"deadlock detected", re.I),
}
AUDIO = b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 64  # ~16 kB
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def say(msg):
    print(f"load: {msg}", flush=True)


# ---------------------------------------------------------------------------
# A local SMTP sink: the outgoing mail server of the load database
# ---------------------------------------------------------------------------


class _SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 sink ESMTP\r\n")
        data = False
        rcpts, message_id = [], None
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if data:
                if line in (b".\r\n", b".\n"):
                    data = False
                    self.server.record(message_id, rcpts)
                    rcpts, message_id = [], None
                    self.wfile.write(b"250 OK\r\n")
                elif message_id is None and line[:11].lower() == b"message-id:":
                    message_id = line[11:].strip().decode(errors="replace")
                continue
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                data = True
                self.wfile.write(b"354 go on\r\n")
            elif verb == b"RCPT":
                rcpts.append(line[8:].strip().decode(errors="replace").lower())
                self.wfile.write(b"250 OK\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


class SmtpSink(socketserver.ThreadingTCPServer):
    """Counts the messages it receives, and each (Message-Id, recipient)
    pair: a pair received twice is a mail sent twice."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.received = 0
        self.pairs = {}
        self.lock = threading.Lock()
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def record(self, message_id, rcpts):
        with self.lock:
            self.received += 1
            for rcpt in rcpts or ["?"]:
                key = (message_id, rcpt)
                self.pairs[key] = self.pairs.get(key, 0) + 1

    def duplicates(self):
        with self.lock:
            return sum(n - 1 for n in self.pairs.values() if n > 1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------
# The load database
# ---------------------------------------------------------------------------


def prepare_db(server, conf, source, name, addons, args):
    """A fresh copy of ``source``; users, alias domain and limits for the run."""
    if server.db_exists(name):
        server.drop_db(name)
    t0 = time.monotonic()
    server.create_db(name, template=source)
    # and its files (the dashboards' spreadsheets live in the filestore)
    filestore = common.BENCH_DIR / "data" / "filestore"
    shutil.rmtree(filestore / name, ignore_errors=True)
    if (filestore / source).is_dir():
        shutil.copytree(filestore / source, filestore / name)
    say(f"{name}: copied from {source} in {time.monotonic() - t0:.0f} s")
    if not args.no_update:
        # the source may predate this checkout's fields: update the copy
        addons = addons or str(common.ROOT / "addons")
        say(f"{name}: updating the modules to {addons}")
        res = subprocess.run(
            [
                "odoo",
                "-c",
                str(conf),
                "-d",
                name,
                f"--addons-path={addons},{','.join(common.odoo_addons_paths()[1:])}",
                "-u",
                "huatai_complaints,huatai_reports",
                "--stop-after-init",
                "--no-http",
                f"--logfile={common.BENCH_DIR / (name + '-update.log')}",
            ],
            cwd=common.ROOT,
        )
        if res.returncode:
            raise RuntimeError("module update failed")
    conn = server.connect(name)
    try:
        with conn.cursor() as cr:
            # a cheap hash (passlib's pbkdf2_sha512 format, 1000 rounds): the
            # clients' logins are not what is measured
            salt = os.urandom(16)
            digest = hashlib.pbkdf2_hmac("sha512", PASSWORD.encode(), salt, 1000)

            def ab64(raw):
                return base64.b64encode(raw).decode().rstrip("=").replace("+", ".")

            hashed = f"$pbkdf2-sha512$1000${ab64(salt)}${ab64(digest)}"
            cr.execute(
                "UPDATE res_users SET password = %s "
                "WHERE login LIKE 'bench\\_%%' OR id = 2",
                [hashed],
            )
            # staff post in the chatter: they need an email address
            cr.execute(
                "UPDATE res_partner p SET email = u.login || '@bench.example.cn' "
                "FROM res_users u WHERE u.partner_id = p.id "
                "AND (u.login LIKE 'bench\\_%%' OR u.id = 2) AND p.email IS NULL"
            )
            cr.execute("SELECT login FROM res_users WHERE id = 2")
            admin = cr.fetchone()[0]
            # the web form's rate limit counts per address: every client
            # here is 127.0.0.1
            for key, value in (
                ("huatai_complaints.web_form_rate_limit", "1000000"),
                ("mail.catchall.domain", "bench.example.cn"),
            ):
                cr.execute(
                    "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    [key, value],
                )
            # the sales departments whose staff the clients play (several
            # clients per department: the same units and month)
            cr.execute(
                "SELECT u.id, u.parent_id, array_agg(r.login ORDER BY r.login) "
                "FROM huatai_org_unit u "
                "JOIN huatai_org_unit_res_users_rel rel ON rel.unit_id = u.id "
                "JOIN res_users r ON r.id = rel.user_id "
                "WHERE u.kind = 'sales_department' AND r.login LIKE 'bench\\_s%%' "
                "GROUP BY u.id ORDER BY u.id LIMIT %s",
                [args.departments],
            )
            depts = cr.fetchall()
            # the heads of their branch companies give the branch review
            cr.execute(
                "SELECT u.id, r.login FROM huatai_org_unit u "
                "JOIN res_users r ON r.id = u.manager_id WHERE u.id = ANY(%s)",
                [list({branch_id for _d, branch_id, _l in depts})],
            )
            heads = dict(cr.fetchall())
            # the copy's scheduled jobs are late since the build: the daily
            # catch-up of the deadline job is not part of a burst; the jobs
            # of the burst (acknowledgements, the monthly totals' fold) run
            cr.execute(
                "UPDATE ir_cron SET nextcall = now() AT TIME ZONE 'UTC' "
                "+ interval '1 hour' WHERE id NOT IN (SELECT res_id FROM "
                "ir_model_data WHERE model = 'ir.cron' AND name IN "
                "('ir_cron_report_month_fold', "
                "'ir_cron_complaint_acknowledgements', "
                "'ir_cron_mail_scheduler_action'))"
            )
            cr.execute("SELECT MAX(id) FROM huatai_complaint")
            max_complaint = cr.fetchone()[0] or 0
            cr.execute("SELECT MAX(id) FROM res_partner")
            max_partner = cr.fetchone()[0] or 0
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM mail_mail")
            max_mail = cr.fetchone()[0]
            if args.fault == "kill-cron":
                # small batches: the job runs several before it is killed
                cr.execute(
                    "UPDATE ir_act_server SET code = %s WHERE id = (SELECT "
                    "ir_actions_server_id FROM ir_cron WHERE id = (SELECT res_id "
                    "FROM ir_model_data WHERE model = 'ir.cron' AND name = "
                    "'ir_cron_complaint_acknowledgements'))",
                    [f"model._cron_send_acknowledgements(batch_size={ACK_BATCH})"],
                )
        conn.commit()
    finally:
        conn.close()
    return {
        "admin": admin,
        "depts": depts,
        "heads": heads,
        "max_complaint": max_complaint,
        "max_partner": max_partner,
        "max_mail": max_mail,
    }


def setup_mail(url, db, admin_uid, smtp_port):
    """Alias domain for the complaints alias, and the SMTP sink."""
    rpc = Rpc(url, db, admin_uid, PASSWORD)
    domain_ids = rpc.call("mail.alias.domain", "search", [[]])
    if domain_ids:
        domain_id = domain_ids[0]
    else:
        domain_id = rpc.call(
            "mail.alias.domain", "create", [{"name": "bench.example.cn"}]
        )
    alias = rpc.call(
        "mail.alias",
        "search",
        [[("alias_name", "=", "complaints")]],
    )
    rpc.call("mail.alias", "write", [alias, {"alias_domain_id": domain_id}])
    rpc.call(
        "ir.mail_server",
        "create",
        [
            {
                "name": "bench sink",
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp_port,
                "smtp_encryption": "none",
            }
        ],
    )


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------


def gevent_env():
    """The environment of the server: Odoo's prefork master spawns the
    long-polling (gevent) process again as soon as it dies. With
    setuptools' old ``pkg_resources`` and zope packages installed with
    normalised dist-info names, gevent's plugin loader cannot resolve its
    own requirements and dies at start, in a loop that takes a core. When
    that is the case, a directory of egg-info stubs naming them is put on
    the server's PYTHONPATH (nothing is installed)."""
    env = dict(os.environ)
    probe = subprocess.run(
        [sys.executable, "-c", "import pkg_resources; pkg_resources.require('gevent')"],
        capture_output=True,
    )
    if probe.returncode == 0:
        return env
    from importlib import metadata

    shim = common.BENCH_DIR / "pkg-shim"
    for name in ("zope.interface", "zope.event"):
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        info = shim / f"{name}-{version}.egg-info"
        info.mkdir(parents=True, exist_ok=True)
        (info / "PKG-INFO").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        )
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(shim), env.get("PYTHONPATH")) if p
    )
    return env


class OdooServer:
    def __init__(self, conf, db, addons, workers, log, port=None):
        # ``port``: HTTP on it and the gevent (longpolling) server on the
        # next one; else two free ports
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        addons_path = ",".join(
            ([addons] if addons else [str(common.ROOT / "addons")])
            + common.odoo_addons_paths()[1:]
        )
        self.cmd = [
            "odoo",
            "-c",
            str(conf),
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--addons-path={addons_path}",
            f"--workers={workers}",
            "--max-cron-threads=1",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--gevent-port={port + 1 if port else free_port()}",
            "--limit-time-real=600",
            "--limit-time-cpu=600",
            "--limit-memory-soft=4294967296",
            "--limit-memory-hard=6442450944",
            "--log-level=info",
            "--log-handler=werkzeug:WARNING",
            f"--logfile={log}",
        ]
        self.log = log
        self.proc = None

    def __enter__(self):
        import requests

        if self.log.exists():
            self.log.unlink()
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=common.ROOT,
            start_new_session=True,
            env=gevent_env(),
            stdout=self.log.with_suffix(".out").open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: see {self.log}")
            try:
                if requests.get(f"{self.url}/web/health", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the server did not answer: see {self.log}")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


# ---------------------------------------------------------------------------
# The clients
# ---------------------------------------------------------------------------


class Refused(Exception):
    def __init__(self, cause):
        super().__init__(cause)
        self.cause = cause


def closing_session():
    """A client session that closes its connection after each request, as
    a reverse proxy in front of Odoo does: a prefork worker given a kept-
    alive connection waits (up to 2 s) for that client's next request
    instead of serving the others, which then queue."""
    import requests

    session = requests.Session()
    session.headers["Connection"] = "close"
    return session


class Rpc:
    def __init__(self, url, db, uid, password, session=None):

        self.url = url
        self.db = db
        self.uid = uid
        self.password = password
        self.session = session or closing_session()

    def call(self, model, method, args, kwargs=None):
        import requests

        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.db,
                    self.uid,
                    self.password,
                    model,
                    method,
                    args,
                    kwargs or {},
                ],
            },
        }
        try:
            res = self.session.post(f"{self.url}/jsonrpc", json=payload, timeout=300)
        except requests.RequestException as exc:
            raise Refused(f"connection: {type(exc).__name__}") from exc
        if res.status_code != 200:
            raise Refused(f"HTTP {res.status_code}")
        body = res.json()
        if "error" in body:
            data = body["error"].get("data") or {}
            name = (data.get("name") or "error").rsplit(".", 1)[-1]
            message = (data.get("message") or "").splitlines()[0][:90]
            raise Refused(f"{name}: {message}")
        return body["result"]


def login(url, db, login_name):
    import requests

    res = requests.post(
        f"{url}/jsonrpc",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "common",
                "method": "login",
                "args": [db, login_name, PASSWORD],
            },
        },
        timeout=60,
    )
    uid = res.json().get("result")
    if not uid:
        raise RuntimeError(f"cannot log in as {login_name}: {res.text[:200]}")
    return uid


class Client(threading.Thread):
    def __init__(self, index, run_info, stop_at, start_barrier):
        super().__init__(name=f"client-{index}", daemon=True)
        self.index = index
        self.info = run_info
        self.stop_at = stop_at
        self.barrier = start_barrier
        self.random = random.Random(index)
        self.samples = []  # (operation, seconds, cause or None)
        self.starts = []  # when each sample started (time.monotonic())
        self.acknowledged = []  # (kind, marker, reference)
        self.refused_markers = []
        self.pipeline = []  # [complaint id, next step]
        self.retries = []  # (kind, marker, what the second send got)

    # -- setup ---------------------------------------------------------
    def setup(self):
        info = self.info
        dept_id, branch_id, logins = info["depts"][self.index % len(info["depts"])]
        self.unit_id = dept_id
        self.sibling_ids = [d[0] for d in info["depts"] if d[0] != dept_id][:5]
        staff_login = logins[(self.index // len(info["depts"])) % len(logins)]
        url, db = info["url"], info["db"]
        self.staff = Rpc(url, db, info["uids"][staff_login], PASSWORD)
        self.hq = Rpc(url, db, info["uids"][info["hq_login"]], PASSWORD)
        self.admin = Rpc(url, db, info["uids"][info["admin"]], PASSWORD)
        head_login = info["heads"].get(branch_id)
        self.head = (
            Rpc(url, db, info["uids"][head_login], PASSWORD) if head_login else None
        )
        self.categories = info["categories"]

    # -- operations ----------------------------------------------------
    def marker(self, kind):
        return f"压测{kind}{uuid.uuid4().hex[:12]}"

    def op_hotline(self, retry=False):
        marker = self.marker("电话")
        extra = {"external_reference": f"call-{marker}"} if retry else {}
        try:
            complaint_id = self.staff.call(
                "huatai.complaint",
                "create",
                [
                    {
                        **extra,
                        "channel": "phone",
                        "category_id": self.random.choice(self.categories),
                        "complainant_name": marker,
                        "complainant_phone": f"1{self.random.randrange(10**10):010d}",
                        "description": "开盘时交易系统无法下单，委托一直显示待报。",
                        "demand": "请尽快说明原因并赔偿损失。",
                        "accepting_unit_id": self.unit_id,
                    }
                ],
            )
        except Refused:
            self.refused_markers.append(marker)
            raise
        self.acknowledged.append(("hotline", marker, complaint_id))
        if retry:
            # the telephony system did not get the answer: same call id
            again = self.staff.call(
                "huatai.complaint",
                "create",
                [{**extra, "channel": "phone", "complainant_name": marker}],
            )
            self.retries.append(("hotline", marker, again == complaint_id))
        self.staff.call(
            "ir.attachment",
            "create",
            [
                {
                    "name": "call-recording.mp3",
                    "res_model": "huatai.complaint",
                    "res_id": complaint_id,
                    "mimetype": "audio/mpeg",
                    "datas": base64.b64encode(AUDIO).decode(),
                }
            ],
        )
        self.pipeline.append([complaint_id, "accept"])

    def op_webform(self, resubmit=False):
        import requests

        marker = self.marker("网站")
        session = closing_session()
        try:
            page = session.get(f"{self.info['url']}/complaints/new", timeout=300)
            if page.status_code != 200:
                raise Refused(f"form HTTP {page.status_code}")
            csrf = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page.text)
            token = re.search(r'name="form_token"[^>]*?value="([^"]+)"', page.text)
            if not (csrf and token):
                raise Refused("form without tokens")
            res = session.post(
                f"{self.info['url']}/complaints/submit",
                data={
                    "csrf_token": csrf.group(1),
                    "form_token": token.group(1),
                    "complainant_name": marker,
                    "complainant_phone": f"1{self.random.randrange(10**10):010d}",
                    "complainant_email": f"{marker[-12:]}@client.example.cn",
                    "subject": "App 登录后无法查看持仓",
                    "description": "今天上午开盘后手机 App 无法查看持仓和委托。",
                    "demand": "请解释原因。",
                    "category_id": str(self.random.choice(self.categories)),
                    "consent": "1",
                },
                files=[
                    ("attachments", ("screenshot.pdf", PDF, "application/pdf")),
                    ("attachments", ("evidence.pdf", PDF, "application/pdf")),
                ],
                timeout=300,
            )
            if resubmit:
                # the client did not get the answer and sends it again
                again = session.post(
                    res.request.url,
                    data=res.request.body,
                    headers={"Content-Type": res.request.headers["Content-Type"]},
                    timeout=300,
                )
                self.retries.append(("webform", marker, again.status_code))
        except requests.RequestException as exc:
            self.refused_markers.append(marker)
            raise Refused(f"connection: {type(exc).__name__}") from exc
        reference = re.search(r'o_complaint_reference"[^>]*>([^<]+)<', res.text)
        if res.status_code != 200 or not reference:
            self.refused_markers.append(marker)
            error = re.search(
                r'class="[^"]*(?:alert|invalid-feedback)[^"]*"[^>]*>([^<]+)', res.text
            )
            raise Refused(
                f"webform HTTP {res.status_code}"
                + (f": {error.group(1).strip()[:60]}" if error else "")
            )
        self.acknowledged.append(("webform", marker, reference.group(1).strip()))

    def op_email(self, redeliver=False):
        marker = self.marker("邮件")
        sender = f"{marker[-12:]}@client.example.cn"
        message_id = f"<{uuid.uuid4().hex}@client.example.cn>"
        name = base64.b64encode(marker.encode()).decode()
        raw = (
            f"From: =?utf-8?b?{name}?= <{sender}>\r\n"
            "To: complaints@bench.example.cn\r\n"
            f"Message-Id: {message_id}\r\n"
            "Subject: =?utf-8?b?"
            + base64.b64encode("投诉：营业部工作人员服务态度差".encode()).decode()
            + "?=\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(
                "今天在营业部办理业务时，工作人员态度恶劣，请处理。".encode()
            ).decode()
        )
        try:
            complaint_id = self.admin.call(
                "mail.thread", "message_process", [False, raw]
            )
            if redeliver:
                # the mail server delivers it again (same Message-Id)
                again = self.admin.call("mail.thread", "message_process", [False, raw])
                self.retries.append(("email", marker, again))
        except Refused:
            self.refused_markers.append(marker)
            raise
        self.acknowledged.append(("email", marker, complaint_id))

    def op_workflow(self):
        if not self.pipeline:
            return self.op_hotline()
        item = self.pipeline[0]
        complaint_id, step = item
        rpc = self.staff
        if step == "accept":
            rpc.call("huatai.complaint", "action_accept", [[complaint_id]])
            item[1] = "dispatch" if self.random.random() < 0.2 else "start"
        elif step == "start":
            rpc.call("huatai.complaint", "action_start", [[complaint_id]])
            item[1] = "plan"
        elif step == "plan":
            rpc.call(
                "huatai.complaint",
                "write",
                [
                    [complaint_id],
                    {"handling_plan": "<p>核实行情系统日志后向客户致歉。</p>"},
                ],
            )
            rpc.call("huatai.complaint", "action_submit_plan", [[complaint_id]])
            # the form shows whether reviews are waiting (the rules decide)
            (state,) = rpc.call(
                "huatai.complaint", "read", [[complaint_id], ["reviews_missing"]]
            )
            item[1] = "review" if state["reviews_missing"] and self.head else "reply"
        elif step == "review":
            wizard = self.head.call(
                "huatai.complaint.review.wizard",
                "create",
                [
                    {
                        "complaint_id": complaint_id,
                        "kind": "branch_review",
                        "decision": "approve",
                        "text": "同意营业部处理方案。",
                    }
                ],
            )
            self.head.call(
                "huatai.complaint.review.wizard", "action_give_review", [[wizard]]
            )
            item[1] = "reply"
        elif step == "dispatch":
            wizard = rpc.call(
                "huatai.complaint.dispatch.wizard",
                "create",
                [
                    {
                        "complaint_id": complaint_id,
                        "to_unit_id": self.random.choice(self.sibling_ids),
                        "reason": "涉及该营业部的业务，转其处理。",
                    }
                ],
            )
            rpc.call("huatai.complaint.dispatch.wizard", "action_dispatch", [[wizard]])
            self.pipeline.pop(0)
        elif step == "reply":
            wizard = rpc.call(
                "huatai.complaint.reply.wizard",
                "create",
                [
                    {
                        "complaint_id": complaint_id,
                        "reply_text": "<p>经核查，系行情系统故障，已恢复并致歉。</p>",
                        "reply_method": "phone",
                    }
                ],
            )
            rpc.call("huatai.complaint.reply.wizard", "action_record_reply", [[wizard]])
            item[1] = "callback"
        elif step == "callback":
            wizard = rpc.call(
                "huatai.complaint.callback.wizard",
                "create",
                [
                    {
                        "complaint_id": complaint_id,
                        "reached": "reached",
                        "satisfaction": "satisfied",
                        "retry": False,
                        "remarks": "客户表示满意。",
                    }
                ],
            )
            rpc.call("huatai.complaint.callback.wizard", "action_record", [[wizard]])
            self.pipeline.pop(0)

    def op_kanban(self):
        spec = {
            "name": {},
            "complainant_name": {},
            "stage_id": {"fields": {"display_name": {}}},
            "user_id": {"fields": {"display_name": {}}},
            "next_deadline": {},
            "deadline_state": {},
            "priority": {},
        }
        domain = [("is_closed", "=", False)]
        groups = self.staff.call(
            "huatai.complaint",
            "web_read_group",
            [domain, ["stage_id"], ["stage_id"]],
            {"lazy": True},
        )
        first = next(
            (
                g
                for g in groups["groups"]
                if g.get("stage_id") and g.get("stage_id_count")
            ),
            None,
        )
        if first:
            self.staff.call(
                "huatai.complaint",
                "web_search_read",
                [domain + [("stage_id", "=", first["stage_id"][0])]],
                {"specification": spec, "limit": 40},
            )

    def op_dashboard(self):
        # what a manager's dashboard reads over RPC, as a Retail Client
        # Service HQ user: a pivot of the analysis (received and overdue per
        # branch company and type, last 12 months) and a chart (per month)
        today = (datetime.now(timezone.utc) + timedelta(hours=8)).date()
        start = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
        domain = [("received_date", ">=", start.isoformat())]
        measures = ["nbr_complaints:sum", "nbr_overdue:sum", "nbr_closed:sum"]
        self.hq.call(
            "huatai.complaint.report",
            "read_group",
            [domain, measures, ["accepting_branch_id", "category_root_id"]],
            {"lazy": False},
        )
        self.hq.call(
            "huatai.complaint.report",
            "web_read_group",
            [domain, measures, ["received_month:month"]],
            {"lazy": False},
        )

    # -- loop ------------------------------------------------------------
    def run(self):
        ops = list(WEIGHTS)
        weights = [WEIGHTS[o] for o in ops]
        try:
            self.setup()
        finally:
            self.barrier.wait()
        while time.monotonic() < self.stop_at:
            op = self.random.choices(ops, weights)[0]
            if op == "kanban" and self.info["no_kanban"]:
                op = "dashboard"
            t0 = time.monotonic()
            cause = None
            try:
                getattr(self, f"op_{op}")()
            except Refused as exc:
                cause = exc.cause
            except Exception as exc:  # noqa: BLE001 — reported as a refusal
                cause = f"client: {type(exc).__name__}: {exc}"[:120]
            self.samples.append((op, time.monotonic() - t0, cause))
            self.starts.append(t0)
            if self.info["think"]:
                time.sleep(self.random.uniform(0, 2 * self.info["think"]))


def _postmaster_pid(server):
    """The pid of the PostgreSQL server the harness uses, when it runs on
    this machine (its backends are its children), else None."""
    try:
        conn = server.connect("postgres")
    except Exception:  # noqa: BLE001 — then PostgreSQL is not told apart
        return None
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT pg_backend_pid()")
            backend = cr.fetchone()[0]
    finally:
        conn.close()
    try:
        with open(f"/proc/{backend}/stat") as fh:
            stat = fh.read()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def cpu_seconds(server_pgid, postmaster=None):
    """CPU seconds used so far per process, by who: the server's HTTP
    workers, its cron worker (niced), the harness's PostgreSQL (the children
    of ``postmaster``; every PostgreSQL process when it is not known), this
    harness, and everything else on the machine (other users' work and
    their database servers: the machine is shared).

    :return: {pid: (who, seconds)}, plus the machine's busy and total CPU
        seconds under "machine_busy" and "machine_total"
    """
    tick = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    procs = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        pid = int(entry.name)
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        ppid, pgid, nice = int(fields[1]), int(fields[2]), int(fields[16])
        used = (int(fields[11]) + int(fields[12])) / tick
        if pid == me:
            who = "harness"
        elif pgid == server_pgid:
            who = "cron" if nice > 0 else "workers"
        elif comm.startswith("postgres") and (
            postmaster is None or pid == postmaster or ppid == postmaster
        ):
            who = "postgres"
        else:
            who = "other"
        procs[pid] = (who, used)
    with open("/proc/stat") as fh:
        ticks = [int(x) for x in fh.readline().split()[1:]]
    # the whole machine: busy and total CPU seconds (all cores)
    procs["machine_busy"] = (sum(ticks) - ticks[3] - ticks[4]) / tick
    procs["machine_total"] = sum(ticks) / tick
    return procs


def cpu_used(start, end):
    """CPU seconds used between two cpu_seconds() snapshots, by who: a
    process that started meanwhile counts whole, one that ended is left out
    (its last seconds are unknown: a restarted worker's, a finished test's
    connection), so that no figure goes negative."""
    totals = dict.fromkeys(("workers", "cron", "postgres", "harness", "other"), 0.0)
    for pid, value in end.items():
        if not isinstance(pid, int):
            continue
        who, used = value
        before = start.get(pid)
        if before is not None and before[0] == who:
            used -= before[1]
        totals[who] += max(used, 0.0)
    totals = {key: round(value, 1) for key, value in totals.items()}
    totals["machine_busy_share"] = round(
        (end["machine_busy"] - start["machine_busy"])
        / max(end["machine_total"] - start["machine_total"], 0.1),
        2,
    )
    return totals


class ActivitySampler(threading.Thread):
    """What the database's connections do during the burst, sampled twice
    a second: running a query, waiting for a lock (and on what statement),
    or idle in a transaction (the Odoo worker computing in Python)."""

    def __init__(self, server, db):
        super().__init__(name="pg-sampler", daemon=True)
        self.server = server
        self.db = db
        self.stop = threading.Event()
        self.samples = 0
        self.states = {}
        self.lock_waits = {}

    def run(self):
        while not self.stop.is_set():
            try:
                self.sample()
            except Exception:  # noqa: BLE001 — the server restarted (--fault)
                self.stop.wait(1)

    def sample(self):
        conn = self.server.connect("postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                while not self.stop.wait(0.5):
                    cr.execute(
                        "SELECT state, wait_event_type, wait_event, "
                        "regexp_replace(left(query, 70), '\\s+', ' ', 'g') "
                        "FROM pg_stat_activity WHERE datname = %s "
                        "AND state <> 'idle' AND pid <> pg_backend_pid()",
                        [self.db],
                    )
                    self.samples += 1
                    for state, wtype, wevent, query in cr.fetchall():
                        if wtype == "Lock":
                            key = f"lock wait ({wevent})"
                            short = query.strip()[:60]
                            self.lock_waits[short] = self.lock_waits.get(short, 0) + 1
                        elif state == "active":
                            key = "query running" + (f" ({wevent})" if wevent else "")
                        else:
                            key = state
                        self.states[key] = self.states.get(key, 0) + 1
        finally:
            conn.close()

    def summary(self):
        n = max(self.samples, 1)
        return {
            "mean connections by state": {
                k: round(v / n, 2)
                for k, v in sorted(self.states.items(), key=lambda kv: -kv[1])
            },
            "lock waits by statement": dict(
                sorted(self.lock_waits.items(), key=lambda kv: -kv[1])[:5]
            ),
        }


# ---------------------------------------------------------------------------
# Faults injected during the burst (--fault)
# ---------------------------------------------------------------------------

FAULTS = ("kill-worker", "restart-db", "smtp-down", "kill-cron")
ACK_BATCH = 8  # the acknowledgement job's batch during --fault kill-cron
ACK_PRELOAD = 200  # complaints marked "acknowledgement pending" for it


def server_children(server_pgid):
    """The prefork server's processes: HTTP workers, the cron worker (niced)
    and the long-polling process, as {pid: (kind, state)}. The server runs
    in its own process group; its master is the parent of most of it (the
    ``odoo`` on PATH may be a wrapper, e.g. a pyenv shim, above it)."""
    group = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                stat = fh.read()
            with open(f"/proc/{entry.name}/cmdline", "rb") as fh:
                cmdline = fh.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) != server_pgid:
            continue
        group[int(entry.name)] = (int(fields[1]), fields[0], int(fields[16]), cmdline)
    parents = {}
    for ppid, *_rest in group.values():
        parents[ppid] = parents.get(ppid, 0) + 1
    if not parents:
        return {}
    master = max(parents, key=parents.get)
    found = {}
    for pid, (ppid, state, nice, cmdline) in group.items():
        if ppid != master:
            continue
        if b"\0gevent\0" in cmdline:
            kind = "gevent"
        elif nice > 0:
            kind = "cron"
        else:
            kind = "http"
        found[pid] = (kind, state)
    return found


def process_cpu(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def trigger_cron(server, db, xmlid_name):
    """Wake the cron worker for this job now, as ``ir.cron._trigger`` does
    (the cron worker listens on the ``postgres`` database)."""
    query(
        server,
        db,
        "INSERT INTO ir_cron_trigger (cron_id, call_at) "
        "SELECT res_id, now() AT TIME ZONE 'UTC' FROM ir_model_data "
        "WHERE model = 'ir.cron' AND name = %s",
        [xmlid_name],
    )
    query(server, "postgres", f"NOTIFY cron_trigger, '{db}'")


def query(server, db, sql, params=None, attempts=30):
    """One query on its own connection, retried while the server restarts."""
    import psycopg2

    for attempt in range(attempts):
        try:
            conn = server.connect(db)
        except psycopg2.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(1)
            continue
        try:
            with conn.cursor() as cr:
                cr.execute(sql, params or [])
                rows = cr.fetchall() if cr.description else None
            conn.commit()
            return rows
        finally:
            conn.close()


class FaultInjector(threading.Thread):
    """Injects one fault ``at`` seconds into the burst and notes what it did
    (times relative to the burst's start)."""

    def __init__(self, kind, args, server, odoo_server, run_info, smtp, t0):
        super().__init__(name=f"fault-{kind}", daemon=True)
        self.kind = kind
        self.at = args.fault_at if args.fault_at is not None else args.duration * 0.4
        self.outage = (
            args.fault_for if args.fault_for is not None else args.duration * 0.3
        )
        self.server = server
        self.odoo = odoo_server
        self.info = run_info
        self.smtp = smtp
        self.t0 = t0
        self.events = []
        self.report = {"fault": kind, "at_s": round(self.at, 1)}
        self.error = None

    def note(self, what):
        at = round(time.monotonic() - self.t0, 2)
        self.events.append((at, what))
        say(f"fault at {at:.1f} s: {what}")

    def run(self):
        try:
            time.sleep(max(0.0, self.t0 + self.at - time.monotonic()))
            getattr(self, "do_" + self.kind.replace("-", "_"))()
        except Exception as exc:  # noqa: BLE001 — reported
            self.error = f"{type(exc).__name__}: {exc}"
            self.note(f"injector failed: {self.error}")

    # -- kill -9 an HTTP worker in the middle of a request -------------
    def do_kill_worker(self):
        master = self.odoo.proc.pid
        busy = None
        deadline = time.monotonic() + 5
        while busy is None and time.monotonic() < deadline:
            # the worker that used CPU in the last 50 ms: serving a request
            first = {
                p: process_cpu(p)
                for p, (k, _s) in server_children(master).items()
                if k == "http"
            }
            time.sleep(0.05)
            used = {p: process_cpu(p) - t for p, t in first.items()}
            if used and max(used.values()) > 0:
                busy = max(used, key=used.get)
        workers = [p for p, (k, _s) in server_children(master).items() if k == "http"]
        victim = busy or random.choice(workers)
        os.kill(victim, signal.SIGKILL)
        self.note(
            f"kill -9 HTTP worker {victim} "
            f"({'running a request' if busy else 'state unknown'}; "
            f"{len(workers)} workers)"
        )
        self.report["killed_pid"] = victim
        time.sleep(3)
        after = [p for p, (k, _s) in server_children(master).items() if k == "http"]
        self.report["http_workers_after_3s"] = len(after)
        self.note(f"{len(after)} HTTP workers 3 s later (master respawns)")

    # -- PostgreSQL restarted -------------------------------------------
    def do_restart_db(self):
        pg = self.server.pg
        if pg is None or getattr(pg, "bindir", None) is None:
            raise RuntimeError("not the throwaway cluster of scripts/dev.py")
        self.note("pg_ctl restart -m fast")
        t = time.monotonic()
        res = pg.pg_run(
            [pg.bindir / "pg_ctl", "-D", pg.data, "-l", pg.log, "-m", "fast"]
            + ["-w", "-t", "60", "restart"],
            capture_output=True,
            text=True,
        )
        self.report["restart_s"] = round(time.monotonic() - t, 2)
        self.report["pg_ctl_rc"] = res.returncode
        self.note(f"PostgreSQL back (pg_ctl rc {res.returncode})")

    # -- the outgoing mail server unreachable ---------------------------
    def set_smtp_port(self, port):
        admin = Rpc(
            self.info["url"],
            self.info["db"],
            self.info["uids"][self.info["admin"]],
            PASSWORD,
        )
        ids = admin.call("ir.mail_server", "search", [[("name", "=", "bench sink")]])
        admin.call("ir.mail_server", "write", [ids, {"smtp_port": port}])

    def do_smtp_down(self):
        closed = free_port()  # nothing listens there: connection refused
        self.set_smtp_port(closed)
        self.note(f"mail server -> 127.0.0.1:{closed} (closed)")
        trigger_cron(self.server, self.info["db"], "ir_cron_mail_scheduler_action")
        end = time.monotonic() + self.outage
        while time.monotonic() < end:
            time.sleep(min(3, max(0.0, end - time.monotonic())))
            trigger_cron(self.server, self.info["db"], "ir_cron_mail_scheduler_action")
        self.report["exception_during_outage"] = query(
            self.server,
            self.info["db"],
            "SELECT COUNT(*) FROM mail_mail WHERE id > %s AND state = 'exception'",
            [self.info["max_mail"]],
        )[0][0]
        self.set_smtp_port(self.smtp.port)
        self.note(
            f"mail server back ({self.report['exception_during_outage']} mails "
            "failed during the outage)"
        )
        trigger_cron(self.server, self.info["db"], "ir_cron_mail_scheduler_action")

    # -- the cron worker killed half-way through a job's batches ---------
    def do_kill_cron(self):
        db = self.info["db"]
        ids = [
            r[0]
            for r in query(
                self.server,
                db,
                "UPDATE huatai_complaint SET acknowledgement_pending = TRUE "
                "WHERE id IN (SELECT id FROM huatai_complaint "
                "WHERE id <= %s AND is_closed IS NOT TRUE AND active "
                "AND complainant_email IS NOT NULL ORDER BY id DESC LIMIT %s) "
                "RETURNING id",
                # at most ACK_PRELOAD: at 1M every open complaint with an
                # email is ~29,000 acknowledgements, an hour of the job
                [self.info["max_complaint"], ACK_PRELOAD],
            )
        ]
        self.report["preloaded"] = ids
        msg_mark = query(self.server, db, "SELECT MAX(id) FROM mail_message")[0][0]
        self.report["message_mark"] = msg_mark
        trigger_cron(self.server, db, "ir_cron_complaint_acknowledgements")
        self.note(
            f"{len(ids)} acknowledgements pending (batches of {ACK_BATCH}); "
            "job triggered"
        )
        master = self.odoo.proc.pid
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = query(
                self.server,
                db,
                "SELECT COUNT(*) FROM huatai_complaint "
                "WHERE id = ANY(%s) AND NOT acknowledgement_pending",
                [ids],
            )[0][0]
            if done >= ACK_BATCH:
                break
            time.sleep(0.05)
        crons = [p for p, (k, _s) in server_children(master).items() if k == "cron"]
        for pid in crons:
            os.kill(pid, signal.SIGKILL)
        self.report["done_when_killed"] = done
        self.note(f"kill -9 cron worker {crons} after {done} of {len(ids)} sent")

    def settle(self):
        """After the burst: let the server finish what the fault left."""
        db = self.info["db"]
        if self.kind == "kill-cron" and self.report.get("preloaded"):
            ids = self.report["preloaded"]
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                left = query(
                    self.server,
                    db,
                    "SELECT COUNT(*) FROM huatai_complaint "
                    "WHERE id = ANY(%s) AND acknowledgement_pending",
                    [ids],
                )[0][0]
                if not left:
                    break
                trigger_cron(self.server, db, "ir_cron_complaint_acknowledgements")
                time.sleep(2)
            self.note(f"acknowledgement job: {left} left")
            rows = query(
                self.server,
                db,
                "SELECT c.id, COUNT(m.id) FROM huatai_complaint c "
                "LEFT JOIN mail_message m ON m.model = 'huatai.complaint' "
                "AND m.res_id = c.id AND m.id > %s "
                "AND m.message_type IN ('comment', 'notification') "
                "WHERE c.id = ANY(%s) GROUP BY c.id",
                [self.report["message_mark"], ids],
            )
            per = {}
            for _cid, n in rows:
                per[n] = per.get(n, 0) + 1
            self.report["acknowledgements_per_complaint"] = {
                str(k): v for k, v in sorted(per.items())
            }
            self.report["preloaded"] = len(ids)
        if self.kind in ("smtp-down", "kill-cron", "restart-db", "kill-worker"):
            drain_mail_queue(self.server, db, self)


def drain_mail_queue(server, db, injector):
    """Run the mail queue until nothing is waiting to go out."""
    deadline = time.monotonic() + 120
    outgoing = None
    while time.monotonic() < deadline:
        trigger_cron(server, db, "ir_cron_mail_scheduler_action")
        time.sleep(2)
        outgoing = query(
            server, db, "SELECT COUNT(*) FROM mail_mail WHERE state = 'outgoing'"
        )[0][0]
        if not outgoing:
            break
    injector.note(f"mail queue drained ({outgoing} outgoing left)")


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------


def verify(server, db, info, clients):
    """Every acknowledged submission stored once; no refused one stored; no
    duplicate reference; no orphan contact."""
    acknowledged = [a for c in clients for a in c.acknowledged]
    refused = [m for c in clients for m in c.refused_markers]
    conn = server.connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT complainant_name, COUNT(*) FROM huatai_complaint "
                "WHERE id > %s AND complainant_name LIKE '压测%%' "
                "GROUP BY complainant_name",
                [info["max_complaint"]],
            )
            stored = dict(cr.fetchall())
            cr.execute(
                "SELECT COUNT(*) FROM (SELECT name FROM huatai_complaint "
                "GROUP BY name HAVING COUNT(*) > 1) d"
            )
            duplicates = cr.fetchone()[0]
            cr.execute(
                """
                SELECT COUNT(*) FROM res_partner p
                 WHERE p.id > %s
                   AND NOT EXISTS (SELECT FROM huatai_complaint c
                                    WHERE c.partner_id = p.id)
                   AND NOT EXISTS (SELECT FROM res_users u
                                    WHERE u.partner_id = p.id)
                """,
                [info["max_partner"]],
            )
            orphans = cr.fetchone()[0]
            cr.execute(
                "SELECT COUNT(*) FROM huatai_complaint WHERE id > %s",
                [info["max_complaint"]],
            )
            new_complaints = cr.fetchone()[0]
    finally:
        conn.close()
    retries = [r for c in clients for r in c.retries]
    retried = {
        "sent twice": len(retries),
        "second answer": sorted({f"{k}: {a}" for k, _m, a in retries}),
        "stored": sorted({stored.get(m, 0) for _k, m, _a in retries}),
    }
    lost = [m for _k, m, _r in acknowledged if stored.get(m, 0) == 0]
    doubled = [m for _k, m, _r in acknowledged if stored.get(m, 0) > 1]
    refused_stored = [m for m in refused if stored.get(m, 0)]
    return {
        "acknowledged": len(acknowledged),
        "refused_submissions": len(refused),
        "new_complaints": new_complaints,
        "lost": len(lost),
        "stored_twice": len(doubled),
        "refused_but_stored": len(refused_stored),
        "duplicate_references": duplicates,
        "orphan_contacts": orphans,
        "client retries (same form token / Message-Id / call id)": retried,
    }


# ---------------------------------------------------------------------------
# One run
# ---------------------------------------------------------------------------


def operation_figures(clients, t0, first_wave):
    """Per operation: counts and latency percentiles, also of the operations
    started after the first wave (every client sends its first request at
    the same instant: they queue on the workers); and the slowest
    operations with their start in the burst (a stall that hits every
    client at once shows as one start time)."""
    samples = [s for c in clients for s in c.samples]
    started = [
        (op, seconds, cause, start - t0)
        for c in clients
        for (op, seconds, cause), start in zip(c.samples, c.starts, strict=True)
    ]
    per_op = {}
    for op in WEIGHTS:
        ok = [d for o, d, cause in samples if o == op and cause is None]
        bad = [cause for o, _d, cause in samples if o == op and cause is not None]
        steady = [
            d
            for o, d, cause, at in started
            if o == op and not cause and at >= first_wave
        ]
        per_op[op] = {
            "ok": len(ok),
            "refused": len(bad),
            "p50": percentile(ok, 0.5),
            "p95": percentile(ok, 0.95),
            "p99": percentile(ok, 0.99),
            "mean": statistics.fmean(ok) if ok else None,
            "steady_p50": percentile(steady, 0.5),
            "steady_p95": percentile(steady, 0.95),
        }
    timeline = sorted(
        ((round(at, 1), op, round(seconds, 2)) for op, seconds, _c, at in started),
        key=lambda item: -item[2],
    )[:10]
    return per_op, timeline


def client_retries(client):
    """A client's retries after the burst: a web form posted twice with its
    form token, a mail delivered twice with its Message-Id, a hotline
    creation sent twice with its call id (``external_reference``); ``verify``
    checks that each is stored once."""
    for _i in range(3):
        for op in (
            lambda: client.op_webform(resubmit=True),
            lambda: client.op_email(redeliver=True),
            lambda: client.op_hotline(retry=True),
        ):
            try:
                op()
            except Refused as exc:
                client.retries.append(("refused", str(exc), None))


def one_run(server, conf, source, n_clients, args):
    db = f"{args.prefix}_load_{run.label(args.size)}"
    info = prepare_db(server, conf, source, db, args.addons, args)
    log = common.BENCH_DIR / f"{db}-{n_clients}-server.log"
    smtp = SmtpSink()
    with OdooServer(
        conf, db, args.addons, args.workers, log, port=args.port
    ) as odoo_server:
        url = odoo_server.url
        uids = {}
        logins = {login for _d, _b, ls in info["depts"] for login in ls}
        logins |= {info["admin"], "bench_retail1", *info["heads"].values()}
        for name in sorted(logins):
            uids[name] = login(url, db, name)
        setup_mail(url, db, uids[info["admin"]], smtp.port)
        admin = Rpc(url, db, uids[info["admin"]], PASSWORD)
        categories = admin.call(
            "huatai.complaint.category",
            "search",
            [[("is_confidential", "=", False), ("child_ids", "=", False)]],
        )
        run_info = {
            **info,
            "url": url,
            "db": db,
            "uids": uids,
            "hq_login": "bench_retail1",
            "categories": categories,
            "think": args.think,
            "no_kanban": False,
        }
        # warm the workers (registry, caches) before the timed burst
        warm = Client(10**6, run_info, time.monotonic() + 8, threading.Barrier(1))
        warm.start()
        warm.join()
        barrier = threading.Barrier(n_clients + 1)
        stop_at = time.monotonic() + 3600  # set when all are ready
        clients = [Client(i, run_info, stop_at, barrier) for i in range(n_clients)]
        log_mark = log.stat().st_size if log.exists() else 0
        for client in clients:
            client.start()
        barrier.wait()
        postmaster = _postmaster_pid(server)
        cpu_start = cpu_seconds(odoo_server.proc.pid, postmaster)
        sampler = ActivitySampler(server, db)
        sampler.start()
        t0 = time.monotonic()
        stop_at = t0 + args.duration
        for client in clients:
            client.stop_at = stop_at
        injector = None
        if args.fault:
            injector = FaultInjector(
                args.fault, args, server, odoo_server, run_info, smtp, t0
            )
            injector.start()
        for client in clients:
            client.join()
        if injector:
            injector.join(120)
        elapsed = time.monotonic() - t0
        cpu_end = cpu_seconds(odoo_server.proc.pid, postmaster)
        sampler.stop.set()
        sampler.join()
        # with the share of the machine's CPU that was busy during the burst
        cpu = cpu_used(cpu_start, cpu_end)
        client_retries(warm)
        # the fold and acknowledgement jobs catch up
        time.sleep(2)
        if injector:
            injector.settle()
        mails = dict(
            query(
                server,
                db,
                "SELECT state, COUNT(*) FROM mail_mail WHERE id > %s GROUP BY state",
                [info["max_mail"]],
            )
        )
    counts = {key: 0 for key in [*RETRY_PATTERNS, "errors"]}
    if log.exists():
        with log.open(errors="replace") as fh:
            fh.seek(log_mark)
            for line in fh:
                for key, pattern in RETRY_PATTERNS.items():
                    if pattern.search(line):
                        counts[key] += 1
                if " ERROR " in line or " CRITICAL " in line:
                    counts["errors"] += 1
    checks = verify(server, db, info, clients + [warm])
    samples = [s for c in clients for s in c.samples]
    per_op, timeline = operation_figures(clients, t0, args.first_wave)
    causes = {}
    for _o, _d, cause in samples:
        if cause:
            causes[cause] = causes.get(cause, 0) + 1
    ok_total = sum(1 for *_x, cause in samples if cause is None)
    return {
        "clients": n_clients,
        "duration": elapsed,
        "operations": len(samples),
        "ok": ok_total,
        "throughput": ok_total / elapsed,
        "intake_throughput": sum(per_op[o]["ok"] for o in INTAKES) / elapsed,
        "per_op": per_op,
        "refusals": causes,
        "server_log": counts,
        "checks": checks,
        "mails_sent": smtp.received,
        "mails": {
            "received by the sink": smtp.received,
            "(Message-Id, recipient) received twice": smtp.duplicates(),
            "mail.mail left by state": mails,
        },
        "fault": fault_figures(injector, clients, t0) if injector else None,
        # CPU seconds during the burst (2 cores: at most 2 x duration)
        "cpu": cpu,
        "database": sampler.summary(),
        "slowest (start s, operation, seconds)": timeline,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def fault_figures(injector, clients, t0):
    """What the fault did, and the clients' view: refusals around it, and
    whether requests succeed again afterwards."""
    at = injector.at
    # by the time each operation ended (a request in flight when the
    # fault hit started before it)
    ended = [
        (start + seconds - t0, op, cause)
        for c in clients
        for (op, seconds, cause), start in zip(c.samples, c.starts, strict=True)
    ]
    before = [x for x in ended if x[0] < at]
    around = [x for x in ended if at <= x[0] < at + 10]
    after = [x for x in ended if x[0] >= at + 10]

    def causes(items):
        out = {}
        for _t, op, cause in items:
            if cause:
                key = f"{op}: {cause[:60]}"
                out[key] = out.get(key, 0) + 1
        return out

    return {
        **injector.report,
        "events (s, what)": injector.events,
        "error": injector.error,
        "operations ended before / within 10 s / after": [
            len(before),
            len(around),
            len(after),
        ],
        "refused before": causes(before),
        "refused within 10 s of the fault": causes(around),
        "refused after": causes(after),
        "ok after": sum(1 for *_x, cause in after if cause is None),
    }


def fmt_ms(seconds):
    return "–" if seconds is None else f"{seconds * 1000:,.0f}"


def report(results):
    lines = []
    for res in results:
        lines.append(
            f"\n## {res['clients']} clients, {res['duration']:.0f} s: "
            f"{res['throughput']:.1f} ops/s ({res['intake_throughput']:.1f} intakes/s),"
            f" {res['operations']} operations, load {res['loadavg']}"
        )
        lines.append(
            "| operation | ok | refused | p50 ms | p95 ms | p99 ms "
            "| after the first wave: p50 / p95 ms |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for op, row in res["per_op"].items():
            lines.append(
                f"| {op} | {row['ok']} | {row['refused']} | {fmt_ms(row['p50'])} | "
                f"{fmt_ms(row['p95'])} | {fmt_ms(row['p99'])} | "
                f"{fmt_ms(row.get('steady_p50'))} / {fmt_ms(row.get('steady_p95'))} |"
            )
        lines.append(f"refusals by cause: {res['refusals'] or 'none'}")
        lines.append(f"server log: {res['server_log']}")
        lines.append(f"checks: {res['checks']}; mails: {res.get('mails')}")
        if res.get("fault"):
            lines.append(f"fault: {json.dumps(res['fault'], ensure_ascii=False)}")
        lines.append(f"CPU seconds during the burst: {res.get('cpu')}")
        cpu = res.get("cpu") or {}
        if res["operations"] and "workers" in cpu:
            lines.append(
                "server CPU per operation (HTTP workers + PostgreSQL): "
                f"{(cpu['workers'] + cpu['postgres']) * 1000 / res['operations']:.0f}"
                f" ms ({cpu['workers'] * 1000 / res['operations']:.0f} + "
                f"{cpu['postgres'] * 1000 / res['operations']:.0f})"
            )
        lines.append(f"database connections: {res.get('database')}")
        lines.append(
            f"slowest operations: {res.get('slowest (start s, operation, seconds)')}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--clients", default="1,10,50", help="client counts")
    parser.add_argument("--duration", type=float, default=60, help="seconds per run")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--port",
        type=int,
        help="HTTP port of the server (the next one for its gevent server); "
        "default: free ports",
    )
    parser.add_argument(
        "--departments",
        type=int,
        default=5,
        help="sales departments the clients work for (several clients each)",
    )
    parser.add_argument(
        "--think", type=float, default=0, help="mean pause between operations (s)"
    )
    parser.add_argument(
        "--first-wave",
        type=float,
        default=10,
        help="seconds of the first wave (all clients start at once), left out "
        "of the 'after the first wave' percentiles",
    )
    parser.add_argument("--addons", help="serve these addons (another checkout)")
    parser.add_argument(
        "--fault",
        choices=FAULTS,
        help="inject a fault during the burst: kill -9 an HTTP worker, restart "
        "PostgreSQL, make the outgoing mail server unreachable, or kill the "
        "cron worker half-way through the acknowledgement job's batches",
    )
    parser.add_argument(
        "--fault-at", type=float, help="seconds into the burst (default 40%%)"
    )
    parser.add_argument(
        "--fault-for",
        type=float,
        help="smtp-down: seconds the mail server stays unreachable (default 30%%)",
    )
    parser.add_argument(
        "--no-update",
        action="store_true",
        help="serve the copy as it is (by default it is updated to the served "
        "addons first: the source may predate their fields)",
    )
    parser.add_argument("--prefix", default="bench")
    parser.add_argument("--keep", action="store_true", help="keep the load database")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    results = []
    with common.Server() as server:
        conf = common.write_config(server)
        source = f"{args.prefix}_complaints_{run.label(args.size)}"
        build = argparse.Namespace(
            size=args.size, depts=300, rebuild=False, template=None
        )
        run.ensure_db(server, conf, "complaints", source, build)
        run.vacuum(server, source, "complaints")
        # the source is copied as a template: no connection may stay open
        import odoo.sql_db
        from odoo.modules.registry import Registry

        Registry.delete(source)
        odoo.sql_db.close_db(source)
        for n in (int(x) for x in args.clients.split(",")):
            say(f"{n} clients for {args.duration:.0f} s")
            res = one_run(server, conf, source, n, args)
            results.append(res)
            print(report([res]), flush=True)
        if not args.keep:
            name = f"{args.prefix}_load_{run.label(args.size)}"
            server.drop_db(name)
            shutil.rmtree(
                common.BENCH_DIR / "data" / "filestore" / name, ignore_errors=True
            )
    out = (
        Path(args.json)
        if args.json
        else (
            common.BENCH_DIR
            / f"load-{run.label(args.size)}-{time.strftime('%Y%m%d-%H%M')}.json"
        )
    )
    out.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print("\n# summary" + report(results))
    say(f"results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
