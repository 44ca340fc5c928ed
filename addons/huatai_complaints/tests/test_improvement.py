"""Improvement actions (Art. 6, 7): who proposes, who carries out, who sees."""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools.workdays import china_today
from .common import ComplaintCase


class ImprovementCase(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Improvement = cls.env["huatai.complaint.improvement"]
        cls.complaint = cls._make(cls.nanjing)
        cls.report = cls._make(
            cls.nanjing,
            category_id=cls.category_whistleblowing.id,
            description="举报营业部经理违规代客理财",
        )

    def _propose(self, user, **values):
        vals = {
            "name": "优化开户回访话术",
            "proposal": "同类服务投诉本季度上升，建议营业部统一回访话术。",
            "proposing_unit_id": self.jiangsu.id,
            "unit_id": self.nanjing.id,
            "user_id": self.staff_nanjing.id,
            "due_date": china_today() + timedelta(days=30),
            "complaint_ids": [(6, 0, self.complaint.ids)],
        }
        vals.update(values)
        return self.Improvement.with_user(user).create(vals)


@tagged("post_install", "-at_install")
class TestImprovementActions(ImprovementCase):
    def test_branch_head_proposes_for_a_sales_department_of_the_branch(self):
        action = self._propose(self.head_jiangsu)
        self.assertEqual(action.state, "draft")
        self.assertEqual(action.complaint_count, 1)
        action.action_open()
        self.assertEqual(action.state, "open")
        activity = action.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.staff_nanjing)
        self.assertEqual(activity.date_deadline, china_today() + timedelta(days=30))

    def test_branch_head_cannot_propose_for_another_branch(self):
        with self.assertRaises(AccessError):
            self._propose(
                self.head_jiangsu,
                proposing_unit_id=self.zhejiang.id,
                unit_id=self.hangzhou.id,
                complaint_ids=[],
            )

    def test_staff_cannot_propose(self):
        with self.assertRaises(AccessError):
            self._propose(self.staff_nanjing)

    def test_department_records_the_outcome_and_marks_it_done(self):
        action = self._propose(self.hq_user, proposing_unit_id=self.retail_hq.id)
        action.action_open()
        mine = action.with_user(self.staff_nanjing)
        with self.assertRaises(UserError):
            mine.action_done()  # no outcome yet
        mine.outcome = "已统一话术并培训全体员工"
        mine.action_done()
        self.assertEqual(action.state, "done")
        self.assertEqual(action.done_date, china_today())
        self.assertFalse(action.activity_ids)

    def test_department_cannot_change_the_proposal_or_cancel(self):
        action = self._propose(self.head_jiangsu)
        action.action_open()
        mine = action.with_user(self.staff_nanjing)
        with self.assertRaises(AccessError):
            mine.write({"due_date": china_today() + timedelta(days=90)})
        with self.assertRaises(AccessError):
            mine.action_cancel()
        with self.assertRaises(UserError):
            mine.write({"state": "done"})
        self.assertEqual(action.state, "open")

    def test_other_units_do_not_see_the_action(self):
        action = self._propose(self.head_jiangsu)
        seen = self.Improvement.with_user(self.staff_hangzhou).search(
            [("id", "=", action.id)]
        )
        self.assertFalse(seen)
        self.assertEqual(
            self.Improvement.with_user(self.staff_suzhou).search(
                [("id", "=", action.id)]
            ),
            self.Improvement,
        )
        self.assertEqual(
            self.Improvement.with_user(self.hq_user).search([("id", "=", action.id)]),
            action,
        )

    def test_open_needs_owner_and_due_date(self):
        action = self._propose(self.head_jiangsu, user_id=False)
        with self.assertRaises(UserError):
            action.action_open()

    def test_late_action_is_followed_up_once(self):
        action = self._propose(self.head_jiangsu)
        action.action_open()
        action.sudo().with_context(huatai_improvement_transition=True).due_date = (
            china_today() - timedelta(days=2)
        )
        self.assertTrue(action.is_late)
        self.assertIn(action, self.Improvement.search([("is_late", "=", True)]))
        self.assertEqual(self.Improvement._cron_follow_up_late(), 1)
        late_type = self.env.ref(
            "huatai_complaints.mail_activity_type_improvement_late"
        )
        late = action.activity_ids.filtered(lambda a: a.activity_type_id == late_type)
        self.assertEqual(late.user_id, self.staff_nanjing | self.head_jiangsu)
        self.assertEqual(self.Improvement._cron_follow_up_late(), 0)

    def test_a_json_context_cannot_forge_a_transition(self):
        action = self._propose(self.head_jiangsu)
        with self.assertRaises(UserError):
            action.with_user(self.staff_nanjing).with_context(
                huatai_improvement_transition=True
            ).write({"state": "done"})


@tagged("post_install", "-at_install")
class TestImprovementConfidentiality(ImprovementCase):
    """The whistleblowing rule holds through the actions too."""

    def test_nobody_but_compliance_links_a_whistleblowing_report(self):
        for user in (self.head_jiangsu, self.hq_user):
            with self.assertRaises(AccessError):
                self._propose(user, complaint_ids=[(6, 0, self.report.ids)])

    def test_an_action_naming_a_report_is_for_compliance_only(self):
        action = self._propose(
            self.compliance_user,
            proposing_unit_id=self.compliance_unit.id,
            complaint_ids=[(6, 0, (self.complaint | self.report).ids)],
            user_id=self.compliance_user.id,
        )
        self.assertTrue(action.is_confidential)
        for user in (
            self.staff_nanjing,
            self.head_jiangsu,
            self.hq_user,
            self.admin_user,
        ):
            Improvement = self.Improvement.with_user(user)
            self.assertFalse(Improvement.search([("id", "=", action.id)]))
            self.assertFalse(
                Improvement.search([("complaint_ids", "in", self.report.ids)])
            )
            self.assertEqual(Improvement.search_count([]), 0)
            with self.assertRaises(AccessError):
                action.with_user(user).read(["name", "proposal"])
        self.assertEqual(
            self.Improvement.with_user(self.compliance_user).search(
                [("id", "=", action.id)]
            ),
            action,
        )

    def test_a_complaint_handed_over_to_compliance_hides_its_actions(self):
        action = self._propose(self.head_jiangsu)
        self.assertFalse(action.is_confidential)
        self.complaint.sudo().category_id = self.category_whistleblowing
        self.assertTrue(action.sudo().is_confidential)
        self.assertFalse(
            self.Improvement.with_user(self.head_jiangsu).search(
                [("id", "=", action.id)]
            )
        )

    def test_activities_of_a_confidential_action_only_for_compliance(self):
        action = self._propose(
            self.compliance_user,
            proposing_unit_id=self.compliance_unit.id,
            complaint_ids=[(6, 0, self.report.ids)],
        )
        action.action_open()
        self.assertFalse(action.activity_ids)  # the owner is not Compliance


@tagged("post_install", "-at_install")
class TestImprovementIncidents(ImprovementCase):
    """An improvement action answers incidents; nobody links an incident
    they cannot read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Incident = cls.env["huatai.complaint.incident"].sudo()
        cls.incident_jiangsu = Incident.create({"name": "App 登录故障"})
        cls.complaint.sudo().incident_id = cls.incident_jiangsu
        cls.incident_zhejiang = Incident.create({"name": "行情延迟"})
        cls._make(cls.hangzhou).sudo().incident_id = cls.incident_zhejiang
        cls.env.flush_all()

    def test_an_action_links_the_incidents_its_proposer_reads(self):
        action = self._propose(
            self.head_jiangsu, incident_ids=[(6, 0, self.incident_jiangsu.ids)]
        )
        self.assertEqual(action.incident_ids, self.incident_jiangsu)
        incident = self.incident_jiangsu.with_user(self.hq_user)
        self.assertEqual(incident.improvement_count, 1)
        self.assertEqual(
            self.incident_zhejiang.with_user(self.hq_user).improvement_count, 0
        )
        opened = incident.action_view_improvements()
        self.assertEqual(opened["res_model"], "huatai.complaint.improvement")
        self.assertEqual(
            self.Improvement.with_user(self.hq_user).search(opened["domain"]), action
        )

    def test_nobody_links_an_incident_they_cannot_read(self):
        with self.assertRaises(AccessError):
            self._propose(
                self.head_jiangsu, incident_ids=[(6, 0, self.incident_zhejiang.ids)]
            )
        action = self._propose(self.head_jiangsu)
        with self.assertRaises(AccessError):
            action.with_user(self.head_jiangsu).incident_ids = self.incident_zhejiang
        self.assertFalse(action.incident_ids)
        # HQ reads every incident and links it
        action.with_user(self.hq_user).incident_ids = self.incident_zhejiang
        self.assertEqual(action.incident_ids, self.incident_zhejiang)

    def test_the_count_follows_the_actions_rules(self):
        """A confidential action (it names a whistleblowing report) is
        Compliance's: an incident's count does not reveal it to others."""
        self._propose(
            self.compliance_user,
            proposing_unit_id=self.retail_hq.id,
            complaint_ids=[(6, 0, self.report.ids)],
            incident_ids=[(6, 0, self.incident_jiangsu.ids)],
        )
        self.assertEqual(
            self.incident_jiangsu.with_user(self.compliance_user).improvement_count, 1
        )
        self.assertEqual(
            self.incident_jiangsu.with_user(self.hq_user).improvement_count, 0
        )
