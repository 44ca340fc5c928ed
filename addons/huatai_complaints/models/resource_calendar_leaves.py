from odoo import api, fields, models
from odoo.exceptions import AccessError


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    huatai_schedule_id = fields.Many2one(
        "huatai.holiday.schedule",
        string="Official Holiday Schedule",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        help="Public holiday mirrored from this official schedule: edit the "
        "schedule, not this time off.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("huatai_schedule_id") for vals in vals_list):
            self._check_schedule_mirror()
        return super().create(vals_list)

    def write(self, vals):
        if "huatai_schedule_id" in vals or self.filtered("huatai_schedule_id"):
            self._check_schedule_mirror()
        return super().write(vals)

    def unlink(self):
        if self.filtered("huatai_schedule_id"):
            self._check_schedule_mirror()
        return super().unlink()

    def _check_schedule_mirror(self):
        """The public holidays mirrored from the official schedules are
        written by the schedules only (as the system)."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "This public holiday mirrors an official holiday schedule: "
                    "a complaint administrator changes it in Complaints > "
                    "Configuration > Working Days > Holiday Schedules, not here."
                )
            )
