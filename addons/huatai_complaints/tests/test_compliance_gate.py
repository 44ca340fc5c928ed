from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import DeadlineCase

OPINION_ACTIVITY = "huatai_complaints.mail_activity_type_compliance_opinion"
MEDIA_ACTIVITY = "huatai_complaints.mail_activity_type_media_coordination"


@tagged("post_install", "-at_install")
class TestComplianceGate(DeadlineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # keep the complaints with their accepting unit: the gate is under test
        cls._archive_shipped_rules()
        # Compliance's gate alone: the other reviews have their own tests
        # (test_review_chain)
        cls.env["huatai.complaint.review.rule"].search(
            [("kind", "!=", "compliance")]
        ).action_archive()

    def _reject(self, complaint, user):
        wizard = (
            self.env["huatai.complaint.reject.wizard"]
            .with_user(user)
            .create(
                {"complaint_id": complaint.id, "rejection_reason": "不属于投诉受理范围"}
            )
        )
        wizard.action_reject()

    def _give_opinion(self, complaint, user, text="同意营业部处理方案"):
        wizard = Form(
            self.env["huatai.complaint.compliance.wizard"]
            .with_user(user)
            .with_context(default_complaint_id=complaint.id)
        )
        wizard.opinion = text
        wizard.save().action_give_opinion()

    def test_gate_until_compliance_gives_its_opinion(self):
        complaint = self._make(self.nanjing, is_major=True)
        complaint.with_user(self.staff_nanjing).action_accept()
        self.assertTrue(complaint.compliance_required)
        with self.assertRaises(UserError) as caught:
            self._reply(complaint, self.staff_nanjing)
        self.assertIn("Compliance", str(caught.exception))
        self.assertFalse(complaint.replied_date, "nothing saved")
        self.assertEqual(complaint.stage_id, self.stage["accepted"])
        with self.assertRaises(UserError):
            self._reject(complaint, self.staff_nanjing)
        self.assertFalse(complaint.rejection_reason)
        with self.assertRaises(UserError):
            complaint.with_user(self.staff_nanjing).stage_id = self.stage["closed"]
        # only Compliance may give the opinion
        with self.assertRaises(UserError):
            complaint.with_user(self.staff_nanjing)._give_compliance_opinion("同意")
        with self.assertRaises(UserError):
            complaint.with_user(self.hq_user).write({"compliance_opinion": "同意"})
        with self.assertRaises(AccessError):
            self._give_opinion(complaint, self.head_jiangsu)
        self.assertFalse(complaint.compliance_opinion)
        # the Compliance review stage is reachable before the opinion
        complaint.with_user(self.staff_nanjing).action_request_compliance_review()
        self.assertEqual(complaint.stage_id, self.stage["compliance"])
        self._give_opinion(complaint, self.compliance_user)
        self.assertEqual(complaint.compliance_opinion, "同意营业部处理方案")
        self.assertEqual(complaint.compliance_opinion_user_id, self.compliance_user)
        self.assertTrue(complaint.compliance_opinion_date)
        self._reply(complaint, self.staff_nanjing)
        self.assertEqual(complaint.stage_id, self.stage["replied"])

    def test_every_severity_requires_the_opinion(self):
        cases = {
            "major": {"is_major": True},
            "group": {"complainant_count": 5},
            "difficult": {"is_difficult": True},
            "media": {"is_media": True},
            "judicial": {"is_judicial": True},
            "compensation": {"compensation_amount": 5000.0},
        }
        for name, values in cases.items():
            with self.subTest(name):
                complaint = self._make(self.nanjing, **values)
                self.assertTrue(complaint.compliance_required)
                with self.assertRaises(UserError):
                    self._reject(complaint, self.staff_nanjing)
        ordinary = self._make(self.nanjing, complainant_count=4)
        self.assertFalse(ordinary.is_group)
        self.assertFalse(ordinary.compliance_required)
        self._reject(ordinary, self.staff_nanjing)
        self.assertEqual(ordinary.stage_id, self.stage["rejected"])

    def test_group_threshold_is_configurable(self):
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.group_threshold", "8"
        )
        self.assertFalse(self._make(self.nanjing, complainant_count=7).is_group)
        complaint = self._make(self.nanjing, complainant_count=8)
        self.assertTrue(complaint.is_group)
        self.assertTrue(complaint.compliance_required)

    def test_retail_hq_informed_and_compliance_asked_once(self):
        complaint = self._make(self.nanjing, is_difficult=True)
        notices = complaint.message_ids.filtered(
            lambda m: self.hq_user.partner_id in m.notified_partner_ids
        )
        self.assertEqual(len(notices), 1)
        self.assertIn("Difficult", notices.body)
        opinion = self._activities(complaint, OPINION_ACTIVITY)
        self.assertEqual(opinion.user_id, self.compliance_user)
        # more flags later: no second notice
        complaint.write({"is_judicial": True, "is_major": True})
        self.assertEqual(
            len(
                complaint.message_ids.filtered(
                    lambda m: self.hq_user.partner_id in m.notified_partner_ids
                )
            ),
            1,
        )
        self.assertEqual(len(self._activities(complaint, OPINION_ACTIVITY)), 1)
        # flagged after registration: informed then
        later = self._make(self.nanjing)
        self.assertFalse(later.message_ids.notified_partner_ids)
        later.compensation_amount = 3000
        self.assertTrue(later.is_compensation)
        self.assertIn(self.hq_user.partner_id, later.message_ids.notified_partner_ids)

    def test_law_related_complaint_is_escalated_once(self):
        """Setting "law- or regulation-related" asks Compliance's opinion (Art.
        9) as the severity flags do: Retail Client Service HQ informed and
        Compliance asked, once."""
        complaint = self._make(self.nanjing)
        self.assertFalse(complaint.compliance_required)
        self.assertFalse(self._activities(complaint, OPINION_ACTIVITY))
        complaint.with_user(self.staff_nanjing).is_law_related = True
        self.assertTrue(complaint.compliance_required)
        self.assertTrue(complaint.escalation_notified)
        notices = complaint.message_ids.filtered(
            lambda m: self.hq_user.partner_id in m.notified_partner_ids
        )
        self.assertEqual(len(notices), 1)
        self.assertIn("Law- or Regulation-related", notices.body)
        self.assertEqual(
            notices.notified_partner_ids, self.hq_user.partner_id, "HQ only"
        )
        opinion = self._activities(complaint, OPINION_ACTIVITY)
        self.assertEqual(opinion.user_id, self.compliance_user)
        # unset, set again, other flags: no second notice
        complaint.with_user(self.staff_nanjing).is_law_related = False
        complaint.with_user(self.staff_nanjing).write(
            {"is_law_related": True, "is_major": True}
        )
        self.assertEqual(
            len(
                complaint.message_ids.filtered(
                    lambda m: self.hq_user.partner_id in m.notified_partner_ids
                )
            ),
            1,
        )
        self.assertEqual(len(self._activities(complaint, OPINION_ACTIVITY)), 1)
        # the gate waits for the opinion
        with self.assertRaises(UserError):
            self._reject(complaint, self.staff_nanjing)
        # a whistleblowing report stays within Compliance
        report = self._make(
            self.compliance_unit, category_id=self.category_whistleblowing.id
        )
        self.assertFalse(report.compliance_required)
        report.with_user(self.compliance_user).is_law_related = True
        self.assertTrue(report.compliance_required)
        self.assertEqual(
            self._activities(report, OPINION_ACTIVITY).user_id, self.compliance_user
        )
        self.assertFalse(
            report.message_ids.notified_partner_ids - self.compliance_user.partner_id
        )

    def test_media_complaint_brings_in_institutional_hq(self):
        complaint = self._make(self.nanjing, is_media=True)
        self.assertIn(self.institutional_user.partner_id, complaint.message_partner_ids)
        activity = self._activities(complaint, MEDIA_ACTIVITY)
        self.assertEqual(activity.user_id, self.institutional_user)
        self.assertIn(
            self.hq_user.partner_id, complaint.message_ids.notified_partner_ids
        )

    def test_whistleblowing_details_stay_within_compliance(self):
        report = self._make(
            self.nanjing, category_id=self.category_whistleblowing.id, is_major=True
        )
        self.assertTrue(report.compliance_required)
        self.assertNotIn(
            self.hq_user.partner_id, report.message_ids.notified_partner_ids
        )
        self.assertEqual(
            self._activities(report, OPINION_ACTIVITY).user_id, self.compliance_user
        )

    def test_gate_message_in_chinese(self):
        self._load_chinese()
        complaint = self._make(self.nanjing, is_major=True)
        wizard = (
            self.env["huatai.complaint.reject.wizard"]
            .with_user(self.staff_nanjing)
            .with_context(lang="zh_CN")
            .create({"complaint_id": complaint.id, "rejection_reason": "重复投诉"})
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_reject()
        self.assertIn("合规", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            complaint.with_user(self.staff_nanjing).with_context(
                lang="zh_CN"
            )._give_compliance_opinion("同意")
        self.assertIn("合规", str(caught.exception))
