from dateutil.relativedelta import relativedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestRetention(ComplaintCase):
    """SPEC §11: files and personal data are kept for the retention period
    after closing (20 years by default), then erased; the figures stay."""

    def _with_history(self, complaint):
        """A complainant's email with a file, and a tracked phone change."""
        tracked = complaint.with_context(tracking_disable=False, mail_notrack=False)
        tracked.complainant_phone = "13900000000"
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked.message_post(
            body="<p>本人张三，身份证号 320102199001011234</p>",
            message_type="email",
            email_from="zhangsan@example.com",
            attachments=[("对账单.pdf", b"%PDF-1.4 statement")],
        )
        self._attach(complaint)
        return complaint

    def test_retention_end_follows_the_setting(self):
        complaint = self._closed_years_ago(3)
        closed = complaint.closed_date.date()
        self.assertEqual(complaint.retention_end_date, closed + relativedelta(years=20))
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.retention_years", "30"
        )
        complaint.invalidate_recordset(["retention_end_date"])
        self.assertEqual(complaint.retention_end_date, closed + relativedelta(years=30))
        # an open complaint has no end yet
        self.assertFalse(self._make(self.nanjing).retention_end_date)

    def test_expired_records_are_erased_and_figures_kept(self):
        old = self._with_history(
            self._closed_years_ago(
                21,
                partner_id=self.env["res.partner"].create({"name": "张三"}).id,
                complainant_email="zhangsan@example.com",
                client_account="3100012345",
                complainant_id_number="320102199001011234",
                demand="要求营业部书面道歉",
            )
        )
        recent = self._with_history(self._closed_years_ago(19))
        old_values = old.read(
            ["category_id", "accepting_unit_id", "received_date", "channel"]
        )[0]

        erased = self.Complaint._cron_erase_expired_records()

        self.assertEqual(erased, old)
        self.assertTrue(old.records_erased_date)
        self.assertEqual(old.complainant_name, "(erased)")
        self.assertFalse(
            old.partner_id
            or old.complainant_phone
            or old.complainant_email
            or old.client_account
            or old.complainant_id_number
            or old.demand
        )
        self.assertNotIn("张三", old.description)
        Attachment = self.env["ir.attachment"]
        domain = [("res_model", "=", "huatai.complaint")]
        self.assertFalse(Attachment.search(domain + [("res_id", "=", old.id)]))
        bodies = " ".join(old.message_ids.mapped("body"))
        self.assertNotIn("320102199001011234", bodies)
        self.assertIn("20", old.message_ids[0].body)  # the note says why
        self.assertFalse(
            old.message_ids.tracking_value_ids.filtered(
                lambda t: t.field_id.name == "complainant_phone"
            )
        )
        # the figures stay for the statistics
        self.assertEqual(
            old.read(["category_id", "accepting_unit_id", "received_date", "channel"])[
                0
            ],
            old_values,
        )
        self.assertEqual(old.stage_id, self.stage["rejected"])
        # within the retention period nothing is touched
        self.assertFalse(recent.records_erased_date)
        self.assertEqual(recent.complainant_phone, "13900000000")
        self.assertEqual(
            len(Attachment.search(domain + [("res_id", "=", recent.id)])), 2
        )
        # a second run finds nothing more to erase
        self.assertFalse(self.Complaint._cron_erase_expired_records())

    def test_a_longer_period_keeps_them(self):
        old = self._closed_years_ago(21)
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.retention_years", "25"
        )
        self.assertFalse(self.Complaint._cron_erase_expired_records())
        self.assertEqual(old.complainant_name, "张三")
        # below the legal minimum the parameter counts as 20 years
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.retention_years", "5"
        )
        self.assertFalse(self._closed_years_ago(19)._retention_ended())
        self.assertEqual(self.Complaint._cron_erase_expired_records(), old)

    def test_large_backlog_is_erased_in_batches(self):
        complaints = self._closed_years_ago(22) | self._closed_years_ago(21)
        cron = self.env.ref("huatai_complaints.ir_cron_complaint_retention")
        first = self.Complaint._cron_erase_expired_records(batch=1)
        self.assertEqual(len(first), 1)
        # the job runs again at once for the rest
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        second = self.Complaint._cron_erase_expired_records(batch=1)
        self.assertEqual(first | second, complaints)

    def test_files_deleted_only_after_the_retention_period(self):
        old = self._closed_years_ago(21)
        recent = self._closed_years_ago(2)
        old_file = self._attach(old)
        recent_file = self._attach(recent)
        # staff never delete complaint files
        with self.assertRaises(UserError):
            old_file.with_user(self.staff_nanjing).unlink()
        # an administrator may once the period has ended, not before
        with self.assertRaises(UserError):
            recent_file.with_user(self.admin_user).unlink()
        self.assertTrue(recent_file.exists())
        old_file.with_user(self.admin_user).unlink()
        self.assertFalse(old_file.exists())

    def test_erased_complaint_stays_readable_to_its_unit(self):
        old = self._closed_years_ago(21)
        old._erase_personal_records()
        mine = self.Complaint.with_user(self.staff_nanjing).browse(old.id)
        self.assertEqual(mine.complainant_name, "(erased)")
        self.assertTrue(mine.records_erased_date)
        self.assertEqual(mine.accepting_unit_id, self.nanjing)
