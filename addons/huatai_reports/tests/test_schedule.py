import base64
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.huatai_report_schedule import ALLOWED_ADDRESSES_PARAM
from .common import ReportCase

PERSONAL_HEADERS = {
    "Complainant Phone",
    "Complainant Email",
    "Complainant Address",
    "Client Account",
    "ID Number",
}


@tagged("post_install", "-at_install")
class TestScheduledReports(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Schedule = cls.env["huatai.report.schedule"]
        cls.Mail = cls.env["mail.mail"]

    def mails_of(self, schedule):
        return self.Mail.sudo().search(
            [("model", "=", schedule._name), ("res_id", "=", schedule.id)], order="id"
        )

    def workbook_of(self, mail):
        self.assertEqual(len(mail.attachment_ids), 1)
        attachment = mail.attachment_ids
        self.assertTrue(attachment.name.endswith(".xlsx"))
        return self.open_xlsx(base64.b64decode(attachment.datas))

    def allow_addresses(self, value):
        self.env["ir.config_parameter"].set_param(ALLOWED_ADDRESSES_PARAM, value)

    def load_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["huatai_reports"], ["zh_CN"], overwrite=True
        )

    def test_shipped_schedules_and_crons(self):
        monthly = self.env.ref("huatai_reports.schedule_monthly_hq")
        self.assertEqual(monthly.recipient_unit_id, self.retail_hq)
        self.assertEqual(monthly.report_type, "statistics")
        self.assertTrue(self.env.ref("huatai_reports.schedule_quarterly_hq").active)
        self.assertEqual(
            self.env.ref("huatai_reports.schedule_monthly_branches").scope, "branches"
        )
        for xmlid in ("ir_cron_report_monthly", "ir_cron_report_quarterly"):
            cron = self.env.ref(f"huatai_reports.{xmlid}")
            self.assertTrue(cron.active)
            self.assertEqual(cron.interval_type, "months")

    def test_monthly_statistics_to_retail_hq(self):
        self.allow_addresses("archive@example.com, @example.com")
        schedule = self.Schedule.create(
            {
                "name": "Monthly statistics",
                "frequency": "monthly",
                "report_type": "statistics",
                "recipient_unit_id": self.retail_hq.id,
                "email_to": "archive@example.com",
            }
        )
        schedule._send(today=date(2025, 2, 10))
        mail = self.mails_of(schedule)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.hq_user.partner_id)
        self.assertIn("retail@example.com", mail.email_to)
        self.assertIn("archive@example.com", mail.email_to)
        self.assertIn("2025-01-01 ~ 2025-01-31", mail.subject)
        self.assertEqual(schedule.last_period_end, date(2025, 1, 31))
        book = self.workbook_of(mail)
        header, rows = self.sheet_rows(book["By Unit"])
        total = self.as_dicts(header, rows)[-1]
        # January, whole firm, whistleblowing never mailed
        self.assertEqual(total["Complaints"], 4)
        refs_in_january = self.all_2025.filtered(
            lambda c: c.received_date.month == 1 and not c.is_confidential
        )
        self.assertEqual(total["Complaints"], len(refs_in_january))
        # the same period is not mailed twice
        schedule._send(today=date(2025, 2, 20))
        self.assertEqual(len(self.mails_of(schedule)), 1)
        schedule._send(today=date(2025, 3, 3))
        self.assertEqual(len(self.mails_of(schedule)), 2)

    def test_quarterly_branch_summaries_to_their_managers(self):
        schedule = self.Schedule.create(
            {
                "name": "Quarterly branch summary",
                "frequency": "quarterly",
                "report_type": "statistics",
                "scope": "branches",
            }
        )
        schedule._send(today=date(2025, 4, 2))
        mails = self.mails_of(schedule)
        by_partner = {mail.recipient_ids: mail for mail in mails}
        self.assertIn(self.head_jiangsu.partner_id, by_partner)
        self.assertIn(self.head_zhejiang.partner_id, by_partner)
        book = self.workbook_of(by_partner[self.head_zhejiang.partner_id])
        header, rows = self.sheet_rows(book["Statistics"])
        units = {row["Accepting Unit"] for row in self.as_dicts(header, rows)[:-1]}
        self.assertEqual(units, {"杭州营业部"})
        header, rows = self.sheet_rows(book["By Unit"])
        self.assertEqual(rows[0][0], "2025-Q1")
        book = self.workbook_of(by_partner[self.head_jiangsu.partner_id])
        header, rows = self.sheet_rows(book["By Unit"])
        self.assertEqual(self.as_dicts(header, rows)[-1]["Complaints"], 6)

    def test_yearly_summary_and_register(self):
        summary = self.Schedule.create(
            {
                "name": "CSRC summary",
                "frequency": "yearly",
                "report_type": "regulator_summary",
                "recipient_unit_id": self.retail_hq.id,
            }
        )
        summary._send(today=date(2026, 1, 5))
        book = self.workbook_of(self.mails_of(summary))
        header, rows = self.sheet_rows(book.worksheets[0])
        self.assertNotIn("Whistleblowing", header)
        self.assertEqual(self.as_dicts(header, rows)[-1]["Complaints"], 9)
        register = self.Schedule.create(
            {
                "name": "浙江分公司台账",
                "frequency": "monthly",
                "report_type": "register",
                "unit_id": self.zhejiang.id,
                "user_ids": [(6, 0, self.head_zhejiang.ids)],
            }
        )
        register._send(today=date(2025, 2, 3))
        header, rows = self.sheet_rows(
            self.workbook_of(self.mails_of(register)).worksheets[0]
        )
        self.assertEqual([row[0] for row in rows], [self.hangzhou_regulator.name])

    def test_cron_and_recipients(self):
        schedule = self.Schedule.create(
            {
                "name": "Nobody",
                "frequency": "monthly",
                "recipient_unit_id": self.wenzhou.id,
            }
        )
        # a unit without manager or address: nothing sent, no error
        self.assertFalse(schedule._send(today=date(2025, 2, 1)))
        self.Schedule.search([]).active = False
        schedule.active = True
        schedule.recipient_unit_id = self.retail_hq
        schedule.last_period_end = False
        self.Schedule._cron_send_reports("monthly")
        self.assertEqual(len(self.mails_of(schedule)), 1)
        with self.assertRaises(ValidationError):
            schedule.email_to = "not an address"

    def test_schedule_access(self):
        with self.assertRaises(AccessError):
            self.Schedule.with_user(self.head_jiangsu).search([])
        # HQ reads every schedule, the shipped ones included
        self.assertEqual(
            self.Schedule.with_user(self.hq_user).search([]), self.Schedule.search([])
        )
        with self.assertRaises(AccessError):
            self.Schedule.with_user(self.hq_user).create(
                {"name": "x", "frequency": "monthly"}
            )

    # ------------------------------------------------------------------
    # issue 11 #7: what a mailed report holds, who it goes to
    # ------------------------------------------------------------------
    def test_mailed_register_holds_what_its_run_as_user_reads(self):
        """A register is built as its Run As user, not as superuser: no
        whistleblowing report (even run as Compliance) and, unless asked,
        no personal data; the mail itself names nothing of them."""
        personal = {
            "complainant_phone": "13700007007",
            "complainant_email": "canary-mail@example.net",
            "complainant_address": "CANARY-ADDRESS 南京市鼓楼区",
            "complainant_id_number": "320102199001017007",
            "client_account": "CANARY-ACCOUNT-7007",
        }
        ordinary = self._make(self.nanjing, date(2025, 3, 10), **personal)
        self._make(
            self.compliance_unit,
            date(2025, 3, 11),
            category_id=self.cat["whistleblowing"].id,
            complainant_name="CANARY-REPORTER",
            complainant_phone="13900009009",
            description="CANARY-FACTS",
        )
        markers = [
            "CANARY-REPORTER",
            "13900009009",
            "CANARY-FACTS",
            *personal.values(),
        ]
        schedule = self.Schedule.create(
            {
                "name": "March register",
                "frequency": "monthly",
                "report_type": "register",
                "user_id": self.compliance_user.id,
                "user_ids": [(6, 0, self.hq_user.ids)],
            }
        )
        schedule._send(today=date(2025, 4, 2))
        mail = self.mails_of(schedule)
        self.assertEqual(mail.recipient_ids, self.hq_user.partner_id)
        book = self.workbook_of(mail)
        header, rows = self.sheet_rows(book.worksheets[0])
        self.assertFalse(PERSONAL_HEADERS & set(header))
        self.assertIn(ordinary.name, [row[0] for row in rows])
        cells = " ".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
        self.assertIn(self.compliance_user.name, cells, "built as its Run As user")
        for text in (cells, mail.body_html, mail.subject):
            for marker in markers:
                self.assertNotIn(marker, text)

        # asked for, the personal data the Run As user may read is there
        schedule.write({"include_personal_data": True, "user_id": self.hq_user.id})
        schedule._send(today=date(2025, 4, 2), force=True)
        book = self.workbook_of(self.mails_of(schedule)[-1])
        header, rows = self.sheet_rows(book.worksheets[0])
        self.assertLessEqual(PERSONAL_HEADERS, set(header))
        row = next(
            r for r in self.as_dicts(header, rows) if r["Reference"] == ordinary.name
        )
        self.assertEqual(row["Complainant Phone"], "13700007007")
        self.assertEqual(row["ID Number"], "320102199001017007")
        self.assertNotIn("CANARY-REPORTER", str(rows))

    def test_run_as_user_is_hq_or_above(self):
        self.load_chinese()
        Schedule = self.Schedule.with_context(lang="zh_CN")
        vals = {"name": "Register", "frequency": "monthly", "report_type": "register"}
        for user in (self.head_jiangsu, self.staff_nanjing):
            with self.assertRaises(ValidationError) as caught:
                Schedule.create({**vals, "user_id": user.id})
            self.assertIn("总部", str(caught.exception))
        # created by the system: the administrator; by an admin: themselves
        self.assertEqual(
            self.Schedule.create(vals).user_id, self.env.ref("base.user_admin")
        )
        admin = self._user("r_cadmin", "admin", self.hq)
        self.assertEqual(self.Schedule.with_user(admin).create(vals).user_id, admin)
        # a Run As user who lost the rights: the report is not built
        schedule = Schedule.create(
            {
                **vals,
                "user_id": self.hq_user.id,
                "user_ids": [(6, 0, self.head_jiangsu.ids)],
            }
        )
        self.hq_user.active = False
        with self.assertRaises(UserError) as caught:
            schedule.with_user(admin).with_context(lang="zh_CN").action_send_now()
        self.assertIn("总部", str(caught.exception))
        self.assertFalse(self.mails_of(schedule))
        self.assertFalse(schedule.last_period_end)

    def test_recipients_are_complaint_users_or_allowed_addresses(self):
        self.load_chinese()
        Schedule = self.Schedule.with_context(lang="zh_CN")
        vals = {"name": "Register", "frequency": "monthly", "report_type": "register"}
        with self.assertRaises(ValidationError) as caught:
            Schedule.create({**vals, "email_to": "someone@leak.example"})
        self.assertIn("系统管理员", str(caught.exception))
        outsider = self.env["res.users"].create(
            {"name": "No complaints", "login": "r_outsider"}
        )
        with self.assertRaises(ValidationError):
            Schedule.create({**vals, "user_ids": [(6, 0, outsider.ids)]})
        # allowed by a system administrator: a whole domain, or one address
        self.allow_addresses("@bank.example\narchive@example.com")
        schedule = Schedule.create(
            {**vals, "email_to": "A@Bank.example, archive@example.com"}
        )
        # an address allowed no longer, or a unit's own address that is not
        # allowed, is left out; the complaint users still get it
        self.allow_addresses("archive@example.com")
        schedule.recipient_unit_id = self.retail_hq
        schedule._send(today=date(2025, 2, 3))
        mail = self.mails_of(schedule)
        self.assertEqual(mail.recipient_ids, self.hq_user.partner_id)
        self.assertEqual(mail.email_to, "archive@example.com")

    def test_send_now_is_for_complaint_administrators(self):
        self.load_chinese()
        schedule = self.env.ref("huatai_reports.schedule_monthly_hq")
        with self.assertRaises(AccessError):
            schedule.with_user(self.hq_user).with_context(
                lang="zh_CN"
            ).action_send_now()
        self.assertFalse(self.mails_of(schedule))
