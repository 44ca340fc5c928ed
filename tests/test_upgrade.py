"""Upgrading a database made by the previous version of main (issue 14).

The previous version is found in git history by content: on main's line
(first parents), the last commit whose ``huatai_complaints`` manifest still
says ``18.0.1.0.*``. Its ``addons/`` are extracted with ``git archive``; a new
database gets both addons installed from that tree, as production has them,
with the complaints the migrations care about:

- a complaint forwarded by a regulator, registered at a branch, and a letter
  at a sales department: the ``18.0.1.2.0`` migration keeps these channels
  open where they were already used (branches and sales departments now take
  on-site, phone, fax and email only);
- every complaint has its acknowledgement clock, which ``18.0.1.1.0`` fills
  (in SQL, then the ORM for the clocks still running);
- the branch review of every complaint of a sales department is on after the
  upgrade (``18.0.1.3.0``).

Then ``odoo -u huatai_complaints,huatai_reports`` runs with the current
addons, as an administrator upgrades: the modules are installed at the new
versions, the data is as the migrations promise, and the log has no ERROR.
The database is dropped at the end. Without the git history (a shallow
clone, an exported tree) the test is skipped.
"""

import ast
import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from odoo.tools import config

from .test_backup import cleanup, query

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_NAME = "__manifest__.py"
MANIFEST = f"addons/huatai_complaints/{MANIFEST_NAME}"
PREVIOUS = "18.0.1.0."
DB = f"huatai_upgrade_{os.getpid()}"
MODULES = "huatai_complaints,huatai_reports"
CHANNEL_PARAMS = {
    "letter": "huatai_complaints.local_accepts_letter",
    "regulator": "huatai_complaints.local_accepts_regulator",
}

# run by the previous version: an org tree and the complaints to migrate
FILL = """
import sys
from datetime import date, timedelta
import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.tools import config
config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2],
                     "--addons-path", sys.argv[3]])
registry = odoo.modules.registry.Registry(sys.argv[2])
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
    Unit = env["huatai.org.unit"]
    hq = env.ref("huatai_complaints.unit_company")
    branch = Unit.create({"name": "江苏分公司", "code": "UP-JS", "kind": "branch",
                          "parent_id": hq.id})
    sales = Unit.create({"name": "南京鼓楼营业部", "code": "UP-JS-NJ",
                         "kind": "sales_department", "parent_id": branch.id})
    common = {
        "category_id": env.ref("huatai_complaints.category_service").id,
        "complainant_name": "张三",
        "complainant_phone": "13800000000",
        "description": "营业部员工态度恶劣",
    }
    today = fields.Date.context_today(env["huatai.complaint"])
    env["huatai.complaint"].create([
        {**common, "channel": "regulator", "accepting_unit_id": branch.id,
         "regulator_authority": "csrc_bureau",
         "regulator_reference": "江苏证监局转〔2026〕101号",
         "regulator_deadline": today + timedelta(days=30)},
        {**common, "channel": "letter", "accepting_unit_id": sales.id},
        {**common, "channel": "phone", "accepting_unit_id": sales.id},
    ])
"""


def git(*args):
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, check=True
    ).stdout


def manifest_version(text):
    return ast.literal_eval(text)["version"]


def previous_version_commit():
    """The last commit of main's line with a ``18.0.1.0.*`` manifest: the
    first parent of the newest manifest change whose parent had one."""
    commits = git("rev-list", "--first-parent", "HEAD", "--", MANIFEST).split()
    for commit in commits:
        parent = f"{commit.decode()}^1"
        try:
            text = git("show", f"{parent}:{MANIFEST}").decode()
        except subprocess.CalledProcessError:
            continue
        if manifest_version(text).startswith(PREVIOUS):
            return git("rev-parse", parent).decode().strip()
    return None


def odoo(*args, addons_path=None):
    cmd = [sys.executable, "-m", "odoo", "-c", config.rcfile, "-d", DB]
    if addons_path:
        cmd += ["--addons-path", addons_path]
    cmd += ["--stop-after-init", "--no-http", "--max-cron-threads=0", *args]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    output = res.stdout + res.stderr
    assert res.returncode == 0, output[-3000:]
    return output


def errors(log):
    return [
        line for line in log.splitlines() if " ERROR " in line or " CRITICAL " in line
    ]


@pytest.fixture
def previous_addons(tmp_path):
    if not shutil.which("git"):
        pytest.skip("git is not installed: the previous version cannot be read")
    try:
        shallow = git("rev-parse", "--is-shallow-repository").strip()
    except subprocess.CalledProcessError:
        pytest.skip("not a git checkout: the previous version cannot be read")
    if shallow == b"true":
        pytest.skip("shallow clone: the previous version is not in its history")
    commit = previous_version_commit()
    if not commit:
        pytest.skip(f"no commit with huatai_complaints {PREVIOUS}* in history")
    archive = git("archive", "--format=tar", commit, "addons")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp_path, filter="data")
    return tmp_path / "addons"


def test_upgrade_from_previous_version(previous_addons):
    current = str(ROOT / "addons")
    paths = [p.strip() for p in config["addons_path"].split(",") if p.strip()]
    assert current in paths, paths
    old_paths = ",".join(str(previous_addons) if p == current else p for p in paths)
    cleanup(DB)
    try:
        odoo("-i", MODULES, "--without-demo=all", addons_path=old_paths)
        res = subprocess.run(
            [sys.executable, "-c", FILL, config.rcfile, DB, old_paths],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert res.returncode == 0, res.stderr[-3000:]
        before = query(
            DB, "SELECT id, acknowledgement_deadline FROM huatai_complaint ORDER BY id"
        )
        assert len(before) == 3

        log = odoo("-u", MODULES)

        assert errors(log) == []
        versions = {
            name: manifest_version((ROOT / "addons" / name / MANIFEST_NAME).read_text())
            for name in MODULES.split(",")
        }
        assert dict(
            (name, (state, version))
            for name, state, version in query(
                DB,
                "SELECT name, state, latest_version FROM ir_module_module "
                "WHERE name = ANY(%s)",
                (list(versions),),
            )
        ) == {name: ("installed", version) for name, version in versions.items()}
        # 18.0.1.2.0: letters and regulator forwardings stay open at branches
        # and sales departments, where they were already registered
        assert dict(
            query(
                DB,
                "SELECT key, value FROM ir_config_parameter WHERE key = ANY(%s)",
                (list(CHANNEL_PARAMS.values()),),
            )
        ) == {param: "True" for param in CHANNEL_PARAMS.values()}
        assert "Channels per level: 1 complaints of channel letter" in log
        assert "Channels per level: 1 complaints of channel regulator" in log
        # 18.0.1.3.0: the branch review of every complaint of a sales
        # department (Art. 6) is on
        assert query(
            DB,
            "SELECT r.active FROM huatai_complaint_review_rule r "
            "JOIN ir_model_data d ON d.res_id = r.id "
            "AND d.model = 'huatai.complaint.review.rule' "
            "WHERE d.module = 'huatai_complaints' "
            "AND d.name = 'review_rule_branch_all'",
        ) == [(True,)]
        # 18.0.1.1.0: every complaint keeps its acknowledgement deadline, the
        # clocks still running have their next deadline and state
        after = query(
            DB, "SELECT id, acknowledgement_deadline FROM huatai_complaint ORDER BY id"
        )
        assert after == before
        assert all(deadline for _id, deadline in after), after
        assert query(
            DB,
            "SELECT count(*) FROM huatai_complaint WHERE acknowledged_date IS NULL "
            "AND (next_deadline IS NULL OR deadline_state IS NULL)",
        ) == [(0,)]
    finally:
        cleanup(DB)
