"""The acknowledgement clock (受理告知, SPEC §7): the complainant is told
within the policy's working days that the complaint was received — by the
acknowledgement email, or by staff (phone, SMS, in person, letter)."""

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import DeadlineCase, cn, day

DEADLINE_ACTIVITY = "huatai_complaints.mail_activity_type_complaint_deadline"


@tagged("post_install", "-at_install")
class TestAcknowledgementClock(DeadlineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_shipped_rules()

    def _received(self, when="2026-09-30 10:00", **values):
        """A complaint received (and registered) at ``when`` China time, the
        acknowledgement job left to the test."""
        with freeze_time(cn(when)):
            complaint = self.Complaint.with_context(
                huatai_skip_acknowledgement=True
            ).create(
                self._complaint_vals(
                    self.nanjing,
                    received_date=cn(when),
                    user_id=self.staff_nanjing.id,
                    **values,
                )
            )
            self.env.flush_all()
        return complaint

    def _run_job(self, when):
        with freeze_time(cn(when)):
            self.Complaint._cron_update_deadlines()

    def _workday(self, value):
        self.env.cr.execute(
            "SELECT is_working FROM huatai_workday WHERE date = %s", [value]
        )
        return self.env.cr.fetchone()[0]

    def test_deadline_in_working_days_from_the_receipt(self):
        # National Day 2026: 1-7 October off in the holiday table, so one
        # working day after Wednesday 30 September is Thursday 8 October
        self.assertTrue(self._workday("2026-09-30"))
        self.assertFalse(any(self._workday(f"2026-10-0{d}") for d in range(1, 8)))
        self.assertTrue(self._workday("2026-10-08"))
        complaint = self._received()
        self.assertEqual(self.default_policy.acknowledgement_days, 1)
        self.assertEqual(complaint.acknowledgement_deadline, day("2026-10-08"))
        self.assertFalse(complaint.acknowledged_date)
        # the earliest running clock: acknowledgement before acceptance
        self.assertEqual(complaint.accept_deadline, day("2026-10-10"))
        self.assertEqual(complaint.deadline_clock, "acknowledgement")
        self.assertEqual(complaint.next_deadline, day("2026-10-08"))
        self.assertIn("2026-10-08", complaint.deadline_explanation)
        self.assertIn("acknowledgement 1", complaint.deadline_explanation)
        # Friday 25 September 2026 (Mid-Autumn) is off: received the day
        # before, the complainant is told by Monday 28 September
        before = self._received("2026-09-24 16:00")
        self.assertEqual(before.acknowledgement_deadline, day("2026-09-28"))
        # received on a holiday: the clock starts on the next working day
        on_holiday = self._received("2026-10-03 09:00")
        self.assertEqual(on_holiday.acknowledgement_deadline, day("2026-10-09"))

    def test_policy_days_and_open_complaints_follow(self):
        complaint = self._received()
        form = Form(self.default_policy)
        form.acknowledgement_days = 2
        form.save()
        self.assertEqual(complaint.acknowledgement_deadline, day("2026-10-09"))
        with self.assertRaises(ValidationError):
            self.default_policy.acknowledgement_days = 0

    def test_email_complainant_acknowledged_by_the_job(self):
        with freeze_time(cn("2026-09-30 10:00")):
            complaint = self._make(
                self.nanjing,
                received_date=cn("2026-09-30 10:00"),
                complainant_email="client@example.cn",
            )
            self.env.flush_all()
            self.assertTrue(complaint.acknowledgement_pending)
            self.assertFalse(complaint.acknowledged_date)
            self.assertEqual(complaint.deadline_clock, "acknowledgement")
        with freeze_time(cn("2026-09-30 10:05")):
            self.Complaint._cron_send_acknowledgements()
            self.env.flush_all()
        self.assertFalse(complaint.acknowledgement_pending)
        self.assertEqual(complaint.acknowledged_date, cn("2026-09-30 10:05"))
        self.assertEqual(complaint.acknowledgement_method, "email")
        # the clock stopped: the acceptance clock is next
        self.assertEqual(complaint.deadline_clock, "accept")
        self.assertIn("By Email", complaint.deadline_explanation)

    def test_phone_complainant_acknowledged_by_staff(self):
        complaint = self._received(channel="phone")
        # no email address: the job has nothing to send, the clock runs on
        self.assertFalse(complaint.complainant_email)
        complaint._send_acknowledgement()
        self.assertFalse(complaint.acknowledged_date)
        staff_view = complaint.with_user(self.staff_nanjing)
        with freeze_time(cn("2026-10-08 09:30")):
            action = staff_view.action_open_acknowledge_wizard()
            wizard = Form(
                self.env[action["res_model"]]
                .with_user(self.staff_nanjing)
                .with_context(**action["context"])
            )
            wizard.method = "phone"
            wizard.note = "致电客户告知已收到投诉"
            wizard.save().action_acknowledge()
            self.env.flush_all()
        self.assertEqual(complaint.acknowledged_date, cn("2026-10-08 09:30"))
        self.assertEqual(complaint.acknowledgement_method, "phone")
        self.assertEqual(complaint.deadline_clock, "accept")
        self.assertTrue(
            complaint.message_ids.filtered(
                lambda m: "致电客户告知已收到投诉" in (m.body or "")
            )
        )
        # told once: a second record is refused, the first one stays
        with self.assertRaises(UserError):
            staff_view._record_acknowledgement("sms")
        self.assertEqual(complaint.acknowledgement_method, "phone")

    def test_staff_acknowledgement_bad_input(self):
        complaint = self._received(channel="phone")
        staff_view = complaint.with_user(self.staff_nanjing)
        with freeze_time(cn("2026-10-01 09:00")):
            # the email is the job's; an unknown way is refused
            for method in ("email", "fax", False):
                with self.assertRaises(UserError):
                    staff_view._record_acknowledgement(method)
            # not before the receipt, not in the future
            for when in ("2026-09-30 09:00", "2026-10-02 09:00"):
                with self.assertRaises(UserError):
                    staff_view._record_acknowledgement("onsite", when=cn(when))
        self.assertFalse(complaint.acknowledged_date)
        # a finished complaint has nothing to acknowledge
        complaint.write(
            {"rejection_reason": "无效", "stage_id": self.stage["rejected"].id}
        )
        with self.assertRaises(UserError):
            staff_view._record_acknowledgement("letter")
        self.assertFalse(complaint.deadline_clock)

    def test_overdue_and_alerted_when_not_told_in_time(self):
        complaint = self._received(channel="phone")
        # one working day: due soon from the start, the owner gets a to-do
        self.assertEqual(complaint.deadline_state, "due_soon")
        self.assertEqual(complaint.deadline_clock, "acknowledgement")
        self._run_job("2026-09-30 11:00")
        self._run_job("2026-10-08 09:00")
        self.assertEqual(complaint.deadline_state, "due_soon")
        self.assertEqual(len(self._activities(complaint, DEADLINE_ACTIVITY)), 1)
        self._run_job("2026-10-09 09:00")
        self.assertEqual(complaint.deadline_state, "overdue")
        self.assertEqual(complaint.deadline_clock, "acknowledgement")
        activities = self._activities(complaint, DEADLINE_ACTIVITY)
        self.assertEqual(len(activities), 2)
        self.assertEqual(activities.user_id, self.staff_nanjing)
        overdue = activities.filtered(lambda a: "Overdue" in a.summary)
        self.assertIn("Acknowledgement", overdue.summary)
        self.assertEqual(overdue.date_deadline, day("2026-10-08"))
        notice = complaint.message_ids.filtered(
            lambda m: "Overdue" in (m.body or "") and "Acknowledgement" in m.body
        )
        self.assertEqual(notice.notified_partner_ids, self.head_nanjing.partner_id)
        self.assertIn(
            complaint,
            self.Complaint.search(
                [("id", "=", complaint.id), ("deadline_state", "=", "overdue")]
            ),
        )

    def test_no_alert_once_acknowledged(self):
        complaint = self._received(channel="phone")
        with freeze_time(cn("2026-10-08 08:30")):
            complaint._record_acknowledgement("sms")
            self.env.flush_all()
        self._run_job("2026-10-08 09:00")
        self._run_job("2026-10-09 09:00")
        # the acceptance clock runs now (due Saturday 10 October)
        self.assertEqual(complaint.deadline_clock, "accept")
        self.assertEqual(complaint.deadline_state, "due_soon")
        summaries = self._activities(complaint, DEADLINE_ACTIVITY).mapped("summary")
        self.assertTrue(summaries)
        self.assertFalse([s for s in summaries if "Acknowledgement" in s])
        self.assertFalse(
            complaint.message_ids.filtered(lambda m: "Overdue" in (m.body or ""))
        )
        to_acknowledge = self.Complaint.search(
            [
                ("acknowledged_date", "=", False),
                ("is_closed", "=", False),
                ("id", "=", complaint.id),
            ]
        )
        self.assertFalse(to_acknowledge)

    def test_the_reply_stops_the_clock(self):
        complaint = self._received()
        with freeze_time(cn("2026-10-09 10:00")):
            complaint.action_accept()
            complaint.write(
                {"replied_date": cn("2026-10-09 10:00"), "reply_text": "已处理"}
            )
            self.env.flush_all()
        self.assertFalse(complaint.acknowledged_date)
        self.assertEqual(complaint.deadline_clock, "callback")
        self.assertIn("reply told", complaint.deadline_explanation)
