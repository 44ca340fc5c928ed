from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class HuataiComplaintCallbackWizard(models.TransientModel):
    _name = "huatai.complaint.callback.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Record the Outcome of a Callback"

    complaint_id = fields.Many2one("huatai.complaint", required=True, readonly=True)
    activity_id = fields.Many2one("mail.activity", string="Planned Callback")
    attempt = fields.Integer(compute="_compute_attempt")
    reached = fields.Selection(
        [
            ("reached", "Reached the client"),
            ("unreached", "Could not reach the client"),
        ],
        string="Call Outcome",
        required=True,
    )
    satisfaction = fields.Selection(
        [("satisfied", "Satisfied"), ("dissatisfied", "Not satisfied")],
        string="Client's Opinion",
    )
    remarks = fields.Text()
    retry = fields.Boolean(string="Plan another attempt", default=True)
    retry_date = fields.Date(
        string="Next Attempt On",
        default=lambda self: fields.Date.context_today(self) + timedelta(days=1),
    )
    close_complaint = fields.Boolean(
        string="Close the complaint",
        help="The client was reached: the complaint is finished.",
    )
    complainant_name = fields.Char(
        related="complaint_id.complainant_name", compute_sudo=False
    )
    complainant_phone = fields.Char(
        related="complaint_id.complainant_phone", compute_sudo=False
    )
    is_closed = fields.Boolean(related="complaint_id.is_closed", compute_sudo=False)

    @api.depends("complaint_id")
    def _compute_attempt(self):
        for wizard in self:
            wizard.attempt = wizard.complaint_id.callback_attempt_count + 1

    def _check_values(self):
        complaint = self.complaint_id
        if not complaint.replied_date:
            raise UserError(
                self.env._("A callback follows the reply: record the reply first.")
            )
        if self.activity_id and (
            self.activity_id.res_model != complaint._name
            or self.activity_id.res_id != complaint.id
        ):
            raise UserError(self.env._("This activity belongs to another document."))
        if self.reached == "reached" and not self.satisfaction:
            raise UserError(self.env._("Record whether the client is satisfied."))
        remarks = (self.remarks or "").strip()
        if (
            self.reached == "unreached" or self.satisfaction == "dissatisfied"
        ) and not remarks:
            raise UserError(
                self.env._(
                    "Add remarks: when the client was not reached or is not "
                    "satisfied, say what happened."
                )
            )
        if (
            self.reached == "reached"
            and self.satisfaction == "dissatisfied"
            and self.close_complaint
        ):
            raise UserError(
                self.env._(
                    "The client is not satisfied: the complaint goes back to "
                    "handling and cannot be closed now."
                )
            )
        if self.reached == "unreached" and self.retry:
            if not self.retry_date:
                raise UserError(self.env._("Give the date of the next attempt."))
            if self.retry_date < fields.Date.context_today(self):
                raise UserError(self.env._("The next attempt cannot be in the past."))

    def action_record(self):
        self.ensure_one()
        self._check_values()
        complaint = self.complaint_id
        complaint.check_access("write")
        reached = self.reached == "reached"
        activity = self.activity_id or complaint.callback_activity_id
        unit = (
            complaint.callback_unit_id
            or complaint._callback_assignment()[0]
            or self.env.user.huatai_unit_ids[:1]
        )
        callback = (
            self.env["huatai.complaint.callback"]
            .sudo()
            .create(
                {
                    "complaint_id": complaint.id,
                    "user_id": self.env.user.id,
                    "unit_id": unit.id,
                    "attempt": complaint.callback_attempt_count + 1,
                    "reached": reached,
                    "satisfied": reached and self.satisfaction == "satisfied",
                    "remarks": (self.remarks or "").strip() or False,
                }
            )
        )
        outcome = dict(callback._fields["result"]._description_selection(self.env))[
            callback.result
        ]
        feedback = self.env._(
            "Attempt %(n)s: %(outcome)s. %(remarks)s",
            n=callback.attempt,
            outcome=outcome,
            remarks=callback.remarks or "",
        )
        if activity:
            retry_user = activity.user_id
            activity.with_context(huatai_callback_recording=True).action_feedback(
                feedback=feedback
            )
        else:
            retry_user = self.env.user
            complaint.message_post(body=feedback, subtype_xmlid="mail.mt_note")
        if not reached and self.retry:
            complaint._schedule_callback(
                date_deadline=self.retry_date,
                user=retry_user,
                attempt=callback.attempt + 1,
            )
        if reached and not callback.satisfied:
            # not satisfied: back to handling, the unit head informed
            complaint._return_to_handling_after_callback(callback)
        elif reached:
            if complaint.stage_state == "replied":
                complaint._move_to_state("callback")
            if self.close_complaint and not complaint.is_closed:
                complaint._move_to_state("closed")
        return {"type": "ir.actions.act_window_close"}

    def action_fill_survey(self):
        """Fill the satisfaction survey in with the client during the call."""
        self.ensure_one()
        return self.complaint_id.action_fill_satisfaction_survey()
