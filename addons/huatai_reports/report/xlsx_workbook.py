"""What the complaint workbooks share: formats, columns, the measures of the
statistics, total lines and the About sheet.

A workbook is written by one :class:`XlsxReport` subclass per kind (register,
statistics, yearly summary), in the language and with the rights of its
environment: the complaint record rules apply to every row.
"""

from datetime import datetime

import pytz
import xlsxwriter

from odoo import fields

from .complaint_facts import REPORT_TZ
from .report_statistics import COMPLIANCE_GROUP, HQ_GROUP, STAT_MEASURES, rate
from .xlsx_stream import NUMBER, TEXT, SheetWriter

NUMBER_FORMATS = {
    "datetime": "yyyy-mm-dd hh:mm",
    "date": "yyyy-mm-dd",
    "int": "#,##0",
    "money": "#,##0.00",
    "days": "0.0",
    "percent": "0.0%",
}
# measures of the yearly summary only, beside those of the statistics
SUMMARY_MEASURES = ("finished", "media", "judicial")
# averages of the statistics, weighted by the count they average over
AVERAGES = {
    "days_to_accept": "accepted",
    "days_to_reply": "replied",
    "days_to_close": "closed",
    "satisfaction_score": "surveyed",
}


def as_cell(key, value):
    """A measure's value as written: rates (percent) as fractions."""
    if key.endswith("_rate") and value is not None:
        return value / 100.0
    return value


def total_measures(rows):
    """Totals of statistics rows: sums, weighted averages, rates."""
    totals = {}
    for key in STAT_MEASURES:
        if key in AVERAGES:
            weighted = [
                (row[key], row[AVERAGES[key]]) for row in rows if row[key] is not None
            ]
            count = sum(w for _v, w in weighted)
            totals[key] = (
                round(sum(v * w for v, w in weighted) / count, 2) if count else None
            )
        else:
            totals[key] = sum(row[key] or 0 for row in rows)
    for key in ("accept", "reply", "regulator", "callback"):
        totals[f"{key}_rate"] = rate(totals[f"{key}_met"], totals[f"{key}_missed"])
    totals["satisfaction_rate"] = rate(
        totals["satisfied"], totals["reached"] - totals["satisfied"]
    )
    return totals


class XlsxReport:
    """One workbook written to a binary ``stream``, in ``env``'s language and
    with its rights. Subclasses implement :meth:`render`."""

    def __init__(self, env, stream):
        # a workbook is built in memory and stored as an attachment: never
        # given a path, xlsxwriter would write that file on the server
        if not (hasattr(stream, "write") and hasattr(stream, "seek")):
            raise TypeError(
                f"an xlsx report is written to a binary stream, not to "
                f"{type(stream).__name__} {stream!r}"
            )
        self.env = env
        self.stream = stream
        self.workbook = None
        self.formats = {}

    def render(self, **kwargs):
        """Fill the stream; return the number of complaints written."""
        raise NotImplementedError

    # ------------------------------------------------------------------
    # Workbook, formats, columns
    # ------------------------------------------------------------------
    def open_workbook(self):
        self.workbook = xlsxwriter.Workbook(
            self.stream,
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        add = self.workbook.add_format
        self.formats = {
            "header": add(
                {
                    "bold": True,
                    "bg_color": "#D9E1F2",
                    "border": 1,
                    "text_wrap": True,
                    "valign": "vcenter",
                    "align": "center",
                }
            ),
            "bold": add({"bold": True}),
        }
        for name, num_format in NUMBER_FORMATS.items():
            self.formats[name] = add({"num_format": num_format})
            self.formats[f"bold_{name}"] = add({"bold": True, "num_format": num_format})
        return self.workbook

    def column(self, header, kind=TEXT, fmt=None, width=12):
        """A column of :class:`SheetWriter`; ``fmt``: a format's name."""
        return {
            "header": header,
            "kind": kind,
            "format": self.formats[fmt] if fmt else None,
            "format_name": fmt,
            "width": width,
        }

    def number(self, header, fmt, width):
        return self.column(header, NUMBER, fmt, width)

    def moment_column(self, header):
        """A date and time, as an Excel serial to the second."""
        column = self.number(header, "datetime", 17)
        column["decimals"] = 6
        return column

    def measure_columns(self, keys=None):
        """``(measure, column)`` of the statistics measures (all, or ``keys``
        in that order)."""
        _ = self.env._
        catalogue = {
            key: self.number(label, fmt, width)
            for key, label, fmt, width in (
                ("count", _("Complaints"), "int", 10),
                ("accepted", _("Accepted"), "int", 9),
                ("rejected", _("Rejected"), "int", 9),
                ("replied", _("Replied"), "int", 9),
                ("closed", _("Closed"), "int", 9),
                ("open", _("Open"), "int", 9),
                ("overdue", _("Overdue"), "int", 9),
                ("accept_met", _("Accepted in Time"), "int", 10),
                ("accept_missed", _("Acceptance Deadline Missed"), "int", 10),
                ("accept_rate", _("Acceptance Compliance Rate"), "percent", 10),
                ("reply_met", _("Replied in Time"), "int", 10),
                ("reply_missed", _("Reply Deadline Missed"), "int", 10),
                ("reply_rate", _("Reply Compliance Rate"), "percent", 10),
                ("days_to_accept", _("Avg. Working Days to Accept"), "days", 10),
                ("days_to_reply", _("Avg. Working Days to Reply"), "days", 10),
                ("days_to_close", _("Avg. Working Days to Close"), "days", 10),
                ("major", _("Major"), "int", 8),
                ("group", _("Group Complaint"), "int", 8),
                ("regulator", _("Forwarded by Regulator"), "int", 10),
                ("regulator_rate", _("Regulator Deadline Met (%)"), "percent", 10),
                ("compensation", _("Compensation Requested"), "int", 10),
                ("compensation_amount", _("Compensation Claimed"), "money", 14),
                ("founded", _("Founded"), "int", 9),
                ("partly_founded", _("Partly Founded"), "int", 9),
                ("unfounded", _("Unfounded"), "int", 9),
                ("compensation_paid", _("Compensation Paid"), "money", 14),
                ("transferred", _("Dispatched"), "int", 9),
                ("callbacks", _("Called Back"), "int", 9),
                ("callback_rate", _("Called Back in Time (%)"), "percent", 10),
                ("reached", _("Client Reached"), "int", 9),
                ("satisfied", _("Satisfied"), "int", 9),
                ("satisfaction_rate", _("Satisfaction Rate"), "percent", 10),
                ("satisfaction_score", _("Avg. Survey Score"), "days", 10),
                # the yearly summary's own
                ("finished", _("Finished"), "int", 9),
                ("media", _("Media-related"), "int", 8),
                ("judicial", _("Judicial"), "int", 8),
            )
        }
        if keys is None:
            keys = [key for key in catalogue if key not in SUMMARY_MEASURES]
        return [(key, catalogue[key]) for key in keys]

    def sheet(self, name, columns):
        return SheetWriter(self.workbook, name, columns, self.formats["header"])

    def write_total_row(self, writer, values, first_col, label=None):
        """A bold line under a table: ``label`` in the first column, the
        numbers ``values`` from ``first_col`` on, each in the bold twin of its
        column's format."""
        sheet, row = writer.sheet, writer.row
        sheet.write_string(row, 0, label or self.env._("Total"), self.formats["bold"])
        for col, value in enumerate(values, start=first_col):
            if value is not None:
                fmt = writer.columns[col].get("format_name") or "int"
                sheet.write_number(row, col, value, self.formats[f"bold_{fmt}"])
        writer.row += 1

    # ------------------------------------------------------------------
    # Labels
    # ------------------------------------------------------------------
    def user_tz(self):
        name = self.env.context.get("tz") or self.env.user.tz or REPORT_TZ
        return name if name in pytz.all_timezones_set else REPORT_TZ

    def yes_no(self):
        return {True: self.env._("Yes"), False: self.env._("No"), None: None}

    def selection_labels(self, model, field):
        return dict(self.env[model]._fields[field]._description_selection(self.env))

    def sees_confidential(self):
        if self.env.context.get("huatai_report_mailed"):
            return False
        return self.env.su or self.env.user.has_group(COMPLIANCE_GROUP)

    def sees_firm(self):
        return self.env.su or self.env.user.has_group(HQ_GROUP)

    def scope_label(self, units):
        return ", ".join(units.mapped("display_name")) or self.env._(
            "All units within my rights"
        )

    def period_label(self, date_from, date_to):
        if not date_from and not date_to:
            return self.env._("All dates")
        return f"{date_from or ''} ~ {date_to or ''}"

    def write_about_sheet(self, title, lines):
        """A last sheet saying what the workbook holds and for whom."""
        bold = self.formats["bold"]
        sheet = self.workbook.add_worksheet(self.env._("About"))
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, 1, 60)
        sheet.write_string(0, 0, title, bold)
        now = fields.Datetime.context_timestamp(
            self.env["res.users"], fields.Datetime.now()
        )
        rows = [
            *lines,
            (self.env._("Generated On"), now.strftime("%Y-%m-%d %H:%M")),
            (self.env._("Generated By"), self.env.user.name),
        ]
        if not self.sees_confidential():
            rows.append(
                (
                    self.env._("Note"),
                    self.env._(
                        "Whistleblowing reports are confidential: they are only "
                        "counted in reports produced by Compliance."
                    ),
                )
            )
        for index, (label, value) in enumerate(rows, start=2):
            sheet.write_string(index, 0, label, bold)
            sheet.write_string(index, 1, str(value or ""))

    def fixed_utc_offset(self, tz):
        """Seconds east of UTC of ``tz`` when it keeps one offset all year
        (China), else None: a fixed offset is much cheaper in SQL."""
        zone = pytz.timezone(tz)
        year = fields.Date.today().year
        offsets = {zone.utcoffset(datetime(year, month, 15)) for month in (1, 4, 7, 10)}
        return int(offsets.pop().total_seconds()) if len(offsets) == 1 else None
