from odoo import fields, models


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
