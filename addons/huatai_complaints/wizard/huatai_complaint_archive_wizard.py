from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError


class HuataiComplaintArchiveWizard(models.TransientModel):
    _name = "huatai.complaint.archive.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Archive Complaints"

    complaint_ids = fields.Many2many(
        "huatai.complaint",
        string="Complaints",
        required=True,
        context={"active_test": False},
    )
    reason = fields.Text(required=True)

    def action_archive(self):
        """Archive the complaints, with the reason in their history."""
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for archiving."))
        # all the complaints given, as the user: refused if one is out of reach
        complaints = self.sudo().complaint_ids.with_env(self.env)
        complaints.check_access("write")
        complaints._check_archive_rights()
        complaints = complaints.filtered("active")
        body = Markup("<p>%s</p>") % self.env._(
            "Archived. Reason: %(reason)s", reason=reason
        )
        for complaint in complaints:
            complaint.message_post(body=body, subtype_xmlid="mail.mt_note")
        # the rights were checked above: the write itself is the system's
        complaints.sudo().write({"active": False})
        return {"type": "ir.actions.act_window_close"}
