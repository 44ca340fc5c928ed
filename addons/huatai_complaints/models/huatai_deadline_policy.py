from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .huatai_complaint import CHANNELS
from .huatai_complaint_criteria_mixin import SEVERITY_CRITERIA

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
    """The clocks of the complaints a policy applies to (SPEC §7): the most
    specific matching policy wins. A policy asks for all the severity flags
    it names."""

    _name = "huatai.deadline.policy"
    _inherit = "huatai.complaint.criteria.mixin"
    _description = "Deadline Policy"

    sequence = fields.Integer(
        help="Among equally specific policies, the first one wins."
    )
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
                + len(policy._criteria_flags())
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
        self.env["huatai.complaint"]._recompute_open_deadlines(policies=True)
        return policies

    def write(self, vals):
        res = super().write(vals)
        if set(vals) & set(CLOCK_FIELDS):
            self.env["huatai.complaint"]._recompute_open_deadlines(policies=self)
        if set(vals) - set(CLOCK_FIELDS) - {"name", "description"}:
            self.env["huatai.complaint"]._recompute_open_deadlines(policies=True)
        return res

    def unlink(self):
        res = super().unlink()
        self.env["huatai.complaint"]._recompute_open_deadlines(policies=True)
        return res

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
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
        return labels + self._criteria_flag_labels()

    def _matcher(self):
        """A function telling whether a complaint meets all the criteria of
        this policy, the criteria read once."""
        self.ensure_one()
        channel = self.channel
        paths = tuple(self.category_ids.mapped("parent_path"))
        flags = self._criteria_flags()

        def matches(complaint):
            if channel and complaint.channel != channel:
                return False
            if paths and not (complaint.category_id.parent_path or "").startswith(
                paths
            ):
                return False
            return all(complaint[flag] for flag in flags)

        return matches

    def _matches(self, complaint):
        """Whether ``complaint`` meets all the criteria of this policy."""
        return self._matcher()(complaint)

    def _selector(self):
        """A function giving the policy of ``self`` that applies to a
        complaint (as ``_select_for(complaint)[0]``), the policies' criteria
        read once: for computing the policy of many complaints."""
        ordered = [
            (policy, policy._matcher())
            for policy in self.sorted(lambda p: (-p.specificity, p.sequence, p.id))
        ]
        empty = self.browse()

        def select(complaint):
            return next(
                (policy for policy, matches in ordered if matches(complaint)), empty
            )

        return select

    def _select_for(self, complaint):
        """The policy that applies to ``complaint`` among ``self``, and how
        many of them matched: the most specific one, then the first one."""
        matching = [policy for policy in self if policy._matches(complaint)]
        if not matching:
            return self.browse(), 0
        best = min(matching, key=lambda p: (-p.specificity, p.sequence, p.id))
        return best, len(matching)
