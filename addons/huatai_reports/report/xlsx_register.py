"""The complaint register (台账): one row per complaint, every field a
complaint office keeps, in the order of the workflow."""

from odoo import fields
from odoo.tools import SQL

from .complaint_facts import REPORT_TZ, china_day, fact_columns, fact_joins
from .xlsx_stream import LABEL, html_to_text
from .xlsx_workbook import XlsxReport

REGISTER_CHUNK = 5000
# register columns of the complainant's personal data -> their complaint field
PERSONAL_COLUMNS = {
    "phone": "complainant_phone",
    "email": "complainant_email",
    "address": "complainant_address",
    "client_account": "client_account",
    "id_number": "complainant_id_number",
}


class RegisterReport(XlsxReport):
    """The register of the complaints the user may read."""

    def columns(self, personal_data=True):
        """The register's columns; the personal data ones only when
        ``personal_data`` and as far as the user may read those fields."""
        c = self.column
        _ = self.env._
        yes_no = self.yes_no()

        names = self.names()

        def label(header, width, field=None):
            column = c(header, LABEL, None, width)
            if field == "yes_no":
                column["labels"] = yes_no
            elif field in names:
                column["labels"] = names[field]
            elif field:
                column["labels"] = self.selection_labels("huatai.complaint", field)
            return column

        columns = [
            ("name", c(_("Reference"), width=18)),
            ("received", self.moment_column(_("Received On"))),
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
                self.number(_("Compensation Claimed"), "money", 14),
            ),
            ("is_major", label(_("Major"), 8, "yes_no")),
            ("is_group", label(_("Group Complaint"), 8, "yes_no")),
            (
                "complainant_count",
                self.number(_("Number of Complainants"), "int", 10),
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
                self.number(_("Regulator Deadline"), "date", 12),
            ),
            (
                "recording_consent",
                label(_("Recording Consent"), 12, "recording_consent_state"),
            ),
            ("accepted", self.moment_column(_("Accepted On"))),
            (
                "accept_deadline",
                self.number(_("Acceptance Deadline"), "date", 12),
            ),
            ("reply_deadline", self.number(_("Reply Deadline"), "date", 12)),
            ("replied", self.moment_column(_("Replied On"))),
            ("reply_method", label(_("Reply Method"), 10, "reply_method")),
            ("replied_by", label(_("Replied By"), 12, "user")),
            ("replied_unit", label(_("Replying Unit"), 18, "unit")),
            ("reply", c(_("Reply to Complainant"), width=40)),
            (
                "callback_deadline",
                self.number(_("Callback Deadline"), "date", 12),
            ),
            # the first callback: the day the callback clock stopped
            ("callback_date", self.number(_("Called Back On"), "date", 12)),
            ("closed", self.moment_column(_("Finished On"))),
            ("deadline_state", label(_("Deadline Status"), 10, "deadline_state")),
            ("rejection_reason", c(_("Rejection Reason"), width=24)),
            ("dispatch_count", self.number(_("Dispatches"), "int", 8)),
            (
                "days_to_reply",
                self.number(_("Working Days to Reply"), "days", 10),
            ),
            ("reply_in_time", label(_("Replied in Time"), 8, "yes_no")),
            (
                "callback_result",
                label(_("Callback Outcome"), 14, "callback_result"),
            ),
            (
                "callback_attempts",
                self.number(_("Callback Attempts"), "int", 8),
            ),
            # the dissatisfied callbacks: each sent the complaint back to
            # handling (the analysis' "returned after callback")
            (
                "callback_returns",
                self.number(_("Returns After Dissatisfied Callback"), "int", 10),
            ),
            ("satisfaction_score", self.number(_("Survey Score"), "days", 8)),
            # the outcome (issue 15)
            ("outcome", label(_("Complaint Outcome"), 10, "outcome")),
            ("compensation_paid", self.number(_("Compensation Paid"), "money", 14)),
            (
                "compensation_date",
                self.number(_("Compensation Paid On"), "date", 12),
            ),
            ("root_cause", c(_("Root Cause"), width=30)),
            ("corrective_action", c(_("Corrective Action"), width=30)),
            (
                "regulator_replied",
                self.number(_("Reported to Regulator On"), "date", 12),
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

    def names(self):
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

    def select_sql(self, keys, tz):
        offset = self.fixed_utc_offset(tz)

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
        figures = {name: SQL(expr) for name, _type, expr in fact_columns()}
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
            # the analysis' first callback (CALLBACK_JOIN), its day in China
            "callback_date": day(china_day("cb.first_date")),
            "closed": stamp("c.closed_date"),
            "deadline_state": SQL("c.deadline_state"),
            "rejection_reason": SQL("c.rejection_reason"),
            "dispatch_count": SQL(
                "(SELECT COUNT(*) FROM huatai_complaint_dispatch d "
                "WHERE d.complaint_id = c.id)"
            ),
            "callback_result": SQL("c.callback_result"),
            "callback_attempts": SQL("NULLIF(c.callback_attempt_count, 0)"),
            # 0 once called back, empty if never
            "callback_returns": SQL(
                "CASE WHEN c.callback_attempt_count > 0 "
                "THEN COALESCE(c.dissatisfied_callback_count, 0) END"
            ),
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
                fields.Date.context_today(
                    self.env["huatai.complaint"].with_context(tz=REPORT_TZ)
                ),
            ),
        }
        return SQL(", ").join(expressions[key] for key in keys)

    def rows(self, ids, keys, tz):
        """Yield the register rows of ``ids`` (in that order), by chunks."""
        select = self.select_sql(keys, tz)
        # what the figures taken from the analysis read (working days...)
        joins = SQL(fact_joins())
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

    def complaint_ids(self, domain, order="received_date, id"):
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

    def render(
        self,
        date_from=None,
        date_to=None,
        unit_ids=None,
        domain=None,
        personal_data=True,
    ):
        """Write the complaint register (台账).

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
        # the analysis' domain holds on the complaints (same field names)
        ids = self.complaint_ids(
            Report._report_domain(date_from, date_to, unit_ids, domain)
        )
        date_from, date_to = Report._check_period(date_from, date_to)
        units = self.env["huatai.org.unit"].browse(unit_ids or []).exists()
        self.open_workbook()
        spec = self.columns(personal_data=personal_data)
        keys = [key for key, _column in spec]
        writer = self.sheet(
            self.env._("Complaint Register"), [column for _key, column in spec]
        )
        writer.write_rows(self.rows(ids, keys, self.user_tz()))
        writer.finish()
        self.write_about_sheet(
            self.env._("Complaint Register"),
            [
                (self.env._("Period"), self.period_label(date_from, date_to)),
                (self.env._("Units"), self.scope_label(units)),
                (self.env._("Complaints"), str(len(ids))),
            ],
        )
        self.workbook.close()
        return len(ids)
