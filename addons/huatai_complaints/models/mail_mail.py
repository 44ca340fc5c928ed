"""Mails queued while the outgoing mail server cannot be reached are sent
once it can be reached again.

Odoo marks every mail of a batch whose SMTP connection failed as failed
(``state = 'exception'``) and its queue never picks them again: the
acknowledgements of receipt and deadline mails queued during an outage of
the mail server would be lost. Nothing was handed to the server for them
(the connection itself failed), so sending them again cannot send one twice:
the queue takes them back (for ``SMTP_RETRY_DAYS``) each time it runs.
"""

from datetime import timedelta

from odoo import api, fields, models

SMTP_RETRY_DAYS = 3


class MailMail(models.Model):
    _inherit = "mail.mail"

    # Odoo's own failure_type of the mail stays as Odoo sets it (empty for a
    # failed connection): the outage is marked here
    huatai_server_unreached = fields.Boolean(
        string="Mail Server Unreached",
        readonly=True,
        copy=False,
        help="The outgoing mail server could not be reached: the mail is queued again.",
    )

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        # Odoo's only caller with "mail_smtp" is the failed connection to
        # the server, before any mail of the batch was given to it
        if failure_type == "mail_smtp" and not success_pids:
            unreached = self.filtered(lambda m: m.state == "exception")
            if unreached:
                unreached.write({"huatai_server_unreached": True})
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

    @api.model
    def process_email_queue(self, ids=None, batch_size=1000):
        self._requeue_unreached_server()
        return super().process_email_queue(ids=ids, batch_size=batch_size)

    @api.model
    def _requeue_unreached_server(self):
        """Queue again the mails that failed only because the mail server
        could not be reached (recently: a mail failing for days is left to
        the administrator)."""
        since = fields.Datetime.now() - timedelta(days=SMTP_RETRY_DAYS)
        mails = self.sudo().search(
            [
                ("state", "=", "exception"),
                ("huatai_server_unreached", "=", True),
                ("create_date", ">=", since),
            ]
        )
        if not mails:
            return mails
        mails.write(
            {
                "state": "outgoing",
                "failure_type": False,
                "failure_reason": False,
                "huatai_server_unreached": False,
            }
        )
        self.env["mail.notification"].sudo().search(
            [
                ("mail_mail_id", "in", mails.ids),
                ("notification_status", "=", "exception"),
            ]
        ).write(
            {
                "notification_status": "ready",
                "failure_type": False,
                "failure_reason": False,
            }
        )
        return mails
