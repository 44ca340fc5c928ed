"""Followers of whistleblowing reports: only Compliance (confidentiality of
complaints: ``huatai_complaint_guard.py``; messages: ``mail_message.py``;
notifications: ``mail_notification.py``).

Every check starts with the model name: followers of other models pay one
comparison, no query.
"""

import logging

from odoo import api, models

_logger = logging.getLogger(__name__)

COMPLAINT = "huatai.complaint"


def complaint_ids(vals_list, model_key="res_model", id_key="res_id"):
    return {vals.get(id_key) for vals in vals_list if vals.get(model_key) == COMPLAINT}


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    @api.model_create_multi
    def create(self, vals_list):
        """Only Compliance follows a whistleblowing report, whatever subscribes
        the others (routing, dispatch, an activity, a mention, the API)."""
        ids = complaint_ids(vals_list)
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
