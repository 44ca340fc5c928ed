"""What the rules over complaints share: routing rules (SPEC §8), deadline
policies (§7) and review rules (§14) are ordered, archivable records that
every intake reads; policies and review rules match complaints on their
severity flags.

The fields keep the columns the three models had before they shared them:
no migration."""

from odoo import api, fields, models, tools

from .huatai_complaint import SEVERITY_FLAGS

# the complaint's severity flag -> the criterion field asking for it
SEVERITY_CRITERIA = tuple(
    (flag, f"match_{flag.removeprefix('is_')}") for flag in SEVERITY_FLAGS
)


class HuataiComplaintRuleMixin(models.AbstractModel):
    """An ordered, archivable rule over complaints. The ids of the active
    rules are cached per registry (every intake looks for them), cleared by
    their create, write and unlink."""

    _name = "huatai.complaint.rule.mixin"
    _description = "Complaint Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()  # _active_ids
        return records

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()  # _active_ids
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()  # _active_ids
        return res

    @api.model
    def _active_records(self):
        """The rules ``search([])`` gives (active ones unless
        ``active_test`` is off, in their order), as superuser."""
        active_test = self.env.context.get("active_test", True)
        return self.sudo().browse(self._active_ids(bool(active_test)))

    @tools.ormcache("active_test")
    def _active_ids(self, active_test):
        records = self.sudo().with_context(active_test=active_test).search([])
        return tuple(records.ids)


class HuataiComplaintCriteriaMixin(models.AbstractModel):
    """A rule that applies to complaints carrying some of the severity
    flags (how many of them must be set is the rule's own matter)."""

    _name = "huatai.complaint.criteria.mixin"
    _inherit = "huatai.complaint.rule.mixin"
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
