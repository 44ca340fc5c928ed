#!/usr/bin/env python3
"""Refresh the addons' translation files from a database that has them installed.

    python3 scripts/i18n.py -c CONFIG -d DATABASE [--check] [module ...]

For each module it exports the current terms (``<module>.pot`` and
``zh_CN.po``) with Odoo's own exporter, then carries over every msgstr that
the existing ``zh_CN.po`` (or the extra ``--memory`` files) already had for
the same msgid, so a regenerated file loses nothing that was translated.
It prints the msgids still untranslated; ``--check`` exits 1 when any is.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = ["huatai_complaints", "huatai_reports"]


def export(config, database, module, lang, path):
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "-c",
        config,
        "-d",
        database,
        f"--i18n-export={path}",
        f"--modules={module}",
        "--stop-after-init",
        "--log-level=warn",
    ]
    if lang:
        cmd += [f"--language={lang}", f"--load-language={lang}"]
    subprocess.run(cmd, check=True)


def normalized(text):
    """The msgid as a reader sees it: XML re-indentation changes only spaces."""
    return " ".join(text.split())


def memory_from(paths):
    memory = {}
    for path in paths:
        if os.path.exists(path):
            for entry in polib.pofile(path):
                if entry.msgstr and not entry.obsolete:
                    memory.setdefault(entry.msgid, entry.msgstr)
                    memory.setdefault(normalized(entry.msgid), entry.msgstr)
    return memory


def refresh(args, module):
    i18n = os.path.join(ROOT, "addons", module, "i18n")
    os.makedirs(i18n, exist_ok=True)
    po_path = os.path.join(i18n, "zh_CN.po")
    memory = memory_from([po_path, *args.memory])
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, f"{module}.pot")
        po = os.path.join(tmp, "zh_CN.po")
        export(args.config, args.database, module, None, pot)
        export(args.config, args.database, module, "zh_CN", po)
        polib.pofile(pot).save(os.path.join(i18n, f"{module}.pot"))
        catalog = polib.pofile(po)
    missing = []
    for entry in catalog:
        if not entry.msgstr:
            entry.msgstr = memory.get(entry.msgid) or memory.get(
                normalized(entry.msgid), ""
            )
        if not entry.msgstr:
            missing.append(entry.msgid)
    catalog.metadata["Language"] = "zh_CN"
    catalog.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    catalog.save(po_path)
    return missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--memory", action="append", default=[], help="an extra .po file (repeatable)"
    )
    parser.add_argument("--check", action="store_true")
    parser.add_argument("modules", nargs="*", default=MODULES)
    args = parser.parse_args()
    untranslated = 0
    for module in args.modules:
        missing = refresh(args, module)
        untranslated += len(missing)
        for msgid in missing:
            print(f"{module}: untranslated: {msgid!r}")
        print(f"{module}: {len(missing)} untranslated")
    if args.check and untranslated:
        sys.exit(1)


if __name__ == "__main__":
    main()
