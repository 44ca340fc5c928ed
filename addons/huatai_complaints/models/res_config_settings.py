from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .huatai_complaint_intake import (
    FORBIDDEN_EXTENSIONS,
    WEB_FORM_EXTENSIONS,
    parse_extensions,
)
from .huatai_complaint_retention import MIN_RETENTION_YEARS, RETENTION_PARAM

# setting -> smallest value accepted
INT_MINIMUMS = {
    "huatai_group_threshold": 2,
    "huatai_due_soon_days": 0,
    "huatai_retention_years": MIN_RETENTION_YEARS,
    "huatai_spot_check_days": 1,
    "huatai_description_max_chars": 1000,
    "huatai_mail_attachment_max_mb": 1,
    "huatai_web_form_rate_limit": 1,
    "huatai_web_form_rate_window_minutes": 1,
    "huatai_web_form_max_files": 0,
    "huatai_web_form_max_file_mb": 1,
    "huatai_web_form_max_total_mb": 1,
    "huatai_web_form_token_hours": 1,
}


class ResConfigSettings(models.TransientModel):
    """Complaint settings an administrator changes in Settings > Complaints.

    Each is a system parameter ``huatai_complaints.*`` read where it is used;
    saving checks the values, so that a typo never reaches intake or the
    deadline job.
    """

    _inherit = "res.config.settings"

    # handling
    huatai_group_threshold = fields.Integer(
        string="Group Complaint Threshold",
        config_parameter="huatai_complaints.group_threshold",
        default=5,
        help="A complaint made by at least this many complainants is a group "
        "complaint (a severity flag).",
    )
    huatai_due_soon_days = fields.Integer(
        string="Due Soon Window (Working Days)",
        config_parameter="huatai_complaints.due_soon_days",
        default=2,
        help="A deadline this many working days ahead or less is shown as due "
        "soon and alerts the owner.",
    )
    # channels opened at branches and sales departments beyond the rules'
    # on-site, phone, fax and email (Art. 11)
    huatai_local_accepts_letter = fields.Boolean(
        string="Branches Accept Letters",
        config_parameter="huatai_complaints.local_accepts_letter",
        help="Branch companies and sales departments may also register letters "
        "(the rules take them at company HQ).",
    )
    huatai_local_accepts_regulator = fields.Boolean(
        string="Branches Accept Regulator Forwardings",
        config_parameter="huatai_complaints.local_accepts_regulator",
        help="Branch companies and sales departments may also register "
        "complaints forwarded by a regulator (the rules take them at company "
        "HQ, Retail Client Service HQ).",
    )
    # records
    huatai_retention_years = fields.Integer(
        string="Retention Period (Years)",
        config_parameter=RETENTION_PARAM,
        default=MIN_RETENTION_YEARS,
        help="Complaint files and the complainant's personal data are kept this "
        "many years after the complaint is closed, then erased by a scheduled "
        "job. Securities business records are kept at least 20 years.",
    )
    # callbacks and satisfaction
    huatai_spot_check_percent = fields.Float(
        string="Callback Spot Check Share (%)",
        config_parameter="huatai_complaints.callback_spot_check_percent",
        default=10.0,
        help="Share of the sales departments' callbacks that the Customer "
        "Service Center checks again.",
    )
    huatai_spot_check_days = fields.Integer(
        string="Spot Check Time (Days)",
        config_parameter="huatai_complaints.callback_spot_check_days",
        default=10,
        help="Days given to the Customer Service Center to verify a sampled callback.",
    )
    huatai_survey_send_on = fields.Selection(
        [("reply", "When the reply is recorded"), ("close", "When it is closed")],
        string="Send the Satisfaction Survey",
        config_parameter="huatai_complaints.survey_send_on",
        default="reply",
    )
    huatai_satisfaction_survey_id = fields.Many2one(
        "survey.survey",
        string="Satisfaction Survey",
        config_parameter="huatai_complaints.satisfaction_survey_id",
        help="Survey sent to complainants; the shipped Chinese survey when empty.",
    )
    # complainant side
    huatai_complainant_lang = fields.Selection(
        selection="_get_complainant_langs",
        string="Complainants' Language",
        config_parameter="huatai_complaints.complainant_lang",
        default="zh_CN",
        help="Language of the messages sent to complainants who did not choose one.",
    )
    huatai_description_max_chars = fields.Integer(
        string="Longest Description (Characters)",
        config_parameter="huatai_complaints.description_max_chars",
        default=20000,
    )
    huatai_mail_attachment_max_mb = fields.Integer(
        string="Largest Email Attachment (MB)",
        config_parameter="huatai_complaints.mail_attachment_max_mb",
        default=25,
    )
    huatai_web_form_rate_limit = fields.Integer(
        string="Web Form Submissions per Address",
        config_parameter="huatai_complaints.web_form_rate_limit",
        default=5,
    )
    huatai_web_form_rate_window_minutes = fields.Integer(
        string="Web Form Rate Window (Minutes)",
        config_parameter="huatai_complaints.web_form_rate_window_minutes",
        default=60,
    )
    huatai_web_form_max_files = fields.Integer(
        string="Web Form Files",
        config_parameter="huatai_complaints.web_form_max_files",
        default=5,
    )
    huatai_web_form_max_file_mb = fields.Integer(
        string="Largest Web Form File (MB)",
        config_parameter="huatai_complaints.web_form_max_file_mb",
        default=10,
    )
    huatai_web_form_max_total_mb = fields.Integer(
        string="Web Form Files in All (MB)",
        config_parameter="huatai_complaints.web_form_max_total_mb",
        default=20,
    )
    huatai_web_form_token_hours = fields.Integer(
        string="Web Form Validity (Hours)",
        config_parameter="huatai_complaints.web_form_token_hours",
        default=12,
        help="How long an opened web form can still be submitted.",
    )
    huatai_web_form_extensions = fields.Char(
        string="Web Form File Types",
        config_parameter="huatai_complaints.web_form_extensions",
        default=WEB_FORM_EXTENSIONS,
        help="File extensions accepted by the public web form, separated by "
        "commas. Programs and scripts are always refused.",
    )

    @api.model
    def _get_complainant_langs(self):
        """Installed languages, and the configured one even when it is not
        (the messages then fall back to an installed language)."""
        langs = list(self.env["res.lang"].get_installed())
        current = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("huatai_complaints.complainant_lang", "zh_CN")
        )
        installed = {code for code, _name in langs}
        for code in dict.fromkeys(("zh_CN", current)):
            if code and code not in installed:
                langs.append((code, code))
        return langs

    @api.constrains(*INT_MINIMUMS, "huatai_spot_check_percent")
    def _check_huatai_values(self):
        for settings in self:
            for name, minimum in INT_MINIMUMS.items():
                if settings[name] < minimum:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s must be at least %(minimum)s.",
                            setting=settings._fields[name].get_description(self.env)[
                                "string"
                            ],
                            minimum=minimum,
                        )
                    )
            if not 0 <= settings.huatai_spot_check_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "The callback spot check share is a percentage between 0 "
                        "and 100."
                    )
                )
            if settings.huatai_web_form_max_total_mb < (
                settings.huatai_web_form_max_file_mb
            ):
                raise ValidationError(
                    self.env._(
                        "The web form files in all (%(total)s MB) cannot be "
                        "smaller than its largest file (%(file)s MB).",
                        total=settings.huatai_web_form_max_total_mb,
                        file=settings.huatai_web_form_max_file_mb,
                    )
                )

    @api.constrains("huatai_web_form_extensions")
    def _check_huatai_web_form_extensions(self):
        for settings in self:
            extensions = parse_extensions(settings.huatai_web_form_extensions)
            if not extensions:
                raise ValidationError(
                    self.env._("The web form must accept at least one file type.")
                )
            forbidden = sorted(extensions & FORBIDDEN_EXTENSIONS)
            if forbidden:
                raise ValidationError(
                    self.env._(
                        "These file types can carry programs and are never "
                        "accepted: %(types)s.",
                        types=", ".join(forbidden),
                    )
                )
            invalid = sorted(ext for ext in extensions if not ext.isalnum())
            if invalid:
                raise ValidationError(
                    self.env._(
                        "Not a file extension: %(types)s. Separate the types "
                        "with commas, e.g. pdf, jpg, mp3.",
                        types=", ".join(invalid),
                    )
                )
