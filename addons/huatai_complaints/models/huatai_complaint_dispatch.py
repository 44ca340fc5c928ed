from odoo import fields, models


class HuataiComplaintDispatch(models.Model):
    """One hand-over of a complaint's handling from a unit to another.

    The accepting unit stays accountable for the reply ("whoever accepts,
    responds"); these records are the history of who handled it.
    """

    _name = "huatai.complaint.dispatch"
    _description = "Complaint Dispatch"
    _order = "date desc, id desc"

    complaint_id = fields.Many2one(
        "huatai.complaint", required=True, ondelete="cascade", index=True
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    from_unit_id = fields.Many2one("huatai.org.unit", readonly=True)
    to_unit_id = fields.Many2one("huatai.org.unit", required=True, readonly=True)
    from_user_id = fields.Many2one("res.users", string="Previous Owner", readonly=True)
    to_user_id = fields.Many2one("res.users", string="New Owner", readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Dispatched By",
        required=True,
        default=lambda self: self.env.user,
        readonly=True,
    )
    reason = fields.Text(required=True, readonly=True)
    accepting_unit_id = fields.Many2one(
        related="complaint_id.accepting_unit_id", string="Accountable Unit"
    )
