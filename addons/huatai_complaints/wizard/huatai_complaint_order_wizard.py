from odoo import api, fields, models


class HuataiComplaintOrderWizard(models.TransientModel):
    _name = "huatai.complaint.order.wizard"
    _description = "Order a Unit to Act on a Complaint"

    complaint_id = fields.Many2one("huatai.complaint", required=True, readonly=True)
    target_unit_id = fields.Many2one(
        "huatai.org.unit",
        string="Ordered Unit",
        help="The unit complained about, ordered to take the measure.",
    )
    due_date = fields.Date(string="Act By")
    text = fields.Text(string="Measure to Take")

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            complaint = wizard.sudo().complaint_id.with_env(self.env)
            complaint.check_access("read")
            complaint._check_may_order()
        return wizards

    def action_give_order(self):
        self.ensure_one()
        self.complaint_id._give_order(self.target_unit_id, self.due_date, self.text)
        return {"type": "ir.actions.act_window_close"}
