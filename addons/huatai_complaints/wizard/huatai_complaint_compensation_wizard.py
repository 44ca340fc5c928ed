from odoo import api, fields, models


class HuataiComplaintCompensationWizard(models.TransientModel):
    _name = "huatai.complaint.compensation.wizard"
    _description = "Approve the Compensation Paid on a Complaint"

    complaint_id = fields.Many2one("huatai.complaint", required=True, readonly=True)
    currency_id = fields.Many2one(related="complaint_id.currency_id")
    compensation_claimed = fields.Monetary(
        related="complaint_id.compensation_amount", string="Claimed"
    )
    amount = fields.Monetary(string="Compensation Paid", currency_field="currency_id")
    paid_on = fields.Date(default=fields.Date.context_today)

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            complaint = wizard.sudo().complaint_id.with_env(self.env)
            complaint.check_access("read")
            complaint._compensation_level(self.env.user)
        return wizards

    def action_approve(self):
        self.ensure_one()
        self.complaint_id._approve_compensation(self.amount, self.paid_on)
        return {"type": "ir.actions.act_window_close"}
