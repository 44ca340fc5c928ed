"""Complaints by email in the encodings Chinese mail clients use (GBK,
GB18030, quoted-printable, raw 8-bit, broken MIME)."""

import base64
from urllib.parse import quote

from odoo.tests import tagged
from odoo.tools import mute_logger

from .intake_common import b64_lines, encoded_word
from .mail_gateway_common import MailGatewayCase


@tagged("post_install", "-at_install", "huatai_intake")
class TestComplaintMailEncodings(MailGatewayCase):
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
