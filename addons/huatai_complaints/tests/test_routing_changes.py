"""Routing after intake: rules applied again when what they look at changes,
keyword conditions, named owners set over the API, and who owns a complaint
when no rule says so."""

import json

from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import DeadlineCase


@tagged("post_install", "-at_install")
class TestRerouteOnChange(DeadlineCase):
    """The shipped rules, applied again when a complaint's severity, channel,
    type or regulator changes after intake."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule_major = cls.env.ref("huatai_complaints.routing_rule_major")
        cls.rule_regulator = cls.env.ref("huatai_complaints.routing_rule_regulator")
        cls.rule_whistleblowing = cls.env.ref(
            "huatai_complaints.routing_rule_whistleblowing"
        )

    def _register(self, user, unit, **values):
        return self.Complaint.with_user(user).create(
            self._complaint_vals(unit, **values)
        )

    def _notes(self, complaint):
        return complaint.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_note")
        ).mapped("body")

    def _dispatch(self, complaint, user, unit, owner):
        wizard = Form(
            self.env["huatai.complaint.dispatch.wizard"]
            .with_user(user)
            .with_context(default_complaint_id=complaint.id)
        )
        wizard.to_unit_id = unit
        wizard.to_user_id = owner
        wizard.reason = "被投诉人在苏州营业部"
        wizard.save().action_dispatch()

    def test_flagged_major_by_its_owner_goes_to_retail_hq(self):
        complaint = self._register(self.staff_nanjing, self.nanjing)
        self.assertEqual(complaint.handling_unit_id, self.nanjing)
        self.assertEqual(complaint.user_id, self.staff_nanjing)
        self.assertFalse(complaint.routing_rule_id)
        complaint.with_user(self.staff_nanjing).write({"is_major": True})
        self.assertEqual(complaint.routing_rule_id, self.rule_major)
        self.assertEqual(complaint.handling_unit_id, self.retail_hq)
        self.assertEqual(complaint.user_id, self.hq_user)
        # whoever accepts, responds: the sales department stays accountable
        self.assertEqual(complaint.accepting_unit_id, self.nanjing)
        self.assertIn(self.compliance_user.partner_id, complaint.message_partner_ids)
        self.assertEqual(complaint.dispatch_ids.from_unit_id, self.nanjing)
        self.assertEqual(complaint.dispatch_ids.to_unit_id, self.retail_hq)
        [note] = [body for body in self._notes(complaint) if "Routed again" in body]
        self.assertIn(self.rule_major.name, note)
        self.assertIn("Major", note)
        self.assertIn(self.rule_major.name, complaint.dispatch_ids.reason)
        # its former owner still sees it through the accepting unit
        self.assertTrue(complaint.with_user(self.staff_nanjing).description)

    def test_forwarded_by_regulator_later(self):
        self._open_local_channels("regulator")
        complaint = self._make(self.nanjing)
        complaint.write(
            {
                "channel": "regulator",
                "regulator_authority": "csrc_bureau",
                "regulator_reference": "JS-2026-0815",
                "regulator_deadline": "2026-12-31",
            }
        )
        self.assertEqual(complaint.routing_rule_id, self.rule_regulator)
        self.assertEqual(complaint.handling_unit_id, self.retail_hq)

    def test_manual_dispatch_survives_unrelated_edits(self):
        # routed by a rule, then dispatched by hand
        major = self._make(self.nanjing, is_major=True)
        self.assertEqual(major.handling_unit_id, self.retail_hq)
        self._dispatch(major, self.hq_user, self.suzhou, self.staff_suzhou)
        major.with_user(self.staff_suzhou).write(
            {"is_difficult": True, "description": "客户补充了交易记录"}
        )
        self.assertEqual(major.handling_unit_id, self.suzhou)
        self.assertEqual(major.user_id, self.staff_suzhou)
        self.assertEqual(major.routing_rule_id, self.rule_major)
        self.assertEqual(len(major.dispatch_ids), 1)
        # no rule matched, then dispatched by hand; a rule added since that
        # matches it before and after the edit changes nothing either
        ordinary = self._make(self.nanjing)
        self._dispatch(ordinary, self.staff_nanjing, self.suzhou, self.staff_suzhou)
        self.Rule.with_user(self.admin_user).create(
            {
                "name": "Email to Hangzhou",
                "sequence": 1,
                "domain": "[('channel', '=', 'email')]",
                "handling_unit_id": self.hangzhou.id,
            }
        )
        ordinary.with_user(self.staff_suzhou).write({"is_judicial": True})
        self.assertEqual(ordinary.handling_unit_id, self.suzhou)
        self.assertFalse(ordinary.routing_rule_id)

    def test_a_unit_chosen_in_the_same_write_is_kept(self):
        complaint = self._make(self.nanjing)
        complaint.write({"is_major": True, "handling_unit_id": self.suzhou.id})
        self.assertEqual(complaint.handling_unit_id, self.suzhou)
        self.assertFalse(complaint.routing_rule_id)

    def test_later_rules_never_take_a_complaint_from_earlier_ones(self):
        report = self._make(self.nanjing, category_id=self.category_whistleblowing.id)
        self.assertEqual(report.routing_rule_id, self.rule_whistleblowing)
        report.with_user(self.compliance_user).write({"is_major": True})
        self.assertEqual(report.routing_rule_id, self.rule_whistleblowing)
        self.assertEqual(report.handling_unit_id, self.compliance_unit)
        # an earlier rule takes it from a later one
        complaint = self._make(self.nanjing, is_major=True)
        self.assertEqual(complaint.routing_rule_id, self.rule_major)
        complaint.with_user(self.hq_user).category_id = self.category_whistleblowing
        self.assertEqual(complaint.routing_rule_id, self.rule_whistleblowing)
        self.assertEqual(complaint.handling_unit_id, self.compliance_unit)
        self.assertEqual(complaint.user_id, self.compliance_user)

    def test_finished_complaints_stay_where_they_are(self):
        complaint = self._make(self.nanjing, rejection_reason="不属于投诉")
        complaint.stage_id = self.stage["rejected"]
        complaint.is_major = True
        self.assertEqual(complaint.handling_unit_id, self.nanjing)
        self.assertFalse(complaint.routing_rule_id)

    def test_rules_are_read_once_per_write(self):
        one = self._make(self.nanjing)
        many = self.Complaint.create(
            [self._complaint_vals(self.nanjing) for _i in range(30)]
        )
        self.env.flush_all()
        queries = self.env.cr.sql_log_count
        one.write({"description": "客户经理私自承诺收益"})
        self.env.flush_all()
        single = self.env.cr.sql_log_count - queries
        queries = self.env.cr.sql_log_count
        many.write({"description": "客户经理私自承诺收益"})
        self.env.flush_all()
        self.assertEqual(self.env.cr.sql_log_count - queries, single)


@tagged("post_install", "-at_install")
class TestRoutingRuleConditions(DeadlineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_shipped_rules()
        cls.rule = cls.Rule.with_user(cls.admin_user).create(
            {
                "name": "Misconduct to Compliance",
                "domain": "[('channel', '=', 'email')]",
                "keywords": "内幕交易，飞单\n私下代客理财, VIP ,50%",
                "handling_unit_id": cls.compliance_unit.id,
                "owner_mode": "least_loaded",
            }
        )

    def test_keywords_in_subject_or_facts(self):
        self.assertEqual(
            self.rule._get_keywords(),
            ["内幕交易", "飞单", "私下代客理财", "VIP", "50%"],
        )
        by_facts = self._make(
            self.nanjing, description="客户经理涉嫌飞单，私自挪用资金"
        )
        by_subject = self._make(
            self.nanjing, subject="举报私下代客理财", description="详见附件"
        )
        any_case = self._make(self.nanjing, description="vip客户经理承诺保本")
        for complaint in (by_facts, by_subject, any_case):
            self.assertEqual(complaint.routing_rule_id, self.rule)
            self.assertEqual(complaint.handling_unit_id, self.compliance_unit)
            self.assertEqual(complaint.user_id, self.compliance_user)
        # no keyword: "50%" is a word, not a pattern
        plain = self._make(self.nanjing, description="手续费从500元涨到5000元")
        self.assertFalse(plain.routing_rule_id)
        self.assertEqual(plain.handling_unit_id, self.nanjing)

    def test_keywords_and_conditions_must_both_hold(self):
        self._open_local_channels("letter")
        by_letter = self._make(
            self.nanjing,
            channel="letter",
            description="营业部员工向客户推荐内幕交易消息",
        )
        self.assertFalse(by_letter.routing_rule_id)
        self.assertEqual(by_letter.handling_unit_id, self.nanjing)

    def test_facts_completed_later_route_the_complaint(self):
        complaint = self._make(self.nanjing, description="客户对服务不满意")
        self.assertFalse(complaint.routing_rule_id)
        complaint.description = "客户反映营业部员工疑似从事内幕交易"
        self.assertEqual(complaint.routing_rule_id, self.rule)
        self.assertEqual(complaint.handling_unit_id, self.compliance_unit)

    def test_named_owner_set_by_an_integration(self):
        # what an integrator sends over XML-RPC: the contract's user_id only
        rule = self.Rule.with_user(self.admin_user).create(
            {
                "name": "Suzhou clerk",
                "sequence": 1,
                "domain": "[('channel', '=', 'fax')]",
                "handling_unit_id": self.suzhou.id,
                "user_id": self.staff_suzhou.id,
            }
        )
        self.assertEqual(rule.owner_mode, "user")
        complaint = self._make(self.nanjing, channel="fax")
        self.assertEqual(complaint.user_id, self.staff_suzhou)
        self.rule.with_user(self.admin_user).write({"user_id": self.hq_user.id})
        self.assertEqual(self.rule.owner_mode, "user")
        # the form's choice of mode wins
        form = Form(rule.with_user(self.admin_user))
        form.owner_mode = "least_loaded"
        form.save()
        self.assertEqual(rule.owner_mode, "least_loaded")
        self.assertFalse(rule.user_id)


@tagged("post_install", "-at_install")
class TestComplaintOwner(DeadlineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff_csc = cls._user("t_staff_csc", "user", cls.csc)

    def _register(self, user, unit, **values):
        return self.Complaint.with_user(user).create(
            self._complaint_vals(unit, **values)
        )

    def test_staff_own_what_they_register_in_their_unit(self):
        complaint = self._register(self.staff_nanjing, self.nanjing)
        self.assertEqual(complaint.accepting_user_id, self.staff_nanjing)
        self.assertEqual(complaint.user_id, self.staff_nanjing)
        mine = self.Complaint.with_user(self.staff_nanjing).search(
            [("user_id", "=", self.staff_nanjing.id)]
        )
        self.assertIn(complaint, mine)
        # registered for a unit they do not work in: no owner yet
        for_nanjing = self._register(self.head_jiangsu, self.nanjing)
        self.assertFalse(for_nanjing.user_id)

    def test_a_rule_decides_before_the_registering_staff(self):
        major = self._register(self.staff_nanjing, self.nanjing, is_major=True)
        self.assertEqual(major.user_id, self.hq_user)
        self._archive_shipped_rules()
        self.Rule.with_user(self.admin_user).create(
            {
                "name": "Email to Suzhou",
                "domain": "[('channel', '=', 'email')]",
                "handling_unit_id": self.suzhou.id,
            }
        )
        elsewhere = self._register(self.staff_nanjing, self.nanjing)
        self.assertEqual(elsewhere.handling_unit_id, self.suzhou)
        self.assertFalse(elsewhere.user_id)

    def test_whistleblowing_reports_are_not_owned_by_the_registering_staff(self):
        self._archive_shipped_rules()
        report = self._register(
            self.staff_nanjing,
            self.nanjing,
            category_id=self.category_whistleblowing.id,
        )
        self.assertFalse(report.sudo().user_id)

    def test_remote_intake_waits_for_acceptance(self):
        complaint = self.Complaint.message_new(
            {
                "email_from": "张三 <zhang.san@example.cn>",
                "subject": "交易系统故障",
                "body": "<p>9月30日开盘后无法下单</p>",
                "message_id": "<owner-test-1@example.cn>",
            }
        )
        self.assertEqual(complaint.accepting_unit_id, self.csc)
        self.assertFalse(complaint.user_id)
        unassigned = self.env.ref("huatai_complaints.huatai_complaint_view_search")
        self.assertIn('name="unassigned"', unassigned.arch)
        self.assertIn(complaint, self.Complaint.search([("user_id", "=", False)]))
        complaint.with_user(self.staff_csc).action_accept()
        self.assertEqual(complaint.stage_state, "accepted")
        self.assertEqual(complaint.user_id, self.staff_csc)

    def test_accepted_outside_the_handling_unit_goes_to_its_manager(self):
        complaint = self._make(self.nanjing)
        self.assertFalse(complaint.user_id)
        complaint.with_user(self.head_jiangsu).action_accept()
        self.assertEqual(complaint.user_id, self.head_nanjing)
        # moved to the Accepted stage (kanban) by someone of the unit
        dragged = self._make(self.nanjing)
        dragged.with_user(self.staff_nanjing).stage_id = self.stage["accepted"]
        self.assertEqual(dragged.user_id, self.staff_nanjing)
        # registered straight into the Accepted stage
        registered = self._make(self.nanjing, stage_id=self.stage["accepted"].id)
        self.assertEqual(registered.user_id, self.head_nanjing)
        # an owner is never replaced on acceptance
        owned = self._make(self.nanjing, user_id=self.staff_nanjing.id)
        owned.with_user(self.head_nanjing).action_accept()
        self.assertEqual(owned.user_id, self.staff_nanjing)

    def test_accepted_by_someone_working_below_the_handling_unit(self):
        complaint = self._make(self.nanjing, handling_unit_id=self.hq.id)
        self.assertEqual(complaint.handling_unit_id, self.hq)
        complaint.with_user(self.hq_user).action_accept()
        self.assertEqual(complaint.user_id, self.hq_user)

    def test_no_manager_no_owner(self):
        complaint = self._make(self.suzhou)
        complaint.with_user(self.head_jiangsu).action_accept()
        self.assertFalse(complaint.user_id)


@tagged("post_install", "-at_install")
class TestRoutingRuleJsonRpc(HttpCase):
    def test_named_owner_over_json_rpc(self):
        password = "routing-admin-secret-1"
        admin = new_test_user(
            self.env,
            login="t_routing_admin",
            password=password,
            groups="base.group_user,huatai_complaints.group_complaint_admin",
        )
        clerk = new_test_user(
            self.env,
            login="t_routing_clerk",
            groups="base.group_user,huatai_complaints.group_complaint_user",
        )

        def execute(model, method, *args):
            payload = {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "service": "object",
                    "method": "execute_kw",
                    "args": [
                        self.env.cr.dbname,
                        admin.id,
                        password,
                        model,
                        method,
                        list(args),
                    ],
                },
                "id": 1,
            }
            response = self.url_open(
                "/jsonrpc",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
            body = response.json()
            self.assertNotIn("error", body, body.get("error"))
            return body["result"]

        rule_id = execute(
            "huatai.complaint.routing.rule",
            "create",
            {"name": "To the clerk", "domain": "[]", "user_id": clerk.id},
        )
        [rule] = execute(
            "huatai.complaint.routing.rule", "read", [rule_id], ["owner_mode"]
        )
        self.assertEqual(rule["owner_mode"], "user")
