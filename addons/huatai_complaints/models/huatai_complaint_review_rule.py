from odoo import api, fields, models

# the reviews of a handling plan, in the order the rules ask them (Art. 6-10)
REVIEW_KINDS = [
    ("branch_review", "Branch Review"),
    ("hq_advice", "Retail Client Service HQ Advice"),
    ("institutional", "Institutional Client Service HQ"),
    ("compliance", "Compliance Opinion"),
]
REVIEW_ORDER = [kind for kind, _label in REVIEW_KINDS]
# the complaint's flag -> the rule's criterion
RULE_CRITERIA = [
    ("is_major", "match_major"),
    ("is_group", "match_group"),
    ("is_difficult", "match_difficult"),
    ("is_media", "match_media"),
    ("is_judicial", "match_judicial"),
    ("is_compensation", "match_compensation"),
    ("is_law_related", "match_law_related"),
]


class HuataiComplaintReviewRule(models.Model):
    """Which reviews a complaint's handling plan needs (SPEC §14): a rule
    asks for one review of the complaints it matches."""

    _name = "huatai.complaint.review.rule"
    _description = "Handling Plan Review Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
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
    match_major = fields.Boolean(string="Major")
    match_group = fields.Boolean(string="Group")
    match_difficult = fields.Boolean(string="Difficult")
    match_media = fields.Boolean(string="Media-related")
    match_judicial = fields.Boolean(string="Judicial")
    match_compensation = fields.Boolean(string="Compensation Claimed")
    match_law_related = fields.Boolean(string="Law- or Regulation-related")
    criteria_summary = fields.Char(
        string="Applies To", compute="_compute_criteria_summary"
    )

    @api.depends_context("lang")
    @api.depends("unit_kind", *(criterion for _flag, criterion in RULE_CRITERIA))
    def _compute_criteria_summary(self):
        Complaint = self.env["huatai.complaint"]
        for rule in self:
            flags = [
                Complaint._fields[flag]._description_string(self.env)
                for flag, criterion in RULE_CRITERIA
                if rule[criterion]
            ]
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
        flags = [flag for flag, criterion in RULE_CRITERIA if self[criterion]]
        return not flags or any(complaint[flag] for flag in flags)
