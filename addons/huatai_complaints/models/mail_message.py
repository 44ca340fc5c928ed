"""Messages of whistleblowing reports: flagged ``huatai_confidential`` for the
record rules of messages and notifications, recipients outside Compliance
taken off (confidentiality of complaints: ``huatai_complaint_guard.py``).
The same holds for every document that is Compliance's alone
(``CONFIDENTIAL_DOCUMENTS``: the reviews and orders of a report, the
improvement actions naming one, the pattern alerts on named staff).

Every check starts with the model name: messages of other models pay one
comparison, no query.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError

from .mail_followers import COMPLAINT

# the models whose records may be Compliance's alone: each answers
# ``_huatai_confidential_ids(ids)``
CONFIDENTIAL_DOCUMENTS = (
    COMPLAINT,
    "huatai.complaint.opinion",
    "huatai.complaint.improvement",
    "huatai.pattern.alert",
)


def confidential_among(Model, ids, confidential):
    """The ids of ``Model`` among ``ids`` whose records satisfy
    ``confidential`` (a field path or a predicate, as ``filtered`` takes it),
    whoever asks: each model's ``_huatai_confidential_ids``."""
    ids = {i for i in ids if isinstance(i, int) and i}
    records = Model.sudo().browse(ids).exists()
    return set(records.filtered(confidential).ids)


def flag_confidential_messages(records):
    """The past messages of ``records``, which just became Compliance's
    alone, are flagged (new ones are flagged at their creation)."""
    if not records:
        return
    env = records.env
    env.flush_all()
    env.cr.execute(
        "UPDATE mail_message SET huatai_confidential = TRUE "
        "WHERE model = %s AND res_id = ANY(%s) "
        "AND huatai_confidential IS NOT TRUE",
        [records._name, records.ids],
    )
    env["mail.message"].invalidate_model(["huatai_confidential"])


def confidential_documents(env, pairs):
    """The (model, id) of ``pairs`` that are Compliance's alone."""
    found = set()
    for model in CONFIDENTIAL_DOCUMENTS:
        ids = {res_id for name, res_id in pairs if name == model}
        if ids:
            confidential = env[model]._huatai_confidential_ids(ids)
            found.update((model, res_id) for res_id in confidential)
    return found


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
        pairs = {
            (vals.get("model"), vals.get("res_id"))
            for vals in vals_list
            if vals.get("model") in CONFIDENTIAL_DOCUMENTS
        }
        confidential = confidential_documents(self.env, pairs) if pairs else ()
        if confidential:
            vals_list = [
                {**vals, "huatai_confidential": True}
                if (vals.get("model"), vals.get("res_id")) in confidential
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
        pairs = {
            (m.model, m.res_id)
            for m in self.sudo()
            if m.model in CONFIDENTIAL_DOCUMENTS
        }
        confidential = confidential_documents(self.env, pairs)
        for message in self.sudo():
            flag = (message.model, message.res_id) in confidential
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
