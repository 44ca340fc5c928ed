"""The reply to the complainant sent by email (SPEC §9)."""

import logging

from markupsafe import Markup

from odoo import Command, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

_logger = logging.getLogger(__name__)


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Reply by email
    # ------------------------------------------------------------------
    def _complainant_email_address(self):
        """The address that reaches the complainant (normalized), or False."""
        self.ensure_one()
        return (
            email_normalize(self.complainant_email or "")
            or self.partner_id.email_normalized
            or False
        )

    def _link_complainant_partner(self):
        """Link the complainants still without a contact to the contact of
        their email address, found or created as intake does; never for a
        whistleblowing report (the reporter's identity stays in the report)."""
        todo = self.filtered(lambda c: not c.partner_id and not c.is_confidential)
        vals_list = [
            {
                "complainant_name": complaint.complainant_name,
                "complainant_email": complaint.complainant_email,
                "complainant_phone": complaint.complainant_phone,
                "complainant_address": complaint.complainant_address,
                "category_id": complaint.category_id.id,
            }
            for complaint in todo
        ]
        vals_list = self._prepare_complainant_partners(vals_list)
        for complaint, vals in zip(todo, vals_list, strict=True):
            if vals.get("partner_id"):
                complaint.partner_id = vals["partner_id"]

    def _send_reply_by_email(self, body, attachment_ids=None):
        """Send the reply to the complainant and keep it in the history
        (``attachment_ids``: files of the complaint sent with it, e.g. the
        reply letter).

        The complainant's contact gets it as a public message (they find it in
        the portal too): the contact of their email address is linked first
        when there is none.  A whistleblower (or a contact without an email
        address) gets a plain mail, noted on the complaint.
        """
        self.ensure_one()
        email = self._complainant_email_address()
        if not email:
            raise UserError(
                self.env._(
                    "%(ref)s: the complainant has no valid email address to send "
                    "the reply to.",
                    ref=self.name,
                )
            )
        subject = self.env._("Reply to your complaint %(ref)s", ref=self.name)
        self._link_complainant_partner()
        partner = self.partner_id
        if partner.email_normalized and not self.is_confidential:
            self.message_post(
                body=body,
                subject=subject,
                partner_ids=partner.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=attachment_ids or [],
            )
            return
        user = self.env.user
        self.env["mail.mail"].sudo().create(
            {
                "subject": subject,
                "body_html": body,
                "email_to": email,
                "email_from": user.company_id.email_formatted or user.email_formatted,
                "author_id": user.partner_id.id,
                "model": self._name,
                "res_id": self.id,
                "attachment_ids": [Command.set(attachment_ids or [])],
            }
        )
        sent = self.env._("Reply sent by email to %(email)s:", email=email)
        self.message_post(
            body=Markup("<p>%s</p>%s") % (sent, Markup(body)),
            subject=subject,
            subtype_xmlid="mail.mt_note",
            attachment_ids=attachment_ids or [],
        )
