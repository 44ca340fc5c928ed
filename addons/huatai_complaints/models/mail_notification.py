"""Notifications of confidential messages: only for Compliance (the flag is set
by ``mail_message.py``; confidentiality of complaints:
``huatai_complaint_guard.py``).
"""

from odoo import api, models

COMPLAINT = "huatai.complaint"


class MailNotification(models.Model):
    _inherit = "mail.notification"

    @api.model_create_multi
    def create(self, vals_list):
        """Nobody outside Compliance is notified of a confidential message
        (inbox or email): the notification would let them read it."""
        message_ids = {vals.get("mail_message_id") for vals in vals_list} - {None}
        if message_ids:
            # the messages were just created: read from the cache, no query
            confidential = (
                self.env["mail.message"]
                .sudo()
                .browse(message_ids)
                .filtered("huatai_confidential")
            )
            if confidential:
                insiders = set(self.env[COMPLAINT]._huatai_insider_partners().ids)
                vals_list = [
                    vals
                    for vals in vals_list
                    if vals.get("mail_message_id") not in confidential.ids
                    or vals.get("res_partner_id") in insiders
                ]
        return super().create(vals_list)
