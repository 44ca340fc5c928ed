import io
from collections import defaultdict
from datetime import date, datetime

import pytz
import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .huatai_complaint_report import (
    HQ_GROUP,
    REPORT_TZ,
    STAT_MEASURES,
    rate,
)
from .xlsx_stream import LABEL, NUMBER, TEXT, SheetWriter, html_to_text

COMPLIANCE_GROUP = "huatai_complaints.group_complaint_compliance"
EXPORT_MODEL = "huatai.complaint.xlsx"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTER_CHUNK = 5000
# register columns of the complainant's personal data -> their complaint field
PERSONAL_COLUMNS = {
    "phone": "complainant_phone",
    "email": "complainant_email",
    "address": "complainant_address",
    "client_account": "client_account",
    "id_number": "complainant_id_number",
}


class HuataiComplaintXlsx(models.AbstractModel):
    """The complaint workbooks: register (台账), statistics, CSRC summary.

    Every writer takes a binary file-like ``stream`` (never a path: nothing
    is written on the server) and fills it with an xlsx workbook built with
    xlsxwriter in ``constant_memory`` mode; headers
    and labels are rendered in the language of the environment. Rows are
    what the current user may see: the complaint record rules apply, a unit
    outside the user's reach raises a ``UserError``. The writers are private
    (not callable over RPC): users get the files through the export wizard,
    the list action and the scheduled reports.
    """

    _name = EXPORT_MODEL
    _description = "Complaint Excel Reports"

    # ------------------------------------------------------------------
    # Workbook helpers
    # ------------------------------------------------------------------
    @api.model
    def _new_workbook(self, stream):
        # a workbook is built in memory and stored as an attachment: never
        # given a path, xlsxwriter would write that file on the server
        if not (hasattr(stream, "write") and hasattr(stream, "seek")):
            raise TypeError(
                f"an xlsx report is written to a binary stream, not to "
                f"{type(stream).__name__} {stream!r}"
            )
        workbook = xlsxwriter.Workbook(
            stream,
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        formats = {
            "header": workbook.add_format(
                {
                    "bold": True,
                    "bg_color": "#D9E1F2",
                    "border": 1,
                    "text_wrap": True,
                    "valign": "vcenter",
                    "align": "center",
                }
            ),
            "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "int": workbook.add_format({"num_format": "#,##0"}),
            "money": workbook.add_format({"num_format": "#,##0.00"}),
            "days": workbook.add_format({"num_format": "0.0"}),
            "percent": workbook.add_format({"num_format": "0.0%"}),
            "bold": workbook.add_format({"bold": True}),
            "bold_int": workbook.add_format({"bold": True, "num_format": "#,##0"}),
            "bold_money": workbook.add_format({"bold": True, "num_format": "#,##0.00"}),
            "bold_percent": workbook.add_format({"bold": True, "num_format": "0.0%"}),
            "bold_days": workbook.add_format({"bold": True, "num_format": "0.0"}),
        }
        return workbook, formats

    @api.model
    def _column(self, header, kind=TEXT, fmt=None, width=12):
        return {"header": header, "kind": kind, "format": fmt, "width": width}

    @api.model
    def _moment_column(self, header, formats):
        """A date and time, as an Excel serial to the second."""
        column = self._column(header, NUMBER, formats["datetime"], 17)
        column["decimals"] = 6
        return column

    @api.model
    def _user_tz(self):
        name = self.env.context.get("tz") or self.env.user.tz or REPORT_TZ
        return name if name in pytz.all_timezones_set else REPORT_TZ

    @api.model
    def _fixed_utc_offset(self, tz):
        """Seconds east of UTC of ``tz`` when it keeps one offset all year
        (China), else None: a fixed offset is much cheaper in SQL."""
        zone = pytz.timezone(tz)
        year = fields.Date.today().year
        offsets = {zone.utcoffset(datetime(year, month, 15)) for month in (1, 4, 7, 10)}
        return int(offsets.pop().total_seconds()) if len(offsets) == 1 else None

    @api.model
    def _yes_no(self):
        return {True: self.env._("Yes"), False: self.env._("No"), None: None}

    @api.model
    def _selection_labels(self, model, field):
        return dict(self.env[model]._fields[field]._description_selection(self.env))

    @api.model
    def _write_about_sheet(self, workbook, formats, title, lines):
        """A last sheet saying what the workbook holds and for whom."""
        sheet = workbook.add_worksheet(self.env._("About"))
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, 1, 60)
        sheet.write_string(0, 0, title, formats["bold"])
        now = fields.Datetime.context_timestamp(self, fields.Datetime.now())
        rows = [
            *lines,
            (self.env._("Generated On"), now.strftime("%Y-%m-%d %H:%M")),
            (self.env._("Generated By"), self.env.user.name),
        ]
        if not self._sees_confidential():
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
            sheet.write_string(index, 0, label, formats["bold"])
            sheet.write_string(index, 1, str(value or ""))

    @api.model
    def _sees_confidential(self):
        if self.env.context.get("huatai_report_mailed"):
            return False
        return self.env.su or self.env.user.has_group(COMPLIANCE_GROUP)

    @api.model
    def _scope_label(self, units):
        return ", ".join(units.mapped("display_name")) or self.env._(
            "All units within my rights"
        )

    @api.model
    def _period_label(self, date_from, date_to):
        if not date_from and not date_to:
            return self.env._("All dates")
        return f"{date_from or ''} ~ {date_to or ''}"

    # ------------------------------------------------------------------
    # Complaint register (台账)
    # ------------------------------------------------------------------
    @api.model
    def _register_columns(self, formats, personal_data=True):
        """The register's columns; the personal data ones only when
        ``personal_data`` and as far as the user may read those fields."""
        c = self._column
        _ = self.env._
        yes_no = self._yes_no()

        names = self._register_names()

        def label(header, width, field=None):
            column = c(header, LABEL, None, width)
            if field == "yes_no":
                column["labels"] = yes_no
            elif field in names:
                column["labels"] = names[field]
            elif field:
                column["labels"] = self._selection_labels("huatai.complaint", field)
            return column

        columns = [
            ("name", c(_("Reference"), width=18)),
            ("received", self._moment_column(_("Received On"), formats)),
            ("channel", label(_("Channel"), 12, "channel")),
            ("category", label(_("Complaint Type"), 14, "category")),
            ("accepting_branch", label(_("Accepting Branch Company"), 18, "branch")),
            ("accepting_unit", label(_("Accepting Unit"), 20, "unit")),
            ("accepting_user", label(_("Accepted By"), 12, "user")),
            ("handling_unit", label(_("Handling Unit"), 20, "unit")),
            ("owner", label(_("Owner"), 12, "user")),
            ("stage", label(_("Stage"), 12, "stage")),
            ("complainant", c(_("Complainant"), width=12)),
            ("phone", c(_("Complainant Phone"), width=14)),
            ("email", c(_("Complainant Email"), width=20)),
            ("address", c(_("Complainant Address"), width=24)),
            ("client_account", c(_("Client Account"), width=14)),
            ("id_number", c(_("ID Number"), width=20)),
            ("respondent", c(_("Respondent"), width=12)),
            ("respondent_position", label(_("Respondent Position"), 12)),
            ("respondent_unit", label(_("Respondent Unit"), 18, "unit")),
            ("description", c(_("Facts"), width=40)),
            ("demand", c(_("Demands"), width=30)),
            (
                "compensation_amount",
                c(_("Compensation Claimed"), NUMBER, formats["money"], 14),
            ),
            ("is_major", label(_("Major"), 8, "yes_no")),
            ("is_group", label(_("Group Complaint"), 8, "yes_no")),
            (
                "complainant_count",
                c(_("Number of Complainants"), NUMBER, formats["int"], 10),
            ),
            ("is_difficult", label(_("Difficult"), 8, "yes_no")),
            ("is_media", label(_("Media-related"), 8, "yes_no")),
            ("is_judicial", label(_("Judicial"), 8, "yes_no")),
            ("is_compensation", label(_("Compensation Requested"), 10, "yes_no")),
            (
                "regulator_authority",
                label(_("Forwarding Authority"), 14, "regulator_authority"),
            ),
            ("regulator_reference", c(_("Regulator Reference"), width=16)),
            (
                "regulator_deadline",
                c(_("Regulator Deadline"), NUMBER, formats["date"], 12),
            ),
            (
                "recording_consent",
                label(_("Recording Consent"), 12, "recording_consent_state"),
            ),
            ("accepted", self._moment_column(_("Accepted On"), formats)),
            (
                "accept_deadline",
                c(_("Acceptance Deadline"), NUMBER, formats["date"], 12),
            ),
            ("reply_deadline", c(_("Reply Deadline"), NUMBER, formats["date"], 12)),
            ("replied", self._moment_column(_("Replied On"), formats)),
            ("reply_method", label(_("Reply Method"), 10, "reply_method")),
            ("replied_by", label(_("Replied By"), 12, "user")),
            ("replied_unit", label(_("Replying Unit"), 18, "unit")),
            ("reply", c(_("Reply to Complainant"), width=40)),
            (
                "callback_deadline",
                c(_("Callback Deadline"), NUMBER, formats["date"], 12),
            ),
            ("closed", self._moment_column(_("Finished On"), formats)),
            ("deadline_state", label(_("Deadline Status"), 10, "deadline_state")),
            ("rejection_reason", c(_("Rejection Reason"), width=24)),
            ("dispatch_count", c(_("Dispatches"), NUMBER, formats["int"], 8)),
            (
                "days_to_reply",
                c(_("Working Days to Reply"), NUMBER, formats["days"], 10),
            ),
            ("reply_in_time", label(_("Replied in Time"), 8, "yes_no")),
            (
                "callback_result",
                label(_("Callback Outcome"), 14, "callback_result"),
            ),
            (
                "callback_attempts",
                c(_("Callback Attempts"), NUMBER, formats["int"], 8),
            ),
            ("satisfaction_score", c(_("Survey Score"), NUMBER, formats["days"], 8)),
            # the outcome (issue 15)
            ("outcome", label(_("Outcome"), 10, "outcome")),
            (
                "compensation_paid",
                c(_("Compensation Paid"), NUMBER, formats["money"], 14),
            ),
            (
                "compensation_date",
                c(_("Compensation Paid On"), NUMBER, formats["date"], 12),
            ),
            ("root_cause", c(_("Root Cause"), width=30)),
            ("corrective_action", c(_("Corrective Action"), width=30)),
            (
                "regulator_replied",
                c(_("Reported to Regulator On"), NUMBER, formats["date"], 12),
            ),
        ]
        complaint_fields = self.env["huatai.complaint"]._fields
        return [
            (key, column)
            for key, column in columns
            if key not in PERSONAL_COLUMNS
            or (
                personal_data
                and complaint_fields[PERSONAL_COLUMNS[key]].is_accessible(self.env)
            )
        ]

    @api.model
    def _register_names(self):
        """Names shown for the ids the register selects, in the user's language.

        Units, types, stages and users are few: reading their names once
        keeps the per-row SQL to plain columns.
        """
        units = (
            self.env["huatai.org.unit"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch([], ["name", "branch_id"])
        )
        categories = (
            self.env["huatai.complaint.category"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch([], ["name"])
        )
        stages = (
            self.env["huatai.complaint.stage"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch([], ["name"])
        )
        self.env.cr.execute(
            "SELECT u.id, p.name FROM res_users u "
            "JOIN res_partner p ON p.id = u.partner_id"
        )
        return {
            "unit": {unit.id: unit.name for unit in units},
            "branch": {unit.id: unit.branch_id.name for unit in units},
            "category": {category.id: category.name for category in categories},
            "stage": {stage.id: stage.name for stage in stages},
            "user": dict(self.env.cr.fetchall()),
        }

    @api.model
    def _register_sql(self, keys, tz):
        offset = self._fixed_utc_offset(tz)

        def stamp(column):
            # Excel serial: days since 1899-12-30, to the second
            if offset is not None:
                local_epoch = SQL("(date_part('epoch', %s) + %s)", SQL(column), offset)
            else:
                local_epoch = SQL(
                    "date_part('epoch', %s AT TIME ZONE 'UTC' AT TIME ZONE %s)",
                    SQL(column),
                    tz,
                )
            return SQL("ROUND((%s / 86400.0 + 25569)::numeric, 6)::float8", local_epoch)

        def day(column):
            return SQL("(%s - DATE '1899-12-30')", SQL(column))

        # the analysis' own definitions of the reply figures, on the complaint
        figures = {
            name: SQL(expr)
            for name, _type, expr in self.env["huatai.complaint.report"]._fact_columns()
        }
        expressions = {
            "name": SQL("c.name"),
            "received": stamp("c.received_date"),
            "channel": SQL("c.channel"),
            "category": SQL("c.category_id"),
            "accepting_branch": SQL("c.accepting_unit_id"),
            "accepting_unit": SQL("c.accepting_unit_id"),
            "accepting_user": SQL("c.accepting_user_id"),
            "handling_unit": SQL("c.handling_unit_id"),
            "owner": SQL("c.user_id"),
            "stage": SQL("c.stage_id"),
            "complainant": SQL("c.complainant_name"),
            "phone": SQL("c.complainant_phone"),
            "email": SQL("c.complainant_email"),
            "address": SQL("c.complainant_address"),
            "client_account": SQL("c.client_account"),
            "id_number": SQL("c.complainant_id_number"),
            "respondent": SQL("c.respondent_name"),
            "respondent_position": SQL("c.respondent_position"),
            "respondent_unit": SQL("c.respondent_unit_id"),
            "description": SQL("c.description"),
            "demand": SQL("c.demand"),
            "compensation_amount": SQL("c.compensation_amount::float8"),
            "is_major": SQL("COALESCE(c.is_major, FALSE)"),
            "is_group": SQL("COALESCE(c.is_group, FALSE)"),
            "complainant_count": SQL("c.complainant_count"),
            "is_difficult": SQL("COALESCE(c.is_difficult, FALSE)"),
            "is_media": SQL("COALESCE(c.is_media, FALSE)"),
            "is_judicial": SQL("COALESCE(c.is_judicial, FALSE)"),
            "is_compensation": SQL("COALESCE(c.is_compensation, FALSE)"),
            "regulator_authority": SQL("c.regulator_authority"),
            "regulator_reference": SQL("c.regulator_reference"),
            "regulator_deadline": day("c.regulator_deadline"),
            "recording_consent": SQL("c.recording_consent_state"),
            "accepted": stamp("c.accepted_date"),
            "accept_deadline": day("c.accept_deadline"),
            "reply_deadline": day("c.reply_deadline"),
            "replied": stamp("c.replied_date"),
            "reply_method": SQL("c.reply_method"),
            "replied_by": SQL("c.replied_by_id"),
            "replied_unit": SQL("c.replied_unit_id"),
            "reply": SQL("c.reply_text"),
            "callback_deadline": day("c.callback_deadline"),
            "closed": stamp("c.closed_date"),
            "deadline_state": SQL("c.deadline_state"),
            "rejection_reason": SQL("c.rejection_reason"),
            "dispatch_count": SQL(
                "(SELECT COUNT(*) FROM huatai_complaint_dispatch d "
                "WHERE d.complaint_id = c.id)"
            ),
            "callback_result": SQL("c.callback_result"),
            "callback_attempts": SQL("NULLIF(c.callback_attempt_count, 0)"),
            "satisfaction_score": SQL(
                "CASE WHEN c.survey_state = 'done' THEN c.satisfaction_score END"
            ),
            "days_to_reply": figures["days_to_reply"],
            "outcome": SQL("c.outcome"),
            "compensation_paid": SQL("NULLIF(c.compensation_paid, 0)::float8"),
            "compensation_date": day("c.compensation_date"),
            "root_cause": SQL("c.root_cause"),
            "corrective_action": SQL("c.corrective_action"),
            "regulator_replied": day("c.regulator_replied_date"),
            # replied by the deadline; late, or still unanswered past it
            "reply_in_time": SQL(
                "CASE WHEN %s = 1 THEN TRUE WHEN %s = 1 OR ("
                "c.replied_date IS NULL AND NOT COALESCE(c.is_closed, FALSE) "
                "AND c.reply_deadline < %s) THEN FALSE END",
                figures["reply_met"],
                figures["reply_late"],
                fields.Date.context_today(self.with_context(tz=REPORT_TZ)),
            ),
        }
        return SQL(", ").join(expressions[key] for key in keys)

    @api.model
    def _register_rows(self, ids, keys, tz):
        """Yield the register rows of ``ids`` (in that order), by chunks."""
        select = self._register_sql(keys, tz)
        # what the figures taken from the analysis read (working days...)
        joins = SQL(self.env["huatai.complaint.report"]._fact_joins())
        html = keys.index("reply") if "reply" in keys else None
        cr = self.env.cr
        for start in range(0, len(ids), REGISTER_CHUNK):
            chunk = ids[start : start + REGISTER_CHUNK]
            cr.execute(
                SQL(
                    """
                    SELECT %s
                      FROM unnest(%s::integer[]) WITH ORDINALITY AS o(cid, seq)
                      JOIN huatai_complaint c ON c.id = o.cid
                      %s
                  ORDER BY o.seq
                    """,
                    select,
                    list(chunk),
                    joins,
                )
            )
            for row in cr.fetchall():
                if html is not None and row[html]:
                    row = list(row)
                    row[html] = html_to_text(row[html])
                yield row

    @api.model
    def _register_ids(self, domain, order="received_date, id"):
        """Ids of the complaints matching ``domain`` the user may read."""
        Complaint = self.env["huatai.complaint"]
        Complaint.flush_model()
        query = Complaint._search(domain, order=order)
        if query.is_empty():
            return []
        with self.env["huatai.complaint.report"]._aggregation_settings():
            rows = self.env.execute_query(
                query.select(SQL.identifier(query.table, "id"))
            )
        return [row[0] for row in rows]

    @api.model
    def _write_register(
        self,
        stream,
        date_from=None,
        date_to=None,
        unit_ids=None,
        domain=None,
        personal_data=True,
    ):
        """Write the complaint register (台账) to ``stream``.

        :param date_from, date_to: days (inclusive, China time) the complaints
            were received, or ``None`` for an open end
        :param unit_ids: units whose subtree (accepting or handling unit) is
            reported; ``None``: every complaint the user may read
        :param domain: extra domain on ``huatai.complaint``, e.g.
            ``[('id', 'in', ids)]`` for a list selection
        :param personal_data: whether the complainants' phones, addresses,
            ID numbers... are written (those the user may read)
        :return: number of complaint rows written
        """
        Report = self.env["huatai.complaint.report"]
        Report.browse().check_access("read")
        date_from, date_to = Report._check_period(date_from, date_to)
        units = self.env["huatai.org.unit"].browse(unit_ids or []).exists()
        Report._check_report_units(units)
        complaint_domain = (
            Report._period_domain(date_from, date_to)
            + Report._unit_domain(units)
            + Report._confidential_domain()
            + list(domain or [])
        )
        ids = self._register_ids(complaint_domain)
        workbook, formats = self._new_workbook(stream)
        spec = self._register_columns(formats, personal_data=personal_data)
        keys = [key for key, _column in spec]
        writer = SheetWriter(
            workbook,
            self.env._("Complaint Register"),
            [column for _key, column in spec],
            formats["header"],
        )
        writer.write_rows(self._register_rows(ids, keys, self._user_tz()))
        writer.finish()
        self._write_about_sheet(
            workbook,
            formats,
            self.env._("Complaint Register"),
            [
                (self.env._("Period"), self._period_label(date_from, date_to)),
                (self.env._("Units"), self._scope_label(units)),
                (self.env._("Complaints"), str(len(ids))),
            ],
        )
        workbook.close()
        return len(ids)

    # ------------------------------------------------------------------
    # Periodic statistics
    # ------------------------------------------------------------------
    @api.model
    def _measure_columns(self, formats):
        c = self._column
        _ = self.env._
        return [
            ("count", c(_("Complaints"), NUMBER, formats["int"], 10)),
            ("accepted", c(_("Accepted"), NUMBER, formats["int"], 9)),
            ("rejected", c(_("Rejected"), NUMBER, formats["int"], 9)),
            ("replied", c(_("Replied"), NUMBER, formats["int"], 9)),
            ("closed", c(_("Closed"), NUMBER, formats["int"], 9)),
            ("open", c(_("Open"), NUMBER, formats["int"], 9)),
            ("overdue", c(_("Overdue"), NUMBER, formats["int"], 9)),
            ("accept_met", c(_("Accepted in Time"), NUMBER, formats["int"], 10)),
            (
                "accept_missed",
                c(_("Acceptance Deadline Missed"), NUMBER, formats["int"], 10),
            ),
            (
                "accept_rate",
                c(_("Acceptance Compliance Rate"), NUMBER, formats["percent"], 10),
            ),
            ("reply_met", c(_("Replied in Time"), NUMBER, formats["int"], 10)),
            (
                "reply_missed",
                c(_("Reply Deadline Missed"), NUMBER, formats["int"], 10),
            ),
            (
                "reply_rate",
                c(_("Reply Compliance Rate"), NUMBER, formats["percent"], 10),
            ),
            (
                "days_to_accept",
                c(_("Avg. Working Days to Accept"), NUMBER, formats["days"], 10),
            ),
            (
                "days_to_reply",
                c(_("Avg. Working Days to Reply"), NUMBER, formats["days"], 10),
            ),
            (
                "days_to_close",
                c(_("Avg. Working Days to Close"), NUMBER, formats["days"], 10),
            ),
            ("major", c(_("Major"), NUMBER, formats["int"], 8)),
            ("group", c(_("Group Complaint"), NUMBER, formats["int"], 8)),
            ("regulator", c(_("Forwarded by Regulator"), NUMBER, formats["int"], 10)),
            (
                "regulator_rate",
                c(_("Regulator Deadline Met (%)"), NUMBER, formats["percent"], 10),
            ),
            (
                "compensation",
                c(_("Compensation Requested"), NUMBER, formats["int"], 10),
            ),
            (
                "compensation_amount",
                c(_("Compensation Claimed"), NUMBER, formats["money"], 14),
            ),
            ("transferred", c(_("Dispatched"), NUMBER, formats["int"], 9)),
            ("callbacks", c(_("Called Back"), NUMBER, formats["int"], 9)),
            (
                "callback_rate",
                c(_("Called Back in Time (%)"), NUMBER, formats["percent"], 10),
            ),
            ("reached", c(_("Client Reached"), NUMBER, formats["int"], 9)),
            ("satisfied", c(_("Satisfied"), NUMBER, formats["int"], 9)),
            (
                "satisfaction_rate",
                c(_("Satisfaction Rate"), NUMBER, formats["percent"], 10),
            ),
            (
                "satisfaction_score",
                c(_("Avg. Survey Score"), NUMBER, formats["days"], 10),
            ),
        ]

    @api.model
    def _measure_values(self, row, keys):
        values = []
        for key in keys:
            value = row.get(key)
            if key.endswith("_rate") and value is not None:
                value = value / 100.0
            values.append(value)
        return values

    @api.model
    def _period_name(self, period, start):
        if not start:
            return ""
        if period == "quarter":
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        if period == "year":
            return str(start.year)
        if period == "month":
            return start.strftime("%Y-%m")
        return start.isoformat()

    @api.model
    def _unit_info(self, unit_ids):
        units = self.env["huatai.org.unit"].sudo().browse(unit_ids).exists()
        return {
            unit.id: {
                "name": unit.name,
                "code": unit.code,
                "branch": unit.branch_id.name or "",
                "sort": unit.complete_name or "",
            }
            for unit in units.with_context(active_test=False)
        }

    @api.model
    def _write_statistics(
        self,
        stream,
        date_from,
        date_to,
        period="month",
        unit_ids=None,
        domain=None,
    ):
        """Write periodic statistics to ``stream``.

        Sheets: per period × accepting unit × complaint type × channel; per
        period × unit; recurring complaint types per period with their rank
        and the change from the previous period; an About sheet.
        Returns the number of complaints counted.
        """
        Report = self.env["huatai.complaint.report"]
        date_from, date_to = Report._check_period(date_from, date_to)
        stats = Report._get_statistics(
            date_from,
            date_to,
            period=period,
            unit_ids=unit_ids,
            groupby=("accepting_unit_id", "category_id", "channel"),
            domain=domain,
        )
        by_unit = Report._get_statistics(
            date_from,
            date_to,
            period=period,
            unit_ids=unit_ids,
            groupby=("accepting_unit_id",),
            domain=domain,
        )
        by_type = Report._get_statistics(
            date_from,
            date_to,
            period=period,
            unit_ids=unit_ids,
            groupby=("category_id",),
            domain=domain,
        )
        units = self.env["huatai.org.unit"].browse(unit_ids or []).exists()
        unit_info = self._unit_info({row["accepting_unit_id"] for row in by_unit})
        categories = (
            self.env["huatai.complaint.category"]
            .with_context(active_test=False)
            .browse({row["category_id"] for row in by_type})
        )
        category_name = {cat.id: cat.display_name for cat in categories}
        category_sort = {
            cat.id: (cat.sequence, cat.complete_name) for cat in categories
        }
        channels = self._selection_labels("huatai.complaint", "channel")
        channel_order = {code: index for index, code in enumerate(channels)}
        missing_unit = {"name": "", "code": "", "branch": "", "sort": ""}

        workbook, formats = self._new_workbook(stream)
        c = self._column
        _ = self.env._
        measures = self._measure_columns(formats)
        measure_keys = [key for key, _col in measures]
        measure_cols = [col for _key, col in measures]

        # 1. detail
        detail = SheetWriter(
            workbook,
            _("Statistics"),
            [
                c(_("Period"), width=10),
                c(_("Branch Company"), width=18),
                c(_("Accepting Unit"), width=20),
                c(_("Unit Code"), width=10),
                c(_("Complaint Type"), width=14),
                c(_("Channel"), width=12),
                *measure_cols,
            ],
            formats["header"],
        )

        def unit_key(row):
            info = unit_info.get(row["accepting_unit_id"], missing_unit)
            return info["sort"]

        stats.sort(
            key=lambda r: (
                r["period_start"] or date.min,
                unit_key(r),
                category_sort.get(r["category_id"], (0, "")),
                channel_order.get(r["channel"], 99),
            )
        )
        detail.write_rows(
            [
                self._period_name(period, row["period_start"]),
                unit_info.get(row["accepting_unit_id"], missing_unit)["branch"],
                unit_info.get(row["accepting_unit_id"], missing_unit)["name"],
                unit_info.get(row["accepting_unit_id"], missing_unit)["code"],
                category_name.get(row["category_id"], ""),
                channels.get(row["channel"], row["channel"]),
                *self._measure_values(row, measure_keys),
            ]
            for row in stats
        )
        detail.finish()
        self._write_total_row(detail, stats, measure_keys, formats, 6)

        # 2. per unit
        per_unit = SheetWriter(
            workbook,
            _("By Unit"),
            [
                c(_("Period"), width=10),
                c(_("Branch Company"), width=18),
                c(_("Accepting Unit"), width=20),
                c(_("Unit Code"), width=10),
                *measure_cols,
            ],
            formats["header"],
        )
        by_unit.sort(key=lambda r: (r["period_start"] or date.min, unit_key(r)))
        per_unit.write_rows(
            [
                self._period_name(period, row["period_start"]),
                unit_info.get(row["accepting_unit_id"], missing_unit)["branch"],
                unit_info.get(row["accepting_unit_id"], missing_unit)["name"],
                unit_info.get(row["accepting_unit_id"], missing_unit)["code"],
                *self._measure_values(row, measure_keys),
            ]
            for row in by_unit
        )
        per_unit.finish()
        self._write_total_row(per_unit, by_unit, measure_keys, formats, 4)

        # 3. recurring types: rank within the period, change from the previous
        per_type = SheetWriter(
            workbook,
            _("By Complaint Type"),
            [
                c(_("Period"), width=10),
                c(_("Rank"), NUMBER, formats["int"], 6),
                c(_("Complaint Type"), width=16),
                c(_("Complaints"), NUMBER, formats["int"], 10),
                c(_("Share"), NUMBER, formats["percent"], 8),
                c(_("Previous Period"), NUMBER, formats["int"], 10),
                c(_("Change"), NUMBER, formats["int"], 8),
                c(_("Reply Compliance Rate"), NUMBER, formats["percent"], 10),
                c(_("Avg. Working Days to Reply"), NUMBER, formats["days"], 10),
            ],
            formats["header"],
        )
        periods = defaultdict(list)
        for row in by_type:
            periods[row["period_start"]].append(row)
        previous = {}
        type_rows = []
        for start in sorted(periods, key=lambda d: d or date.min):
            rows = sorted(
                periods[start],
                key=lambda r: (
                    -r["count"],
                    category_sort.get(r["category_id"], (0, "")),
                ),
            )
            total = sum(r["count"] for r in rows)
            for rank, row in enumerate(rows, start=1):
                before = previous.get(row["category_id"]) if previous else None
                type_rows.append(
                    [
                        self._period_name(period, start),
                        rank,
                        category_name.get(row["category_id"], ""),
                        row["count"],
                        row["count"] / total if total else None,
                        before,
                        row["count"] - before if before is not None else None,
                        row["reply_rate"] / 100.0
                        if row["reply_rate"] is not None
                        else None,
                        row["days_to_reply"],
                    ]
                )
            previous = {r["category_id"]: r["count"] for r in rows}
        per_type.write_rows(type_rows)
        per_type.finish()

        total = sum(row["count"] for row in by_unit)
        periods_label = self._selection_labels("huatai.report.export.wizard", "period")
        self._write_about_sheet(
            workbook,
            formats,
            _("Complaint Statistics"),
            [
                (_("Period"), self._period_label(date_from, date_to)),
                (_("Breakdown"), periods_label.get(period, period or "")),
                (_("Units"), self._scope_label(units)),
                (_("Complaints"), str(total)),
            ],
        )
        workbook.close()
        return total

    @api.model
    def _write_total_row(self, writer, rows, measure_keys, formats, label_cols):
        """A bold total line under a statistics table (sums, rates, averages)."""
        totals = self._total_measures(rows)
        sheet = writer.sheet
        row = writer.row
        sheet.write_string(row, 0, self.env._("Total"), formats["bold"])
        for offset, key in enumerate(measure_keys):
            value = totals.get(key)
            if value is None:
                continue
            col = label_cols + offset
            fmt = writer.columns[col].get("format")
            if key.endswith("_rate"):
                value = value / 100.0
            sheet.write_number(row, col, value, self._bold_format(formats, fmt))
        writer.row += 1

    @api.model
    def _bold_format(self, formats, fmt):
        """The bold twin of a number format, for total lines."""
        for name in ("percent", "money", "days"):
            if fmt == formats[name]:
                return formats[f"bold_{name}"]
        return formats["bold_int"]

    @api.model
    def _total_measures(self, rows):
        """Totals of statistics rows: sums, weighted averages, rates."""
        averages = {
            "days_to_accept": "accepted",
            "days_to_reply": "replied",
            "days_to_close": "closed",
            "satisfaction_score": "surveyed",
        }
        totals = {}
        for key in STAT_MEASURES:
            if key in averages:
                weighted = [
                    (row[key], row[averages[key]])
                    for row in rows
                    if row[key] is not None
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

    # ------------------------------------------------------------------
    # Yearly summary for the local CSRC bureau
    # ------------------------------------------------------------------
    @api.model
    def _summary_units(self, units):
        """The units listed in the summary: every sales department in scope."""
        Unit = self.env["huatai.org.unit"]
        if units:
            roots = units.ids
        elif self.env.su or self.env.user.has_group(HQ_GROUP):
            roots = None
        else:
            roots = self.env.user.huatai_unit_ids.ids
        domain = [("kind", "=", "sales_department")]
        if roots is not None:
            domain.append(("id", "child_of", roots))
        return Unit.search(domain)

    @api.model
    def _write_regulator_summary(self, stream, year, unit_ids=None):
        """Write the yearly complaint summary for the local CSRC bureau.

        One line per sales department in scope (also those without
        complaints) and per other accepting unit with complaints, grouped by
        branch company, with counts per main complaint type, handling,
        deadlines and compensation; then the total for the firm (or the
        user's units). Returns the number of complaints counted.
        """
        try:
            year = int(year)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Give the year of the summary.")) from error
        if year < 2000 or year > fields.Date.today().year:
            raise UserError(
                self.env._("There is no summary for the year %(year)s.", year=year)
            )
        Report = self.env["huatai.complaint.report"]
        units = self.env["huatai.org.unit"].browse(unit_ids or []).exists()
        date_from, date_to = date(year, 1, 1), date(year, 12, 31)
        rows = Report._get_statistics(
            date_from,
            date_to,
            period=False,
            unit_ids=units.ids,
            groupby=("accepting_unit_id", "category_root_id"),
        )
        Category = self.env["huatai.complaint.category"]
        cat_domain = [("parent_id", "=", False)]
        if not self._sees_confidential():
            cat_domain.append(("is_confidential", "=", False))
        root_categories = Category.search(cat_domain)
        seen_roots = {row["category_root_id"] for row in rows}
        root_categories |= Category.with_context(active_test=False).browse(
            seen_roots - set(root_categories.ids) - {None}
        )
        per_unit = defaultdict(list)
        for row in rows:
            per_unit[row["accepting_unit_id"]].append(row)
        listed = self._summary_units(units).sudo()
        others = (
            self.env["huatai.org.unit"]
            .sudo()
            .with_context(active_test=False)
            .browse(set(per_unit) - set(listed.ids) - {None})
        )
        all_units = (listed | others).sorted(
            lambda u: (u.branch_id.complete_name or "", u.complete_name or "")
        )
        kinds = self._selection_labels("huatai.org.unit", "kind")

        workbook, formats = self._new_workbook(stream)
        c = self._column
        _ = self.env._
        # the statistics sheet's columns, plus the summary's own three
        catalogue = dict(self._measure_columns(formats))
        catalogue.update(
            finished=c(_("Finished"), NUMBER, formats["int"], 9),
            media=c(_("Media-related"), NUMBER, formats["int"], 8),
            judicial=c(_("Judicial"), NUMBER, formats["int"], 8),
        )
        measures = [
            (key, catalogue[key])
            for key in (
                "regulator",
                "finished",
                "closed",
                "rejected",
                "open",
                "reply_met",
                "reply_missed",
                "reply_rate",
                "days_to_reply",
                "compensation",
                "compensation_amount",
                "major",
                "group",
                "media",
                "judicial",
                "reached",
                "satisfaction_rate",
                "satisfaction_score",
            )
        ]
        columns = [
            c(_("Branch Company"), width=18),
            c(_("Unit"), width=22),
            c(_("Unit Code"), width=10),
            c(_("Unit Level"), width=12),
            c(_("Complaints"), NUMBER, formats["int"], 10),
            *(c(cat.name, NUMBER, formats["int"], 10) for cat in root_categories),
            *(col for _key, col in measures),
        ]
        writer = SheetWriter(
            workbook,
            _("Yearly Summary %(year)s", year=year),
            columns,
            formats["header"],
        )

        def line(unit_rows):
            totals = self._total_measures(unit_rows)
            totals["finished"] = totals["closed"] + totals["rejected"]
            by_root = defaultdict(int)
            for row in unit_rows:
                by_root[row["category_root_id"]] += row["count"]
            values = [totals["count"], *(by_root[cat.id] for cat in root_categories)]
            for key, _col in measures:
                value = totals.get(key)
                if key.endswith("_rate") and value is not None:
                    value = value / 100.0
                values.append(value)
            return values

        writer.write_rows(
            [
                unit.branch_id.name or "",
                unit.name,
                unit.code,
                kinds.get(unit.kind, ""),
                *line(per_unit.get(unit.id, [])),
            ]
            for unit in all_units
        )
        writer.finish()
        # the total line: the firm's when the report covers every unit
        total_values = line(rows)
        sheet = writer.sheet
        whole_firm = not units and (self.env.su or self.env.user.has_group(HQ_GROUP))
        label = _("Firm Total") if whole_firm else _("Total")
        sheet.write_string(writer.row, 0, label, formats["bold"])
        for offset, value in enumerate(total_values, start=4):
            if value is None:
                continue
            fmt = columns[offset]["format"]
            sheet.write_number(
                writer.row, offset, value, self._bold_format(formats, fmt)
            )
        writer.row += 1

        # the firm's complaints per type and channel
        by_type = SheetWriter(
            workbook,
            _("By Complaint Type"),
            [
                c(_("Complaint Type"), width=18),
                c(_("Complaints"), NUMBER, formats["int"], 10),
                c(_("Share"), NUMBER, formats["percent"], 8),
            ],
            formats["header"],
        )
        total = total_values[0]
        by_root = defaultdict(int)
        for row in rows:
            by_root[row["category_root_id"]] += row["count"]
        by_type.write_rows(
            [cat.name, by_root[cat.id], by_root[cat.id] / total if total else None]
            for cat in root_categories
        )
        by_type.finish()
        self._write_about_sheet(
            workbook,
            formats,
            _("Yearly Complaint Summary for the CSRC Local Bureau"),
            [
                (_("Year"), str(year)),
                (_("Units"), self._scope_label(units)),
                (_("Complaints"), str(total)),
            ],
        )
        workbook.close()
        return total

    # ------------------------------------------------------------------
    # Files
    # ------------------------------------------------------------------
    @api.model
    def _build(self, report_type, **kwargs):
        """Build a report; return ``(bytes, filename, count)``."""
        writer = {
            "register": self._write_register,
            "statistics": self._write_statistics,
            "regulator_summary": self._write_regulator_summary,
        }[report_type]
        stream = io.BytesIO()
        count = writer(stream, **kwargs)
        return stream.getvalue(), self._filename(report_type, **kwargs), count

    @api.model
    def _filename(self, report_type, **kwargs):
        _ = self.env._
        title = {
            "register": _("Complaint Register"),
            "statistics": _("Complaint Statistics"),
            "regulator_summary": _("Yearly Complaint Summary"),
        }[report_type]
        if report_type == "regulator_summary":
            suffix = str(kwargs.get("year"))
        else:
            start, end = kwargs.get("date_from"), kwargs.get("date_to")
            suffix = (
                f"{start or ''}_{end or ''}"
                if start or end
                else datetime.now().strftime("%Y%m%d")
            )
        return f"{title}_{suffix}.xlsx".replace("/", "-")

    @api.model
    def _store_download(self, content, filename):
        """An attachment only its creator can read, served by /web/content."""
        return (
            self.env["ir.attachment"]
            .sudo(False)
            .create(
                {
                    "name": filename,
                    "raw": content,
                    "res_model": EXPORT_MODEL,
                    "res_id": False,
                    "mimetype": XLSX_MIMETYPE,
                }
            )
        )

    @api.model
    def _download_action(self, attachment):
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    @api.autovacuum
    def _gc_downloads(self):
        """Exported files are kept one day for their download."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=1)
        self.env["ir.attachment"].sudo().search(
            [
                ("res_model", "=", EXPORT_MODEL),
                ("res_id", "=", False),
                ("create_date", "<", limit),
            ]
        ).unlink()
