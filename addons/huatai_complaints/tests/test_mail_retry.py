"""Mails queued while the outgoing mail server is unreachable are sent once
it is back, once (issue 12, "Faults during the burst")."""

from unittest.mock import MagicMock, patch

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestMailRetry(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Server = type(cls.env["ir.mail_server"])

    def _mail(self):
        return self.env["mail.mail"].create(
            {
                "subject": "Acknowledgement",
                "email_to": "client@example.cn",
                "body_html": "<p>received</p>",
                "auto_delete": False,
            }
        )

    def test_unreachable_server_then_sent_once(self):
        mail = self._mail()
        with patch.object(
            self.Server, "connect", side_effect=ConnectionRefusedError(111, "refused")
        ):
            self.env["mail.mail"].process_email_queue(ids=mail.ids)
        self.assertEqual(mail.state, "exception")
        self.assertTrue(mail.huatai_server_unreached)
        # still down: failed again, still waiting
        with patch.object(
            self.Server, "connect", side_effect=ConnectionRefusedError(111, "refused")
        ):
            self.env["mail.mail"].process_email_queue(ids=mail.ids)
        self.assertEqual(
            (mail.state, mail.huatai_server_unreached), ("exception", True)
        )
        # back: sent, once
        with (
            patch.object(self.Server, "connect", return_value=MagicMock()),
            patch.object(self.Server, "send_email", return_value="<id@x>") as send,
        ):
            self.env["mail.mail"].process_email_queue(ids=mail.ids)
            self.env["mail.mail"].process_email_queue(ids=mail.ids)
        self.assertEqual(mail.state, "sent", mail.failure_reason)
        self.assertEqual(send.call_count, 1)

    def test_other_failures_are_not_retried(self):
        mail = self._mail()
        mail.write({"state": "exception", "failure_type": "mail_email_invalid"})
        self.env["mail.mail"].process_email_queue(ids=mail.ids)
        self.assertEqual(mail.state, "exception")
