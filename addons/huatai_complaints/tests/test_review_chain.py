"""The handling plan and its reviews, orders to act, the outcome and the
compensation approval, the report back to the regulator (issue 15, SPEC §14)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..tools.workdays import china_today
from .common import DeadlineCase

REVIEW_ACTIVITY = "huatai_complaints.mail_activity_type_plan_review"
REVISE_ACTIVITY = "huatai_complaints.mail_activity_type_plan_revise"
ORDER_ACTIVITY = "huatai_complaints.mail_activity_type_order"


class ReviewCase(DeadlineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the complaints stay with their sales department (the shipped
        # routing sends major ones to Retail Client Service HQ)
        cls._archive_shipped_rules()
        # regulator forwardings are taken at HQ by the rules (Art. 11); these
        # tests keep them at the sales department to follow its reviews
        cls._open_local_channels("regulator")
        cls.Opinion = cls.env["huatai.complaint.opinion"]
        cls.head_zhejiang = cls._user("t_head_zj", "manager", cls.zhejiang)
        cls.zhejiang.manager_id = cls.head_zhejiang
        cls.head_suzhou = cls._user("t_head_sz", "manager", cls.suzhou)
        cls.suzhou.manager_id = cls.head_suzhou
        cls.csc_user = cls._user("t_csc", "hq", cls.csc)
        cls.retail_hq.manager_id = cls.hq_user
        cls.compliance_unit.manager_id = cls.compliance_user

    def _review(self, complaint, user, kind, decision="approve", text="同意处理方案"):
        wizard = Form(
            self.env["huatai.complaint.review.wizard"]
            .with_user(user)
            .with_context(default_complaint_id=complaint.id)
        )
        wizard.kind = kind
        wizard.decision = decision
        wizard.text = text
        wizard.save().action_give_review()

    def _order(self, complaint, user, unit, due, text="整改营业部服务流程"):
        return complaint.with_user(user)._give_order(unit, due, text)

    def _plan(self, complaint, user, text="<p>退还多收佣金并向客户致歉</p>"):
        complaint.with_user(user).handling_plan = text
        complaint.with_user(user).action_submit_plan()

    def _reviews(self, complaint, kind):
        return self.Opinion.search(
            [("complaint_id", "=", complaint.id), ("kind", "=", kind)], order="id"
        )


@tagged("post_install", "-at_install")
class TestReviewChain(ReviewCase):
    def test_major_compensation_complaint_of_a_sales_department(self):
        """The issue's scenario: plan → branch review → Retail HQ advice →
        compliance opinion with an order to the unit complained about →
        reply → compensation approved at the right level; each step by its
        role, refused for the others."""
        complaint = self._make(
            self.nanjing,
            is_major=True,
            compensation_amount=50000,
            respondent_unit_id=self.suzhou.id,
            respondent_name="李四",
        )
        staff = self.staff_nanjing
        complaint.with_user(staff).action_accept()
        self.assertEqual(complaint.handling_unit_id, self.nanjing)
        self.assertEqual(
            complaint._required_review_kinds(),
            ["branch_review", "hq_advice", "compliance"],
        )
        # a reply before the reviews: which are missing and from whom
        with self.assertRaises(UserError) as caught:
            complaint.with_user(staff).action_open_reply_wizard()
        message = str(caught.exception)
        for expected in (
            "Branch Review from 江苏分公司 (t_head_js)",
            "Retail Client Service HQ Advice from",
            "Compliance Opinion from",
        ):
            self.assertIn(expected, message)
        with self.assertRaises(UserError):
            self._reply(complaint, staff)
        self.assertFalse(complaint.replied_date, "nothing saved")
        # no plan, nothing to submit
        with self.assertRaises(UserError):
            complaint.with_user(staff).action_submit_plan()
        self._plan(complaint, staff)
        self.assertEqual(complaint.plan_state, "in_review")
        waiting = self._reviews(complaint, "branch_review")
        self.assertEqual(len(waiting), 1)
        self.assertEqual(waiting.unit_id, self.jiangsu)
        self.assertFalse(waiting.decision)
        self.assertEqual(
            waiting.due_date,
            complaint._workday_calendar().add(china_today(), 3),
        )
        activity = complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(REVIEW_ACTIVITY)
        )
        self.assertEqual(activity.user_id, self.head_jiangsu)
        self.assertEqual(activity.date_deadline, waiting.due_date)
        # the branch review: the head of the branch above only
        for user in (staff, self.hq_user, self.compliance_user, self.head_nanjing):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                complaint.with_user(user)._give_review(
                    "branch_review", "同意", "approve"
                )
        with self.assertRaises(AccessError):
            self._review(complaint, self.head_zhejiang, "branch_review")
        # sent back: the owner revises and submits again
        self._review(
            complaint, self.head_jiangsu, "branch_review", "revise", "补充赔偿依据"
        )
        self.assertEqual(complaint.plan_state, "revise")
        revise = complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(REVISE_ACTIVITY)
        )
        self.assertEqual(revise.user_id, staff)
        self.assertIn("补充赔偿依据", revise.summary)
        self.assertFalse(activity.exists(), "the review's activity is done")
        self._plan(complaint, staff, "<p>按实际损失赔偿五万元</p>")
        self.assertFalse(revise.exists())
        self.assertEqual(len(self._reviews(complaint, "branch_review")), 2)
        self.assertFalse(self._reviews(complaint, "hq_advice"))
        self._review(complaint, self.head_jiangsu, "branch_review")
        # Retail Client Service HQ next
        hq_waiting = self._reviews(complaint, "hq_advice")
        self.assertEqual(len(hq_waiting), 1)
        self.assertEqual(hq_waiting.unit_id, self.retail_hq)
        for user in (staff, self.head_jiangsu, self.compliance_user, self.csc_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                complaint.with_user(user)._give_review("hq_advice", "同意", "approve")
        self._review(complaint, self.hq_user, "hq_advice", text="同意，注意安抚客户")
        self.assertEqual(hq_waiting.decision, "approve")
        self.assertEqual(hq_waiting.user_id, self.hq_user)
        # Compliance orders the unit complained about to act
        for user in (staff, self.head_jiangsu, self.csc_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._order(complaint, user, self.suzhou, china_today())
        with self.assertRaises(UserError):
            self._order(
                complaint,
                self.compliance_user,
                self.env["huatai.org.unit"],
                china_today(),
            )
        with self.assertRaises(UserError):
            self._order(complaint, self.compliance_user, self.suzhou, False)
        self.assertFalse(complaint.order_ids, "nothing saved")
        due = china_today() + timedelta(days=10)
        order = self._order(complaint, self.compliance_user, self.suzhou, due)
        self.assertEqual(order.target_unit_id, self.suzhou)
        self.assertEqual(order.unit_id, self.compliance_unit)
        self.assertEqual(order.state, "open")
        self.assertEqual(order.activity_ids.user_id, self.head_suzhou)
        # the ordered unit sees the order and what it needs of the complaint,
        # not the complaint
        as_suzhou = self.Opinion.with_user(self.staff_suzhou)
        self.assertEqual(as_suzhou.search([("kind", "=", "order")]), order)
        self.assertEqual(
            order.with_user(self.staff_suzhou).complaint_name, complaint.name
        )
        self.assertEqual(order.with_user(self.staff_suzhou).respondent_name, "李四")
        with self.assertRaises(AccessError):
            complaint.with_user(self.staff_suzhou).read(["description"])
        self.assertFalse(
            as_suzhou.search([("kind", "!=", "order")]), "not the plan's reviews"
        )
        self.assertFalse(self.Opinion.with_user(self.staff_hangzhou).search([]))
        with self.assertRaises(AccessError):
            order.with_user(staff).action_mark_done()
        order.with_user(self.staff_suzhou).action_mark_done()
        self.assertEqual(order.done_date, china_today())
        self.assertEqual(order.done_user_id, self.staff_suzhou)
        self.assertEqual(order.state, "done")
        # Compliance's opinion, through its own wizard, is its review
        with self.assertRaises(AccessError):
            self._review(complaint, self.hq_user, "compliance")
        wizard = Form(
            self.env["huatai.complaint.compliance.wizard"]
            .with_user(self.compliance_user)
            .with_context(default_complaint_id=complaint.id)
        )
        wizard.opinion = "同意赔偿方案"
        wizard.save().action_give_opinion()
        opinion = self._reviews(complaint, "compliance")
        self.assertEqual(opinion.decision, "approve")
        self.assertEqual(opinion.text, "同意赔偿方案")
        self.assertEqual(complaint.compliance_opinion, "同意赔偿方案")
        self.assertEqual(complaint.compliance_opinion_user_id, self.compliance_user)
        self.assertEqual(complaint.plan_state, "approved")
        self.assertFalse(complaint.reviews_missing)
        self._reply(complaint, staff)
        self.assertEqual(complaint.stage_id, self.stage["replied"])
        # the compensation, approved at the level its amount needs
        with self.assertRaises(AccessError):
            complaint.with_user(staff)._approve_compensation(50000, china_today())
        with self.assertRaises(UserError) as caught:
            complaint.with_user(self.head_nanjing)._approve_compensation(
                50000, china_today()
            )
        self.assertIn("Sales Department Head", str(caught.exception))
        self.assertFalse(complaint.compensation_paid, "nothing saved")
        wizard = Form(
            self.env["huatai.complaint.compensation.wizard"]
            .with_user(self.head_jiangsu)
            .with_context(default_complaint_id=complaint.id)
        )
        wizard.amount = 50000
        wizard.save().action_approve()
        self.assertEqual(complaint.compensation_paid, 50000)
        self.assertEqual(complaint.compensation_date, china_today())
        self.assertEqual(complaint.compensation_approved_by_id, self.head_jiangsu)
        self.assertEqual(complaint.compensation_approval_level, "branch")
        self.assertEqual(complaint.currency_id, self.env.company.currency_id)

    def test_review_rules_are_configurable(self):
        complaint = self._make(self.nanjing, is_difficult=True)
        self.assertEqual(
            complaint._required_review_kinds(),
            ["branch_review", "hq_advice", "compliance"],
        )
        self.env.ref("huatai_complaints.review_rule_hq_advice").active = False
        self.assertEqual(
            complaint._required_review_kinds(), ["branch_review", "compliance"]
        )
        # Art. 6: every complaint of a sales department, by default
        ordinary = self._make(self.nanjing)
        self.assertEqual(ordinary._required_review_kinds(), ["branch_review"])
        self.env.ref("huatai_complaints.review_rule_branch_all").active = False
        self.assertEqual(ordinary._required_review_kinds(), [])
        self.assertEqual(
            complaint._required_review_kinds(), ["branch_review", "compliance"]
        )
        # handled at HQ: no branch above to review
        at_hq = self._make(
            self.retail_hq,
            channel="regulator",
            regulator_authority="csrc",
            regulator_reference="证监会-1",
            regulator_deadline=fields.Date.today() + timedelta(days=40),
        )
        self.assertNotIn("branch_review", at_hq._required_review_kinds())

    def test_law_related_and_media_complaints(self):
        law = self._make(self.nanjing)
        self.assertFalse(law.compliance_required)
        law.is_law_related = True
        self.assertTrue(law.compliance_required)
        self.assertEqual(law._required_review_kinds(), ["branch_review", "compliance"])
        media = self._make(self.nanjing, is_media=True)
        self.assertEqual(
            media._required_review_kinds(),
            ["branch_review", "institutional", "compliance"],
        )
        media.with_user(self.staff_nanjing).handling_plan = "<p>统一口径答复媒体</p>"
        with self.assertRaises(AccessError):
            self._review(media, self.hq_user, "institutional")
        # the branch company's review comes first
        with self.assertRaises(UserError) as caught:
            media.with_user(self.institutional_user)._give_review(
                "institutional", "同意媒体答复口径", "approve"
            )
        self.assertEqual(
            str(caught.exception),
            f"{media.name}: Institutional Client Service HQ is given after Branch "
            "Review, still awaited from 江苏分公司 (t_head_js).",
        )
        self.assertFalse(self._reviews(media, "institutional"), "nothing saved")
        media.with_user(self.head_jiangsu)._give_review(
            "branch_review", "同意", "approve"
        )
        media.with_user(self.institutional_user)._give_review(
            "institutional", "同意媒体答复口径", "approve"
        )
        self.assertEqual(
            self._reviews(media, "institutional").unit_id, self.institutional_unit
        )
        # a review not required is refused
        with self.assertRaises(UserError):
            media.with_user(self.hq_user)._give_review("hq_advice", "同意", "approve")

    def test_compliance_asks_to_revise(self):
        complaint = self._make(
            self.hangzhou, is_compensation=True, compensation_amount=800
        )
        # Compliance's review alone
        for xmlid in ("review_rule_branch_serious", "review_rule_branch_all"):
            self.env.ref(f"huatai_complaints.{xmlid}").active = False
        self._plan(complaint, self.staff_hangzhou)
        self.assertEqual(
            self._reviews(complaint, "compliance").unit_id, self.compliance_unit
        )
        complaint.with_user(self.compliance_user)._give_review(
            "compliance", "同意", "approve"
        )
        self.assertTrue(complaint.compliance_opinion_date)
        complaint.with_user(self.compliance_user)._give_review(
            "compliance", "赔偿依据不足，请修改", "revise"
        )
        self.assertFalse(complaint.compliance_opinion_date, "no approving opinion")
        self.assertEqual(complaint.plan_state, "revise")
        complaint.with_user(self.staff_hangzhou).action_accept()
        with self.assertRaises(UserError) as caught:
            self._reply(complaint, self.staff_hangzhou)
        self.assertIn("Compliance Opinion", str(caught.exception))

    def test_workflow_fields_are_written_by_the_workflow(self):
        complaint = self._make(self.nanjing, is_compensation=True)
        for vals in (
            {"plan_state": "approved"},
            {"compensation_paid": 1},
            {"compensation_approved_by_id": self.head_jiangsu.id},
            {"regulator_replied_date": fields.Date.today()},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                complaint.with_user(self.head_jiangsu).write(vals)
        # the plan and the outcome are the handling unit's
        complaint.with_user(self.staff_nanjing).write(
            {
                "handling_plan": "<p>方案</p>",
                "outcome": "partly_founded",
                "root_cause": "交易系统延迟",
                "corrective_action": "升级系统",
            }
        )
        self.assertEqual(complaint.outcome, "partly_founded")


@tagged("post_install", "-at_install")
class TestOrdersAndCompensation(ReviewCase):
    def test_late_order_is_followed_up_once(self):
        complaint = self._make(self.nanjing, respondent_unit_id=self.suzhou.id)
        order = self._order(
            complaint, self.hq_user, self.suzhou, china_today(), "完善录音管理"
        )
        self.assertEqual(order.unit_id, self.retail_hq)
        order.sudo().write({"due_date": china_today() - timedelta(days=2)})
        self.assertEqual(self.Opinion._cron_follow_up_orders(), 1)
        self.assertTrue(order.late_notified)
        late = order.activity_ids.filtered(lambda a: "Late" in (a.summary or ""))
        self.assertEqual(late.user_id, self.head_suzhou)
        self.assertEqual(self.Opinion._cron_follow_up_orders(), 0, "once")
        with self.assertRaises(UserError):
            self._order(
                complaint, self.hq_user, self.suzhou, china_today() - timedelta(days=1)
            )

    def test_approval_levels_by_amount(self):
        complaint = self._make(self.nanjing, is_compensation=True)
        today = china_today()
        complaint.with_user(self.head_nanjing)._approve_compensation(10000, today)
        self.assertEqual(complaint.compensation_approval_level, "sales_department")
        other = self._make(self.nanjing, is_compensation=True)
        with self.assertRaises(UserError):
            other.with_user(self.head_nanjing)._approve_compensation(10000.01, today)
        with self.assertRaises(UserError):
            other.with_user(self.head_jiangsu)._approve_compensation(100001, today)
        with self.assertRaises(AccessError):
            other.with_user(self.head_zhejiang)._approve_compensation(100, today)
        other.with_user(self.hq_user)._approve_compensation(250000, today)
        self.assertEqual(other.compensation_approval_level, "hq")
        # the levels are settings
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.compensation_limit_sales_department", "20000"
        )
        third = self._make(self.nanjing, is_compensation=True)
        third.with_user(self.head_nanjing)._approve_compensation(15000, today)
        self.assertEqual(third.compensation_paid, 15000)
        with self.assertRaises(UserError):
            third.with_user(self.head_nanjing)._approve_compensation(0, today)


@tagged("post_install", "-at_install")
class TestRegulatorReply(ReviewCase):
    def test_report_back_to_the_regulator(self):
        received = fields.Datetime.to_datetime("2026-03-02 02:00:00")  # Mon, China
        # the firm lets sales departments take forwarded complaints in
        self._open_local_channels("regulator")
        complaint = self._make(
            self.nanjing,
            channel="regulator",
            regulator_authority="hotline_12386",
            regulator_reference="12386-2026-001",
            regulator_deadline=fields.Date.to_date("2026-03-10"),
            received_date=received,
        )
        # 15 working days would be 2026-03-23: capped by the regulator's date
        self.assertEqual(
            complaint.regulator_reply_deadline, fields.Date.to_date("2026-03-10")
        )
        self.assertEqual(complaint.regulator_reply_state, "overdue")
        self.assertIn(
            complaint,
            self.Complaint.search([("regulator_reply_state", "=", "overdue")]),
        )
        ordinary = self._make(self.nanjing)
        with self.assertRaises(UserError):
            ordinary.with_user(self.staff_nanjing)._record_regulator_reply(
                china_today(), "X", "已报告"
            )
        with self.assertRaises(AccessError):
            complaint.with_user(self.staff_hangzhou)._record_regulator_reply(
                china_today(), "X", "已报告"
            )
        wizard = (
            self.env["huatai.complaint.regulator.reply.wizard"]
            .with_user(self.staff_nanjing)
            .create(
                {
                    "complaint_id": complaint.id,
                    "reported_on": china_today(),
                    "reference": "华泰复-2026-07",
                    "text": "已与客户达成和解",
                    "attachment": "UEsDBA==",
                    "attachment_name": "report.pdf",
                }
            )
        )
        wizard.action_record()
        self.assertEqual(complaint.regulator_replied_date, china_today())
        self.assertEqual(complaint.regulator_reply_reference, "华泰复-2026-07")
        self.assertEqual(complaint.regulator_reply_attachment_id.res_id, complaint.id)
        self.assertEqual(complaint.regulator_reply_state, "done")


@tagged("post_install", "-at_install")
class TestReviewsOfReports(ReviewCase):
    def test_reviews_of_a_whistleblowing_report_are_compliance_only(self):
        report = self._make(
            self.nanjing, category_id=self.category_whistleblowing.id, is_major=True
        )
        report.with_user(self.compliance_user)._give_review(
            "compliance", "移交纪检", "approve"
        )
        self.assertTrue(self._reviews(report, "compliance"))
        for user in (
            self.staff_nanjing,
            self.head_jiangsu,
            self.hq_user,
            self.admin_user,
        ):
            with self.subTest(user=user.login):
                self.assertFalse(
                    self.Opinion.with_user(user).search(
                        [("complaint_id", "=", report.id)]
                    )
                )
        self.assertTrue(
            self.Opinion.with_user(self.compliance_user).search(
                [("complaint_id", "=", report.id)]
            )
        )
        with self.assertRaises(UserError):
            self._order(
                report, self.compliance_user, self.nanjing, china_today(), "整改"
            )


@tagged("post_install", "-at_install")
class TestReviewOrder(ReviewCase):
    """The reviews are given in the rules' order: branch company, Retail
    Client Service HQ, Institutional Client Service HQ, Compliance."""

    def _compliance_wizard(self, complaint):
        wizard = Form(
            self.env["huatai.complaint.compliance.wizard"]
            .with_user(self.compliance_user)
            .with_context(default_complaint_id=complaint.id)
        )
        wizard.opinion = "同意处理方案"
        return wizard.save()

    def _awaiting(self, complaint, review, awaited, unit):
        return (
            f"{complaint.name}: {review} is given after {awaited}, still awaited "
            f"from {unit}."
        )

    def test_a_later_reviewer_waits_for_the_earlier_ones(self):
        complaint = self._make(self.nanjing, is_major=True)
        self._plan(complaint, self.staff_nanjing)
        self.assertEqual(
            complaint._required_review_kinds(),
            ["branch_review", "hq_advice", "compliance"],
        )
        as_compliance = complaint.with_user(self.compliance_user)
        as_hq = complaint.with_user(self.hq_user)
        self.assertFalse(as_compliance.can_review)
        self.assertFalse(as_hq.can_review)
        self.assertTrue(complaint.with_user(self.head_jiangsu).can_review)
        branch_first = "江苏分公司 (t_head_js)"
        # Compliance before the branch review: refused, nothing saved, by its
        # review and by its own opinion wizard
        expected = self._awaiting(
            complaint, "Compliance Opinion", "Branch Review", branch_first
        )
        with self.assertRaises(UserError) as caught:
            as_compliance._give_review("compliance", "同意", "approve")
        self.assertEqual(str(caught.exception), expected)
        with self.assertRaises(UserError) as caught:
            as_compliance.action_open_compliance_opinion_wizard()
        self.assertEqual(str(caught.exception), expected)
        wizard = self._compliance_wizard(complaint)
        with self.assertRaises(UserError):
            wizard.action_give_opinion()
        with self.assertRaises(UserError) as caught:
            as_compliance.action_open_review_wizard()
        self.assertEqual(str(caught.exception), expected)
        self.assertFalse(complaint.compliance_opinion_date, "nothing saved")
        self.assertFalse(self._reviews(complaint, "compliance"))
        # Retail HQ before the branch review: refused as well
        with self.assertRaises(UserError) as caught:
            self._review(complaint, self.hq_user, "hq_advice")
        self.assertEqual(
            str(caught.exception),
            self._awaiting(
                complaint,
                "Retail Client Service HQ Advice",
                "Branch Review",
                branch_first,
            ),
        )
        self.assertFalse(self._reviews(complaint, "hq_advice"))
        # the wrong role is refused whatever the order
        with self.assertRaises(AccessError):
            complaint.with_user(self.staff_nanjing)._give_review(
                "branch_review", "同意", "approve"
            )
        # the branch company first, then Retail HQ
        self._review(complaint, self.head_jiangsu, "branch_review")
        self.assertTrue(as_hq.can_review)
        self.assertFalse(as_compliance.can_review)
        with self.assertRaises(UserError) as caught:
            as_compliance._give_review("compliance", "同意", "approve")
        self.assertEqual(
            str(caught.exception),
            self._awaiting(
                complaint,
                "Compliance Opinion",
                "Retail Client Service HQ Advice",
                f"{self.retail_hq.display_name} (t_hq)",
            ),
        )
        self._review(complaint, self.hq_user, "hq_advice")
        # Compliance last, by its opinion wizard
        self.assertTrue(as_compliance.can_review)
        self._compliance_wizard(complaint).action_give_opinion()
        self.assertEqual(complaint.compliance_opinion, "同意处理方案")
        self.assertEqual(complaint.plan_state, "approved")
        self.assertEqual(
            [
                (o.kind, o.decision, o.user_id)
                for o in complaint.opinion_ids.sorted("id")
            ],
            [
                ("branch_review", "approve", self.head_jiangsu),
                ("hq_advice", "approve", self.hq_user),
                ("compliance", "approve", self.compliance_user),
            ],
        )
        complaint.with_user(self.staff_nanjing).action_accept()
        self._reply(complaint, self.staff_nanjing)
        self.assertEqual(complaint.stage_id, self.stage["replied"])

    def test_a_revised_plan_goes_back_to_the_reviewer_who_asked(self):
        complaint = self._make(self.nanjing, is_difficult=True)
        self._plan(complaint, self.staff_nanjing)
        self._review(complaint, self.head_jiangsu, "branch_review")
        self._review(complaint, self.hq_user, "hq_advice", "revise", "补充录音核查结果")
        self.assertEqual(complaint.plan_state, "revise")
        # sent back: nobody reviews until the unit submits it again
        for user, kind in (
            (self.hq_user, "hq_advice"),
            (self.head_jiangsu, "branch_review"),
            (self.compliance_user, "compliance"),
        ):
            with self.subTest(kind=kind), self.assertRaises(UserError) as caught:
                complaint.with_user(user)._give_review(kind, "同意", "approve")
            self.assertIn("sent back to be revised", str(caught.exception))
            self.assertFalse(complaint.with_user(user).can_review)
        self._plan(complaint, self.staff_nanjing, "<p>核查录音后按实际损失补偿</p>")
        # the chain restarts at Retail HQ: the branch company's approval stands
        self.assertEqual(complaint._missing_review_kinds(), ["hq_advice", "compliance"])
        waiting = self._reviews(complaint, "hq_advice").filtered(
            lambda o: not o.decision
        )
        self.assertEqual(len(waiting), 1)
        self.assertEqual(len(self._reviews(complaint, "branch_review")), 1)
        asked = self._activities(complaint, REVIEW_ACTIVITY)
        self.assertEqual(asked.user_id, self.hq_user)
        with self.assertRaises(UserError):
            complaint.with_user(self.compliance_user)._give_review(
                "compliance", "同意", "approve"
            )
        self._review(complaint, self.hq_user, "hq_advice")
        self.assertEqual(waiting.decision, "approve")
        complaint.with_user(self.compliance_user)._give_review(
            "compliance", "同意", "approve"
        )
        self.assertFalse(complaint.reviews_missing)
        self.assertEqual(complaint.plan_state, "approved")


@tagged("post_install", "-at_install")
class TestBranchReviewByDefault(ReviewCase):
    def test_every_complaint_of_a_sales_department_is_reviewed_by_its_branch(self):
        """Art. 6, shipped active: an ordinary complaint of a sales department
        is replied to after its branch company's review only."""
        rule = self.env.ref("huatai_complaints.review_rule_branch_all")
        self.assertTrue(rule.active)
        self.assertEqual(rule.unit_kind, "sales_department")
        complaint = self._make(self.nanjing)
        staff = self.staff_nanjing
        complaint.with_user(staff).action_accept()
        self.assertEqual(complaint._required_review_kinds(), ["branch_review"])
        with self.assertRaises(UserError) as caught:
            self._reply(complaint, staff)
        self.assertIn(
            "Branch Review from 江苏分公司 (t_head_js)", str(caught.exception)
        )
        self.assertFalse(complaint.replied_date, "nothing saved")
        self._plan(complaint, staff)
        self.assertEqual(
            self._activities(complaint, REVIEW_ACTIVITY).user_id, self.head_jiangsu
        )
        # the head of another branch may not give it
        with self.assertRaises(AccessError):
            self._review(complaint, self.head_zhejiang, "branch_review")
        self._review(complaint, self.head_jiangsu, "branch_review")
        self._reply(complaint, staff)
        self.assertEqual(complaint.stage_id, self.stage["replied"])
        # handled at a branch company or at HQ: no branch review
        for unit in (self.jiangsu, self.csc):
            with self.subTest(unit=unit.name):
                self.assertEqual(self._make(unit)._required_review_kinds(), [])
