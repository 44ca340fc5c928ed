"""Time the import of a historical complaint register (issue 16: 100,000 rows
in under two minutes).

    python3 -m bench.register_import -c CONFIG -d DATABASE [--rows 100000]
        [--format xlsx|csv] [--keep]

Builds a register of ``--rows`` finished complaints in the columns of the
register export (Chinese headers, the database's own units, types and
stages; references ``TSBxxxx-nnnnnn`` that no intake makes), then times the
import's check (``dry_run``) and the import itself, as the wizard and
``scripts/import_register.py`` run them. The database is changed only with
``--keep`` (rolled back otherwise). Use a copy of a database, e.g.
``createdb -T huatai_test huatai_import_bench``.
"""

import argparse
import csv
import io
import os
import random
import time
from datetime import datetime, timedelta

FILLED = (
    "name",
    "received",
    "channel",
    "category",
    "accepting_unit",
    "handling_unit",
    "stage",
    "complainant",
    "phone",
    "client_account",
    "description",
    "demand",
    "compensation_amount",
    "is_major",
    "is_group",
    "complainant_count",
    "is_difficult",
    "is_media",
    "is_judicial",
    "is_compensation",
    "accepted",
    "accept_deadline",
    "reply_deadline",
    "replied",
    "reply_method",
    "reply",
    "closed",
    "callback_date",
    "callback_result",
    "callback_attempts",
    "callback_returns",
)


def build_rows(env, rows, seed=7):
    """(header, list of rows) of a zh_CN register with ``rows`` complaints."""
    rnd = random.Random(seed)
    zh = env(context=dict(env.context, lang="zh_CN"))
    spec = zh["huatai.complaint.register.import"]._register_spec("zh_CN")
    header = [column["header"] for _key, column in spec]
    keys = [key for key, _column in spec]
    units = zh["huatai.org.unit"].search([])
    categories = zh["huatai.complaint.category"].search(
        [("parent_id", "=", False), ("is_confidential", "=", False)]
    )
    closed = zh["huatai.complaint.stage"].search([("state", "=", "closed")], limit=1)
    labels = dict(spec)
    channel = list(labels["channel"]["labels"].values())
    methods = list(labels["reply_method"]["labels"].values())
    results = list(labels["callback_result"]["labels"].values())
    dissatisfied = labels["callback_result"]["labels"]["dissatisfied"]
    yes, no = zh._("Yes"), zh._("No")
    start = datetime(2019, 1, 1, 9)
    out = []
    for i in range(rows):
        received = start + timedelta(minutes=rnd.randrange(0, 6 * 365 * 24 * 60))
        received = received.replace(second=0)
        unit = units[i % len(units)]
        values = {
            "name": f"TSB{received.year}-{i + 1:06d}",
            "received": received,
            "channel": channel[i % len(channel)],
            "category": categories[i % len(categories)].name,
            "accepting_unit": unit.code,
            "handling_unit": unit.code,
            "stage": closed.name,
            "complainant": f"客户{i}",
            "phone": f"138{i:08d}",
            "client_account": f"{100000000000 + i}",
            "description": f"第{i}号投诉：交易系统登录异常，委托未能及时成交，"
            "客户要求说明原因。",
            "demand": "要求说明原因并赔偿损失",
            "compensation_amount": 500.0 if i % 10 == 0 else None,
            "is_major": yes if i % 50 == 0 else no,
            "is_group": no,
            "complainant_count": 1,
            "is_difficult": no,
            "is_media": no,
            "is_judicial": no,
            "is_compensation": yes if i % 10 == 0 else no,
            "accepted": received + timedelta(hours=3),
            "accept_deadline": (received + timedelta(days=3)).date(),
            "reply_deadline": (received + timedelta(days=21)).date(),
            "replied": received + timedelta(days=5),
            "reply_method": methods[i % len(methods)],
            "reply": "经核实，已向客户说明情况。",
            "closed": received + timedelta(days=9),
            "callback_date": (received + timedelta(days=7)).date(),
            "callback_result": results[i % len(results)],
            "callback_attempts": 2 if i % 7 == 0 else 1,
        }
        # returns to handling after a dissatisfied callback: one for a
        # dissatisfied last outcome, and one before some satisfied ones
        if values["callback_result"] == dissatisfied or i % 7 == 0:
            values["callback_returns"] = 1
        else:
            values["callback_returns"] = 0
        out.append([values.get(key) for key in keys])
    return header, out


def write_file(header, rows, fmt):
    stream = io.BytesIO()
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        for row in rows:
            writer.writerow(
                [
                    v.strftime("%Y-%m-%d %H:%M:%S")
                    if isinstance(v, datetime)
                    else ("" if v is None else v)
                    for v in row
                ]
            )
        return text.getvalue().encode("utf-8-sig")
    import xlsxwriter  # noqa: PLC0415

    book = xlsxwriter.Workbook(stream, {"constant_memory": True})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("投诉台账")
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, moment)
            elif hasattr(value, "isoformat"):
                sheet.write_datetime(
                    r, c, datetime.combine(value, datetime.min.time()), day
                )
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()
    return stream.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--keep", action="store_true", help="commit the import")
    args = parser.parse_args(argv)

    import odoo  # noqa: PLC0415
    from odoo import api

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "Asia/Shanghai"})
        env["res.lang"]._activate_lang("zh_CN")
        t0 = time.monotonic()
        header, rows = build_rows(env, args.rows)
        content = write_file(header, rows, args.format)
        load = f"{os.getloadavg()[0]:.1f}"
        print(
            f"load average {load}; register: {args.rows} rows, "
            f"{len(content) / 1e6:.1f} MB "
            f"{args.format} ({time.monotonic() - t0:.1f} s to build)"
        )
        Import = env["huatai.complaint.register.import"]
        name = f"register.{args.format}"
        t0, c0 = time.monotonic(), time.process_time()
        result = Import._import_register(content, name, dry_run=True)
        print(
            f"check: {time.monotonic() - t0:.1f} s "
            f"(python cpu {time.process_time() - c0:.1f} s), rows {result['rows']}, "
            f"new {result['new']}, errors {len(result['errors'])}"
        )
        for error in result["errors"][:5]:
            print("  ", error)
        t0, c0 = time.monotonic(), time.process_time()
        result = Import._import_register(content, name)
        env.flush_all()
        print(
            f"check + import: {time.monotonic() - t0:.1f} s "
            f"(python cpu {time.process_time() - c0:.1f} s), "
            f"imported {result['imported']}"
        )
        t0 = time.monotonic()
        again = Import._import_register(content, name)
        print(
            f"re-import (all skipped): {time.monotonic() - t0:.1f} s, "
            f"existing {again['existing']}, imported {again['imported']}"
        )
        if args.keep:
            cr.commit()
        else:
            cr.rollback()


if __name__ == "__main__":
    main()
