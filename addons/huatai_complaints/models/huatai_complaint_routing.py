"""Routing a complaint (SPEC §8): the ordered rules of
``huatai.complaint.routing.rule`` decide (each rule knows whether it matches
and what it does); here the complaint asks them, again when what they look at
changes, and gets its owner."""

import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import fields, models

from ..tools.actions import window_action, wizard_action
from .huatai_complaint import (
    SEVERITY_FLAGS,
)
from .huatai_complaint_routing_rule import OwnerLoads

_logger = logging.getLogger(__name__)


# what the routing rules' conditions look at: writing one of them routes the
# complaint again when an earlier rule now matches
ROUTING_INPUTS = {
    *SEVERITY_FLAGS,
    "complainant_count",
    "compensation_amount",
    "channel",
    "category_id",
    "accepting_unit_id",
    "regulator_authority",
    "regulator_reference",
    "regulator_deadline",
    "subject",
    "description",
}


def _works_under(user, unit):
    """Whether ``user`` works in ``unit`` or one of the units below it."""
    if not unit:
        return False
    prefix = unit.sudo().parent_path
    return any(
        (mine.parent_path or "").startswith(prefix)
        for mine in user.sudo().huatai_unit_ids
    )


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    # routing
    routing_rule_id = fields.Many2one(
        "huatai.complaint.routing.rule",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
        help="The rule that routed the complaint (empty: no rule matched, the "
        "accepting unit handles it).",
        groups="base.group_user",
    )

    # ------------------------------------------------------------------
    # Routing
    # ------------------------------------------------------------------
    def action_route_again(self):
        """Apply the routing rules again, as if the complaints were new."""
        self.check_access("write")
        open_complaints = self.filtered(lambda c: not c.is_closed)
        open_complaints._apply_routing(reroute=True)
        return True

    def _rerouting_before_write(self, vals):
        """Before a write of what the routing rules look at: the arguments of
        :meth:`_reroute_after_change`, or None. A unit chosen in the same
        write is a decision by hand: kept."""
        routing_changes = ROUTING_INPUTS & set(vals)
        if (
            not routing_changes
            or "handling_unit_id" in vals
            or self.env.context.get("huatai_skip_routing")
        ):
            return None
        rerouting = self._prepare_rerouting()
        return (rerouting, routing_changes) if rerouting else None

    def _apply_routing(self, reroute=False):
        """Route ``self`` by the active rules: one search per rule over the
        whole batch, the first matching rule wins.

        Complaints no rule matches stay with (on re-routing: go back to) the
        accepting unit.
        """
        if not self:
            return
        rules = self.env["huatai.complaint.routing.rule"]._active_records()
        matches, remaining = rules._match(self)
        loads = OwnerLoads(self.env)
        for rule, matched in matches:
            rule._apply(matched, loads, reroute)
        if reroute and remaining:
            remaining._route_back_to_accepting_unit()

    def _prepare_rerouting(self):
        """Before a write of what the routing rules look at: the open
        complaints, the active rules and the first rule each matches now."""
        complaints = self.filtered(lambda c: not c.is_closed)
        if not complaints:
            return None
        rules = self.env["huatai.complaint.routing.rule"]._active_records()
        if not rules:
            return None
        return complaints, rules, rules._first_match_by_complaint(complaints)

    def _reroute_after_change(self, rerouting, changed_fields):
        """Route again the complaints that a write made match an earlier rule
        than the one that routed them (or a rule, when none did).

        A complaint whose first matching rule is the one it matched before the
        write stays where it is: an unrelated edit never undoes a dispatch by
        hand. Later rules never take a complaint from an earlier one.
        """
        complaints, rules, before = rerouting
        complaints = complaints.sudo().filtered(lambda c: not c.is_closed)
        after = rules._first_match_by_complaint(complaints)
        by_rule = defaultdict(complaints.browse)
        for complaint in complaints:
            rule = after.get(complaint.id)
            if not rule or rule == before.get(complaint.id):
                continue
            current = complaint.routing_rule_id
            if current and (current.sequence, current.id) <= (rule.sequence, rule.id):
                continue
            by_rule[rule] |= complaint
        if not by_rule:
            return
        labels = ", ".join(
            self._fields[fname]._description_string(self.env)
            for fname in sorted(changed_fields)
            if fname in self._fields
        )
        loads = OwnerLoads(self.env)
        for rule in rules:
            if rule not in by_rule:
                continue
            reason = self.env._(
                "Routed again by the rule %(rule)s, which the complaint matches "
                "since these fields changed: %(fields)s.",
                rule=rule.name,
                fields=labels,
            )
            rule._apply(by_rule[rule], loads, True, reason=reason)

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

    def _log_dispatches(self, unit, rule, reason=None):
        """Re-routing hands the complaints over: keep it in their history.

        With a ``reason``, every complaint of ``self`` gets it as a note, the
        ones that stay with their unit too.
        """
        moving = self.filtered(lambda c: unit and c.handling_unit_id != unit)
        noted = self if reason else moving
        if not noted:
            return
        reason = reason or (
            self.env._("Routed again by the rule %(rule)s.", rule=rule.name)
            if rule
            else self.env._(
                "Routed again: no rule matches, back to the accepting unit."
            )
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
        for complaint in noted:
            complaint.message_post(
                body=Markup("<p>%s</p>") % reason, subtype_xmlid="mail.mt_note"
            )

    # ------------------------------------------------------------------
    # Owner
    # ------------------------------------------------------------------
    def _assign_default_owner(self):
        """New complaints that no routing rule gave an owner: the staff
        member who registered one in their own unit owns it (if they work
        in the handling unit); complaints registered as accepted get the
        owner of an accepted one. Remote intakes (email, web form) have no
        registering staff member: they wait for their acceptance."""
        complaints = self.sudo()
        owners = defaultdict(complaints.browse)
        unowned = complaints.browse()
        for complaint in complaints.filtered(lambda c: not c.user_id):
            registrant = complaint.accepting_user_id
            if (
                registrant.active
                and not registrant.share
                and complaint.accepting_unit_id in registrant.huatai_unit_ids
                and _works_under(registrant, complaint.handling_unit_id)
                and complaint._allowed_recipients(registrant)
            ):
                owners[registrant] |= complaint
            else:
                unowned |= complaint
        for user, owned in owners.items():
            owned.write({"user_id": user.id})
        unowned._assign_owner_on_acceptance()

    def _assign_owner_on_acceptance(self):
        """Complaints accepted without an owner: the user accepting them owns
        them when they work in the handling unit or below it, else the
        handling unit's manager does."""
        user = self.env.user
        complaints = self.sudo()
        owners = defaultdict(complaints.browse)
        for complaint in complaints:
            if complaint.user_id or complaint.stage_state != "accepted":
                continue
            unit = complaint.handling_unit_id
            owner = (
                user if not user.share and _works_under(user, unit) else unit.manager_id
            )
            owner = complaint._allowed_recipients(owner)
            if owner:
                owners[owner] |= complaint
        for owner, owned in owners.items():
            owned.write({"user_id": owner.id})

    # ------------------------------------------------------------------
    # Dispatch by hand
    # ------------------------------------------------------------------
    def action_open_dispatch_wizard(self):
        self.ensure_one()
        return wizard_action(
            self.env._("Dispatch Complaint"),
            "huatai.complaint.dispatch.wizard",
            {"default_complaint_id": self.id},
        )

    def action_view_dispatches(self):
        self.ensure_one()
        return window_action(
            self.env._("Dispatch History"),
            "huatai.complaint.dispatch",
            "list,form",
            domain=[("complaint_id", "=", self.id)],
        )
