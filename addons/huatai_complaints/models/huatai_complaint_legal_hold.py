from odoo import api, fields, models
from odoo.exceptions import ValidationError

# the fields of a legal hold: Compliance sets and lifts it with its wizard
# (written as the workflow, see WORKFLOW_FIELDS in huatai_complaint_guard)
LEGAL_HOLD_FIELDS = (
    "legal_hold",
    "legal_hold_reason",
    "legal_hold_user_id",
    "legal_hold_date",
)


class HuataiComplaint(models.Model):
    """Legal hold (诉讼保全/证据保全): while a judicial or regulatory matter
    is open, the retention job keeps the complaint's files and personal data."""

    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    legal_hold = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        groups="base.group_user",
        help="While the hold is on, the retention job neither erases nor "
        "anonymises the complaint, whatever its age. Set and lifted by "
        "Compliance, with a reason.",
    )
    legal_hold_reason = fields.Text(
        readonly=True,
        copy=False,
        tracking=True,
        groups="base.group_user",
    )
    legal_hold_user_id = fields.Many2one(
        "res.users",
        string="Legal Hold Set By",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    legal_hold_date = fields.Datetime(
        string="Legal Hold Since", readonly=True, copy=False, groups="base.group_user"
    )
    legal_hold_suggested = fields.Boolean(
        compute="_compute_legal_hold_suggested",
        groups="base.group_user",
        help="Judicial and regulator-forwarded complaints usually need a legal "
        "hold while the proceedings are open.",
    )

    @api.constrains("legal_hold", "legal_hold_reason")
    def _check_legal_hold_reason(self):
        for complaint in self:
            if complaint.legal_hold and not (complaint.legal_hold_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "%(ref)s: a legal hold needs its reason (the case, the "
                        "court or authority, its reference).",
                        ref=complaint.name,
                    )
                )

    @api.depends("legal_hold", "is_judicial", "channel")
    def _compute_legal_hold_suggested(self):
        for complaint in self:
            complaint.legal_hold_suggested = not complaint.legal_hold and (
                complaint.is_judicial or complaint.channel == "regulator"
            )

    def action_open_legal_hold_wizard(self):
        """Set or lift the legal hold (Compliance; the wizard checks it)."""
        self.ensure_one()
        self.check_access("read")
        wizard = self.env["huatai.complaint.legal.hold.wizard"]
        wizard._check_legal_hold_rights()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Lift the Legal Hold")
            if self.legal_hold
            else self.env._("Put on Legal Hold"),
            "res_model": wizard._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_id": self.id},
        }
