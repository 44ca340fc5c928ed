from odoo import fields, models


class HuataiComplaintRegulatorReplyWizard(models.TransientModel):
    _name = "huatai.complaint.regulator.reply.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Report Back to the Regulator on a Complaint"

    complaint_id = fields.Many2one("huatai.complaint", required=True, readonly=True)
    reported_on = fields.Date(default=fields.Date.context_today)
    reference = fields.Char(string="Report Reference")
    text = fields.Text(string="Report")
    attachment = fields.Binary(string="Report File")
    attachment_name = fields.Char()

    def action_record(self):
        self.ensure_one()
        complaint = self.complaint_id
        attachment = None
        complaint.check_access("write")
        if self.attachment:
            attachment = self.env["ir.attachment"].create(
                {
                    "name": self.attachment_name
                    or self.env._("Report to the regulator"),
                    "datas": self.attachment,
                    "res_model": complaint._name,
                    "res_id": complaint.id,
                }
            )
        complaint._record_regulator_reply(
            self.reported_on, self.reference, self.text, attachment
        )
        return {"type": "ir.actions.act_window_close"}
