from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.actions import window_action


class HuataiHolidayImportWizard(models.TransientModel):
    _name = "huatai.holiday.import.wizard"
    _description = "Load Official Holiday Schedules from chinese-calendar"

    available_years = fields.Char(compute="_compute_available_years")
    year_from = fields.Integer(required=True, default=lambda self: self._default_year())
    year_to = fields.Integer(required=True, default=lambda self: self._default_year())
    overwrite = fields.Boolean(
        string="Replace Existing Schedules",
        help="Replace the days of schedules that already exist for these years "
        "(otherwise those years are left as they are).",
    )

    def _default_year(self):
        years = self.env["huatai.holiday.schedule"]._library_years()
        return years[-1] if years else fields.Date.context_today(self).year + 1

    @api.depends("year_from")
    def _compute_available_years(self):
        years = self.env["huatai.holiday.schedule"]._library_years()
        text = f"{years[0]}-{years[-1]}" if years else self.env._("none")
        for wizard in self:
            wizard.available_years = text

    def action_import(self):
        self.ensure_one()
        Schedule = self.env["huatai.holiday.schedule"]
        Schedule._check_calendar_admin()
        if self.year_to < self.year_from:
            raise UserError(self.env._("The last year comes before the first one."))
        schedules = Schedule._import_from_library(
            range(self.year_from, self.year_to + 1), overwrite=self.overwrite
        )
        return window_action(
            self.env._("Holiday Schedules"),
            "huatai.holiday.schedule",
            "list,form",
            domain=[("id", "in", schedules.ids)],
        )
