from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class HuataiComplaintDispatchWizard(models.TransientModel):
    _name = "huatai.complaint.dispatch.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Dispatch a Complaint to Another Unit"

    complaint_id = fields.Many2one("huatai.complaint", required=True)
    current_unit_id = fields.Many2one(
        related="complaint_id.handling_unit_id",
        compute_sudo=False,
        string="Currently Handled By",
    )
    accepting_unit_id = fields.Many2one(
        related="complaint_id.accepting_unit_id",
        compute_sudo=False,
        string="Accountable Unit",
    )
    to_unit_id = fields.Many2one("huatai.org.unit", string="Dispatch To", required=True)
    to_user_id = fields.Many2one(
        "res.users",
        string="New Owner",
        domain="[('huatai_unit_ids', 'in', to_unit_id), ('share', '=', False)]",
    )
    reason = fields.Text(required=True)

    @api.onchange("to_unit_id")
    def _onchange_to_unit_id(self):
        if self.to_user_id and self.to_unit_id not in self.to_user_id.huatai_unit_ids:
            self.to_user_id = False
        if not self.to_user_id:
            self.to_user_id = self.to_unit_id.manager_id

    def action_dispatch(self):
        self.ensure_one()
        complaint = self.complaint_id
        if complaint.is_closed:
            raise UserError(
                self.env._(
                    "%(ref)s is finished: it cannot be dispatched.", ref=complaint.name
                )
            )
        if self.to_unit_id == complaint.handling_unit_id and (
            not self.to_user_id or self.to_user_id == complaint.user_id
        ):
            raise UserError(
                self.env._(
                    "%(unit)s already handles this complaint.",
                    unit=self.to_unit_id.display_name,
                )
            )
        complaint.check_access("write")
        # the dispatch history is written by this workflow only
        self.env["huatai.complaint.dispatch"].sudo().create(
            {
                "complaint_id": complaint.id,
                "from_unit_id": complaint.handling_unit_id.id,
                "to_unit_id": self.to_unit_id.id,
                "from_user_id": complaint.user_id.id,
                "to_user_id": self.to_user_id.id,
                "reason": self.reason,
            }
        )
        complaint.write(
            {"handling_unit_id": self.to_unit_id.id, "user_id": self.to_user_id.id}
        )
        complaint.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "Handling dispatched to %(unit)s. %(accountable)s stays "
                    "accountable for the reply to the client.",
                    unit=self.to_unit_id.display_name,
                    accountable=complaint.accepting_unit_id.display_name,
                ),
                self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
