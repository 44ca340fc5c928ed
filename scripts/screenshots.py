#!/usr/bin/env python3
"""Take the README's screenshots from the demo database, in zh_CN.

    python3 scripts/screenshots.py [--reset] [--port N] [--only NAME ...]

Creates (or updates) the demo database huatai_demo as `make run` does
(`--reset` recreates it, so that its dates are today's), serves it on a free
local port, opens it in headless Chromium as the demo users, in China time,
and saves docs/screenshots/<name>.png (reduced to a palette so that each
stays well under 300 KB). Then stops what it started.

Needs, besides what `make run` needs: Chromium (`chromium`, `chromium-browser`
or `google-chrome` on PATH), a CJK font for the Chinese text (Debian:
fonts-wqy-zenhei) and websocket-client (requirements-dev.txt).
"""

import argparse
import base64
import io
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bootstrap  # noqa: E402
from devtools.cluster import pg_connect, pg_server  # noqa: E402
from devtools.common import DEMO_DB, ROOT, Fail, say  # noqa: E402
from devtools.database import prepare_demo_db  # noqa: E402
from devtools.odoo_setup import (  # noqa: E402
    check_odoo,
    odoo_cmd,
    port_free,
    wait_port,
    write_config,
)
from devtools.run import DEMO_LOGINS  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
WIDTH, HEIGHT = 1440, 900
MAX_BYTES = 300 * 1024
REPORT = "huatai.complaint.report"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# name -> (login or None for the public, the page, CSS selector that says it
# is drawn)
SHOTS = {
    "kanban": ("hq", "kanban", ".o_kanban_renderer .o_kanban_record"),
    "form": ("hq", "form", ".o_form_view .o_form_sheet .o_field_widget"),
    "dashboard": (
        "hq",
        "dashboard",
        ".o_spreadsheet_dashboard_action .o-figure canvas",
    ),
    "analysis": ("hq", "analysis", ".o_graph_renderer canvas"),
    "portal": ("client", "portal", "#wrap .o_portal_chatter, #wrap .o_portal_wrap"),
    "webform": (None, "webform", "#wrap form"),
    "incident": ("hq", "incident", ".o_form_view .o_form_sheet .o_field_widget"),
}
# no spinner, no pending request, no spreadsheet still loading
SETTLED_JS = """
!document.querySelector('.o_loading_indicator, .o_spreadsheet_loading, .o-spinner')
"""


class Browser:
    """Headless Chromium driven over the DevTools protocol (one page)."""

    def __init__(self):
        import websocket  # websocket-client, see requirements-dev.txt

        binary = next((b for b in map(shutil.which, BROWSERS) if b), None)
        if not binary:
            raise Fail(f"no browser found: install one of {', '.join(BROWSERS)}")
        self.profile = tempfile.mkdtemp(prefix="huatai-shots-")
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--lang=zh-CN",
                f"--window-size={WIDTH},{HEIGHT}",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.is_file() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise Fail(f"{binary} did not start its DevTools server")
            time.sleep(0.2)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as resp:
            page = next(t for t in json.load(resp) if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.call("Page.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Emulation.setTimezoneOverride", timezoneId="Asia/Shanghai")
        self.call("Emulation.setLocaleOverride", locale="zh-CN")

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise Fail(f"{method}: {msg['error'].get('message')}")
                return msg.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def login(self, base_url, session_id):
        """Browse as the user of ``session_id`` (None: the public)."""
        self.call("Network.clearBrowserCookies")
        if not session_id:
            return
        self.call(
            "Network.setCookie",
            name="session_id",
            value=session_id,
            url=base_url,
            httpOnly=True,
        )

    def shoot(self, url, selector, path, timeout=90):
        self.call("Page.navigate", url=url)
        wanted = json.dumps(selector)
        deadline = time.monotonic() + timeout
        settled_since = None
        while time.monotonic() < deadline:
            ready = self.evaluate(
                f"!!document.querySelector({wanted}) && "
                f"document.readyState === 'complete' && ({SETTLED_JS.strip()})"
            )
            if ready:
                settled_since = settled_since or time.monotonic()
                if time.monotonic() - settled_since > 2.5:  # charts animate
                    break
            else:
                settled_since = None
            time.sleep(0.5)
        else:
            raise Fail(f"{url}: {selector} did not show within {timeout} s")
        # no caret, no toast of the notifications the demo's making just sent
        self.evaluate(
            "document.activeElement && document.activeElement.blur();"
            "document.querySelectorAll('.o_notification_manager')"
            ".forEach(e => e.remove())"
        )
        png = base64.b64decode(
            self.call("Page.captureScreenshot", format="png")["data"]
        )
        path.write_bytes(shrink(png))

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def shrink(png):
    """The screenshot as a palette PNG (flat UI colours survive it)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    for colors in (256, 128, 64):
        out = io.BytesIO()
        image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT).save(
            out, format="PNG", optimize=True
        )
        if out.tell() <= MAX_BYTES:
            break
    return out.getvalue()


def has_cjk_font():
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    res = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True)
    return bool(res.stdout.strip())


def check_cjk_font():
    """A Chinese font, or the screenshots show boxes: installed as root on
    Debian (fontconfig and fonts-wqy-zenhei), else named in one line."""
    if has_cjk_font():
        return
    try:
        bootstrap.ensure_packages(
            ["fontconfig", "fonts-wqy-zenhei"], "the Chinese text of the screenshots"
        )
    except bootstrap.BootstrapError as exc:
        raise Fail(str(exc)) from None
    if not has_cjk_font():
        raise Fail(
            "no Chinese font: the screenshots would show boxes "
            "(Debian: apt-get install fonts-wqy-zenhei)"
        )


def rpc(base_url, path, params, session_id=None):
    request = urllib.request.Request(
        base_url + path,
        data=json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    if session_id:
        request.add_header("Cookie", f"session_id={session_id}")
    with urllib.request.urlopen(request, timeout=60) as resp:
        body = json.load(resp)
        cookie = resp.headers.get("Set-Cookie", "")
    if body.get("error"):
        raise Fail(f"{path}: {body['error']['data']['message']}")
    session = cookie.split("session_id=", 1)[1].split(";", 1)[0] if cookie else None
    return body["result"], session


def login(base_url, login_name):
    password = next(pwd for name, pwd, _role in DEMO_LOGINS if name == login_name)
    _result, session = rpc(
        base_url,
        "/web/session/authenticate",
        {"db": DEMO_DB, "login": login_name, "password": password},
    )
    return session


def search_one(base_url, session, model, domain, order):
    ids, _ = rpc(
        base_url,
        "/web/dataset/call_kw",
        {
            "model": model,
            "method": "search",
            "args": [domain],
            "kwargs": {"limit": 1, "order": order},
        },
        session,
    )
    if not ids:
        raise Fail(f"the demo has no {model} matching {domain}")
    return ids[0]


def page_url(base_url, page, session):
    """The address of a screenshot's page, read from the demo as its user."""
    complaints = "/odoo/action-huatai_complaints.huatai_complaint_action"
    if page == "kanban":
        return complaints
    if page == "form":
        # an open regulator-forwarded, major complaint: the form at its fullest
        cid = search_one(
            base_url,
            session,
            "huatai.complaint",
            [
                ("channel", "=", "regulator"),
                ("is_major", "=", True),
                ("is_closed", "=", False),
            ],
            "received_date desc",
        )
        return f"{complaints}/{cid}"
    if page == "incident":
        # the morning's outage at four sales departments (issue 16)
        iid = search_one(
            base_url,
            session,
            "huatai.complaint.incident",
            [("state", "=", "confirmed")],
            "first_received desc",
        )
        return f"/odoo/action-huatai_complaints.huatai_complaint_incident_action/{iid}"
    if page == "dashboard":
        return f"/odoo/dashboards?dashboard_id={dashboard_id()}"
    if page == "webform":
        return "/complaints/new"
    if page == "analysis":
        return "/odoo/action-huatai_reports.huatai_complaint_report_action"
    if page == "portal":
        # the client's complaint that was replied to: the reply shows
        cid = search_one(
            base_url,
            session,
            "huatai.complaint",
            [("replied_date", "!=", False), ("is_closed", "=", False)],
            "replied_date desc",
        )
        return f"/my/complaints/{cid}"
    raise ValueError(page)


def dashboard_id():
    """The HQ dashboard's id (its users may not read the XML ids)."""
    conn = pg_connect(pg_server().params, DEMO_DB)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s",
                ["huatai_reports", "spreadsheet_dashboard_complaints_hq"],
            )
            return cr.fetchone()[0]
    finally:
        conn.close()


def free_port(host, preferred):
    if preferred:
        if not port_free(host, preferred):
            raise Fail(f"port {preferred} on {host} is already in use")
        return preferred
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reset", action="store_true", help="recreate huatai_demo")
    parser.add_argument("--port", type=int, help="HTTP port (default: a free one)")
    parser.add_argument("--only", nargs="+", choices=sorted(SHOTS), help="these only")
    args = parser.parse_args(argv)
    check_cjk_font()
    odoo_dir = check_odoo()
    host = "127.0.0.1"
    port = free_port(host, args.port)
    base_url = f"http://{host}:{port}"
    pg = pg_server()
    started = pg.ensure()
    server = browser = None
    try:
        conf = write_config(odoo_dir, pg, DEMO_DB)
        prepare_demo_db(pg, conf, reset=args.reset)
        say(f"serving {DEMO_DB} on {base_url} for the screenshots")
        server = subprocess.Popen(
            odoo_cmd(
                conf,
                "-d",
                DEMO_DB,
                f"--db-filter=^{DEMO_DB}$",
                f"--http-port={port}",
                "--max-cron-threads=0",
                "--log-level=warn",
            ),
            cwd=ROOT,
        )
        if not wait_port(host, port, server):
            raise Fail("the Odoo server did not start")
        OUT.mkdir(parents=True, exist_ok=True)
        browser = Browser()
        for name in args.only or SHOTS:
            login_name, page, selector = SHOTS[name]
            session = login(base_url, login_name) if login_name else None
            url = page_url(base_url, page, session)
            browser.login(base_url, session)
            path = OUT / f"{name}.png"
            browser.shoot(base_url + url, selector, path)
            size = path.stat().st_size
            say(f"{path.relative_to(ROOT)} ({size // 1024} KB) <- {url}")
            if size > MAX_BYTES:
                raise Fail(f"{path.name} is {size // 1024} KB, over 300 KB")
        return 0
    except Fail as exc:
        print(f"screenshots.py: error: {exc}", file=sys.stderr)
        return 1
    finally:
        if browser:
            browser.close()
        if server and server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if started:
            pg.stop()


if __name__ == "__main__":
    sys.exit(main())
