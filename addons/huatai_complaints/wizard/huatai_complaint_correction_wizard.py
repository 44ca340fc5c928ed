from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.huatai_complaint import ADMIN_GROUP

# the workflow's fields an administrator may correct, and their kind
CORRECTABLE = {
    "received_date": "datetime",
    "accepted_date": "datetime",
    "acknowledged_date": "datetime",
    "replied_date": "datetime",
    "closed_date": "datetime",
    "acknowledgement_deadline": "date",
    "accept_deadline": "date",
    "reply_deadline": "date",
    "callback_deadline": "date",
    "paused_days": "integer",
}


class HuataiComplaintCorrectionWizard(models.TransientModel):
    """A complaint administrator corrects a date, a deadline or the paused
    days that the workflow wrote: the reason and the old value go to the
    complaint's history."""

    _name = "huatai.complaint.correction.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Correct a Complaint's Dates"

    complaint_id = fields.Many2one("huatai.complaint", required=True, readonly=True)
    field_name = fields.Selection(
        selection="_selection_field_name", string="What to Correct", required=True
    )
    value_kind = fields.Char(compute="_compute_value_kind")
    current_value = fields.Char(compute="_compute_value_kind")
    new_datetime = fields.Datetime(string="Correct Date and Time")
    new_date = fields.Date(string="Correct Date")
    new_integer = fields.Integer(string="Correct Number")
    reason = fields.Text(required=True)

    @api.model
    def _selection_field_name(self):
        Complaint = self.env["huatai.complaint"]
        return [
            (fname, Complaint._fields[fname]._description_string(self.env))
            for fname in CORRECTABLE
        ]

    @api.depends("complaint_id", "field_name")
    def _compute_value_kind(self):
        for wizard in self:
            fname = wizard.field_name
            wizard.value_kind = CORRECTABLE.get(fname, False)
            value = wizard.complaint_id[fname] if fname else False
            wizard.current_value = (
                str(value) if value not in (False, None) else self.env._("(empty)")
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_correction_rights()
        return super().create(vals_list)

    @api.model
    def _check_correction_rights(self):
        if not self.env.su and not self.env.user.has_group(ADMIN_GROUP):
            raise AccessError(
                self.env._(
                    "Only complaint administrators can correct the dates and "
                    "deadlines of a complaint."
                )
            )

    def _new_value(self):
        kind = CORRECTABLE[self.field_name]
        if kind == "integer":
            if self.new_integer < 0:
                raise UserError(self.env._("The number of days cannot be negative."))
            return self.new_integer
        value = self.new_datetime if kind == "datetime" else self.new_date
        if not value and self.field_name in ("received_date",):
            raise UserError(self.env._("Give the correct value."))
        return value or False

    def action_correct(self):
        self.ensure_one()
        self._check_correction_rights()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for the correction."))
        complaint = self.complaint_id
        complaint.check_access("write")
        fname = self.field_name
        old = self.current_value
        value = self._new_value()
        if CORRECTABLE[fname] == "datetime" and value and value > fields.Datetime.now():
            raise UserError(self.env._("A date of the past is expected."))
        complaint._as_workflow().write({fname: value})
        label = complaint._fields[fname]._description_string(self.env)
        complaint.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "%(field)s corrected from %(old)s to %(new)s by %(user)s. "
                "Reason: %(reason)s",
                field=label,
                old=old,
                new=value if value not in (False, None) else self.env._("(empty)"),
                user=self.env.user.name,
                reason=reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
