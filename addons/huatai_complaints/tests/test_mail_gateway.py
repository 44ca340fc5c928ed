"""Complaints received by email: real RFC 822 messages through the gateway."""

from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import html2plaintext, mute_logger

from .intake_common import b64_lines, encoded_word
from .mail_gateway_common import ALIAS_TO, MailGatewayCase


@tagged("post_install", "-at_install", "huatai_intake")
class TestComplaintMailGateway(MailGatewayCase):
    def test_utf8_mail_registers_complaint(self):
        subject = "投诉：营业部客户经理推销高风险产品"
        body = (
            "您好：\n客户经理王某多次向我推荐高风险私募产品，未做风险测评。\n"
            "请尽快处理。"
        )
        with self.mock_mail_gateway():
            complaint = self._process(
                self._raw(encoded_word(subject, "utf-8"), body.encode("utf-8"))
            )
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.channel, "email")
        self.assertEqual(complaint.accepting_unit_id, self.unit_csc)
        self.assertEqual(complaint.category_id, self.category_other)
        self.assertEqual(complaint.subject, subject)
        self.assertIn("未做风险测评", complaint.description)
        self.assertEqual(complaint.complainant_name, "张三")
        self.assertEqual(complaint.complainant_email, "zhang.san@example.cn")
        self.assertFalse(complaint.accepting_user_id)
        partner = complaint.partner_id
        self.assertEqual(partner.email_normalized, "zhang.san@example.cn")
        # the mail is in the history, written by the complainant
        incoming = complaint.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(incoming), 1)
        self.assertEqual(incoming.author_id, partner)
        self.assertIn(partner, complaint.message_partner_ids)
        # and the complainant was sent an acknowledgement with the reference
        ack = self._new_mails.filtered(lambda m: complaint.name in (m.subject or ""))
        self.assertEqual(len(ack), 1)
        self.assertIn(partner, ack.recipient_ids)
        self.assertIn(complaint.name, ack.body_html)
        lang = complaint.complainant_lang or "en_US"
        self.assertIn(self.unit_csc.with_context(lang=lang).name, ack.body_html)

    def test_known_sender_matched_to_contact(self):
        partner = self.env["res.partner"].create(
            {"name": "Existing Client", "email": "Existing.Client@Example.cn"}
        )
        complaint = self._process(
            self._raw(
                "Complaint about my account",
                b"My account was frozen without notice.",
                email_from="Existing Client <existing.client@example.cn>",
            )
        )
        self.assertEqual(complaint.partner_id, partner)
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("email_normalized", "=", "existing.client@example.cn")]
            ),
            1,
        )

    def test_mail_from_a_portal_client_linked_to_them(self):
        """The mail gateway found the sender: the complaint is theirs."""
        complaint = self._process(
            self._raw(
                "My account",
                b"My account was frozen.",
                email_from="Li Ming <Li.Ming@example.cn>",
            )
        )
        self.assertEqual(complaint.partner_id, self.portal_user_1.partner_id)
        self.assertIn(
            complaint,
            self.Complaint.with_user(self.portal_user_1).search([]),
        )

    def test_forbidden_attachments_refused_rest_kept(self):
        exe = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 100
        parts = [
            "Content-Type: text/plain; charset=utf-8\r\n\r\nSee the files.",
            "Content-Type: application/octet-stream\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            'Content-Disposition: attachment; filename="invoice.exe"\r\n'
            "\r\n" + b64_lines(exe),
            # an executable disguised as a document
            "Content-Type: application/pdf\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            'Content-Disposition: attachment; filename="statement.pdf"\r\n'
            "\r\n" + b64_lines(exe),
            "Content-Type: text/plain; charset=utf-8\r\n"
            'Content-Disposition: attachment; filename="notes.txt"\r\n'
            "\r\nmy notes",
        ]
        with mute_logger(
            "odoo.addons.huatai_complaints.models.huatai_complaint_mail_gateway"
        ):
            complaint = self._process(self._multipart(parts))
        self.assertEqual(len(complaint), 1)
        attachments = self._files(complaint)
        self.assertEqual(attachments.mapped("name"), ["notes.txt"])
        # the kept original has the reasons in place of the refused files
        original = self._originals(complaint)
        self.assertEqual(len(original), 1)
        self.assertIn(b"See the files.", original.raw)
        self.assertIn(b"my notes", original.raw)
        self.assertNotIn(b64_lines(exe)[:40].encode(), original.raw)
        self.assertNotIn(b"MZ\x90", original.raw)
        notes = complaint.message_ids.filtered(lambda m: "refused" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn("invoice.exe", notes.body)
        self.assertIn("statement.pdf", notes.body)
        self.assertTrue(notes.subtype_id.internal)

    def test_oversized_attachment_refused(self):
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.mail_attachment_max_mb", "1"
        )
        big = b"a" * ((1 << 20) + 10)
        parts = [
            "Content-Type: text/plain; charset=utf-8\r\n\r\nBig file attached.",
            "Content-Type: application/octet-stream\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            'Content-Disposition: attachment; filename="recording.wav"\r\n'
            "\r\n" + b64_lines(big),
        ]
        with mute_logger(
            "odoo.addons.huatai_complaints.models.huatai_complaint_mail_gateway"
        ):
            complaint = self._process(self._multipart(parts))
        self.assertFalse(self._files(complaint))
        self.assertLess(len(self._originals(complaint).raw), 10000)
        self.assertIn(
            "too large",
            complaint.message_ids[0].body
            + "".join(complaint.message_ids.mapped("body")),
        )

    def test_reply_threads_into_same_complaint(self):
        first_id = self._msg_id()
        with self.mock_mail_gateway():
            complaint = self._process(
                self._raw(
                    "First complaint", b"My order was not executed.", msg_id=first_id
                )
            )
        ack = complaint.message_ids.filtered(
            lambda m: (
                m.message_type == "comment" and complaint.name in (m.subject or "")
            )
        )
        self.assertTrue(ack)
        # the client answers the acknowledgement
        reply = self._raw(
            f"Re: {complaint.name}",
            "补充：委托编号 2026030100123。".encode(),
            extra=(
                f"In-Reply-To: {ack.message_id}\r\n"
                f"References: {first_id} {ack.message_id}\r\n"
            ),
        )
        new = self._process(reply)
        self.assertFalse(new, "a reply must not open another complaint")
        self.assertTrue(
            complaint.message_ids.filtered(lambda m: "2026030100123" in (m.body or ""))
        )
        # so does a reply to the client's own first mail (Reply All)
        reply_all = self._raw(
            "Re: First complaint",
            b"One more thing.",
            extra=f"In-Reply-To: {first_id}\r\n",
        )
        self.assertFalse(self._process(reply_all))
        self.assertTrue(
            complaint.message_ids.filtered(lambda m: "One more thing" in (m.body or ""))
        )

    def test_auto_replies_create_nothing(self):
        cases = {
            "auto_submitted": ("Out of the office", "Auto-Submitted: auto-replied\r\n"),
            "x_autoreply": ("Re: your message", "X-Autoreply: yes\r\n"),
            "precedence": ("Holiday", "Precedence: auto_reply\r\n"),
            "chinese_subject": (encoded_word("自动回复: 您的邮件已收到", "gbk"), ""),
            "outlook_subject": ("Automatic reply: Complaint", ""),
        }
        for key, (subject, extra) in cases.items():
            with self.subTest(key):
                self.assertFalse(
                    self._process(self._raw(subject, b"I am away.", extra=extra))
                )
        # a person writing "no" in Auto-Submitted is a person
        self.assertTrue(
            self._process(
                self._raw(
                    "Real complaint", b"Please help.", extra="Auto-Submitted: no\r\n"
                )
            )
        )

    def test_bounce_creates_nothing(self):
        bounce = (
            "From: Mail Delivery System <MAILER-DAEMON@mx.example.cn>\r\n"
            f"To: {ALIAS_TO}\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            f"Message-ID: {self._msg_id()}\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status;"
            ' boundary="B1"\r\n'
            "\r\n--B1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
            "This is the mail system. Your message could not be delivered.\r\n"
            "--B1\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.example.cn\r\n\r\n"
            "Final-Recipient: rfc822; nobody@example.cn\r\n"
            "Action: failed\r\nStatus: 5.1.1\r\n"
            "--B1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            "Message-ID: <unknown@example.cn>\r\nSubject: hello\r\n"
            "--B1--\r\n"
        ).encode("ascii")
        self.assertFalse(self._process(bounce))

    def test_empty_and_huge_bodies(self):
        empty = self._process(self._raw("Call me back", b""))
        self.assertEqual(empty.description, "Call me back")
        nothing = self._process(
            "From: client@example.cn\r\nTo: complaints@test.mycompany.com\r\n"
            f"Message-ID: {self._msg_id()}\r\n\r\n".encode("ascii")
        )
        self.assertEqual(len(nothing), 1)
        self.assertTrue(nothing.description)

        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.description_max_chars", "5000"
        )
        text = "交易系统故障导致损失。" * 3000  # 33,000 characters
        huge = self._process(self._raw("Huge", text.encode("utf-8")))
        self.assertLess(len(huge.description), 5300)
        self.assertTrue(huge.description.startswith("交易系统故障导致损失。"))
        self.assertIn("5000", huge.description)
        # nothing is lost: the whole mail is in the history
        incoming = huge.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(incoming), 1)
        self.assertEqual(
            html2plaintext(incoming.body).count("交易系统故障导致损失。"), 3000
        )

    def test_acknowledgement_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["huatai_complaints"], ["zh_CN"], overwrite=True
        )
        with self.mock_mail_gateway():
            complaint = self._process(
                self._raw(encoded_word("账户问题", "utf-8"), "请处理".encode())
            )
        self.assertEqual(complaint.complainant_lang, "zh_CN")
        ack = self._new_mails.filtered(lambda m: complaint.name in (m.subject or ""))
        self.assertEqual(len(ack), 1)
        self.assertIn("我们已收到您的投诉", ack.subject)
        self.assertIn("客户服务中心", ack.body_html)

    def test_whistleblower_acknowledged_without_contact(self):
        compliance = self.env.ref("huatai_complaints.unit_compliance")
        partners_before = self.env["res.partner"].search_count([])
        with self.mock_mail_gateway():
            complaint = self.Complaint.create(
                {
                    "channel": "email",
                    "category_id": self.category_whistle.id,
                    "accepting_unit_id": compliance.id,
                    "complainant_name": "Anonymous",
                    "complainant_email": "reporter@example.cn",
                    "description": "A broker trades on clients' accounts.",
                }
            )
            # registering never waits for the mail: a job sends it next
            self.assertTrue(complaint.sudo().acknowledgement_pending)
            self.assertFalse(
                self._new_mails.filtered(lambda m: complaint.name in (m.subject or ""))
            )
            self.Complaint._cron_send_acknowledgements()
        self.assertFalse(complaint.sudo().acknowledgement_pending)
        # the acknowledgement clock stops: the reporter was told by email
        self.assertTrue(complaint.sudo().acknowledged_date)
        self.assertEqual(complaint.sudo().acknowledgement_method, "email")
        self.assertFalse(complaint.partner_id)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        ack = self._new_mails.filtered(lambda m: complaint.name in (m.subject or ""))
        self.assertEqual(len(ack), 1)
        self.assertEqual(ack.email_to, "reporter@example.cn")
        self.assertFalse(ack.recipient_ids)
        # nobody outside Compliance follows the report
        self.assertFalse(
            complaint.message_partner_ids
            - self.env.ref(
                "huatai_complaints.group_complaint_compliance"
            ).users.partner_id
        )

    def test_failed_acknowledgement_keeps_the_complaint(self):
        def broken(complaint, template, email):
            raise UserError(complaint.env._("mail server configuration missing"))

        Complaint = self.registry["huatai.complaint"]
        with (
            patch.object(Complaint, "_send_acknowledgement_mail", broken),
            mute_logger(
                "odoo.addons.huatai_complaints.models.huatai_complaint_acknowledgement"
            ),
        ):
            complaint = self._process(self._raw("Still registered", b"Please help."))
        self.assertEqual(len(complaint), 1)
        self.assertTrue(
            complaint.message_ids.filtered(
                lambda m: "could not be sent" in (m.body or "")
            )
        )
        # not told: the acknowledgement clock runs on for the staff
        self.assertFalse(complaint.acknowledged_date)
        self.assertEqual(complaint.deadline_clock, "acknowledgement")
        # the client's mail itself is kept
        self.assertTrue(
            complaint.message_ids.filtered(lambda m: m.message_type == "email")
        )

    def test_complainant_lang_only_installed_languages(self):
        partner = self.env["res.partner"].create(
            {"name": "Client", "email": "lang.client@example.cn", "lang": "en_US"}
        )
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.complainant_lang", "xx_XX"
        )
        complaint = self._create_complaint(partner_id=partner.id)
        self.assertEqual(complaint.complainant_lang, "en_US")

    def test_whistleblowing_mail_stays_confidential(self):
        compliance_user = new_test_user(
            self.env,
            login="t_mail_compliance",
            groups="huatai_complaints.group_complaint_compliance",
        )
        self.alias.alias_defaults = str(
            {"channel": "email", "category_id": self.category_whistle.id}
        )
        raw = self._raw_8bit(
            "举报：营业部员工代客操作", "员工陶喆用客户账户交易。", from_name="知情人"
        )
        complaint = self._process(raw)
        self.assertEqual(len(complaint), 1)
        self.assertTrue(complaint.is_confidential)
        self.assertFalse(complaint.partner_id)
        self.assertEqual(complaint.complainant_name, "知情人")
        original = self._originals(complaint)
        self.assertEqual(original.raw, raw)
        # the original follows the report: Compliance reads it, nobody else
        self.assertEqual(original.with_user(compliance_user).raw, raw)
        with self.assertRaises(AccessError):
            original.with_user(self.user_csc_manager).read(["raw"])
        self.assertFalse(
            complaint.message_partner_ids
            - self.env.ref(
                "huatai_complaints.group_complaint_compliance"
            ).users.partner_id
        )
