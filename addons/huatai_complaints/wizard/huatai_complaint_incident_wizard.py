from odoo import api, fields, models
from odoo.exceptions import UserError


class HuataiComplaintReplyWizard(models.TransientModel):
    _inherit = "huatai.complaint.reply.wizard"

    @api.model
    def default_get(self, fields_list):
        """The reply starts from the incident's coordinated reply."""
        values = super().default_get(fields_list)
        if "reply_text" in fields_list and not values.get("reply_text"):
            complaint = self.env["huatai.complaint"].browse(values.get("complaint_id"))
            if complaint.exists() and complaint.has_access("read"):
                text = complaint.sudo().incident_id.reply_text
                if text:
                    values["reply_text"] = text
        return values


class HuataiComplaintIncidentSplitWizard(models.TransientModel):
    _name = "huatai.complaint.incident.split.wizard"
    _description = "Split Complaints off an Incident"

    incident_id = fields.Many2one("huatai.complaint.incident", required=True)
    complaint_ids = fields.Many2many(
        "huatai.complaint",
        string="Complaints",
        domain="[('incident_id', '=', incident_id)]",
    )
    mode = fields.Selection(
        [("split", "Move to a new incident"), ("remove", "Not part of any incident")],
        required=True,
        default="split",
    )
    name = fields.Char(string="Name of the New Incident")

    def action_apply(self):
        self.ensure_one()
        if not self.complaint_ids:
            raise UserError(self.env._("Select the complaints to split off."))
        incident = self.incident_id
        if self.mode == "remove":
            incident._remove(self.complaint_ids)
            return {"type": "ir.actions.act_window_close"}
        return incident._split(self.complaint_ids, self.name)._action_open()


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
        [
            ("phone", "Phone"),
            ("email", "Email"),
            ("letter", "Letter"),
            ("onsite", "In Person"),
        ],
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
