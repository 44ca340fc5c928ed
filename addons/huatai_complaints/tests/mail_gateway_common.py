"""What the mail gateway tests share: real RFC 822 messages built and fed
through the gateway to the complaints alias."""

from odoo.addons.mail.tests.common import MailCommon

from .intake_common import ComplaintIntakeMixin, b64_lines

ALIAS_TO = "complaints@test.mycompany.com"


class MailGatewayCase(ComplaintIntakeMixin, MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_intake_data()
        cls.alias = cls.env.ref("huatai_complaints.mail_alias_complaints")
        cls.alias.alias_domain_id = cls.mail_alias_domain
        cls.Complaint = cls.env["huatai.complaint"]
        cls._msg_counter = 0

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
