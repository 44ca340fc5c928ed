from odoo import api, fields, models


class HuataiComplaintComplianceWizard(models.TransientModel):
    _name = "huatai.complaint.compliance.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Give the Compliance Opinion on a Complaint"

    complaint_id = fields.Many2one("huatai.complaint", required=True)
    reasons = fields.Char(string="Why Compliance Is Asked", compute="_compute_reasons")
    opinion = fields.Text(required=True)

    @api.depends("complaint_id")
    def _compute_reasons(self):
        for wizard in self:
            wizard.reasons = ", ".join(wizard.complaint_id._compliance_reasons())

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        complaint = self.env["huatai.complaint"].browse(res.get("complaint_id"))
        if complaint and "opinion" in fields_list and complaint.compliance_opinion:
            res["opinion"] = complaint.compliance_opinion
        return res

    def action_give_opinion(self):
        self.ensure_one()
        self.complaint_id._give_compliance_opinion(self.opinion)
        return {"type": "ir.actions.act_window_close"}
