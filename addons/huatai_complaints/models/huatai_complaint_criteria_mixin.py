"""The criteria of deadline policies (SPEC §7) and review rules (§14) on
the complaint's severity flags.

The fields keep the columns both models had before they shared them: no
migration."""

from odoo import fields, models

from .huatai_complaint import SEVERITY_FLAGS

# the complaint's severity flag -> the criterion field asking for it
SEVERITY_CRITERIA = tuple(
    (flag, f"match_{flag.removeprefix('is_')}") for flag in SEVERITY_FLAGS
)


class HuataiComplaintCriteriaMixin(models.AbstractModel):
    """A rule that applies to complaints carrying some of the severity
    flags (how many of them must be set is the rule's own matter)."""

    _name = "huatai.complaint.criteria.mixin"
    _inherit = "huatai.complaint.config.mixin"
    _description = "Complaint Criteria"

    # (complaint flag, criterion field) a model offers: a model adding a
    # criterion declares its field and extends this list
    _criteria = SEVERITY_CRITERIA

    match_major = fields.Boolean(string="Major")
    match_group = fields.Boolean(string="Group")
    match_difficult = fields.Boolean(string="Difficult")
    match_media = fields.Boolean(string="Media-related")
    match_judicial = fields.Boolean(string="Judicial")
    match_compensation = fields.Boolean(string="Compensation Claimed")

    def _criteria_flags(self):
        """The complaint flags this rule asks for."""
        self.ensure_one()
        return tuple(flag for flag, criterion in self._criteria if self[criterion])

    def _criteria_flag_labels(self):
        """The labels of the complaint flags this rule asks for."""
        fields_ = self.env["huatai.complaint"]._fields
        return [
            fields_[flag]._description_string(self.env)
            for flag in self._criteria_flags()
        ]
