from odoo import fields, models


class HuataiComplaintReopenWizard(models.TransientModel):
    _name = "huatai.complaint.reopen.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Reopen Finished Complaints"

    complaint_ids = fields.Many2many(
        "huatai.complaint", string="Complaints", required=True
    )
    reason = fields.Text(required=True)

    def action_reopen(self):
        """Reopen the complaints (a unit head or above), with the reason in
        their history."""
        self.ensure_one()
        self.sudo().complaint_ids.with_env(self.env)._reopen(self.reason)
        return {"type": "ir.actions.act_window_close"}
