"""Duplicates and pattern alerts (issue 16)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ComplaintCase

FACTS = "客户经理未经本人同意修改了账户的风险测评结果，并代为购买高风险理财产品。"
SAME_FACTS = "投诉客户经理未经我同意修改了风险测评结果，还替我买了高风险的理财产品。"
OTHER_FACTS = "营业部大厅空调故障，等候时间过长且环境闷热。"


@tagged("post_install", "-at_install")
class TestDuplicates(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = fields.Datetime.now().replace(microsecond=0)
        cls.hotline = cls._make(
            cls.nanjing,
            channel="phone",
            client_account="3100012345",
            description=FACTS,
            received_date=cls.now - timedelta(days=2),
        )

    def _run_job(self):
        self.env["huatai.complaint.incident"]._cron_propose_incidents()

    def _regulator_copy(self, **values):
        vals = {
            "channel": "regulator",
            "regulator_authority": "hotline_12386",
            "regulator_reference": "12386-2026-0001",
            "regulator_deadline": fields.Date.today() + timedelta(days=20),
            "client_account": "3100012345",
            "description": SAME_FACTS,
            "received_date": self.now,
        }
        vals.update(values)
        return self._make(self.retail_hq, **vals)

    def test_the_regulator_copy_is_proposed_as_a_duplicate(self):
        copy = self._regulator_copy()
        self._run_job()
        self.assertEqual(copy.duplicate_candidate_id, self.hotline)
        self.assertFalse(self.hotline.duplicate_candidate_id)

    def test_no_proposal_for_other_facts_other_clients_or_far_apart(self):
        other_text = self._regulator_copy(description=OTHER_FACTS)
        other_client = self._regulator_copy(
            client_account="3100099999", regulator_reference="12386-2026-0002"
        )
        late = self._make(
            self.nanjing,
            client_account="3100012345",
            description=SAME_FACTS,
            received_date=self.now - timedelta(days=30),
        )
        self._run_job()
        self.assertFalse(
            (other_text | other_client | late).mapped("duplicate_candidate_id")
        )

    def test_staff_close_the_hotline_copy_with_a_pointer(self):
        copy = self._regulator_copy()
        self._run_job()
        deadline = copy.regulator_deadline
        Wizard = self.env["huatai.complaint.duplicate.wizard"]
        # the regulator copy stays handled: its authority's clock is reported
        with self.assertRaises(UserError):
            Wizard.with_user(self.hq_user).create(
                {"complaint_id": copy.id, "original_id": self.hotline.id}
            ).action_close_duplicate()
        # linking needs both: the sales department does not see HQ's copy
        with self.assertRaises(AccessError):
            Wizard.with_user(self.staff_nanjing).create(
                {"complaint_id": self.hotline.id, "original_id": copy.id}
            ).action_close_duplicate()
        Wizard.with_user(self.hq_user).create(
            {"complaint_id": self.hotline.id, "original_id": copy.id}
        ).action_close_duplicate()
        self.assertEqual(self.hotline.duplicate_of_id, copy)
        self.assertEqual(self.hotline.stage_state, "rejected")
        self.assertIn(copy.name, self.hotline.rejection_reason)
        self.assertEqual(copy.duplicate_ids, self.hotline)
        self.assertFalse(copy.is_closed)
        self.assertEqual(copy.regulator_deadline, deadline)

    def test_the_proposal_is_noted_in_the_firms_language(self):
        self._load_chinese()
        copy = self._regulator_copy()
        self.env["huatai.complaint.incident"].with_context(
            lang="en_US"
        )._cron_propose_incidents()
        self.assertEqual(copy.duplicate_candidate_id, self.hotline)
        self.assertIn(
            f"可能与 {self.hotline.name} 为同一投诉", copy.message_ids[0].body
        )

    def test_dismissing_a_proposal(self):
        copy = self._regulator_copy()
        self._run_job()
        copy.with_user(self.hq_user).action_dismiss_duplicate()
        self.assertFalse(copy.duplicate_candidate_id)

    def test_a_user_cannot_close_another_units_complaint_as_duplicate(self):
        copy = self._regulator_copy()
        with self.assertRaises(AccessError):
            self.env["huatai.complaint.duplicate.wizard"].with_user(
                self.staff_suzhou
            ).create({"complaint_id": self.hotline.id, "original_id": copy.id})
        self.assertFalse(self.hotline.duplicate_of_id)


@tagged("post_install", "-at_install")
class TestPatternAlerts(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["huatai.pattern.alert"]
        cls.retail_hq.manager_id = cls.hq_user
        cls.compliance_unit.manager_id = cls.compliance_user
        cls.now = fields.Datetime.now().replace(microsecond=0)
        cls.month_start = cls.now.replace(day=1, hour=0, minute=0, second=0)
        # nothing the demo data or other tests left counts here
        cls.env["huatai.complaint"].sudo().search([]).write({"active": False})

    def _at(self, unit, when, **values):
        return self._make(unit, received_date=when, **values)

    def _alerts(self, kind):
        return self.Alert.search([("kind", "=", kind)])

    def test_a_complainant_with_k_complaints_in_m_months(self):
        complaints = self.Complaint
        for months in (5, 2, 0):
            when = max(self.now - relativedelta(months=months), self.month_start)
            complaints |= self._at(
                self.nanjing, when, client_account="3100055555", description=OTHER_FACTS
            )
        self._at(self.nanjing, self.now, client_account="3100066666")
        self._at(self.nanjing, self.now, client_account="3100066666")
        self.Alert._cron_raise_pattern_alerts(self.now)
        alert = self._alerts("complainant")
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.key, "account:3100055555")
        self.assertEqual(alert.complaint_ids, complaints)
        self.assertEqual(alert.count, 3)
        self.assertEqual(alert.activity_ids.user_id, self.hq_user)
        self.assertIn(complaints[0].name, alert.activity_ids.note)
        # raised once per period
        self.Alert._cron_raise_pattern_alerts(self.now)
        self.assertEqual(len(self._alerts("complainant")), 1)

    def test_alerts_are_written_in_the_firms_language(self):
        self._load_chinese()
        for months in (2, 1, 0):
            when = max(self.now - relativedelta(months=months), self.month_start)
            self._at(self.nanjing, when, client_account="3100077777")
        self.Alert.with_context(lang="en_US")._cron_raise_pattern_alerts(self.now)
        alert = self._alerts("complainant")
        self.assertIn("个月内投诉 3 次", alert.name)
        self.assertEqual(alert.activity_ids.summary, alert.name)

    def test_staff_named_k_times_alerts_compliance_only(self):
        for unit in (self.nanjing, self.suzhou, self.nanjing):
            self._at(
                unit,
                self.now,
                respondent_name="李 四",
                respondent_unit_id=self.nanjing.id,
            )
        self._at(self.nanjing, self.now, respondent_name="王五")
        self.Alert._cron_raise_pattern_alerts(self.now)
        alert = self._alerts("respondent")
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.count, 3)
        self.assertEqual(alert.activity_ids.user_id, self.compliance_user)
        self.assertFalse(
            self.Alert.with_user(self.hq_user).search([("kind", "=", "respondent")])
        )
        self.assertEqual(
            self.Alert.with_user(self.compliance_user).search(
                [("kind", "=", "respondent")]
            ),
            alert,
        )

    def test_a_unit_above_its_own_baseline(self):
        # Nanjing: one service complaint a month for 6 months, 5 this month
        for months in range(1, 7):
            self._at(self.nanjing, self.month_start - relativedelta(months=months))
        for _k in range(5):
            self._at(self.nanjing, self.now)
        # Suzhou: 5 a month before, 5 this month: its usual level
        for months in range(1, 7):
            for _k in range(5):
                self._at(self.suzhou, self.month_start - relativedelta(months=months))
        for _k in range(5):
            self._at(self.suzhou, self.now)
        self.Alert._cron_raise_pattern_alerts(self.now)
        alert = self._alerts("unit_rate")
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.unit_id, self.nanjing)
        self.assertEqual(alert.category_id, self.category_service)
        self.assertEqual(alert.count, 5)
        self.assertAlmostEqual(alert.baseline, 1.0)
        self.assertEqual(alert.activity_ids.user_id, self.hq_user)
