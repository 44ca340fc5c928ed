"""The complaint settings (Settings > Complaints): one definition each.

A :class:`Setting` says everything about one setting: the field of
``res.config.settings`` that shows it, the system parameter that stores it,
its default, its bounds, its label and help. ``res_config_settings.py``
builds its fields and checks from these definitions, and the code reads a
setting with :func:`read_setting` (a parameter never saved, or unusable, is
its default; a value out of bounds is brought within them). Pure Python: no
Odoo import.
"""

import logging
from typing import NamedTuple

from .workdays import CN_TZ_NAME

_logger = logging.getLogger(__name__)

PREFIX = "huatai_complaints."


class Setting(NamedTuple):
    field: str  # the field of res.config.settings
    key: str  # the system parameter, without PREFIX
    default: object  # its type is the setting's type
    minimum: float | None = None
    maximum: float | None = None
    label: str = ""
    help: str | None = None

    @property
    def param(self):
        return PREFIX + self.key

    def parse(self, value):
        """The setting's value from its stored text: the default when it is
        missing or unusable, else kept within the bounds."""
        if value in (None, False, ""):
            return self.default
        kind = type(self.default)
        try:
            if kind is int:
                value = int(float(value))
            elif kind is float:
                value = float(value)
        except ValueError:
            _logger.warning(
                "Invalid value %r for parameter %s: %r used",
                value,
                self.param,
                self.default,
            )
            return self.default
        if self.minimum is not None:
            value = max(value, self.minimum)
        if self.maximum is not None:
            value = min(value, self.maximum)
        return value


def read_setting(env, setting):
    """The value of ``setting`` in the database of ``env``."""
    return setting.parse(env["ir.config_parameter"].sudo().get_param(setting.param))


GROUP_THRESHOLD = Setting(
    "huatai_group_threshold",
    "group_threshold",
    5,
    minimum=2,
    label="Group Complaint Threshold",
    help="A complaint made by at least this many complainants is a group "
    "complaint (a severity flag).",
)
DUE_SOON_DAYS = Setting(
    "huatai_due_soon_days",
    "due_soon_days",
    2,
    minimum=0,
    label="Due Soon Window (Working Days)",
    help="A deadline this many working days ahead or less is shown as due "
    "soon and alerts the owner.",
)
RETENTION_YEARS = Setting(
    "huatai_retention_years",
    "retention_years",
    20,
    minimum=20,
    label="Retention Period (Years)",
    help="Complaint files and the complainant's personal data are kept this "
    "many years after the complaint is closed, then erased by a scheduled "
    "job. Securities business records are kept at least 20 years.",
)
SPOT_CHECK_PERCENT = Setting(
    "huatai_spot_check_percent",
    "callback_spot_check_percent",
    10.0,
    minimum=0.0,
    maximum=100.0,
    label="Callback Spot Check Share (%)",
    help="Share of the sales departments' callbacks that the Customer "
    "Service Center checks again.",
)
SPOT_CHECK_DAYS = Setting(
    "huatai_spot_check_days",
    "callback_spot_check_days",
    10,
    minimum=1,
    label="Spot Check Time (Days)",
    help="Days given to the Customer Service Center to verify a sampled callback.",
)
SURVEY_SEND_ON = Setting(
    "huatai_survey_send_on",
    "survey_send_on",
    "reply",
    label="Send the Satisfaction Survey",
)
SATISFACTION_SURVEY = Setting(
    "huatai_satisfaction_survey_id",
    "satisfaction_survey_id",
    0,
    label="Satisfaction Survey",
    help="Survey sent to complainants; the shipped Chinese survey when empty.",
)
COMPLAINANT_LANG = Setting(
    "huatai_complainant_lang",
    "complainant_lang",
    "zh_CN",
    label="Complainants' Language",
    help="Language of the messages sent to complainants who did not choose one.",
)
DESCRIPTION_MAX_CHARS = Setting(
    "huatai_description_max_chars",
    "description_max_chars",
    20000,
    minimum=1000,
    label="Longest Description (Characters)",
)
MAIL_ATTACHMENT_MAX_MB = Setting(
    "huatai_mail_attachment_max_mb",
    "mail_attachment_max_mb",
    25,
    minimum=1,
    label="Largest Email Attachment (MB)",
)
WEB_FORM_RATE_LIMIT = Setting(
    "huatai_web_form_rate_limit",
    "web_form_rate_limit",
    5,
    minimum=1,
    label="Web Form Submissions per Address",
)
WEB_FORM_RATE_WINDOW_MINUTES = Setting(
    "huatai_web_form_rate_window_minutes",
    "web_form_rate_window_minutes",
    60,
    minimum=1,
    label="Web Form Rate Window (Minutes)",
)
WEB_FORM_MAX_FILES = Setting(
    "huatai_web_form_max_files",
    "web_form_max_files",
    5,
    minimum=0,
    label="Web Form Files",
)
WEB_FORM_MAX_FILE_MB = Setting(
    "huatai_web_form_max_file_mb",
    "web_form_max_file_mb",
    10,
    minimum=1,
    label="Largest Web Form File (MB)",
)
WEB_FORM_MAX_TOTAL_MB = Setting(
    "huatai_web_form_max_total_mb",
    "web_form_max_total_mb",
    20,
    minimum=1,
    label="Web Form Files in All (MB)",
)
WEB_FORM_TOKEN_HOURS = Setting(
    "huatai_web_form_token_hours",
    "web_form_token_hours",
    12,
    minimum=1,
    label="Web Form Validity (Hours)",
    help="How long an opened web form can still be submitted.",
)
WEB_FORM_EXTENSIONS = Setting(
    "huatai_web_form_extensions",
    "web_form_extensions",
    # documents, pictures, recordings
    "pdf,ofd,doc,docx,wps,xls,xlsx,et,ppt,pptx,txt,rtf,"
    "jpg,jpeg,png,gif,bmp,tif,tiff,heic,mp3,wav,m4a,amr,aac,mp4,mov",
    label="Web Form File Types",
    help="File extensions accepted by the public web form, separated by "
    "commas. Programs and scripts are always refused.",
)
# not in the settings view: set as system parameters
CALLBACK_TIMEZONE = Setting("", "timezone", CN_TZ_NAME)

SETTINGS = (
    GROUP_THRESHOLD,
    DUE_SOON_DAYS,
    RETENTION_YEARS,
    SPOT_CHECK_PERCENT,
    SPOT_CHECK_DAYS,
    SURVEY_SEND_ON,
    SATISFACTION_SURVEY,
    COMPLAINANT_LANG,
    DESCRIPTION_MAX_CHARS,
    MAIL_ATTACHMENT_MAX_MB,
    WEB_FORM_RATE_LIMIT,
    WEB_FORM_RATE_WINDOW_MINUTES,
    WEB_FORM_MAX_FILES,
    WEB_FORM_MAX_FILE_MB,
    WEB_FORM_MAX_TOTAL_MB,
    WEB_FORM_TOKEN_HOURS,
    WEB_FORM_EXTENSIONS,
)
