"""The reply wizard's "send by email": the complainant gets the reply, or the
staff member is told why it cannot be sent — never a silent no-op."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCommon

from .intake_common import ComplaintIntakeMixin

REPLY = "<p>经核查，已为您退还多收的佣金。</p>"


@tagged("post_install", "-at_install", "huatai_intake")
class TestReplyByEmail(ComplaintIntakeMixin, MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_intake_data()
        cls.Partner = cls.env["res.partner"]

    def _reply(self, complaint, user=None, send_email=True, lang="en_US"):
        wizard = (
            self.env["huatai.complaint.reply.wizard"]
            .with_user(user or self.user_csc_agent)
            .with_context(lang=lang)
            .create(
                {
                    "complaint_id": complaint.id,
                    "reply_text": REPLY,
                    "reply_method": "email",
                    "send_email": send_email,
                }
            )
        )
        with self.mock_mail_gateway():
            wizard.action_record_reply()

    def _mails_to(self, email):
        return self._new_mails.filtered(
            lambda m: (
                (m.subject or "").startswith("Reply to your complaint")
                and (
                    email in (m.email_to or "")
                    or email in m.recipient_ids.mapped("email_normalized")
                )
            )
        )

    def test_reply_reaches_a_complainant_without_contact(self):
        complaint = self._create_complaint(complainant_email="old.client@example.cn")
        known = complaint.partner_id
        self.assertTrue(known)
        # staff unlinked the contact: the contact of the address is found again
        complaint.partner_id = False
        self._reply(complaint)
        self.assertEqual(complaint.partner_id, known)
        self.assertEqual(complaint.stage_state, "replied")
        mail = self._mails_to("old.client@example.cn")
        self.assertEqual(len(mail), 1)
        self.assertIn("退还多收的佣金", mail.body_html)
        self.assertEqual(mail.subject, f"Reply to your complaint {complaint.name}")
        self.assertIn(known, complaint.message_partner_ids)
        public = complaint.message_ids.filtered(
            lambda m: (
                m.subtype_id == self.env.ref("mail.mt_comment")
                and "退还多收的佣金" in m.body
            )
        )
        self.assertEqual(public.partner_ids, known)

    def test_reply_creates_the_contact_of_a_new_address(self):
        complaint = self._create_complaint(complainant_email=False)
        complaint.write(
            {"partner_id": False, "complainant_email": "Zhang.Wei@Example.cn"}
        )
        self.assertFalse(
            self.Partner.search([("email_normalized", "=", "zhang.wei@example.cn")])
        )
        self._reply(complaint)
        contact = complaint.partner_id
        self.assertEqual(contact.email_normalized, "zhang.wei@example.cn")
        self.assertEqual(contact.name, "Zhang Wei")
        self.assertEqual(len(self._mails_to("zhang.wei@example.cn")), 1)

    def test_contact_without_email_gets_a_plain_mail(self):
        complaint = self._create_complaint(complainant_email=False)
        self.assertFalse(complaint.partner_id.email)
        complaint.complainant_email = "later@example.cn"
        self._reply(complaint)
        mail = self._mails_to("later@example.cn")
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, "later@example.cn")
        self.assertIn(
            "later@example.cn",
            complaint.message_ids.filtered(lambda m: m.subtype_id.internal)[:1].body,
        )

    def test_no_email_address_refused_and_nothing_recorded(self):
        complaint = self._create_complaint(complainant_email=False)
        complaint.partner_id = False
        stage = complaint.stage_id
        messages = complaint.message_ids
        with self.assertRaises(UserError) as caught:
            self._reply(complaint)
        self.assertIn("no valid email address", str(caught.exception))
        self.assertIn(complaint.name, str(caught.exception))
        self.assertFalse(complaint.replied_date)
        self.assertFalse(complaint.reply_text)
        self.assertEqual(complaint.stage_id, stage)
        self.assertEqual(complaint.message_ids, messages)
        self.assertFalse(complaint.activity_ids)
        self.assertFalse(self._new_mails)
        # without sending, the reply is recorded
        self._reply(complaint, send_email=False)
        self.assertEqual(complaint.stage_state, "replied")

    def test_the_refusal_is_translated(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search(
            [("name", "=", "huatai_complaints")]
        )._update_translations(["zh_CN"])
        complaint = self._create_complaint(complainant_email=False)
        complaint.partner_id = False
        with self.assertRaises(UserError) as caught:
            self._reply(complaint, lang="zh_CN")
        self.assertIn("电子邮件", str(caught.exception))

    def test_whistleblower_reply_without_contact(self):
        compliance = self.env["res.users"].create(
            {
                "name": "Compliance Officer",
                "login": "t_reply_compliance",
                "email": "compliance@example.com",
                "groups_id": [
                    (4, self.env.ref("huatai_complaints.group_complaint_compliance").id)
                ],
            }
        )
        report = self._create_complaint(
            category_id=self.category_whistle.id,
            complainant_email="reporter@example.cn",
        )
        self.assertFalse(report.partner_id)
        report._give_compliance_opinion("同意答复举报人")
        contacts = self.Partner.search_count([])
        self._reply(report, user=compliance)
        self.assertFalse(report.partner_id, "a whistleblower gets no contact")
        self.assertEqual(self.Partner.search_count([]), contacts)
        mail = self._mails_to("reporter@example.cn")
        self.assertEqual(len(mail), 1)
        self.assertFalse(mail.recipient_ids)
        self.assertFalse(report.message_partner_ids - compliance.partner_id)
