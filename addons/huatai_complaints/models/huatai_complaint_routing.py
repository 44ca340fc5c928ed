"""Routing of complaints by the ordered rules of huatai.complaint.routing.rule
(SPEC §8)."""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"

    routing_rule_id = fields.Many2one(
        "huatai.complaint.routing.rule",
        string="Routing Rule",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
        help="The rule that routed the complaint (empty: no rule matched, the "
        "accepting unit handles it).",
    )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        if not self.env.context.get("huatai_skip_routing"):
            complaints._apply_routing()
        return complaints

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_route_again(self):
        """Apply the routing rules again, as if the complaints were new."""
        self.check_access("write")
        open_complaints = self.filtered(lambda c: not c.is_closed)
        open_complaints._apply_routing(reroute=True)
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _apply_routing(self, reroute=False):
        """Route ``self`` by the active rules: one search per rule over the
        whole batch, the first matching rule wins.

        Complaints no rule matches stay with (on re-routing: go back to) the
        accepting unit.
        """
        if not self:
            return
        complaints = self.sudo().with_context(active_test=False)
        rules = self.env["huatai.complaint.routing.rule"].sudo().search([])
        remaining = complaints
        matches = []
        for rule in rules:
            if not remaining:
                break
            domain = rule._get_domain()
            matched = complaints.search([("id", "in", remaining.ids), *domain])
            if matched:
                matches.append((rule, matched))
                remaining -= matched
        loads = _Loads(self.env)
        for rule, matched in matches:
            matched._apply_routing_rule(rule, loads, reroute)
        if reroute and remaining:
            remaining._route_back_to_accepting_unit()

    def _apply_routing_rule(self, rule, loads, reroute):
        vals = {"routing_rule_id": rule.id}
        if rule.handling_unit_id:
            vals["handling_unit_id"] = rule.handling_unit_id.id
        if rule.compliance_review:
            vals["compliance_review_requested"] = True
        if rule.owner_mode == "user":
            vals["user_id"] = rule.user_id.id
        policy_groups = defaultdict(lambda: self.browse())
        for complaint in self:
            policy = complaint.deadline_policy_override_id
            if reroute and policy and policy == complaint.routing_rule_id.deadline_policy_id:
                policy = self.env["huatai.deadline.policy"]  # set by the old rule
            policy_groups[rule.deadline_policy_id or policy] |= complaint
        if reroute:
            self._log_dispatches(rule.handling_unit_id, rule)
        for policy, complaints in policy_groups.items():
            complaints.write({**vals, "deadline_policy_override_id": policy.id})
        if rule.owner_mode == "least_loaded":
            by_user = defaultdict(lambda: self.browse())
            for complaint in self.sorted("id"):
                user = loads.pick(complaint.handling_unit_id)
                if user:
                    by_user[user] |= complaint
            for user, complaints in by_user.items():
                complaints.write({"user_id": user.id})
        partners = rule._follower_partners()
        if partners:
            public = self.filtered(lambda c: not c.is_confidential)
            public.message_subscribe(partner_ids=partners.ids)
            for complaint in self - public:
                allowed = complaint._allowed_recipients(partners.user_ids)
                if allowed:
                    complaint.message_subscribe(partner_ids=allowed.partner_id.ids)

    def _route_back_to_accepting_unit(self):
        for complaint in self:
            vals = {"routing_rule_id": False}
            if complaint.handling_unit_id != complaint.accepting_unit_id:
                complaint._log_dispatches(complaint.accepting_unit_id, False)
                vals["handling_unit_id"] = complaint.accepting_unit_id.id
                if complaint.user_id and (
                    complaint.user_id not in complaint.accepting_unit_id.member_ids
                ):
                    vals["user_id"] = False
            old_policy = complaint.routing_rule_id.deadline_policy_id
            if old_policy and complaint.deadline_policy_override_id == old_policy:
                vals["deadline_policy_override_id"] = False
            complaint.write(vals)

    def _log_dispatches(self, unit, rule):
        """Re-routing hands the complaints over: keep it in their history."""
        if not unit:
            return
        moving = self.filtered(lambda c: c.handling_unit_id != unit)
        if not moving:
            return
        reason = (
            self.env._("Routed again by the rule %(rule)s.", rule=rule.name)
            if rule
            else self.env._("Routed again: no rule matches, back to the accepting unit.")
        )
        self.env["huatai.complaint.dispatch"].sudo().create(
            [
                {
                    "complaint_id": complaint.id,
                    "from_unit_id": complaint.handling_unit_id.id,
                    "to_unit_id": unit.id,
                    "from_user_id": complaint.user_id.id,
                    "reason": reason,
                }
                for complaint in moving
            ]
        )
        for complaint in moving:
            complaint.message_post(
                body=Markup("<p>%s</p>") % reason, subtype_xmlid="mail.mt_note"
            )


class _Loads:
    """Open complaints per user, counted once per unit and kept up to date
    while a batch is assigned (least-loaded assignment)."""

    def __init__(self, env):
        self.env = env
        self.counts = {}
        self.members = {}

    def pick(self, unit):
        if not unit:
            return None
        if unit.id not in self.members:
            members = unit.sudo().member_ids.filtered(lambda u: u.active and not u.share)
            if not members and unit.manager_id.active:
                members = unit.sudo().manager_id
            self.members[unit.id] = members
            missing = [u.id for u in members if u.id not in self.counts]
            if missing:
                groups = (
                    self.env["huatai.complaint"]
                    .sudo()
                    ._read_group(
                        [("user_id", "in", missing), ("is_closed", "=", False)],
                        ["user_id"],
                        ["__count"],
                    )
                )
                found = {user.id: count for user, count in groups}
                for user_id in missing:
                    self.counts[user_id] = found.get(user_id, 0)
        members = self.members[unit.id]
        if not members:
            return None
        user = min(members, key=lambda u: (self.counts[u.id], u.id))
        self.counts[user.id] += 1
        return user
