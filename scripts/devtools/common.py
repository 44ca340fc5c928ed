"""What every developer command shares: where the checkout and its local
files are, the modules and databases, and one-line failures."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# everything this script creates lives here (git-ignored); HUATAI_LOCAL_DIR moves it
LOCAL = Path(os.environ.get("HUATAI_LOCAL_DIR") or ROOT / ".local").resolve()
TEMPLATE_CONF = ROOT / "odoo.conf"

MODULES = ["huatai_complaints", "huatai_reports"]
DEMO_DB = "huatai_demo"
TEST_DB = "huatai_test"
DEMO_LANG = "zh_CN"


class Fail(Exception):
    """A problem explained in one line: printed, then exit status 1."""


def say(msg):
    print(f"dev.py: {msg}", flush=True)
