from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ..models.huatai_complaint import REPLY_METHODS

REPLY_LETTER_REPORT = "huatai_complaints.huatai_complaint_report_reply_letter"


class HuataiComplaintReplyWizard(models.TransientModel):
    _name = "huatai.complaint.reply.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Record the Reply Given to the Complainant"

    complaint_id = fields.Many2one("huatai.complaint", required=True)
    reply_text = fields.Html(string="Reply", required=True)
    reply_method = fields.Selection(
        REPLY_METHODS,
        string="Replied By Means Of",
        required=True,
        default="phone",
    )
    replied_date = fields.Datetime(
        string="Replied On", required=True, default=fields.Datetime.now
    )
    send_email = fields.Boolean(
        string="Send the reply by email",
        help="Also send the reply to the complainant's email address.",
    )
    attach_letter = fields.Boolean(
        string="Attach the reply letter",
        default=True,
        help="Send the reply letter (答复函, a PDF on the firm's letterhead) "
        "with the email; it is kept with the complaint's files.",
    )
    recipient_email = fields.Char(
        string="Send To",
        compute="_compute_recipient_email",
        help="The complainant's email address, where the reply is sent.",
    )

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

    @api.depends("complaint_id")
    def _compute_recipient_email(self):
        for wizard in self:
            wizard.recipient_email = wizard.complaint_id._complainant_email_address()

    @api.onchange("reply_method")
    def _onchange_reply_method(self):
        self.send_email = self.reply_method == "email" and bool(self.recipient_email)

    def action_record_reply(self):
        self.ensure_one()
        complaint = self.complaint_id
        if not html2plaintext(self.reply_text or "").strip():
            raise UserError(self.env._("Write the reply given to the complainant."))
        if self.replied_date > fields.Datetime.now():
            raise UserError(self.env._("A reply cannot be dated in the future."))
        if self.replied_date < complaint.received_date:
            raise UserError(
                self.env._("A reply cannot be dated before the complaint was received.")
            )
        if self.send_email and not complaint._complainant_email_address():
            raise UserError(
                self.env._(
                    "%(ref)s: the complainant has no valid email address to send "
                    "the reply to. Record the reply without sending it by email, "
                    "or enter the complainant's email address first.",
                    ref=complaint.name,
                )
            )
        values = {
            "reply_text": self.reply_text,
            "reply_method": self.reply_method,
            "replied_date": self.replied_date,
            "replied_by_id": self.env.user.id,
            "replied_unit_id": (
                self.env.user.huatai_unit_ids & complaint.accepting_unit_id
                or complaint.handling_unit_id
            )[:1].id,
        }
        if complaint.stage_state not in ("replied", "callback", "closed"):
            values["stage_id"] = complaint._stage_for_state("replied").id
        complaint.check_access("write")
        # the reply's date and author are the workflow's to write
        complaint._as_workflow().write(values)
        complaint.sudo().incident_id._note_coordinated_reply(self.replied_date)
        if self.send_email:
            letter = self._reply_letter() if self.attach_letter else None
            complaint._send_reply_by_email(
                self.reply_text, attachment_ids=letter.ids if letter else None
            )
        else:
            complaint.message_post(
                body=self.reply_text,
                subject=self.env._("Reply given to the complainant"),
                subtype_xmlid="mail.mt_note",
            )
        return {"type": "ir.actions.act_window_close"}

    def _reply_letter(self):
        """The reply letter of the complaint, rendered now and kept with its
        files (an error, e.g. no PDF engine, leaves nothing recorded)."""
        complaint = self.complaint_id
        report = self.env.ref(REPLY_LETTER_REPORT)
        content, kind = self.env["ir.actions.report"]._render_qweb_pdf(
            report, complaint.ids
        )
        return self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Reply letter %(ref)s.%(ext)s", ref=complaint.name, ext=kind
                ),
                "raw": content,
                "mimetype": "application/pdf" if kind == "pdf" else "text/html",
                "res_model": complaint._name,
                "res_id": complaint.id,
            }
        )
