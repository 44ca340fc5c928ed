from odoo import fields, models

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
    _description = "Complaint Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
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
    active = fields.Boolean(default=True)
