from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

COMPLIANCE_GROUP = "huatai_complaints.group_complaint_compliance"


class HuataiComplaintLegalHoldWizard(models.TransientModel):
    _name = "huatai.complaint.legal.hold.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Set or Lift a Complaint's Legal Hold"

    complaint_id = fields.Many2one("huatai.complaint", required=True, readonly=True)
    lifting = fields.Boolean(compute="_compute_lifting")
    reason = fields.Text(
        help="Setting: the case, the court or authority and its reference. "
        "Lifting: why the hold is no longer needed."
    )

    @api.depends("complaint_id")
    def _compute_lifting(self):
        for wizard in self:
            wizard.lifting = wizard.complaint_id.legal_hold

    @api.model
    def _check_legal_hold_rights(self):
        if not self.env.su and not self.env.user.has_group(COMPLIANCE_GROUP):
            raise AccessError(
                self.env._(
                    "Only Compliance sets or lifts the legal hold of a complaint."
                )
            )

    def action_apply(self):
        self.ensure_one()
        self._check_legal_hold_rights()
        complaint = self.complaint_id
        complaint.check_access("write")
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Give the reason of the legal hold: the case, the court or "
                    "authority and its reference (or why it is lifted)."
                )
            )
        if complaint.legal_hold:
            complaint.sudo()._as_workflow().write(
                {
                    "legal_hold": False,
                    "legal_hold_reason": False,
                    "legal_hold_user_id": False,
                    "legal_hold_date": False,
                }
            )
            body = self.env._("Legal hold lifted: %(reason)s", reason=reason)
        else:
            complaint.sudo()._as_workflow().write(
                {
                    "legal_hold": True,
                    "legal_hold_reason": reason,
                    "legal_hold_user_id": self.env.user.id,
                    "legal_hold_date": fields.Datetime.now(),
                }
            )
            body = self.env._(
                "Legal hold set: the retention job keeps this complaint's files "
                "and personal data. Reason: %(reason)s",
                reason=reason,
            )
        complaint.message_post(
            body=Markup("<p>%s</p>") % body, subtype_xmlid="mail.mt_note"
        )
        return {"type": "ir.actions.act_window_close"}
