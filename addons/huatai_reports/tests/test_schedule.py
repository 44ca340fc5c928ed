import base64
from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import ReportCase


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
        self.assertIn(self.head_a.partner_id, by_partner)
        self.assertIn(self.head_b.partner_id, by_partner)
        book = self.workbook_of(by_partner[self.head_b.partner_id])
        header, rows = self.sheet_rows(book["Statistics"])
        units = {row["Accepting Unit"] for row in self.as_dicts(header, rows)[:-1]}
        self.assertEqual(units, {"Sales Department B1"})
        header, rows = self.sheet_rows(book["By Unit"])
        self.assertEqual(rows[0][0], "2025-Q1")
        book = self.workbook_of(by_partner[self.head_a.partner_id])
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
                "name": "Branch B register",
                "frequency": "monthly",
                "report_type": "register",
                "unit_id": self.branch_b.id,
                "user_ids": [(6, 0, self.head_b.ids)],
            }
        )
        register._send(today=date(2025, 2, 3))
        header, rows = self.sheet_rows(
            self.workbook_of(self.mails_of(register)).worksheets[0]
        )
        self.assertEqual([row[0] for row in rows], [self.b1_regulator.name])

    def test_cron_and_recipients(self):
        schedule = self.Schedule.create(
            {
                "name": "Nobody",
                "frequency": "monthly",
                "recipient_unit_id": self.b2.id,
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
            self.Schedule.with_user(self.head_a).search([])
        self.assertTrue(self.Schedule.with_user(self.hq_user).search([]))
        with self.assertRaises(AccessError):
            self.Schedule.with_user(self.hq_user).create(
                {"name": "x", "frequency": "monthly"}
            )
