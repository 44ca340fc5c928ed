"""`dev.py lint` and `dev.py format`: ruff, pylint-odoo, the OCA checks and
prettier, installed beside this Python (requirements-dev.txt) and by npm."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .common import ROOT, Fail, say

LINT_PATHS = ["addons", "tests", "bench", "scripts", "conftest.py"]


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
