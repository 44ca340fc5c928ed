"""Printed documents (issue 15): the registration form (投诉登记表) and the
reply letter (答复函) on the firm's letterhead, in Chinese, printed by the
staff who may read the complaint, sent with the reply email."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ComplaintCase, give_required_reviews

REGISTRATION = "huatai_complaints.huatai_complaint_report_registration"
LETTER = "huatai_complaints.huatai_complaint_report_reply_letter"


@tagged("post_install", "-at_install")
class TestComplaintDocuments(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["huatai_complaints"], ["zh_CN"], overwrite=True
        )
        cls.env.company.write(
            {"name": "华泰证券股份有限公司", "street": "南京市建邺区江东中路228号"}
        )
        cls.complaint = cls._make(
            cls.nanjing,
            complainant_name="王小明",
            client_account="310000888888",
            demand="退还多收的佣金",
            respondent_name="李四",
        )
        cls.report = cls._make(cls.nanjing, category_id=cls.category_whistleblowing.id)

    def _html(self, xmlid, complaint, user):
        html, kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(xmlid, complaint.ids)
        )
        self.assertEqual(kind, "html")
        return html.decode()

    def _reply(self, complaint, user, **values):
        give_required_reviews(complaint)
        wizard = (
            self.env["huatai.complaint.reply.wizard"]
            .with_user(user)
            .create(
                {
                    "complaint_id": complaint.id,
                    "reply_text": "<p>经核查，多收佣金已于3月20日退还。</p>",
                    "reply_method": "letter",
                    **values,
                }
            )
        )
        wizard.action_record_reply()
        return wizard

    def test_registration_form_in_chinese(self):
        html = self._html(REGISTRATION, self.complaint, self.staff_nanjing)
        for text in (
            "客户投诉登记表",
            self.complaint.name,
            "王小明",
            "310000888888",
            "退还多收的佣金",
            "李四",
            "南京鼓楼营业部",
            "投诉人签字",
            "华泰证券股份有限公司",
        ):
            self.assertIn(text, html)

    def test_reply_letter_on_the_letterhead(self):
        with self.assertRaisesRegex(UserError, self.complaint.name):
            self._html(LETTER, self.complaint, self.staff_nanjing)
        self._reply(self.complaint, self.staff_nanjing)
        html = self._html(LETTER, self.complaint, self.staff_nanjing)
        for text in (
            "答复函",
            "华泰证券股份有限公司",
            "南京市建邺区江东中路228号",
            self.complaint.name,
            "王小明",
            "经核查，多收佣金已于3月20日退还。",
            "（盖章）",
        ):
            self.assertIn(text, html)

    def test_pdf_when_the_engine_is_installed(self):
        Report = self.env["ir.actions.report"]
        if Report.get_wkhtmltopdf_state() != "ok":
            self.skipTest("wkhtmltopdf is not installed")
        pdf, kind = (
            Report.with_user(self.staff_nanjing)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REGISTRATION, self.complaint.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_a_report_is_printed_by_compliance_only(self):
        html = self._html(REGISTRATION, self.report, self.compliance_user)
        self.assertIn(self.report.name, html)
        for user in (self.staff_nanjing, self.head_jiangsu, self.hq_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._html(REGISTRATION, self.report, user)

    def test_other_units_and_portal_users_print_nothing(self):
        with self.assertRaises(AccessError):
            self._html(REGISTRATION, self.complaint, self.staff_hangzhou)
        portal = new_test_user(
            self.env, login="t_portal_doc", groups="base.group_portal"
        )
        self.complaint.partner_id = portal.partner_id
        with self.assertRaises(AccessError):
            self._html(REGISTRATION, self.complaint, portal)

    def test_the_letter_goes_with_the_reply_email(self):
        self.complaint.complainant_email = "wangxm@example.com"
        self._reply(
            self.complaint,
            self.staff_nanjing,
            reply_method="email",
            send_email=True,
            attach_letter=True,
        )
        letter = self.env["ir.attachment"].search(
            [
                ("res_model", "=", self.complaint._name),
                ("res_id", "=", self.complaint.id),
            ]
        )
        self.assertEqual(len(letter), 1)
        self.assertIn(self.complaint.name, letter.name)
        self.assertIn("经核查", letter.raw.decode())
        message = self.complaint.message_ids.filtered("attachment_ids")
        self.assertEqual(message.attachment_ids, letter)
