"""Routing after intake: rules applied again when what they look at changes,
keyword conditions, named owners set over the API, and who owns a complaint
when no rule says so."""

import json

from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common_deadlines import DeadlineCase


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
        by_letter = self._make(
            self.nanjing,
            channel="letter",
            description="营业部员工向客户推荐内幕交易消息",
        )
        self.assertFalse(by_letter.routing_rule_id)
        self.assertEqual(by_letter.handling_unit_id, self.nanjing)

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
