from odoo import fields, models

from ..models.huatai_complaint import REPLY_METHODS


class HuataiComplaintIncidentBulkWizard(models.TransientModel):
    _name = "huatai.complaint.incident.bulk.wizard"
    _description = "Reply to or Close the Complaints of an Incident"

    incident_id = fields.Many2one("huatai.complaint.incident", required=True)
    action = fields.Selection(
        [("reply", "Record the coordinated reply"), ("close", "Close")],
        required=True,
        default="reply",
    )
    reply_method = fields.Selection(
        REPLY_METHODS,
        string="Replied By Means Of",
        default="phone",
    )
    result = fields.Text(readonly=True)

    def action_apply(self):
        self.ensure_one()
        incident = self.incident_id
        if self.action == "reply":
            incident._bulk_reply(self.reply_method or "phone")
        else:
            incident._bulk_close()
        self.result = incident.sudo().note
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
