from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from .huatai_complaint import CHANNELS

# the complaint's severity flag -> the policy's criterion field
SEVERITY_CRITERIA = [
    ("is_major", "match_major"),
    ("is_group", "match_group"),
    ("is_difficult", "match_difficult"),
    ("is_media", "match_media"),
    ("is_judicial", "match_judicial"),
    ("is_compensation", "match_compensation"),
]
# clocks used when no policy matches at all (SPEC §7 defaults)
DEFAULT_DAYS = {
    "acknowledgement_days": 1,
    "accept_days": 3,
    "reply_days": 15,
    "callback_days": 3,
}
DAYS_FIELDS = ("acknowledgement_days", "accept_days", "reply_days", "callback_days")
CLOCK_FIELDS = (*DAYS_FIELDS, "pause_stage_ids")


class HuataiDeadlinePolicy(models.Model):
    _name = "huatai.deadline.policy"
    _description = "Deadline Policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10, help="Among equally specific policies, the first one wins."
    )
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    # criteria: an empty criterion matches every complaint
    channel = fields.Selection(
        CHANNELS,
        help="Only complaints received through this channel (empty: any). "
        '"Forwarded by Regulator" selects the regulator-forwarded complaints.',
    )
    category_ids = fields.Many2many(
        "huatai.complaint.category",
        string="Complaint Types",
        help="Only complaints of these types or their sub-types (empty: any).",
    )
    match_major = fields.Boolean(string="Major Complaints Only")
    match_group = fields.Boolean(string="Group Complaints Only")
    match_difficult = fields.Boolean(string="Difficult Complaints Only")
    match_media = fields.Boolean(string="Media-related Complaints Only")
    match_judicial = fields.Boolean(string="Judicial Complaints Only")
    match_compensation = fields.Boolean(string="Complaints Claiming Compensation Only")
    specificity = fields.Integer(
        compute="_compute_specificity",
        store=True,
        help="How many criteria the policy sets: the most specific matching "
        "policy wins.",
    )
    # clocks, in working days
    acknowledgement_days = fields.Integer(
        string="Acknowledgement (working days)",
        required=True,
        default=DEFAULT_DAYS["acknowledgement_days"],
        help="Working days from the receipt to tell the complainant that the "
        "complaint was received: the acknowledgement email, or staff telling "
        "them by phone, SMS, in person or by letter.",
    )
    accept_days = fields.Integer(
        string="Decision to Accept (working days)",
        required=True,
        default=DEFAULT_DAYS["accept_days"],
    )
    reply_days = fields.Integer(
        string="Final Reply (working days)",
        required=True,
        default=DEFAULT_DAYS["reply_days"],
    )
    callback_days = fields.Integer(
        string="Callback After the Reply (working days)",
        required=True,
        default=DEFAULT_DAYS["callback_days"],
    )
    pause_stage_ids = fields.Many2many(
        "huatai.complaint.stage",
        string="Stages Pausing the Reply Clock",
        help="Working days a complaint spends in these stages are added to its "
        "final reply deadline (never beyond a regulator's deadline).",
    )
    criteria_summary = fields.Char(
        string="Applies To", compute="_compute_criteria_summary"
    )

    @api.constrains(*DAYS_FIELDS)
    def _check_days(self):
        for policy in self:
            for fname in DAYS_FIELDS:
                if policy[fname] <= 0:
                    raise ValidationError(
                        self.env._(
                            "Deadline policy %(policy)s: %(clock)s must be at least "
                            "one working day.",
                            policy=policy.name,
                            clock=policy._fields[fname]._description_string(self.env),
                        )
                    )

    @api.depends("channel", "category_ids", *(c for _f, c in SEVERITY_CRITERIA))
    def _compute_specificity(self):
        for policy in self:
            policy.specificity = (
                bool(policy.channel)
                + bool(policy.category_ids)
                + sum(bool(policy[c]) for _f, c in SEVERITY_CRITERIA)
            )

    @api.depends_context("lang")
    @api.depends("channel", "category_ids", *(c for _f, c in SEVERITY_CRITERIA))
    def _compute_criteria_summary(self):
        for policy in self:
            policy.criteria_summary = ", ".join(
                policy._criteria_labels()
            ) or self.env._("All complaints")

    # ------------------------------------------------------------------
    # CRUD: the open complaints follow their policy's changes
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        self.env.registry.clear_cache()  # _active_ids
        self.env["huatai.complaint"]._recompute_open_deadlines(policies=True)
        return policies

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()  # _active_ids
        if set(vals) & set(CLOCK_FIELDS):
            self.env["huatai.complaint"]._recompute_open_deadlines(policies=self)
        if set(vals) - set(CLOCK_FIELDS) - {"name", "description"}:
            self.env["huatai.complaint"]._recompute_open_deadlines(policies=True)
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()  # _active_ids
        self.env["huatai.complaint"]._recompute_open_deadlines(policies=True)
        return res

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    @api.model
    def _active_records(self):
        """The policies ``search([])`` gives (active ones unless
        ``active_test`` is off, in their order), as superuser: every intake
        looks for them, their ids are cached per registry (cleared by their
        create, write and unlink)."""
        active_test = self.env.context.get("active_test", True)
        return self.sudo().browse(self._active_ids(bool(active_test)))

    @tools.ormcache("active_test")
    def _active_ids(self, active_test):
        policies = self.sudo().with_context(active_test=active_test).search([])
        return tuple(policies.ids)

    def _criteria_labels(self):
        self.ensure_one()
        labels = []
        if self.channel:
            channels = dict(self._fields["channel"]._description_selection(self.env))
            labels.append(
                self.env._("channel %(channel)s", channel=channels[self.channel])
            )
        if self.category_ids:
            labels.append(
                self.env._(
                    "type %(types)s",
                    types=" / ".join(self.category_ids.mapped("display_name")),
                )
            )
        for flag, criterion in SEVERITY_CRITERIA:
            if self[criterion]:
                labels.append(
                    self.env["huatai.complaint"]
                    ._fields[flag]
                    ._description_string(self.env)
                )
        return labels

    def _matches(self, complaint):
        """Whether ``complaint`` meets all the criteria of this policy."""
        self.ensure_one()
        if self.channel and complaint.channel != self.channel:
            return False
        if self.category_ids:
            path = complaint.category_id.parent_path or ""
            if not any(path.startswith(c.parent_path) for c in self.category_ids):
                return False
        return all(
            complaint[flag] for flag, criterion in SEVERITY_CRITERIA if self[criterion]
        )

    def _selector(self):
        """A function giving the policy of ``self`` that applies to a
        complaint (as ``_select_for(complaint)[0]``), the policies' criteria
        read once: for computing the policy of many complaints."""
        ordered = [
            (
                policy,
                policy.channel,
                tuple(policy.category_ids.mapped("parent_path")),
                tuple(
                    flag for flag, criterion in SEVERITY_CRITERIA if policy[criterion]
                ),
            )
            for policy in self.sorted(lambda p: (-p.specificity, p.sequence, p.id))
        ]
        empty = self.browse()

        def select(complaint):
            for policy, channel, paths, flags in ordered:
                if channel and complaint.channel != channel:
                    continue
                if paths:
                    path = complaint.category_id.parent_path or ""
                    if not path.startswith(paths):
                        continue
                if all(complaint[flag] for flag in flags):
                    return policy
            return empty

        return select

    def _select_for(self, complaint):
        """The policy that applies to ``complaint`` among ``self``, and how
        many of them matched: the most specific one, then the first one."""
        matching = [policy for policy in self if policy._matches(complaint)]
        if not matching:
            return self.browse(), 0
        best = min(matching, key=lambda p: (-p.specificity, p.sequence, p.id))
        return best, len(matching)
