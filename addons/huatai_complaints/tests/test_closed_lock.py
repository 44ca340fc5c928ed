from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ComplaintCase, give_required_reviews


@tagged("post_install", "-at_install")
class TestClosedLock(ComplaintCase):
    """A closed or rejected complaint is read-only for staff until reopened;
    what the system records afterwards still goes through."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param(
            "huatai_complaints.survey_send_on", "never"
        )

    def _closed(self, unit=None, **values):
        complaint = give_required_reviews(self._make(unit or self.nanjing, **values))
        complaint.write(
            {
                "reply_text": "<p>已向客户说明情况</p>",
                "reply_method": "phone",
                "replied_date": fields.Datetime.now(),
                "stage_id": self.stage["closed"].id,
            }
        )
        self.assertTrue(complaint.is_closed)
        return complaint

    def _rejected(self, unit=None):
        complaint = self._make(unit or self.nanjing)
        complaint.write(
            {"rejection_reason": "不属于投诉", "stage_id": self.stage["rejected"].id}
        )
        return complaint

    def test_staff_cannot_change_a_closed_complaint(self):
        complaint = self._closed()
        as_staff = complaint.with_user(self.staff_nanjing)
        self.assertTrue(as_staff.is_locked)
        for vals in (
            {"description": "改写事实"},
            {"user_id": self.staff_nanjing.id},
            {"is_major": True},
            {"handling_unit_id": self.suzhou.id},
            # a closed complaint is not rejected afterwards
            {"stage_id": self.stage["rejected"].id, "rejection_reason": "x"},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError) as caught:
                as_staff.write(vals)
            self.assertIn(complaint.name, str(caught.exception))
            self.assertIn("reopen", str(caught.exception))
        self.assertEqual(complaint.description, "营业部员工态度恶劣")
        self.assertFalse(complaint.user_id)
        self.assertEqual(complaint.stage_id, self.stage["closed"])
        # a batch with one closed complaint is refused as a whole
        open_one = self._make(self.nanjing)
        with self.assertRaises(UserError):
            (open_one | complaint).with_user(self.staff_nanjing).write(
                {"demand": "道歉"}
            )
        self.assertFalse(open_one.demand)
        # rejected complaints are finished too
        with self.assertRaises(UserError):
            self._rejected().with_user(self.staff_nanjing).write({"demand": "道歉"})

    def _reopen_as(self, user, complaints, reason="客户对答复有异议"):
        action = complaints.with_user(user).action_reopen()
        self.assertEqual(action["res_model"], "huatai.complaint.reopen.wizard")
        wizard = (
            self.env["huatai.complaint.reopen.wizard"]
            .with_user(user)
            .with_context(**action["context"])
            .create({"reason": reason})
        )
        return wizard.action_reopen()

    def test_reopen_by_a_unit_head_with_a_reason(self):
        complaint = self._closed()
        as_staff = complaint.with_user(self.staff_nanjing)
        # plain staff cannot reopen, by the button or the stage bar
        with self.assertRaises(AccessError):
            as_staff.action_reopen()
        with self.assertRaises(UserError):
            as_staff.write({"stage_id": self.stage["in_progress"].id})
        self.assertTrue(complaint.is_closed)
        # a unit head needs a reason
        with self.assertRaises(UserError):
            self._reopen_as(self.head_jiangsu, complaint, reason="  ")
        self.assertTrue(complaint.is_closed)
        self._reopen_as(self.head_jiangsu, complaint)
        self.assertEqual(complaint.stage_id, self.stage["in_progress"])
        self.assertFalse(complaint.closed_date)
        self.assertFalse(as_staff.is_locked)
        self.assertIn("客户对答复有异议", complaint.message_ids[:1].body)
        as_staff.write({"demand": "补充诉求"})
        self.assertEqual(complaint.demand, "补充诉求")
        # the stage bar does not reopen, even for a unit head
        complaint.write({"stage_id": self.stage["closed"].id})
        with self.assertRaises(UserError):
            complaint.with_user(self.head_jiangsu).write(
                {"stage_id": self.stage["replied"].id}
            )
        self.assertTrue(complaint.is_closed)
        # a rejected complaint that was never accepted goes back to Registered
        rejected = self._rejected()
        self._reopen_as(self.head_jiangsu, rejected)
        self.assertEqual(rejected.stage_id, self.stage["new"])
        self.assertFalse(rejected.closed_date)

    def test_finished_complaint_handed_over_to_compliance(self):
        """A finished complaint found to be a whistleblowing report is handed
        over without reopening it; no other type change gets through."""
        complaint = self._closed()
        as_staff = complaint.with_user(self.staff_nanjing)
        with self.assertRaises(UserError):
            as_staff.write({"category_id": self.category_system.id})
        as_staff._reclassify_as_whistleblowing("实为举报员工违规")
        self.assertTrue(complaint.is_confidential)
        self.assertTrue(complaint.is_closed)

    def test_reopen_needs_access_to_the_complaint(self):
        complaint = self._closed(self.hangzhou)
        with self.assertRaises(AccessError):
            complaint.with_user(self.head_jiangsu).action_reopen()
        self.assertTrue(complaint.is_closed)

    def test_admin_can_correct_a_closed_complaint(self):
        complaint = self._closed(self.hq)
        as_admin = complaint.with_user(self.admin_user)
        self.assertFalse(as_admin.is_locked)
        as_admin.write({"respondent_name": "李经理", "is_difficult": True})
        self.assertEqual(complaint.respondent_name, "李经理")
        self.assertTrue(complaint.is_closed)
        # a unit head is no administrator
        closed = self._closed()
        with self.assertRaises(UserError):
            closed.with_user(self.head_jiangsu).write({"respondent_name": "x"})

    def test_what_still_happens_on_a_closed_complaint(self):
        complaint = self._closed(user_id=self.staff_nanjing.id)
        staff = self.staff_nanjing
        as_staff = complaint.with_user(staff)
        # chatter, followers, activities
        as_staff.message_post(body="客户来电表示感谢", subtype_xmlid="mail.mt_note")
        as_staff.message_subscribe(partner_ids=self.head_jiangsu.partner_id.ids)
        activity = as_staff.activity_schedule(
            "mail.mail_activity_data_todo", summary="归档纸质材料", user_id=staff.id
        )
        activity.action_feedback(feedback="已归档")
        self.assertIn(self.head_jiangsu.partner_id, complaint.message_partner_ids)
        # the callback recorded after closing
        action = as_staff.action_open_callback_wizard()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(staff)
            .with_context(**action["context"])
        )
        wizard.reached = "reached"
        wizard.satisfaction = "satisfied"
        wizard.save().action_record()
        self.assertEqual(complaint.callback_result, "satisfied")
        # the portal link, a reply mail with people in copy
        as_staff._portal_ensure_token()
        self.assertTrue(complaint.access_token)
        as_staff.message_update({"cc": "家属 <jiashu@example.com>"})
        self.assertIn("jiashu@example.com", complaint.email_cc)
        # the jobs
        self.Complaint._cron_update_deadlines()
        complaint.sudo().write({"records_erased_date": fields.Datetime.now()})
        self.assertTrue(complaint.is_closed)

    def test_views_lock_the_fields_but_the_stage_bar(self):
        arch = etree.fromstring(
            self.Complaint.with_user(self.staff_nanjing).get_view(view_type="form")[
                "arch"
            ]
        )

        def readonly(fname):
            return arch.xpath(f"//field[@name='{fname}']")[0].get("readonly")

        self.assertEqual(readonly("description"), "is_locked")
        # the workflow's deadlines: corrected with Correct Dates only
        self.assertEqual(readonly("reply_deadline"), "1")
        self.assertEqual(readonly("received_date"), "is_locked or (id)")
        self.assertIsNone(readonly("stage_id"))
        self.assertEqual(readonly("name"), "1")
        # the lines of the dispatch history are another model's
        self.assertFalse(arch.xpath("//field[@name='dispatch_ids']//field[@readonly]"))
        kanban = etree.fromstring(self.Complaint.get_view(view_type="kanban")["arch"])
        priority = kanban.xpath("//t[@t-name='card']//field[@name='priority']")[0]
        self.assertEqual(priority.get("readonly"), "is_locked")


@tagged("post_install", "-at_install")
class TestArchive(ComplaintCase):
    """Complaints are archived by unit heads and above, with a reason."""

    def _archive(self, complaints, user, reason):
        action = complaints.with_user(user).action_archive()
        self.assertEqual(action["res_model"], "huatai.complaint.archive.wizard")
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        wizard.reason = reason
        return wizard.save().action_archive()

    def test_staff_cannot_archive(self):
        complaint = self._make(self.nanjing)
        as_staff = complaint.with_user(self.staff_nanjing)
        with self.assertRaisesRegex(UserError, "unit heads"):
            as_staff.action_archive()
        with self.assertRaisesRegex(UserError, "unit heads"):
            as_staff.write({"active": False})
        self.assertTrue(complaint.active)
        complaint.sudo().active = False
        with self.assertRaisesRegex(UserError, "unit heads"):
            as_staff.action_unarchive()
        self.assertFalse(complaint.active)

    def test_unit_head_archives_with_a_reason(self):
        complaints = self._make(self.nanjing) | self._make(self.suzhou)
        head = self.head_jiangsu
        self._archive(complaints, head, "重复登记")
        self.assertFalse(any(complaints.mapped("active")))
        for complaint in complaints:
            note = complaint.message_ids.filtered(
                lambda m: "重复登记" in (m.body or "")
            )
            self.assertEqual(len(note), 1)
            self.assertEqual(note.author_id, head.partner_id)
        # restoring needs no wizard
        complaints.with_user(head).action_unarchive()
        self.assertTrue(all(complaints.mapped("active")))

    def test_archive_needs_the_wizard_and_a_reason(self):
        complaint = self._make(self.nanjing)
        head = self.head_jiangsu
        with self.assertRaisesRegex(UserError, "Archive action"):
            complaint.with_user(head).write({"active": False})
        wizard = (
            self.env["huatai.complaint.archive.wizard"]
            .with_user(head)
            .create({"complaint_ids": complaint.ids, "reason": "  "})
        )
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_archive()
        self.assertTrue(complaint.active)

    def test_closed_complaints_can_be_archived(self):
        complaint = self._make(self.nanjing)
        complaint.write(
            {"rejection_reason": "不属于投诉", "stage_id": self.stage["rejected"].id}
        )
        self._archive(complaint, self.hq_user, "误登记")
        self.assertFalse(complaint.active)

    def test_unit_head_archives_only_in_the_subtree(self):
        complaint = self._make(self.hangzhou)
        with self.assertRaises(AccessError):
            complaint.with_user(self.head_jiangsu).action_archive()
        # nor through a wizard made up by hand
        with self.assertRaises(AccessError):
            self.env["huatai.complaint.archive.wizard"].with_user(
                self.head_jiangsu
            ).create({"complaint_ids": complaint.ids, "reason": "越权"})
        self.assertTrue(complaint.active)
