"""`dev.py test`: a test database with the modules installed, then pytest."""

import os
import subprocess
import sys

from .cluster import pg_server
from .common import ROOT, TEST_DB, Fail, say
from .database import prepare_test_db
from .odoo_setup import check_odoo, system_packages, write_config

TEST_PATHS = ["addons/huatai_complaints", "addons/huatai_reports", "tests"]


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
