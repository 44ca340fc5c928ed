from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ComplaintCase, give_required_reviews


@tagged("post_install", "-at_install")
class TestWorkflow(ComplaintCase):
    def _dispatch(self, complaint, user, unit, reason, owner=None):
        wizard = Form(
            self.env["huatai.complaint.dispatch.wizard"]
            .with_user(user)
            .with_context(default_complaint_id=complaint.id)
        )
        wizard.to_unit_id = unit
        if owner:
            wizard.to_user_id = owner
        wizard.reason = reason
        wizard.save().action_dispatch()

    def _reply(self, complaint, user, text="已向客户说明情况并致歉"):
        give_required_reviews(complaint)
        wizard = Form(
            self.env["huatai.complaint.reply.wizard"]
            .with_user(user)
            .with_context(default_complaint_id=complaint.id)
        )
        wizard.reply_text = text
        wizard.reply_method = "phone"
        wizard.save().action_record_reply()

    def test_dispatch_keeps_the_accepting_unit_accountable(self):
        complaint = self._make(self.nanjing)
        self._dispatch(
            complaint,
            self.staff_nanjing,
            self.hangzhou,
            "被投诉人在杭州营业部",
            self.staff_hangzhou,
        )
        self.assertEqual(complaint.accepting_unit_id, self.nanjing)
        self.assertEqual(complaint.handling_unit_id, self.hangzhou)
        self.assertEqual(complaint.user_id, self.staff_hangzhou)
        # both units can work it; the history says who sent it where and why
        self.assertTrue(complaint.with_user(self.staff_hangzhou).description)
        self.assertTrue(complaint.with_user(self.staff_nanjing).description)
        history = complaint.with_user(self.staff_hangzhou).dispatch_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(history.from_unit_id, self.nanjing)
        self.assertEqual(history.to_unit_id, self.hangzhou)
        self.assertEqual(history.user_id, self.staff_nanjing)
        self.assertEqual(history.reason, "被投诉人在杭州营业部")
        self.assertEqual(complaint.dispatch_count, 1)
        # the handling unit replies; the reply is recorded with who and when
        self._reply(complaint, self.staff_hangzhou)
        self.assertEqual(complaint.stage_id, self.stage["replied"])
        self.assertEqual(complaint.replied_by_id, self.staff_hangzhou)
        self.assertTrue(complaint.replied_date)
        self.assertIn("致歉", complaint.reply_text)

    def test_dispatch_needs_a_reason_and_a_new_unit(self):
        complaint = self._make(self.nanjing)
        wizard = self.env["huatai.complaint.dispatch.wizard"].create(
            {"complaint_id": complaint.id, "to_unit_id": self.nanjing.id, "reason": "x"}
        )
        with self.assertRaises(UserError):
            wizard.action_dispatch()

    def test_phone_complaint_needs_its_recording_before_acceptance(self):
        complaint = self._make(self.nanjing, channel="phone")
        with self.assertRaises(UserError):
            complaint.action_accept()
        self.assertEqual(complaint.stage_id, self.stage["new"])
        self._attach(complaint, "扫描件.pdf", "application/pdf")
        with self.assertRaises(UserError):
            complaint.action_accept()
        self._attach(complaint)
        complaint.action_accept()
        self.assertEqual(complaint.stage_id, self.stage["accepted"])
        self.assertTrue(complaint.accepted_date)

    def test_letter_needs_its_scan(self):
        complaint = self._make(self.retail_hq, channel="letter")
        with self.assertRaises(UserError):
            complaint.write({"stage_id": self.stage["in_progress"].id})
        self._attach(complaint, "来信.pdf", "application/pdf")
        complaint.write({"stage_id": self.stage["in_progress"].id})

    def test_no_reply_stage_without_a_recorded_reply(self):
        complaint = self._make(self.nanjing)
        for state in ("replied", "callback", "closed"):
            with self.assertRaises(UserError):
                complaint.write({"stage_id": self.stage[state].id})
        self.assertEqual(complaint.stage_id, self.stage["new"])

    def test_rejection_needs_a_reason(self):
        complaint = self._make(self.nanjing)
        with self.assertRaises(UserError):
            complaint.write({"stage_id": self.stage["rejected"].id})
        wizard = Form(
            self.env["huatai.complaint.reject.wizard"].with_context(
                default_complaint_id=complaint.id
            )
        )
        wizard.rejection_reason = "不属于投诉受理范围"
        wizard.save().action_reject()
        self.assertEqual(complaint.stage_id, self.stage["rejected"])
        self.assertTrue(complaint.is_closed)
        self.assertTrue(complaint.closed_date)

    def test_close_and_reopen_dates(self):
        complaint = self._make(self.nanjing)
        complaint.action_accept()
        self._reply(complaint, self.staff_nanjing)
        complaint.action_close()
        self.assertTrue(complaint.closed_date)
        complaint.write({"stage_id": self.stage["in_progress"].id})
        self.assertFalse(complaint.closed_date)

    def test_stage_and_owner_changes_are_tracked(self):
        complaint = self.Complaint.with_context(
            tracking_disable=False, mail_notrack=False
        )
        complaint = complaint.create(self._complaint_vals(self.nanjing))
        self.env.flush_all()
        self.env.cr.precommit.run()  # as at the end of the intake request
        complaint.write(
            {"stage_id": self.stage["accepted"].id, "user_id": self.staff_nanjing.id}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        complaint.invalidate_recordset(["message_ids"])
        tracked = complaint.message_ids.tracking_value_ids.mapped("field_id.name")
        self.assertIn("stage_id", tracked)
        self.assertIn("user_id", tracked)

    def test_evidence_cannot_be_deleted_by_staff(self):
        complaint = self._make(self.nanjing, channel="phone")
        recording = self._attach(complaint).with_user(self.staff_nanjing)
        with self.assertRaises(UserError):
            recording.unlink()
        self.assertTrue(recording.exists())

    def test_complaints_cannot_be_duplicated(self):
        with self.assertRaises(UserError):
            self._make(self.nanjing).copy()
