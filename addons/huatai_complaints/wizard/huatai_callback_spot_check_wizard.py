from dateutil.relativedelta import relativedelta

from odoo import fields, models

from ..tools.actions import window_action


def _previous_month_start(wizard):
    today = fields.Date.context_today(wizard)
    return today.replace(day=1) - relativedelta(months=1)


def _previous_month_end(wizard):
    return fields.Date.context_today(wizard).replace(day=1) - relativedelta(days=1)


class HuataiCallbackSpotCheckWizard(models.TransientModel):
    _name = "huatai.callback.spot.check.wizard"
    _description = "Sample Callbacks for Spot Checks"

    date_from = fields.Date(string="From", required=True, default=_previous_month_start)
    date_to = fields.Date(string="To", required=True, default=_previous_month_end)
    percent = fields.Float(
        string="Share Checked (%)",
        readonly=True,
        default=lambda self: self.env["huatai.callback.spot.check"]._sample_percent(),
    )

    def action_sample(self):
        self.ensure_one()
        # the draw creates spot checks as the system: HQ process owners only
        SpotCheck = self.env["huatai.callback.spot.check"]
        SpotCheck.check_access("create")
        checks = SpotCheck._sample_callbacks(self.date_from, self.date_to)
        return window_action(
            self.env._("Callback Spot Checks"),
            "huatai.callback.spot.check",
            "list,form",
            domain=[("id", "in", checks.ids)],
        )
