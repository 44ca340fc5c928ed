"""Callbacks after the reply (回访) and the Customer Service Center's spot
checks of sales departments' callbacks."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..models.huatai_callback_spot_check import select_sample
from .common import ComplaintCase
from .intake_common import ComplaintIntakeMixin


@tagged("post_install", "-at_install", "huatai_intake")
class TestComplaintCallback(ComplaintIntakeMixin, ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_intake_data()
        cls.callback_type = cls.env.ref("huatai_complaints.mail_activity_type_callback")
        cls.env["ir.config_parameter"].set_param(
            "huatai_complaints.survey_send_on", "never"
        )

    def _callback_activities(self, complaint):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "huatai.complaint"),
                ("res_id", "=", complaint.id),
                ("activity_type_id", "=", self.callback_type.id),
            ]
        )

    def _expected_due(self, complaint):
        return complaint.callback_deadline or (
            fields.Date.to_date(complaint.replied_date) + timedelta(days=3)
        )

    def _wizard(self, complaint, user, **values):
        action = complaint.with_user(user).action_open_callback_wizard()
        form = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        for key, value in values.items():
            setattr(form, key, value)
        return form.save()

    def test_sales_department_callback_goes_to_owner(self):
        complaint = self._create_complaint(
            accepting_unit_id=self.unit_sales.id, user_id=self.user_sales_agent.id
        )
        self.assertFalse(self._callback_activities(complaint))
        self._record_reply(complaint, user=self.user_sales_agent)
        activity = self._callback_activities(complaint)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_sales_agent)
        self.assertEqual(activity.date_deadline, self._expected_due(complaint))
        self.assertEqual(complaint.callback_unit_id, self.unit_sales)
        self.assertEqual(complaint.callback_activity_id, activity)

    def test_sales_department_without_owner_goes_to_head(self):
        complaint = self._create_complaint(accepting_unit_id=self.unit_sales.id)
        self._record_reply(complaint, user=self.user_sales_agent)
        self.assertEqual(
            self._callback_activities(complaint).user_id, self.user_sales_manager
        )

    def test_hq_complaint_called_back_by_customer_service_center(self):
        complaint = self._create_complaint(
            accepting_unit_id=self.unit_retail.id,
            handling_unit_id=self.unit_retail.id,
            user_id=self.user_hq.id,
        )
        self._record_reply(complaint, user=self.user_hq)
        activity = self._callback_activities(complaint)
        self.assertEqual(activity.user_id, self.user_csc_manager)
        self.assertEqual(complaint.callback_unit_id, self.unit_csc)
        # the Customer Service Center may now work the complaint for the call
        as_csc = complaint.with_user(self.user_csc_agent)
        self.assertEqual(as_csc.read(["name"])[0]["name"], complaint.name)

    def test_callback_only_done_with_outcome(self):
        complaint = self._create_complaint(
            accepting_unit_id=self.unit_sales.id, user_id=self.user_sales_agent.id
        )
        self._record_reply(complaint, user=self.user_sales_agent)
        activity = self._callback_activities(complaint).with_user(self.user_sales_agent)
        with self.assertRaisesRegex(UserError, "Record Callback"):
            activity.action_feedback(feedback="called")
        with self.assertRaises(UserError):
            activity.action_done()
        with self.assertRaises(UserError):
            activity.unlink()
        with self.assertRaises(UserError):
            activity.activity_type_id = self.env.ref("mail.mail_activity_data_todo")
        self.assertTrue(activity.exists())
        self.assertFalse(complaint.callback_ids)

    def test_unreached_then_reached_and_closed(self):
        complaint = self._create_complaint(
            accepting_unit_id=self.unit_sales.id, user_id=self.user_sales_agent.id
        )
        self._record_reply(complaint, user=self.user_sales_agent)
        user = self.user_sales_agent

        # required outcome details, even when the form is bypassed
        Wizard = self.env["huatai.complaint.callback.wizard"].with_user(user)
        wizard = Wizard.create(
            {"complaint_id": complaint.id, "reached": "unreached", "retry": False}
        )
        with self.assertRaisesRegex(UserError, "remarks"):
            wizard.action_record()
        wizard = Wizard.create({"complaint_id": complaint.id, "reached": "reached"})
        with self.assertRaisesRegex(UserError, "satisfied"):
            wizard.action_record()

        # first attempt: nobody answers, retry tomorrow
        tomorrow = fields.Date.context_today(complaint) + timedelta(days=1)
        wizard = self._wizard(
            complaint,
            user,
            reached="unreached",
            remarks="No answer, voicemail full",
            retry_date=tomorrow,
        )
        wizard.action_record()
        self.assertEqual(complaint.callback_attempt_count, 1)
        self.assertEqual(complaint.callback_result, "unreached")
        first = complaint.callback_ids
        self.assertEqual(first.attempt, 1)
        self.assertFalse(first.reached)
        self.assertEqual(first.unit_id, self.unit_sales)
        self.assertEqual(first.user_id, user)
        retry = self._callback_activities(complaint)
        self.assertEqual(len(retry), 1)
        self.assertEqual(retry.date_deadline, tomorrow)
        self.assertEqual(retry.user_id, user)
        self.assertIn("2", retry.summary)
        self.assertEqual(complaint.stage_id, self.stage_replied)
        self.assertTrue(
            complaint.message_ids.filtered(lambda m: "voicemail" in (m.body or ""))
        )

        # second attempt: reached, satisfied, complaint closed
        wizard = self._wizard(
            complaint,
            user,
            reached="reached",
            satisfaction="satisfied",
            close_complaint=True,
        )
        self.assertEqual(wizard.attempt, 2)
        wizard.action_record()
        self.assertEqual(complaint.callback_attempt_count, 2)
        self.assertEqual(complaint.callback_result, "satisfied")
        self.assertFalse(self._callback_activities(complaint))
        self.assertEqual(complaint.stage_state, "closed")
        self.assertEqual(
            complaint.callback_ids.sorted("attempt").mapped("result"),
            ["unreached", "satisfied"],
        )

    def test_reached_dissatisfied_goes_back_to_handling(self):
        """Issue 15: the case goes back to handling, the head of the handling
        unit gets an activity, the complaint counts it."""
        complaint = self._create_complaint(
            accepting_unit_id=self.unit_sales.id, user_id=self.user_sales_agent.id
        )
        self._record_reply(complaint, user=self.user_sales_agent)
        self._wizard(
            complaint,
            self.user_sales_agent,
            reached="reached",
            satisfaction="dissatisfied",
            remarks="Wants the fee refunded in full",
        ).action_record()
        self.assertEqual(complaint.stage_state, "in_progress")
        self.assertEqual(complaint.callback_result, "dissatisfied")
        self.assertEqual(complaint.dissatisfied_callback_count, 1)
        self.assertTrue(complaint.returned_after_callback)
        dissatisfied = self.env.ref(
            "huatai_complaints.mail_activity_type_dissatisfied_callback"
        )
        head_activity = complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == dissatisfied
        )
        self.assertEqual(head_activity.user_id, self.user_sales_manager)
        self.assertIn(complaint.name, head_activity.summary)
        callback = complaint.callback_ids
        self.assertTrue(callback.reached)
        self.assertFalse(callback.satisfied)
        with self.assertRaises(UserError):
            callback.with_user(self.user_sales_agent).write({"satisfied": True})

    def test_dissatisfied_client_cannot_be_closed_from_the_callback(self):
        complaint = self._create_complaint(
            accepting_unit_id=self.unit_sales.id, user_id=self.user_sales_agent.id
        )
        self._record_reply(complaint, user=self.user_sales_agent)
        wizard = self._wizard(
            complaint,
            self.user_sales_agent,
            reached="reached",
            satisfaction="dissatisfied",
            remarks="Disputes the amount",
        )
        wizard.close_complaint = True
        with self.assertRaisesRegex(UserError, "not satisfied"):
            wizard.action_record()
        self.assertFalse(complaint.callback_ids)
        self.assertEqual(complaint.stage_state, "replied")

    def test_dissatisfied_after_closing_informs_the_head_without_reopening(self):
        complaint = self._create_complaint(
            accepting_unit_id=self.unit_sales.id, user_id=self.user_sales_agent.id
        )
        self._record_reply(complaint, user=self.user_sales_agent)
        complaint.with_user(self.user_sales_agent).action_close()
        self.assertEqual(complaint.stage_state, "closed")
        self._wizard(
            complaint,
            self.user_sales_agent,
            reached="reached",
            satisfaction="dissatisfied",
            remarks="Changed their mind",
        ).action_record()
        self.assertEqual(complaint.stage_state, "closed")
        self.assertEqual(complaint.dissatisfied_callback_count, 1)
        dissatisfied = self.env.ref(
            "huatai_complaints.mail_activity_type_dissatisfied_callback"
        )
        self.assertEqual(
            complaint.activity_ids.filtered(
                lambda a: a.activity_type_id == dissatisfied
            ).user_id,
            self.user_sales_manager,
        )

    def test_no_callback_before_reply(self):
        complaint = self._create_complaint(accepting_unit_id=self.unit_sales.id)
        with self.assertRaises(UserError):
            complaint.with_user(self.user_sales_agent).action_open_callback_wizard()


@tagged("post_install", "-at_install", "huatai_intake")
class TestCallbackSpotCheck(ComplaintIntakeMixin, ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_intake_data()
        cls.SpotCheck = cls.env["huatai.callback.spot.check"]
        Complaint = cls.env["huatai.complaint"].with_context(
            huatai_skip_acknowledgement=True, tracking_disable=True
        )
        complaint_sales = Complaint.create(
            {
                "channel": "email",
                "category_id": cls.category_service.id,
                "accepting_unit_id": cls.unit_sales.id,
                "complainant_name": "Zhou Qiang",
                "complainant_phone": "13700000000",
                "description": "Fees",
            }
        )
        complaint_hq = Complaint.create(
            {
                "channel": "email",
                "category_id": cls.category_service.id,
                "accepting_unit_id": cls.unit_csc.id,
                "complainant_name": "Sun Li",
                "description": "App",
            }
        )
        Callback = cls.env["huatai.complaint.callback"]
        values = []
        for day in range(25):  # March 2026, sales departments
            values.append(
                {
                    "complaint_id": complaint_sales.id,
                    "unit_id": (cls.unit_sales if day % 2 else cls.unit_sales_2).id,
                    "date": datetime(2026, 3, 1 + day, 3, 0),
                    "reached": True,
                    "satisfied": True,
                    "attempt": 1,
                    "user_id": cls.user_sales_agent.id,
                }
            )
        for day in range(5):  # March 2026, HQ
            values.append(
                {
                    "complaint_id": complaint_hq.id,
                    "unit_id": cls.unit_csc.id,
                    "date": datetime(2026, 3, 2 + day, 3, 0),
                    "reached": True,
                    "user_id": cls.user_csc_agent.id,
                }
            )
        for day in range(5):  # April 2026, sales departments
            values.append(
                {
                    "complaint_id": complaint_sales.id,
                    "unit_id": cls.unit_sales.id,
                    "date": datetime(2026, 4, 2 + day, 3, 0),
                    "reached": False,
                    "user_id": cls.user_sales_agent.id,
                }
            )
        cls.callbacks = Callback.create(values)
        cls.march_sales = cls.callbacks[:25]

    def test_select_sample_is_reproducible(self):
        ids = list(range(1, 201))
        first = select_sample(ids, 10, "2026-03")
        self.assertEqual(len(first), 20)
        self.assertEqual(first, select_sample(list(reversed(ids)), 10, "2026-03"))
        self.assertNotEqual(first, select_sample(ids, 10, "2026-04"))
        self.assertEqual(len(select_sample(ids[:3], 10, "x")), 1)  # rounded up
        self.assertEqual(select_sample([], 10, "x"), [])
        self.assertEqual(select_sample(ids, 0, "x"), [])

    def test_monthly_sample_of_sales_departments(self):
        checks = self.SpotCheck._sample_callbacks("2026-03-01", "2026-03-31")
        self.assertEqual(len(checks), 3)  # 10% of 25, rounded up
        self.assertLessEqual(checks.callback_id, self.march_sales)
        self.assertEqual(set(checks.mapped("unit_id.kind")), {"sales_department"})
        self.assertEqual(set(checks.mapped("result")), {"pending"})
        # one verification activity each, for the Customer Service Center
        verification = self.env.ref(
            "huatai_complaints.mail_activity_type_callback_verification"
        )
        for check in checks:
            self.assertEqual(check.activity_ids.activity_type_id, verification)
            self.assertEqual(check.activity_ids.user_id, self.user_csc_manager)
        # the same period gives the same sample, and nothing twice
        again = self.SpotCheck._sample_callbacks("2026-03-01", "2026-03-31")
        self.assertEqual(again, checks)
        sampled = checks.callback_id
        checks.activity_ids.sudo().unlink()
        checks.unlink()
        redrawn = self.SpotCheck._sample_callbacks("2026-03-01", "2026-03-31")
        self.assertEqual(redrawn.callback_id, sampled)

    def test_configurable_share(self):
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.callback_spot_check_percent", "20"
        )
        checks = self.SpotCheck._sample_callbacks("2026-03-01", "2026-03-31")
        self.assertEqual(len(checks), 5)
        wizard = self.env["huatai.callback.spot.check.wizard"].create(
            {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
        self.assertEqual(wizard.percent, 20)

    def test_monthly_cron_samples_previous_month(self):
        with freeze_time("2026-04-03 02:00:00"):
            self.SpotCheck._cron_sample_previous_month()
        checks = self.SpotCheck.search([])
        self.assertEqual(len(checks), 3)
        self.assertEqual(
            checks.mapped("period_start"), [fields.Date.to_date("2026-03-01")] * 3
        )

    def test_wizard_button(self):
        action = (
            self.env["huatai.callback.spot.check.wizard"]
            .with_user(self.user_hq)
            .create({"date_from": "2026-04-01", "date_to": "2026-04-30"})
            .action_sample()
        )
        checks = self.SpotCheck.search(action["domain"])
        self.assertEqual(len(checks), 1)  # 10% of 5, rounded up
        self.assertEqual(checks.callback_id.date.month, 4)

    def test_record_verification_result(self):
        checks = self.SpotCheck._sample_callbacks("2026-03-01", "2026-03-31")
        check = checks[0].with_user(self.user_csc_agent)
        with self.assertRaisesRegex(UserError, "spot check"):
            check.activity_ids.action_feedback(feedback="done")
        with self.assertRaisesRegex(UserError, "notes"):
            check.action_mark_inconsistent()
        check.notes = "The client says nobody called."
        check.action_mark_inconsistent()
        self.assertEqual(check.result, "inconsistent")
        self.assertEqual(check.checked_by_id, self.user_csc_agent)
        self.assertFalse(check.activity_ids)
        self.assertTrue(
            check.sudo().complaint_id.message_ids.filtered(
                lambda m: "nobody called" in (m.body or "")
            )
        )
        with self.assertRaises(UserError):
            check.action_mark_consistent()
        checks[1].with_user(self.user_csc_agent).action_mark_consistent()
        self.assertEqual(checks[1].result, "consistent")
        # reporting: results per sales department
        groups = self.SpotCheck._read_group(
            [("id", "in", checks.ids)], ["result"], ["__count"]
        )
        self.assertEqual(dict(groups)["inconsistent"], 1)

    def test_sales_departments_do_not_see_their_checks(self):
        self.SpotCheck._sample_callbacks("2026-03-01", "2026-03-31")
        self.assertFalse(self.SpotCheck.with_user(self.user_sales_manager).search([]))
        self.assertEqual(
            len(self.SpotCheck.with_user(self.user_csc_agent).search([])), 3
        )
        self.assertEqual(len(self.SpotCheck.with_user(self.user_hq).search([])), 3)
