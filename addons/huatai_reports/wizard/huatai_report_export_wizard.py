from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

REPORT_TYPES = [
    ("register", "Complaint Register"),
    ("statistics", "Periodic Statistics"),
    ("regulator_summary", "Yearly Summary for the CSRC Local Bureau"),
]
PERIOD_SELECTION = [
    ("month", "Month"),
    ("quarter", "Quarter"),
    ("year", "Year"),
]


class HuataiReportExportWizard(models.TransientModel):
    _name = "huatai.report.export.wizard"
    _description = "Export Complaint Reports to Excel"

    def _default_date_from(self):
        return fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)

    def _default_date_to(self):
        return fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)

    def _default_unit(self):
        user = self.env.user
        if user.has_group("huatai_complaints.group_complaint_hq"):
            return False
        return user.huatai_unit_ids[:1]

    report_type = fields.Selection(
        REPORT_TYPES, string="Report", required=True, default="register"
    )
    date_from = fields.Date(string="From", default=_default_date_from)
    date_to = fields.Date(string="To", default=_default_date_to)
    period = fields.Selection(
        PERIOD_SELECTION,
        string="Breakdown",
        default="month",
        help="Statistics are counted per month, quarter or year.",
    )
    year = fields.Integer(
        default=lambda self: fields.Date.context_today(self).year - 1,
        help="The yearly summary is due to the local CSRC bureau by 30 April "
        "of the next year.",
    )
    unit_id = fields.Many2one(
        "huatai.org.unit",
        default=_default_unit,
        help="Report on this unit and its sub-units (complaints accepted or "
        "handled there). Leave empty for every unit within your rights.",
    )
    complaint_ids = fields.Many2many(
        "huatai.complaint",
        string="Selected Complaints",
        help="Only these complaints (exported from a list selection).",
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if (
                wizard.date_from
                and wizard.date_to
                and wizard.date_from > wizard.date_to
            ):
                raise ValidationError(
                    self.env._("The report period ends before it starts.")
                )

    def _report_kwargs(self):
        self.ensure_one()
        unit_ids = self.unit_id.ids or None
        if self.report_type == "regulator_summary":
            return {"year": self.year, "unit_ids": unit_ids}
        kwargs = {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "unit_ids": unit_ids,
        }
        if self.report_type == "statistics":
            if not (self.date_from and self.date_to):
                raise UserError(
                    self.env._("Give the first and last day of the statistics.")
                )
            kwargs["period"] = self.period or "month"
        else:
            # the selection, as the user: refused if one is out of reach
            complaints = self.sudo().complaint_ids.with_env(self.env)
            if complaints:
                complaints.check_access("read")
                kwargs["domain"] = [("id", "in", complaints.ids)]
        return kwargs

    def action_export(self):
        self.ensure_one()
        return self.env["huatai.complaint.xlsx"]._download(
            self.report_type, **self._report_kwargs()
        )
