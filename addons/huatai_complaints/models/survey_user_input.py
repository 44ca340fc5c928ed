import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize

_logger = logging.getLogger(__name__)


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    complaint_id = fields.Many2one(
        "huatai.complaint",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The complaint this satisfaction answer is about.",
    )
    huatai_invited = fields.Boolean(
        string="Invitation Sent",
        readonly=True,
        help="Created for the invitation emailed to the complainant.",
    )
    filled_by_id = fields.Many2one(
        "res.users",
        string="Filled In By",
        readonly=True,
        help="Staff member who filled the survey in with the client by phone.",
    )
    complaint_score = fields.Float(
        string="Satisfaction Score",
        compute="_compute_complaint_score",
        store=True,
        digits=(3, 2),
        help="Average of the answers given on a scale (1 to 5).",
    )

    @api.depends(
        "user_input_line_ids.answer_type",
        "user_input_line_ids.value_scale",
        "user_input_line_ids.skipped",
    )
    def _compute_complaint_score(self):
        for answer in self:
            values = [
                line.value_scale
                for line in answer.user_input_line_ids
                if line.answer_type == "scale" and not line.skipped and line.value_scale
            ]
            answer.complaint_score = sum(values) / len(values) if values else 0.0

    @api.constrains("complaint_id", "partner_id", "email")
    def _check_complaint_id(self):
        """An answer only ever belongs to its own complainant's complaint."""
        for answer in self.filtered("complaint_id"):
            complaint = answer.complaint_id.sudo()
            if not answer.survey_id.huatai_complaint_survey:
                raise ValidationError(
                    self.env._(
                        "Only answers of a complaint satisfaction survey can be "
                        "linked to a complaint."
                    )
                )
            if complaint.is_confidential:
                raise ValidationError(
                    self.env._(
                        "No satisfaction survey is run for whistleblowing reports."
                    )
                )
            if complaint.partner_id:
                own = (
                    answer.partner_id
                    and answer.partner_id.commercial_partner_id
                    == complaint.partner_id.commercial_partner_id
                )
            else:
                own = (
                    not answer.partner_id
                    and email_normalize(answer.email or "")
                    and email_normalize(answer.email)
                    == email_normalize(complaint.complainant_email or "")
                )
            if not own:
                _logger.warning(
                    "Survey answer %s refused for complaint %s: other complainant",
                    answer.id,
                    complaint.name,
                )
                raise ValidationError(
                    self.env._(
                        "This survey answer is not from the complainant of "
                        "%(ref)s: it cannot be linked to that complaint.",
                        ref=complaint.name,
                    )
                )

    def write(self, vals):
        if "complaint_id" in vals:
            for answer in self:
                if (
                    answer.complaint_id
                    and answer.complaint_id.id != vals["complaint_id"]
                ):
                    raise ValidationError(
                        self.env._(
                            "A survey answer stays linked to the complaint it was "
                            "sent for."
                        )
                    )
        return super().write(vals)
