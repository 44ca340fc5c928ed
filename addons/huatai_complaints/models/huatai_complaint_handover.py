from odoo import fields, models


class HuataiComplaintHandover(models.Model):
    """What the person who registered a whistleblowing report, or handed an
    existing complaint over to Compliance as one, keeps of it.

    The report itself is visible to Compliance only; the registering staff
    member sees this receipt — the reference and that Compliance has it —
    and nothing of its content or of the reporter.
    """

    _name = "huatai.complaint.handover"
    _description = "Whistleblowing Report Hand-over"
    _order = "date desc, id desc"

    name = fields.Char(string="Reference", required=True, readonly=True)
    date = fields.Datetime(
        string="Handed Over On",
        required=True,
        default=fields.Datetime.now,
        readonly=True,
    )
    registered_by_id = fields.Many2one(
        "res.users", required=True, readonly=True, index=True
    )
    unit_id = fields.Many2one(
        "huatai.org.unit", string="Registering Unit", readonly=True
    )
    handed_to_unit_id = fields.Many2one(
        "huatai.org.unit",
        string="Handed To",
        readonly=True,
        default=lambda self: self.env.ref(
            "huatai_complaints.unit_compliance", raise_if_not_found=False
        ),
    )
    reason = fields.Text(
        readonly=True,
        help="Why the complaint was handed over as a whistleblowing report.",
    )
    complaint_id = fields.Many2one(
        "huatai.complaint",
        string="Report",
        readonly=True,
        ondelete="cascade",
        groups="huatai_complaints.group_complaint_compliance",
    )
