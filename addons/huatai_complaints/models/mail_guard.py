"""Followers, messages, notifications and activities of whistleblowing
reports: the one place where Odoo's mail records meet the confidentiality of
complaints (see ``huatai_complaint_guard.py``).

Every check starts with the model name: records of other models pay one
comparison, no query.
"""

import logging

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)

COMPLAINT = "huatai.complaint"


def _complaint_ids(vals_list, model_key="res_model", id_key="res_id"):
    return {vals.get(id_key) for vals in vals_list if vals.get(model_key) == COMPLAINT}


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    @api.model_create_multi
    def create(self, vals_list):
        """Only Compliance follows a whistleblowing report, whatever subscribes
        the others (routing, dispatch, an activity, a mention, the API)."""
        ids = _complaint_ids(vals_list)
        if ids:
            Complaint = self.env[COMPLAINT]
            confidential = Complaint._huatai_confidential_ids(ids)
            if confidential:
                insiders = set(Complaint._huatai_insider_partners().ids)
                kept = [
                    vals
                    for vals in vals_list
                    if not (
                        vals.get("res_model") == COMPLAINT
                        and vals.get("res_id") in confidential
                        and vals.get("partner_id") not in insiders
                    )
                ]
                if len(kept) != len(vals_list):
                    _logger.info(
                        "Whistleblowing reports %s: %s followers outside "
                        "Compliance not subscribed",
                        sorted(confidential),
                        len(vals_list) - len(kept),
                    )
                vals_list = kept
        return super().create(vals_list)


class MailMessage(models.Model):
    _inherit = "mail.message"

    # read by the record rules of mail.message and mail.notification: the
    # messages of whistleblowing reports are for Compliance, their authors and
    # recipients included
    huatai_confidential = fields.Boolean(
        string="Whistleblowing Report Message", readonly=True, copy=False
    )

    @api.model_create_multi
    def create(self, vals_list):
        ids = _complaint_ids(vals_list, "model", "res_id")
        confidential = self.env[COMPLAINT]._huatai_confidential_ids(ids) if ids else ()
        if confidential:
            vals_list = [
                {**vals, "huatai_confidential": True}
                if vals.get("model") == COMPLAINT and vals.get("res_id") in confidential
                else vals
                for vals in vals_list
            ]
        elif any("huatai_confidential" in vals for vals in vals_list):
            vals_list = [
                {k: v for k, v in vals.items() if k != "huatai_confidential"}
                for vals in vals_list
            ]
        messages = super().create(vals_list)
        if confidential:
            messages.filtered("huatai_confidential")._huatai_drop_outsiders()
        return messages

    def write(self, vals):
        if "huatai_confidential" in vals and not self.env.su:
            raise AccessError(
                self.env._("Whether a message is confidential follows its complaint.")
            )
        res = super().write(vals)
        if "model" in vals or "res_id" in vals:
            self._huatai_follow_complaint()
        return res

    def _huatai_follow_complaint(self):
        """Messages moved to or from a complaint take its confidentiality."""
        ids = {m.res_id for m in self.sudo() if m.model == COMPLAINT}
        confidential = self.env[COMPLAINT]._huatai_confidential_ids(ids)
        for message in self.sudo():
            flag = message.model == COMPLAINT and message.res_id in confidential
            if message.huatai_confidential != flag:
                message.huatai_confidential = flag
        self.sudo().filtered("huatai_confidential")._huatai_drop_outsiders()

    def _huatai_drop_outsiders(self):
        """Recipients outside Compliance are taken off confidential messages
        (a recipient may read a message whatever its document)."""
        insiders = self.env[COMPLAINT]._huatai_insider_partners()
        for message in self.sudo():
            outsiders = message.partner_ids - insiders
            if outsiders:
                message.partner_ids = [Command.unlink(p.id) for p in outsiders]


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
