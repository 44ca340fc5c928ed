from odoo import api, fields, models

STAGE_STATES = [
    ("new", "Registered"),
    ("accepted", "Accepted"),
    ("in_progress", "In Progress"),
    ("compliance", "Compliance Review"),
    ("replied", "Replied"),
    ("callback", "Callback"),
    ("closed", "Closed"),
    ("rejected", "Rejected"),
]


class HuataiComplaintStage(models.Model):
    _name = "huatai.complaint.stage"
    _inherit = "huatai.complaint.config.mixin"
    _description = "Complaint Stage"

    fold = fields.Boolean(
        string="Folded in Kanban",
        help="Folded stages are collapsed on the kanban board.",
    )
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Complaints in this stage are finished: their clocks stop.",
    )
    state = fields.Selection(
        STAGE_STATES,
        string="Meaning",
        required=True,
        default="in_progress",
        help="What reaching this stage means; the workflow checks (a reply "
        "before Replied, a reason before Rejected...) follow it.",
    )
    description = fields.Text(translate=True)

    @api.model
    def _first(self):
        """The first stage (``search([], limit=1)``): a new complaint's
        default, from the cached ids of the stages."""
        self.check_access("read")
        return self.browse(self._active_records()[:1].ids)
