"""Complaints received by email: real RFC 822 messages through the gateway."""

import base64
from unittest.mock import patch
from urllib.parse import quote

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import html2plaintext, mute_logger

from odoo.addons.mail.tests.common import MailCommon

from .intake_common import ComplaintIntakeMixin, b64_lines, encoded_word

ALIAS_TO = "complaints@test.mycompany.com"


@tagged("post_install", "-at_install", "huatai_intake")
class TestComplaintMailGateway(ComplaintIntakeMixin, MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_intake_data()
        cls.alias = cls.env.ref("huatai_complaints.mail_alias_complaints")
        cls.alias.alias_domain_id = cls.mail_alias_domain
        cls.Complaint = cls.env["huatai.complaint"]
        cls._msg_counter = 0

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _msg_id(self):
        type(self)._msg_counter += 1
        return f"<huatai-test-{self._msg_counter}-{id(self)}@mail.example.cn>"

    def _raw(
        self,
        subject,
        body_bytes=b"",
        charset="utf-8",
        content_type="text/plain",
        email_from="=?utf-8?B?5byg5LiJ?= <zhang.san@example.cn>",
        to=ALIAS_TO,
        extra="",
        msg_id=None,
        cte="base64",
    ):
        """A single-part message exactly as a mail client sends it."""
        body = b64_lines(body_bytes) if cte == "base64" else body_bytes.decode("ascii")
        return (
            f"From: {email_from}\r\n"
            f"To: {to}\r\n"
            f"Subject: {subject}\r\n"
            f"Date: Mon, 02 Mar 2026 09:30:00 +0800\r\n"
            f"Message-ID: {msg_id or self._msg_id()}\r\n"
            f"MIME-Version: 1.0\r\n"
            f"{extra}"
            f"Content-Type: {content_type}; charset={charset}\r\n"
            f"Content-Transfer-Encoding: {cte}\r\n"
            f"\r\n{body}\r\n"
        ).encode("ascii")

    def _process(self, raw):
        """Feed the mail to the gateway as the mail fetcher does."""
        before = self.Complaint.search([]).ids
        self.env["mail.thread"].sudo().message_process(None, raw)
        # the acknowledgement job runs right after the mail is stored
        self.Complaint._cron_send_acknowledgements()
        return self.Complaint.search([("id", "not in", before)])

    def _files(self, complaint):
        """The files of the complaint but the kept original of its mails."""
        return self.env["ir.attachment"].search(
            [
                ("res_model", "=", "huatai.complaint"),
                ("res_id", "=", complaint.id),
                ("name", "!=", "original.eml"),
            ]
        )

    def _originals(self, complaint):
        return self.env["ir.attachment"].search(
            [
                ("res_model", "=", "huatai.complaint"),
                ("res_id", "=", complaint.id),
                ("name", "=", "original.eml"),
            ],
            order="id",
        )

    def _multipart(self, parts, subject="=?utf-8?B?5oqV6K+J?=", extra=""):
        boundary = "----=_Part_12345_67890.1700000000000"
        body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts)
        return (
            f"From: =?utf-8?B?5byg5LiJ?= <zhang.san@example.cn>\r\n"
            f"To: {ALIAS_TO}\r\n"
            f"Subject: {subject}\r\n"
            f"Message-ID: {self._msg_id()}\r\n"
            f"MIME-Version: 1.0\r\n{extra}"
            f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n'
            f"\r\n{body}--{boundary}--\r\n"
        ).encode("ascii")

    # ------------------------------------------------------------------
    # tests
    # ------------------------------------------------------------------
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

    def test_chinese_encodings(self):
        """Subjects and bodies in GB2312, GBK (labelled GB2312 or GBK) and
        GB18030 are read without losing a character."""
        cases = [
            # (label used in the mail, codec that wrote the bytes, text)
            ("gb2312", "gb2312", "账户资金被冻结，要求解释"),
            # 镕 and 喆 are not in GB2312: mail clients send GBK labelled GB2312
            ("gb2312", "gbk", "客户朱镕基、陶喆反映营业部服务态度差"),
            ("GBK", "gbk", "营业部空调坏了，环境很差（GBK）"),
            # 𠮷 only exists in GB18030 (four bytes)
            ("gb18030", "gb18030", "客户𠮷田先生投诉交易系统故障"),
        ]
        for label, codec, text in cases:
            with self.subTest(label=label, codec=codec):
                encoded = base64.b64encode(text.encode(codec)).decode()
                subject_word = f"=?{label}?B?{encoded}?="
                body = f"{text}\n联系电话：13900001111".encode(codec)
                complaint = self._process(self._raw(subject_word, body, charset=label))
                self.assertEqual(len(complaint), 1)
                self.assertEqual(complaint.subject, text)
                self.assertIn(text, complaint.description)
                self.assertIn("13900001111", complaint.description)
                self.assertNotIn("\ufffd", complaint.description)

    def test_quoted_printable_gbk_from_name(self):
        complaint = self._process(
            self._raw(
                encoded_word("服务投诉", "gbk", "Q"),
                "请回电。".encode("gbk"),
                charset="gbk",
                # GBK bytes under a GB2312 label, as Foxmail writes them
                email_from="=?gb2312?B?{}?= <ouyang@example.cn>".format(
                    base64.b64encode("欧阳喆".encode("gbk")).decode()
                ),
            )
        )
        self.assertEqual(complaint.subject, "服务投诉")
        self.assertEqual(complaint.complainant_name, "欧阳喆")

    def test_html_only_mail(self):
        html = (
            "<html><body><div style='font-family:宋体'><p>尊敬的华泰证券：</p>"
            "<p>我于<b>3月1日</b>委托卖出，系统<span>一直显示</span>处理中。</p>"
            "<script>alert(1)</script></div></body></html>"
        )
        complaint = self._process(
            self._raw(
                "=?utf-8?B?5Lqk5piT57O757uf5pWF6Zqc?=",
                html.encode("utf-8"),
                content_type="text/html",
            )
        )
        self.assertEqual(complaint.subject, "交易系统故障")
        self.assertIn("3月1日", complaint.description)
        self.assertIn("一直显示", complaint.description)
        self.assertNotIn("<", complaint.description)
        self.assertNotIn("alert", complaint.description)

    def test_attachments_with_chinese_names(self):
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
        jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
        name_2231 = "交易记录.pdf"
        name_2047 = "截图.jpg"
        word_2047 = encoded_word(name_2047, "gb2312")
        parts = [
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
            + b64_lines("附件是交易记录和截图。".encode()),
            # RFC 2231 (Thunderbird, Apple Mail, Gmail)
            "Content-Type: application/pdf\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            f"Content-Disposition: attachment; filename*=UTF-8''{quote(name_2231)}\r\n"
            "\r\n" + b64_lines(pdf),
            # RFC 2047 in a quoted parameter, GB2312 (Outlook, Foxmail)
            f'Content-Type: image/jpeg; name="{word_2047}"\r\n'
            "Content-Transfer-Encoding: base64\r\n"
            f'Content-Disposition: attachment; filename="{word_2047}"\r\n'
            "\r\n" + b64_lines(jpeg),
        ]
        complaint = self._process(self._multipart(parts))
        attachments = self._files(complaint)
        self.assertEqual(
            sorted(attachments.mapped("name")), sorted([name_2231, name_2047])
        )
        pdf_attachment = attachments.filtered(lambda a: a.name == name_2231)
        self.assertEqual(pdf_attachment.raw, pdf)
        self.assertIn("交易记录", complaint.description)

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

    def test_malformed_mime_still_registered(self):
        cases = {
            # the closing boundary never comes
            "unterminated": (
                "From: client@example.cn\r\nTo: complaints@test.mycompany.com\r\n"
                f"Subject: Broken\r\nMessage-ID: {self._msg_id()}\r\n"
                "MIME-Version: 1.0\r\n"
                'Content-Type: multipart/mixed; boundary="XYZ"\r\n\r\n'
                "--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                "Text before the cut.\r\n--XYZ\r\nContent-Type: application/pdf\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK%%%"
            ),
            # a charset nobody knows
            "unknown_charset": (
                "From: client@example.cn\r\nTo: complaints@test.mycompany.com\r\n"
                f"Subject: Odd charset\r\nMessage-ID: {self._msg_id()}\r\n"
                "Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n"
                "Text before the cut.\r\n"
            ),
            # broken base64 in the body
            "bad_base64": (
                "From: client@example.cn\r\nTo: complaints@test.mycompany.com\r\n"
                f"Subject: Bad base64\r\nMessage-ID: {self._msg_id()}\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n"
                + base64.b64encode(b"Text before the cut.").decode()[:-3]
                + "!!\r\n"
            ),
            # multipart without boundary parameter
            "no_boundary": (
                "From: client@example.cn\r\nTo: complaints@test.mycompany.com\r\n"
                f"Subject: No boundary\r\nMessage-ID: {self._msg_id()}\r\n"
                "Content-Type: multipart/mixed\r\n\r\nText before the cut.\r\n"
            ),
        }
        for key, raw in cases.items():
            with (
                self.subTest(key),
                mute_logger("odoo.addons.huatai_complaints.models.mail_thread"),
            ):
                complaint = self._process(raw.encode("ascii"))
                self.assertEqual(len(complaint), 1)
                self.assertEqual(complaint.complainant_email, "client@example.cn")
                self.assertTrue(complaint.description)

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

    # ------------------------------------------------------------------
    # 8-bit mails that do not say their charset (issue #11, item 15)
    # ------------------------------------------------------------------
    def _raw_8bit(
        self,
        subject,
        body,
        from_name="欧阳喆",
        codec="gbk",
        content_type="Content-Type: text/plain\r\n",
        extra="",
    ):
        """A mail written as bytes of ``codec`` from end to end: raw 8-bit
        ``Subject:`` and display name (no RFC 2047), 8-bit body."""
        return (
            f'From: "{from_name}" <ouyang.zhe@example.cn>\r\n'
            f"To: {ALIAS_TO}\r\n"
            f"Subject: {subject}\r\n"
            f"Message-ID: {self._msg_id()}\r\n"
            "MIME-Version: 1.0\r\n"
            f"{extra}{content_type}"
            "Content-Transfer-Encoding: 8bit\r\n"
            f"\r\n{body}\r\n"
        ).encode(codec)

    def test_gbk_mail_without_charset_decoded_and_kept(self):
        subject = "投诉：客户经理朱镕基未做风险测评"
        body = "账户资金被冻结，请陶喆经理回电。电话13900001111"
        raw = self._raw_8bit(subject, body)
        complaint = self._process(raw)
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.subject, subject)
        self.assertEqual(complaint.complainant_name, "欧阳喆")
        self.assertEqual(complaint.complainant_email, "ouyang.zhe@example.cn")
        self.assertIn(body, complaint.description)
        self.assertEqual(complaint.partner_id.name, "欧阳喆")
        incoming = complaint.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(incoming.subject, subject)
        self.assertIn("陶喆", incoming.body)
        for text in (complaint.subject, complaint.description, incoming.body):
            self.assertNotIn("\ufffd", text)
        # the mail is kept byte for byte, with the complaint, for the staff
        original = self._originals(complaint)
        self.assertEqual(len(original), 1)
        self.assertEqual(original.raw, raw)
        self.assertEqual(original.mimetype, "message/rfc822")
        self.assertFalse(original.res_field)
        # not a file of the message the complainant reads in the portal
        self.assertFalse(complaint.message_ids.attachment_ids & original)
        self.assertFalse(self._files(complaint))

    def test_unusable_charset_labels_read_by_detection(self):
        text = "营业部空调坏了，朱镕基、陶喆投诉环境很差"
        cases = {
            "no charset": ("gbk", "Content-Type: text/plain\r\n"),
            "no content type": ("gbk", ""),
            "unknown charset": ("gbk", "Content-Type: text/plain; charset=x-gbk-2\r\n"),
            "ascii label": ("gbk", "Content-Type: text/plain; charset=us-ascii\r\n"),
            "html, no charset": ("gb18030", "Content-Type: text/html\r\n"),
            "utf-8, no charset": ("utf-8", "Content-Type: text/plain\r\n"),
            "utf-8, unknown charset": (
                "utf-8",
                "Content-Type: text/plain; charset=unknown-8bit\r\n",
            ),
        }
        for key, (codec, content_type) in cases.items():
            with (
                self.subTest(key),
                mute_logger("odoo.addons.huatai_complaints.models.mail_thread"),
            ):
                raw = self._raw_8bit(
                    f"环境投诉（{key}）", text, codec=codec, content_type=content_type
                )
                complaint = self._process(raw)
                self.assertEqual(len(complaint), 1)
                self.assertEqual(complaint.subject, f"环境投诉（{key}）")
                self.assertEqual(complaint.complainant_name, "欧阳喆")
                self.assertIn(text, complaint.description)
                self.assertNotIn("\ufffd", complaint.description)
                self.assertEqual(self._originals(complaint).raw, raw)

    def test_raw_gbk_attachment_name_decoded(self):
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
        raw = self._multipart(
            [
                "Content-Type: text/plain; charset=utf-8\r\n\r\nSee the file.",
                "Content-Type: application/pdf\r\n"
                "Content-Transfer-Encoding: base64\r\n"
                'Content-Disposition: attachment; filename="FILENAME"\r\n'
                "\r\n" + b64_lines(pdf),
            ]
        ).replace(b"FILENAME", "交易记录（镕）.pdf".encode("gbk"))
        complaint = self._process(raw)
        self.assertEqual(self._files(complaint).mapped("name"), ["交易记录（镕）.pdf"])
        self.assertEqual(self._originals(complaint).raw, raw)

    def test_reply_in_gbk_appended_and_kept(self):
        first_id = self._msg_id()
        complaint = self._process(
            self._raw("First complaint", b"My order was not executed.", msg_id=first_id)
        )
        reply = self._raw_8bit(
            "回复：补充材料",
            "补充：委托编号 2026030100123，经办人陶喆。",
            extra=f"In-Reply-To: {first_id}\r\nReferences: {first_id}\r\n",
        )
        self.assertFalse(self._process(reply), "a reply must not open a complaint")
        appended = complaint.message_ids.filtered(
            lambda m: "2026030100123" in (m.body or "")
        )
        self.assertEqual(len(appended), 1)
        self.assertIn("经办人陶喆", appended.body)
        self.assertEqual(appended.subject, "回复：补充材料")
        originals = self._originals(complaint)
        self.assertEqual(len(originals), 2)
        self.assertEqual(originals[-1].raw, reply)
        self.assertFalse(appended.attachment_ids)

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
