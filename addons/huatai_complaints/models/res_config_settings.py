from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import settings as S
from .huatai_complaint_intake import FORBIDDEN_EXTENSIONS, parse_extensions

# setting -> smallest value accepted (the integer settings with a minimum)
INT_MINIMUMS = {
    setting.field: setting.minimum
    for setting in S.SETTINGS
    if isinstance(setting.default, int) and setting.minimum is not None
}


def setting_field(setting, field_class=fields.Integer, **kwargs):
    """The settings field of ``setting``: its label, parameter, default, help."""
    default = kwargs.pop("default", setting.default)
    if default is not None:
        kwargs["default"] = default
    return field_class(
        string=setting.label,
        config_parameter=setting.param,
        help=setting.help,
        **kwargs,
    )


class ResConfigSettings(models.TransientModel):
    """Complaint settings an administrator changes in Settings > Complaints.

    Each is a system parameter ``huatai_complaints.*`` defined once in
    ``tools/settings.py`` (label, default, bounds) and read where it is used;
    saving checks the values, so that a typo never reaches intake or the
    deadline job.
    """

    _inherit = "res.config.settings"

    # handling
    huatai_group_threshold = setting_field(S.GROUP_THRESHOLD)
    huatai_due_soon_days = setting_field(S.DUE_SOON_DAYS)
    # channels opened at branches and sales departments beyond the rules'
    # on-site, phone, fax and email (Art. 11)
    huatai_local_accepts_letter = setting_field(S.LOCAL_ACCEPTS_LETTER, fields.Boolean)
    huatai_local_accepts_regulator = setting_field(
        S.LOCAL_ACCEPTS_REGULATOR, fields.Boolean
    )
    # records
    huatai_retention_years = setting_field(S.RETENTION_YEARS)
    # callbacks and satisfaction
    huatai_spot_check_percent = setting_field(S.SPOT_CHECK_PERCENT, fields.Float)
    huatai_spot_check_days = setting_field(S.SPOT_CHECK_DAYS)
    huatai_survey_send_on = setting_field(
        S.SURVEY_SEND_ON,
        fields.Selection,
        selection=[
            ("reply", "When the reply is recorded"),
            ("close", "When it is closed"),
        ],
    )
    huatai_satisfaction_survey_id = setting_field(
        S.SATISFACTION_SURVEY,
        fields.Many2one,
        comodel_name="survey.survey",
        default=None,
    )
    # complainant side
    huatai_complainant_lang = setting_field(
        S.COMPLAINANT_LANG, fields.Selection, selection="_get_complainant_langs"
    )
    huatai_description_max_chars = setting_field(S.DESCRIPTION_MAX_CHARS)
    huatai_mail_attachment_max_mb = setting_field(S.MAIL_ATTACHMENT_MAX_MB)
    huatai_web_form_rate_limit = setting_field(S.WEB_FORM_RATE_LIMIT)
    huatai_web_form_rate_window_minutes = setting_field(S.WEB_FORM_RATE_WINDOW_MINUTES)
    huatai_web_form_max_files = setting_field(S.WEB_FORM_MAX_FILES)
    huatai_web_form_max_file_mb = setting_field(S.WEB_FORM_MAX_FILE_MB)
    huatai_web_form_max_total_mb = setting_field(S.WEB_FORM_MAX_TOTAL_MB)
    huatai_web_form_token_hours = setting_field(S.WEB_FORM_TOKEN_HOURS)
    huatai_web_form_extensions = setting_field(S.WEB_FORM_EXTENSIONS, fields.Char)

    @api.model
    def _get_complainant_langs(self):
        """Installed languages, and the configured one even when it is not
        (the messages then fall back to an installed language)."""
        langs = list(self.env["res.lang"].get_installed())
        current = S.read_setting(self.env, S.COMPLAINANT_LANG)
        installed = {code for code, _name in langs}
        for code in dict.fromkeys((S.COMPLAINANT_LANG.default, current)):
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
            share = S.SPOT_CHECK_PERCENT
            if not share.minimum <= settings[share.field] <= share.maximum:
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
