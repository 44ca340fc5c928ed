#!/usr/bin/env python3
"""Import a historical complaint register (台账) into a database.

    python3 scripts/import_register.py -c CONFIG -d DATABASE FILE
        [--check] [--errors ERRORS.csv] [--user LOGIN] [--tz Asia/Shanghai]

The file is an xlsx or csv in the columns of the register export (Chinese or
English headers). It runs the addon's own import
(``huatai.complaint.register.import``, the one the wizard "Import Register"
runs) as the given complaint administrator (default ``admin``): the whole
file is checked first, nothing is imported when any row has an error, and
references already in the database are skipped. ``--check`` only checks.

Exit status: 0 imported (or checked) without error, 1 errors found (listed,
and written to ``--errors`` when given), 2 bad arguments.
"""

import argparse
import os
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("file")
    parser.add_argument("--check", action="store_true", help="check only")
    parser.add_argument("--errors", help="write the errors to this csv file")
    parser.add_argument("--user", default="admin", help="login of the importer")
    parser.add_argument(
        "--tz", default="Asia/Shanghai", help="time zone of the file's moments"
    )
    args = parser.parse_args()
    if not os.path.isfile(args.file):
        parser.error(f"no such file: {args.file}")
    with open(args.file, "rb") as handle:
        content = handle.read()

    import odoo  # noqa: PLC0415 - after the arguments: --help without Odoo
    from odoo import api

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    started = time.monotonic()
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        user = env["res.users"].search([("login", "=", args.user)], limit=1)
        if not user:
            parser.error(f"no user with login {args.user}")
        env = api.Environment(cr, user.id, {"tz": args.tz, "lang": user.lang})
        Import = env["huatai.complaint.register.import"]
        result = Import._import_register(
            content, os.path.basename(args.file), dry_run=args.check
        )
        errors = result["errors"]
        print(
            f"rows: {result['rows']}, new: {result['new']}, "
            f"already imported: {result['existing']}, errors: {len(errors)}, "
            f"imported: {result['imported']} "
            f"({time.monotonic() - started:.1f} s)"
        )
        for row in result["preview"][:3]:
            print("  " + " | ".join(f"{k}={v}" for k, v in list(row.items())[:6]))
        for row, column, message in errors[:20]:
            print(f"row {row}, {column}: {message}")
        if len(errors) > 20:
            print(f"... {len(errors) - 20} more")
        if errors and args.errors:
            with open(args.errors, "wb") as handle:
                handle.write(Import._errors_csv(errors))
            print(f"errors written to {args.errors}")
        if errors:
            cr.rollback()
            sys.exit(1)
        cr.commit()


if __name__ == "__main__":
    main()
