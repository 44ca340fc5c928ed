from odoo import fields, models


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    huatai_complaint_survey = fields.Boolean(
        string="Complaint Satisfaction Survey",
        help="Answers of this survey can be linked to complaints and give "
        "them their satisfaction score.",
    )
