from odoo import fields, models
from odoo.exceptions import UserError


class HuataiComplaintRejectWizard(models.TransientModel):
    _name = "huatai.complaint.reject.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Reject a Complaint"

    complaint_id = fields.Many2one("huatai.complaint", required=True)
    rejection_reason = fields.Text(string="Reason", required=True)

    def action_reject(self):
        self.ensure_one()
        if not (self.rejection_reason or "").strip():
            raise UserError(
                self.env._("Give the reason for not accepting the complaint.")
            )
        complaint = self.complaint_id
        complaint.write(
            {
                "rejection_reason": self.rejection_reason,
                "stage_id": complaint._stage_for_state("rejected").id,
            }
        )
        return {"type": "ir.actions.act_window_close"}
