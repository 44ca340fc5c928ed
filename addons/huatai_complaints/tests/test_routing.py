from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DeadlineCase, cn, day


@tagged("post_install", "-at_install")
class TestRoutingRules(DeadlineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_shipped_rules()
        cls.staff_hz2 = cls._user("t_staff_hz2", "user", cls.hangzhou)
        cls.staff_hz3 = cls._user("t_staff_hz3", "user", cls.hangzhou)

    def _rule(self, name, domain, sequence=10, **values):
        return self.Rule.with_user(self.admin_user).create(
            {"name": name, "domain": domain, "sequence": sequence, **values}
        )

    def test_first_matching_rule_wins_in_order(self):
        by_channel = self._rule(
            "Email to Suzhou",
            "[('channel', '=', 'email')]",
            5,
            handling_unit_id=self.suzhou.id,
        )
        by_type = self._rule(
            "Service to Hangzhou",
            f"[('category_id', '=', {self.category_service.id})]",
            10,
            handling_unit_id=self.hangzhou.id,
        )
        complaint = self._make(self.nanjing)
        self.assertEqual(complaint.handling_unit_id, self.suzhou)
        self.assertEqual(complaint.routing_rule_id, by_channel)
        self.assertEqual(complaint.accepting_unit_id, self.nanjing)
        # reordered: route again, the hand-over is in the history
        by_type.sequence = 1
        complaint.with_user(self.head_jiangsu).action_route_again()
        self.assertEqual(complaint.handling_unit_id, self.hangzhou)
        self.assertEqual(complaint.routing_rule_id, by_type)
        self.assertEqual(complaint.dispatch_ids.from_unit_id, self.suzhou)
        self.assertEqual(complaint.dispatch_ids.to_unit_id, self.hangzhou)
        self.assertIn(by_type.name, complaint.dispatch_ids.reason)
        # no rule matches any more: back to the accepting unit
        (by_channel | by_type).action_archive()
        complaint.action_route_again()
        self.assertEqual(complaint.handling_unit_id, self.nanjing)
        self.assertFalse(complaint.routing_rule_id)

    def test_unmatched_complaint_stays_with_the_accepting_unit(self):
        self._rule(
            "Phone only", "[('channel', '=', 'phone')]", handling_unit_id=self.suzhou.id
        )
        complaint = self._make(self.nanjing)
        self.assertEqual(complaint.handling_unit_id, self.nanjing)
        self.assertFalse(complaint.routing_rule_id)
        self.assertFalse(complaint.user_id)

    def test_named_owner(self):
        self._rule(
            "To the Suzhou clerk",
            "[]",
            handling_unit_id=self.suzhou.id,
            owner_mode="user",
            user_id=self.staff_suzhou.id,
        )
        complaint = self._make(self.nanjing)
        self.assertEqual(complaint.user_id, self.staff_suzhou)
        self.assertEqual(complaint.handling_unit_id, self.suzhou)
        with self.assertRaises(ValidationError):
            self._rule("No user", "[]", owner_mode="user")

    def test_rule_values_given_are_not_changed(self):
        """A named owner alone switches the rule to that user, in the values
        written: the caller's dicts stay as given (a retried request after a
        rollback is the same request)."""
        vals = {
            "name": "To the Suzhou clerk",
            "domain": "[]",
            "handling_unit_id": self.suzhou.id,
            "user_id": self.staff_suzhou.id,
        }
        given = dict(vals)
        Rule = self.Rule.with_user(self.admin_user)
        rule = Rule.create([vals])
        self.assertEqual(vals, given)
        self.assertEqual(rule.owner_mode, "user")
        rule.write({"owner_mode": "keep", "user_id": False})
        change = {"user_id": self.staff_nanjing.id}
        rule.write(change)
        self.assertEqual(change, {"user_id": self.staff_nanjing.id})
        self.assertEqual((rule.owner_mode, rule.user_id), ("user", self.staff_nanjing))

    def test_least_loaded_member_of_the_handling_unit(self):
        # open complaints now: staff_hangzhou 2, hz2 0, hz3 1 (+1 finished)
        for owner in (self.staff_hangzhou, self.staff_hangzhou, self.staff_hz3):
            self._make(self.hangzhou, user_id=owner.id)
        finished = self._make(
            self.hangzhou, user_id=self.staff_hz2.id, rejection_reason="x"
        )
        finished.stage_id = self.stage["rejected"]
        self._rule(
            "Service to Hangzhou",
            "[('accepting_unit_id', '=', %d)]" % self.nanjing.id,
            handling_unit_id=self.hangzhou.id,
            owner_mode="least_loaded",
        )
        first = self._make(self.nanjing)
        self.assertEqual(first.user_id, self.staff_hz2)
        # a batch spreads the load: hz2 1 and hz3 1 -> hz2 (the older user),
        # then hz3, then all three have 2 -> staff_hangzhou (the oldest)
        batch = self.Complaint.create(
            [self._complaint_vals(self.nanjing) for _i in range(3)]
        )
        self.assertEqual(
            batch.sorted("id").mapped("user_id"),
            self.staff_hz2 + self.staff_hz3 + self.staff_hangzhou,
        )
        load = {
            user: self.Complaint.search_count(
                [("user_id", "=", user.id), ("is_closed", "=", False)]
            )
            for user in (self.staff_hangzhou, self.staff_hz2, self.staff_hz3)
        }
        self.assertEqual(
            load,
            {self.staff_hangzhou: 3, self.staff_hz2: 2, self.staff_hz3: 2},
        )

    def test_deadline_policy_override(self):
        fast = self.Policy.create(
            {"name": "Fast track", "channel": "fax", "reply_days": 5}
        )
        rule = self._rule("Fast track", "[]", deadline_policy_id=fast.id)
        complaint = self._make(self.nanjing, received_date=cn("2026-09-30 10:00"))
        self.assertEqual(complaint.deadline_policy_id, fast)
        self.assertEqual(complaint.deadline_policy_override_id, fast)
        self.assertEqual(complaint.reply_deadline, day("2026-10-13"))
        self.assertIn("Fast track", complaint.deadline_explanation)
        # re-routed without the rule, the rule's policy goes with it
        rule.action_archive()
        complaint.action_route_again()
        self.assertFalse(complaint.deadline_policy_override_id)
        self.assertEqual(complaint.deadline_policy_id, self.default_policy)
        self.assertEqual(complaint.reply_deadline, day("2026-10-27"))

    def test_followers_and_compliance_review(self):
        self._rule(
            "Watch everything",
            "[]",
            follower_user_ids=[(6, 0, self.staff_suzhou.ids)],
            follower_unit_ids=[(6, 0, self.compliance_unit.ids)],
            compliance_review=True,
        )
        complaint = self._make(self.nanjing)
        self.assertIn(self.staff_suzhou.partner_id, complaint.message_partner_ids)
        self.assertIn(self.compliance_user.partner_id, complaint.message_partner_ids)
        self.assertTrue(complaint.compliance_review_requested)
        self.assertTrue(complaint.compliance_required)

    def test_whistleblowing_followers_stay_within_compliance(self):
        self._rule(
            "Watch everything",
            "[]",
            handling_unit_id=self.compliance_unit.id,
            follower_user_ids=[(6, 0, (self.staff_suzhou | self.compliance_user).ids)],
        )
        report = self._make(self.nanjing, category_id=self.category_whistleblowing.id)
        self.assertIn(self.compliance_user.partner_id, report.message_partner_ids)
        self.assertNotIn(self.staff_suzhou.partner_id, report.message_partner_ids)

    def test_rule_domain_must_parse_and_name_known_fields(self):
        count = self.Rule.with_context(active_test=False).search_count([])
        for domain in (
            "[('no_such_field', '=', 1)]",
            "[('channel', '=', 'email'",
            "{'channel': 'email'}",
            "[('channel', 'is nearly', 'email')]",
            "[('category_id.no_such_field', '=', 1)]",
        ):
            with self.assertRaises(ValidationError, msg=domain):
                self._rule("Broken", domain)
        self.assertEqual(
            self.Rule.with_context(active_test=False).search_count([]), count
        )
        rule = self._rule("Fine", "[('is_major', '=', True)]")
        with self.assertRaises(ValidationError):
            rule.domain = "[('is_major', '=', True), 1]"
        self.assertEqual(rule.domain, "[('is_major', '=', True)]")
        self._load_chinese()
        with self.assertRaises(ValidationError) as caught:
            self.Rule.with_context(lang="zh_CN").create(
                {"name": "Broken", "domain": "[('nope', '=', 1)]"}
            )
        self.assertIn("分派规则", str(caught.exception))

    def test_only_staff_who_can_write_may_route_again(self):
        complaint = self._make(self.nanjing)
        with self.assertRaises(UserError):
            complaint.with_user(self.staff_hangzhou).action_route_again()

    def test_routing_searches_per_rule_not_per_complaint(self):
        for index in range(3):
            self._rule(f"Never {index}", "[('channel', '=', 'fax')]", index)
        one = self.Complaint.with_context(huatai_skip_routing=True).create(
            [self._complaint_vals(self.nanjing)]
        )
        many = self.Complaint.with_context(huatai_skip_routing=True).create(
            [self._complaint_vals(self.nanjing) for _i in range(40)]
        )
        self.env.flush_all()
        # the active rules' ids are cached per registry once looked up
        self.Rule._active_records()
        self.env.invalidate_all()
        queries = self.env.cr.sql_log_count
        one._apply_routing()
        single = self.env.cr.sql_log_count - queries
        self.env.invalidate_all()
        queries = self.env.cr.sql_log_count
        many._apply_routing()
        self.assertEqual(self.env.cr.sql_log_count - queries, single)
        self.assertLessEqual(single, 4)


@tagged("post_install", "-at_install")
class TestShippedRoutingRules(DeadlineCase):
    def test_regulator_forwarded_to_retail_hq(self):
        # registered by a sales department where the firm opened the channel
        self._open_local_channels("regulator")
        complaint = self._make(
            self.nanjing,
            channel="regulator",
            regulator_authority="hotline_12386",
            regulator_reference="12386-2026-0001",
            regulator_deadline="2026-12-31",
        )
        self.assertEqual(complaint.handling_unit_id, self.retail_hq)
        self.assertEqual(complaint.user_id, self.hq_user)
        self.assertEqual(
            complaint.routing_rule_id,
            self.env.ref("huatai_complaints.routing_rule_regulator"),
        )

    def test_whistleblowing_to_compliance(self):
        report = self._make(self.nanjing, category_id=self.category_whistleblowing.id)
        self.assertEqual(report.handling_unit_id, self.compliance_unit)
        self.assertEqual(report.user_id, self.compliance_user)
        self.assertTrue(report.compliance_required)

    def test_major_to_retail_hq_with_compliance_following(self):
        complaint = self._make(self.nanjing, is_major=True)
        self.assertEqual(complaint.handling_unit_id, self.retail_hq)
        self.assertIn(self.compliance_user.partner_id, complaint.message_partner_ids)

    def test_ordinary_complaint_stays_local(self):
        complaint = self._make(self.nanjing)
        self.assertEqual(complaint.handling_unit_id, self.nanjing)
        self.assertFalse(complaint.routing_rule_id)
