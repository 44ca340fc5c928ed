from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class HuataiComplaintCallback(models.Model):
    """One call made to the complainant after the reply (回访, Art. 5, 7)."""

    _name = "huatai.complaint.callback"
    _description = "Complaint Callback"
    _order = "date desc, id desc"
    _rec_names_search = ["complaint_id"]

    complaint_id = fields.Many2one(
        "huatai.complaint",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    date = fields.Datetime(
        string="Called On",
        required=True,
        readonly=True,
        default=fields.Datetime.now,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Called By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        index=True,
    )
    unit_id = fields.Many2one(
        "huatai.org.unit",
        string="Callback Unit",
        readonly=True,
        index=True,
        help="The unit responsible for calling the complainant back.",
    )
    unit_kind = fields.Selection(
        related="unit_id.kind", store=True, string="Unit Level"
    )
    branch_id = fields.Many2one(
        related="unit_id.branch_id", store=True, string="Branch Company"
    )
    attempt = fields.Integer(readonly=True, default=1)
    reached = fields.Boolean(string="Client Reached", readonly=True)
    satisfied = fields.Boolean(readonly=True)
    result = fields.Selection(
        [
            ("satisfied", "Reached, satisfied"),
            ("dissatisfied", "Reached, not satisfied"),
            ("unreached", "Not reached"),
        ],
        compute="_compute_result",
        store=True,
        index=True,
    )
    remarks = fields.Text(readonly=True)
    complainant_name = fields.Char(related="complaint_id.complainant_name")
    complainant_phone = fields.Char(related="complaint_id.complainant_phone")
    spot_check_ids = fields.One2many(
        "huatai.callback.spot.check", "callback_id", string="Spot Checks"
    )

    @api.constrains("reached", "satisfied")
    def _check_satisfied(self):
        for callback in self:
            if callback.satisfied and not callback.reached:
                raise ValidationError(
                    self.env._("A client who was not reached cannot be satisfied.")
                )

    @api.depends("reached", "satisfied")
    def _compute_result(self):
        for callback in self:
            if not callback.reached:
                callback.result = "unreached"
            else:
                callback.result = "satisfied" if callback.satisfied else "dissatisfied"

    @api.depends("complaint_id", "attempt")
    def _compute_display_name(self):
        for callback in self:
            callback.display_name = self.env._(
                "%(ref)s – callback %(attempt)s",
                ref=callback.complaint_id.name,
                attempt=callback.attempt,
            )

    def write(self, vals):
        if not self.env.su and not self.env.user.has_group(
            "huatai_complaints.group_complaint_admin"
        ):
            raise UserError(self.env._("A recorded callback cannot be changed."))
        return super().write(vals)
