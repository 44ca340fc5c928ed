from odoo import fields, models

from ..models.huatai_complaint_acknowledgement import ACKNOWLEDGEMENT_METHODS


class HuataiComplaintAcknowledgeWizard(models.TransientModel):
    """Staff record that they told the complainant that the complaint was
    received (受理告知) another way than the acknowledgement email."""

    _name = "huatai.complaint.acknowledge.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Record the Acknowledgement of a Complaint"

    complaint_id = fields.Many2one("huatai.complaint", required=True)
    method = fields.Selection(
        [m for m in ACKNOWLEDGEMENT_METHODS if m[0] != "email"],
        string="Told By",
        required=True,
        default="phone",
    )
    acknowledged_date = fields.Datetime(
        string="Told On", required=True, default=fields.Datetime.now
    )
    note = fields.Text(help="Optional: what was said, to whom, the number called.")

    def action_acknowledge(self):
        self.ensure_one()
        self.complaint_id._record_acknowledgement(
            self.method, when=self.acknowledged_date, note=self.note
        )
        return {"type": "ir.actions.act_window_close"}
