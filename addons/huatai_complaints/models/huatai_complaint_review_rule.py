from odoo import api, fields, models

from .huatai_complaint_criteria_mixin import SEVERITY_CRITERIA

# the reviews of a handling plan, in the order the rules ask them (Art. 6-10)
REVIEW_KINDS = [
    ("branch_review", "Branch Review"),
    ("hq_advice", "Retail Client Service HQ Advice"),
    ("institutional", "Institutional Client Service HQ"),
    ("compliance", "Compliance Opinion"),
]
REVIEW_ORDER = [kind for kind, _label in REVIEW_KINDS]
# the complaint's flag -> the rule's criterion
RULE_CRITERIA = (*SEVERITY_CRITERIA, ("is_law_related", "match_law_related"))


class HuataiComplaintReviewRule(models.Model):
    """Which reviews a complaint's handling plan needs (SPEC §14): a rule
    asks for one review of the complaints it matches."""

    _name = "huatai.complaint.review.rule"
    _inherit = "huatai.complaint.criteria.mixin"
    _description = "Handling Plan Review Rule"
    _criteria = RULE_CRITERIA

    kind = fields.Selection(
        REVIEW_KINDS,
        string="Review",
        required=True,
        help="Branch review: the branch company above the handling sales "
        "department. The other reviews: the HQ department of that name.",
    )
    unit_kind = fields.Selection(
        [
            ("company", "Company"),
            ("department", "HQ Department"),
            ("branch", "Branch Company"),
            ("sales_department", "Sales Department"),
        ],
        string="Handled At",
        help="Only complaints whose handling unit is of this level (empty: any).",
    )
    match_law_related = fields.Boolean(string="Law- or Regulation-related")
    criteria_summary = fields.Char(
        string="Applies To", compute="_compute_criteria_summary"
    )

    @api.depends_context("lang")
    @api.depends("unit_kind", *(criterion for _flag, criterion in RULE_CRITERIA))
    def _compute_criteria_summary(self):
        for rule in self:
            flags = rule._criteria_flag_labels()
            parts = []
            if rule.unit_kind:
                levels = dict(
                    self._fields["unit_kind"]._description_selection(self.env)
                )
                parts.append(
                    self.env._("handled at: %(level)s", level=levels[rule.unit_kind])
                )
            parts.append(
                self.env._("any of: %(flags)s", flags=" / ".join(flags))
                if flags
                else self.env._("every complaint")
            )
            rule.criteria_summary = ", ".join(parts)

    def _matches(self, complaint):
        """Whether ``complaint`` needs this rule's review: handled at the
        rule's level, and carrying one of its flags (when it has any)."""
        self.ensure_one()
        complaint = complaint.sudo()
        if self.unit_kind and complaint.handling_unit_id.kind != self.unit_kind:
            return False
        flags = self._criteria_flags()
        return not flags or any(complaint[flag] for flag in flags)
