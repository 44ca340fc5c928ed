import re
from ast import literal_eval
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL, escape_psql, mute_logger

from ..tools.actions import window_action

# keywords are separated by commas (ASCII or Chinese), enumeration commas,
# semicolons or new lines
KEYWORD_SEPARATORS = re.compile(r"[,，、;；\r\n]+")
# the complaint's texts the keywords are looked for in
KEYWORD_FIELDS = ("subject", "description")


class HuataiComplaintRoutingRule(models.Model):
    """Where a new complaint goes: ordered rules, the first that matches
    applies its actions (SPEC §8)."""

    _name = "huatai.complaint.routing.rule"
    _inherit = "huatai.complaint.config.mixin"
    _description = "Complaint Routing Rule"

    sequence = fields.Integer(
        help="Rules are tried in this order; the first match wins."
    )
    description = fields.Text(translate=True)
    domain = fields.Char(
        string="Conditions",
        required=True,
        default="[]",
        help="Which complaints the rule applies to (an empty condition matches "
        "every complaint).",
    )
    keywords = fields.Text(
        help="Words looked for in the complaint's subject and facts, separated "
        "by commas or new lines, e.g. 内幕交易, 飞单, 私下代客理财. When set, the "
        "rule matches only complaints that contain at least one of them (upper "
        "and lower case alike) and meet the conditions above.",
    )
    # actions
    handling_unit_id = fields.Many2one(
        "huatai.org.unit",
        ondelete="restrict",
        help="The unit that handles the matching complaints (empty: keep it).",
    )
    owner_mode = fields.Selection(
        [
            ("keep", "Keep the owner"),
            ("user", "A named user"),
            ("least_loaded", "Least-loaded member of the handling unit"),
        ],
        string="Owner",
        required=True,
        default="keep",
        help="Least-loaded: the member of the handling unit with the fewest "
        "open complaints (the unit's manager when it has no members).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Named Owner",
        domain="[('share', '=', False)]",
        ondelete="restrict",
    )
    deadline_policy_id = fields.Many2one(
        "huatai.deadline.policy",
        ondelete="restrict",
        help="Force this deadline policy on the matching complaints.",
    )
    follower_user_ids = fields.Many2many(
        "res.users",
        string="Followers",
        domain="[('share', '=', False)]",
        help="Users who follow the matching complaints.",
    )
    follower_unit_ids = fields.Many2many(
        "huatai.org.unit",
        string="Following Units",
        help="Units that follow the matching complaints: their manager, or "
        "their members when they have no manager.",
    )
    compliance_review = fields.Boolean(
        string="Compliance Review Required",
        help="The matching complaints need the opinion of Compliance before "
        "they are replied to, closed or rejected.",
    )
    complaint_count = fields.Integer(
        string="Complaints Routed", compute="_compute_complaint_count"
    )

    @api.constrains("domain")
    def _check_domain(self):
        for rule in self:
            rule._get_domain()

    @api.constrains("owner_mode", "user_id")
    def _check_owner(self):
        for rule in self:
            if rule.owner_mode == "user" and not rule.user_id:
                raise ValidationError(
                    self.env._(
                        "Routing rule %(rule)s: choose the user who owns the "
                        "matching complaints.",
                        rule=rule.name,
                    )
                )

    def _compute_complaint_count(self):
        counts = dict(
            self.env["huatai.complaint"]._read_group(
                [("routing_rule_id", "in", self.ids)], ["routing_rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.complaint_count = counts.get(rule, 0)

    @api.onchange("owner_mode")
    def _onchange_owner_mode(self):
        if self.owner_mode != "user":
            self.user_id = False

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._owner_mode_from_user(v) for v in vals_list])

    def write(self, vals):
        return super().write(self._owner_mode_from_user(vals))

    @api.model
    def _owner_mode_from_user(self, vals):
        """Integrations set the contract's ``user_id`` alone: a named owner
        means the rule assigns that user (the form switches the mode itself).
        Returns the values to write (a copy when completed)."""
        if vals.get("user_id") and not vals.get("owner_mode"):
            return {**vals, "owner_mode": "user"}
        return vals

    def _get_domain(self):
        """The rule's conditions as a domain; ValidationError when they do not
        parse or name what complaints do not have."""
        self.ensure_one()
        try:
            domain = literal_eval((self.domain or "[]").strip() or "[]")
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise ValidationError(self._invalid_domain_message()) from None
        if not isinstance(domain, list | tuple):
            raise ValidationError(self._invalid_domain_message())
        try:
            domain = expression.normalize_domain(list(domain))
            Complaint = (
                self.env["huatai.complaint"].sudo().with_context(active_test=False)
            )
            with mute_logger("odoo.osv.expression", "odoo.models"):
                Complaint._search(domain).select()
        except Exception:  # noqa: BLE001 - any failure means an unusable domain
            raise ValidationError(self._invalid_domain_message()) from None
        return domain

    def _get_keywords(self):
        """The rule's keywords, without blanks and duplicates."""
        self.ensure_one()
        words = (word.strip() for word in KEYWORD_SEPARATORS.split(self.keywords or ""))
        return list(dict.fromkeys(word for word in words if word))

    def _get_condition_domain(self):
        """Which complaints the rule matches: its conditions and, when it
        has keywords, any of them in the complaint's subject or facts."""
        self.ensure_one()
        domain = self._get_domain()
        keywords = self._get_keywords()
        if keywords:
            domain = expression.AND(
                [
                    domain,
                    expression.OR(
                        [
                            [(fname, "=ilike", f"%{escape_psql(word)}%")]
                            for word in keywords
                            for fname in KEYWORD_FIELDS
                        ]
                    ),
                ]
            )
        return domain

    def _invalid_domain_message(self):
        return self.env._(
            "The conditions of routing rule %(rule)s are not a valid filter on "
            "complaints: %(domain)s",
            rule=self.name,
            domain=self.domain,
        )

    def _follower_partners(self):
        self.ensure_one()
        users = self.follower_user_ids
        for unit in self.follower_unit_ids:
            users |= unit._get_notification_users()
        return users.filtered("active").partner_id

    # ------------------------------------------------------------------
    # Matching and applying
    # ------------------------------------------------------------------
    def _match(self, complaints):
        """The first of these rules (in their order) each of ``complaints``
        matches:
        one query for all the rules over the whole batch (one subselect per
        rule).

        :return: ([(rule, complaints it matches first)], complaints no rule
            matches), as superuser
        """
        complaints = complaints.sudo().with_context(active_test=False)
        if not complaints or not self:
            return [], complaints
        # each complaint with, per rule, whether it matches it, in the
        # complaints' order as a search per rule returned them
        column = SQL.identifier(complaints._table, "id")
        tests = [
            SQL(
                "%s IN %s",
                column,
                complaints._search(
                    [("id", "in", complaints.ids), *rule._get_condition_domain()]
                ).subselect(),
            )
            for rule in self
        ]
        query = complaints._search(
            [("id", "in", complaints.ids)], order=complaints._order
        )
        rows = self.env.execute_query(
            query.select(column, SQL("ARRAY[%s]", SQL(", ").join(tests)))
        )
        remaining = complaints
        matches = []
        for index, rule in enumerate(self):
            if not remaining:
                break
            remaining_ids = set(remaining._ids)
            matched = complaints.browse(
                complaint_id
                for complaint_id, flags in rows
                if flags[index] and complaint_id in remaining_ids
            )
            if matched:
                matches.append((rule, matched))
                remaining -= matched
        return matches, remaining

    def _first_match_by_complaint(self, complaints):
        """{complaint id: the first of these rules it matches}"""
        return {
            complaint_id: rule
            for rule, matched in self._match(complaints)[0]
            for complaint_id in matched.ids
        }

    def _apply(self, complaints, loads, reroute, reason=None):
        """What the rule does to the complaints it matched: handling unit,
        compliance review, deadline policy, owner (named or least-loaded, from
        ``loads``), followers; on re-routing the hand-over is logged."""
        self.ensure_one()
        rule = self
        Complaint = complaints.browse()
        vals = {"routing_rule_id": rule.id}
        if rule.handling_unit_id:
            vals["handling_unit_id"] = rule.handling_unit_id.id
        if rule.compliance_review:
            vals["compliance_review_requested"] = True
        if rule.owner_mode == "user":
            vals["user_id"] = rule.user_id.id
        policy_groups = defaultdict(lambda: Complaint)
        for complaint in complaints:
            policy = complaint.deadline_policy_override_id
            if (
                reroute
                and policy
                and policy == complaint.routing_rule_id.deadline_policy_id
            ):
                policy = self.env["huatai.deadline.policy"]  # set by the old rule
            policy_groups[rule.deadline_policy_id or policy] |= complaint
        if reroute:
            complaints._log_dispatches(rule.handling_unit_id, rule, reason=reason)
        for policy, group in policy_groups.items():
            group.write({**vals, "deadline_policy_override_id": policy.id})
        if rule.owner_mode == "least_loaded":
            by_user = defaultdict(lambda: Complaint)
            for complaint in complaints.sorted("id"):
                user = loads.pick(complaint.handling_unit_id)
                if user:
                    by_user[user] |= complaint
            for user, group in by_user.items():
                group.write({"user_id": user.id})
        partners = rule._follower_partners()
        if partners:
            public = complaints.filtered(lambda c: not c.is_confidential)
            public.message_subscribe(partner_ids=partners.ids)
            for complaint in complaints - public:
                allowed = complaint._allowed_recipients(partners.user_ids)
                if allowed:
                    complaint.message_subscribe(partner_ids=allowed.partner_id.ids)

    def action_view_complaints(self):
        self.ensure_one()
        return window_action(
            self.env._("Complaints Routed by %(rule)s", rule=self.name),
            "huatai.complaint",
            "list,form",
            domain=[("routing_rule_id", "=", self.id)],
        )


class OwnerLoads:
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
            members = unit.sudo().member_ids.filtered(
                lambda u: u.active and not u.share
            )
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
