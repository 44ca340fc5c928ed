"""The choke points of confidentiality and integrity (SPEC §11), one by one:
whatever path adds a follower, a recipient, an activity assignee or an owner
to a whistleblowing report, the outsider is left out or refused; the workflow's
fields, the files and the follow-up records cannot be bent by a plain write.

The attacks across every model and route are in ``tests/test_adversarial_*``.
"""

import base64

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestChokePoints(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.compliance_unit.write(
            {
                "manager_id": cls.compliance_user.id,
                "member_ids": [Command.link(cls.compliance_user.id)],
            }
        )
        cls.report = cls._make(
            cls.nanjing,
            category_id=cls.category_whistleblowing.id,
            description="客户经理私下代客理财",
        )
        cls.outsiders = (
            cls.staff_nanjing | cls.head_jiangsu | cls.hq_user | cls.admin_user
        )

    def test_followers_outside_compliance_are_never_subscribed(self):
        self.report.message_subscribe(
            partner_ids=(self.outsiders | self.compliance_user).partner_id.ids
        )
        self.assertEqual(
            self.report.message_partner_ids & self.outsiders.partner_id,
            self.env["res.partner"],
        )
        self.assertIn(self.compliance_user.partner_id, self.report.message_partner_ids)

    def test_mentions_reach_compliance_only(self):
        message = self.report.with_user(self.compliance_user).message_post(
            body="请核实",
            partner_ids=(self.staff_nanjing | self.compliance_user).partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertTrue(message.huatai_confidential)
        self.assertNotIn(self.staff_nanjing.partner_id, message.sudo().partner_ids)
        notified = message.sudo().notification_ids.res_partner_id
        self.assertNotIn(self.staff_nanjing.partner_id, notified)
        with self.assertRaises(AccessError):
            message.with_user(self.staff_nanjing).read(["body"])

    def test_activities_for_outsiders_are_refused(self):
        with self.assertRaises(AccessError):
            self.report.with_user(self.compliance_user).activity_schedule(
                act_type_xmlid="mail.mail_activity_data_todo",
                summary="请协助核查",
                user_id=self.staff_nanjing.id,
            )
        activity = self.report.with_user(self.compliance_user).activity_schedule(
            act_type_xmlid="mail.mail_activity_data_todo",
            summary="核查",
            user_id=self.compliance_user.id,
        )
        with self.assertRaises(AccessError):
            activity.with_user(self.compliance_user).write({"user_id": self.hq_user.id})
        self.assertEqual(activity.user_id, self.compliance_user)

    def test_owners_outside_compliance_are_refused(self):
        with self.assertRaises(AccessError):
            self.report.with_user(self.compliance_user).write(
                {"user_id": self.staff_nanjing.id}
            )
        self.assertNotEqual(self.report.user_id, self.staff_nanjing)
        # the system (routing) drops such an owner instead
        self.report.sudo().write({"user_id": self.staff_nanjing.id})
        self.assertFalse(self.report.user_id)

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_a_handed_over_complaint_closes_every_way_to_it(self):
        complaint = self._make(self.nanjing, description="服务态度差")
        complaint.with_user(self.staff_nanjing).message_post(
            body="已致电客户", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        complaint._portal_ensure_token()
        attachment = self._attach(complaint)
        attachment.generate_access_token()
        self.assertTrue(complaint.access_token)
        complaint.with_user(self.staff_nanjing)._reclassify_as_whistleblowing(
            "实为举报"
        )
        self.assertFalse(complaint.access_token)
        self.assertFalse(attachment.access_token)
        self.assertFalse(complaint._portal_ensure_token())
        Message = self.env["mail.message"].with_user(self.staff_nanjing)
        # the staff member's own note is gone for them too
        self.assertFalse(
            Message.search(
                [("model", "=", complaint._name), ("res_id", "=", complaint.id)]
            )
        )
        self.assertFalse(
            self.env["huatai.complaint"]
            .with_user(self.staff_nanjing)
            ._get_thread_with_access(complaint.id, token="anything")
        )

    def test_workflow_fields_are_not_written_by_hand(self):
        complaint = self._make(self.nanjing)
        before = complaint.reply_deadline
        for user in (self.staff_nanjing, self.head_jiangsu, self.admin_user):
            for vals in (
                {"reply_deadline": "2030-01-01"},
                {"replied_date": fields.Datetime.now()},
                {"paused_days": 30},
                {"received_date": fields.Datetime.now()},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaises(AccessError):
                        complaint.with_user(user).write(vals)
        self.assertEqual(complaint.reply_deadline, before)
        self.assertFalse(complaint.replied_date)
        # nor given at registration, but the received time
        with self.assertRaises(AccessError):
            self.Complaint.with_user(self.staff_nanjing).create(
                self._complaint_vals(self.nanjing, accepted_date=fields.Datetime.now())
            )

    def test_evidence_is_append_only(self):
        complaint = self._make(self.nanjing)
        attachment = self._attach(complaint)
        as_staff = attachment.with_user(self.staff_nanjing)
        for vals in (
            {"datas": base64.b64encode(b"forged")},
            {"res_model": False},
            {"res_id": self._make(self.nanjing).id},
            {"public": True},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_staff.write(vals)
        with self.assertRaises(UserError):
            as_staff.unlink()
        as_staff.write({"name": "录音-更正名称.mp3"})
        self.assertEqual(attachment.raw, b"ID3 fake audio frame")
        self.assertEqual(attachment.res_id, complaint.id)

    def test_follow_up_records_come_from_the_workflow(self):
        complaint = self._make(self.nanjing)
        for model, vals in (
            ("huatai.complaint.callback", {"complaint_id": complaint.id}),
            (
                "huatai.complaint.dispatch",
                {
                    "complaint_id": complaint.id,
                    "to_unit_id": self.suzhou.id,
                    "reason": "伪造",
                },
            ),
        ):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.staff_nanjing).create(vals)

    def test_wizards_open_on_complaints_the_user_works(self):
        with self.assertRaises(AccessError):
            self.env["huatai.complaint.callback.wizard"].with_user(
                self.staff_nanjing
            ).create({"complaint_id": self.report.id, "reached": "reached"})
        # an onchange does not read the report as superuser either
        with self.assertRaises(AccessError):
            self.env["huatai.complaint.callback.wizard"].with_user(
                self.staff_nanjing
            ).onchange(
                {"complaint_id": self.report.id},
                ["complaint_id"],
                {"complaint_id": {}, "complainant_name": {}, "complainant_phone": {}},
            )

    def test_outsiders_learn_nothing_of_a_report_from_a_refusal(self):
        """An activity aimed at a report by someone who cannot work it is
        refused like any complaint out of reach: no reference, no hint."""
        with self.assertRaises(AccessError) as caught:
            self.env["mail.activity"].with_user(self.staff_nanjing).create(
                {
                    "res_model_id": self.env["ir.model"]._get_id(self.report._name),
                    "res_id": self.report.id,
                    "summary": "探查",
                    "user_id": self.staff_nanjing.id,
                }
            )
        self.assertNotIn(self.report.name, str(caught.exception))
        self.assertNotIn("whistleblowing", str(caught.exception).lower())
