from odoo import fields, models
from odoo.exceptions import UserError


class HuataiComplaintDuplicateWizard(models.TransientModel):
    _name = "huatai.complaint.duplicate.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Close a Complaint as a Duplicate"

    complaint_id = fields.Many2one("huatai.complaint", required=True)
    original_id = fields.Many2one(
        "huatai.complaint",
        string="Handled In",
        required=True,
        domain="[('id', '!=', complaint_id)]",
    )

    def action_close_duplicate(self):
        """The complaint is closed (not accepted: a duplicate) with a pointer
        to the one handled, through its own workflow: its gates hold. A
        regulator-forwarded copy is the one handled: the authority's clocks
        are reported on it."""
        self.ensure_one()
        complaint, original = self.complaint_id, self.original_id
        complaint.check_access("write")
        original.check_access("read")
        if complaint == original or original.duplicate_of_id:
            raise UserError(
                self.env._("%(ref)s cannot be its own original.", ref=complaint.name)
                if complaint == original
                else self.env._(
                    "%(ref)s is itself a duplicate: link to the complaint it "
                    "duplicates.",
                    ref=original.name,
                )
            )
        if complaint.is_confidential or original.is_confidential:
            raise UserError(self.env._("Whistleblowing reports are not linked."))
        if complaint.channel == "regulator" and original.channel != "regulator":
            raise UserError(
                self.env._(
                    "%(ref)s was forwarded by a regulator: handle it and close "
                    "%(other)s as its duplicate instead, so that the authority's "
                    "deadline stays reported.",
                    ref=complaint.name,
                    other=original.name,
                )
            )
        if complaint.is_closed:
            raise UserError(
                self.env._("%(ref)s is already finished.", ref=complaint.name)
            )
        complaint._as_workflow().write(
            {"duplicate_of_id": original.id, "duplicate_candidate_id": False}
        )
        complaint.write(
            {
                "rejection_reason": self.env._(
                    "Duplicate of %(ref)s, handled there.", ref=original.name
                ),
                "stage_id": complaint._stage_for_state("rejected").id,
            }
        )
        original.sudo().message_post(
            body=self.env._(
                "%(ref)s was closed as a duplicate of this complaint.",
                ref=complaint.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
