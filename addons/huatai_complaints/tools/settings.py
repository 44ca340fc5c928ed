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
    prefix: str = PREFIX  # the addon's: huatai_reports. for the reports'

    @property
    def param(self):
        return self.prefix + self.key

    def parse(self, value):
        """The setting's value from its stored text: the default when it is
        missing or unusable, else kept within the bounds."""
        if value in (None, False, ""):
            return self.default
        kind = type(self.default)
        try:
            if kind is bool:
                return _to_bool(value)
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


def _to_bool(value):
    """A stored boolean (``res.config.settings`` stores ``True``)."""
    text = str(value).strip().lower()
    if text in ("1", "true", "t", "yes", "y", "on"):
        return True
    if text in ("0", "false", "f", "no", "n", "off"):
        return False
    raise ValueError(value)


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
# channels opened at branches and sales departments beyond the rules'
# on-site, phone, fax and email (Art. 11)
LOCAL_ACCEPTS_LETTER = Setting(
    "huatai_local_accepts_letter",
    "local_accepts_letter",
    False,
    label="Branches Accept Letters",
    help="Branch companies and sales departments may also register letters "
    "(the rules take them at company HQ).",
)
LOCAL_ACCEPTS_REGULATOR = Setting(
    "huatai_local_accepts_regulator",
    "local_accepts_regulator",
    False,
    label="Branches Accept Regulator Forwardings",
    help="Branch companies and sales departments may also register "
    "complaints forwarded by a regulator (the rules take them at company "
    "HQ, Retail Client Service HQ).",
)
# the review chain: who approves a compensation
COMPENSATION_LIMIT_SALES_DEPARTMENT = Setting(
    "huatai_compensation_limit_sales_department",
    "compensation_limit_sales_department",
    10000.0,
    label="Compensation Approved by a Sales Department Head up to",
    help="Amount (company currency) up to which the head of the handling "
    "sales department approves a compensation.",
)
COMPENSATION_LIMIT_BRANCH = Setting(
    "huatai_compensation_limit_branch",
    "compensation_limit_branch",
    100000.0,
    label="Compensation Approved by a Branch Company Head up to",
    help="Amount up to which the head of the branch company approves a "
    "compensation; above it, Retail Client Service HQ approves.",
)
# incidents, duplicates and pattern alerts (issue 16)
INCIDENT_WINDOW_MINUTES = Setting(
    "huatai_incident_window_minutes",
    "incident_window_minutes",
    120,
    minimum=10,
    label="Incident Window (Minutes)",
    help="Complaints further apart than this are never one incident.",
)
INCIDENT_MIN_COMPLAINTS = Setting(
    "huatai_incident_min_complaints",
    "incident_min_complaints",
    3,
    minimum=2,
    label="Complaints per Incident",
    help="Fewest similar complaints proposed as an incident.",
)
# similarity in percent: average linkage stops below it (bench/README.md)
INCIDENT_SIMILARITY_PERCENT = Setting(
    "huatai_incident_similarity_percent",
    "incident_similarity_percent",
    11,
    minimum=1,
    label="Incident Text Similarity (%)",
    help="Average similarity of the texts below which complaints are not grouped "
    "(11% measured best, see the benchmark).",
)
DUPLICATE_DAYS = Setting(
    "huatai_duplicate_days",
    "duplicate_days",
    7,
    minimum=1,
    label="Duplicate Window (Days)",
    help="Complaints of the same complainant further apart are not duplicates.",
)
ALERT_COMPLAINANT_COUNT = Setting(
    "huatai_alert_complainant_count",
    "alert_complainant_count",
    3,
    minimum=2,
    label="Repeat Complainant: Complaints",
    help="Complaints of one contact or client account that raise an alert.",
)
ALERT_COMPLAINANT_MONTHS = Setting(
    "huatai_alert_complainant_months",
    "alert_complainant_months",
    6,
    minimum=1,
    label="Repeat Complainant: Months",
    help="The period the complaints of one complainant are counted over.",
)
ALERT_RESPONDENT_COUNT = Setting(
    "huatai_alert_respondent_count",
    "alert_respondent_count",
    3,
    minimum=2,
    label="Named Staff: Complaints",
    help="Complaints naming one staff member that alert Compliance.",
)
ALERT_RESPONDENT_MONTHS = Setting(
    "huatai_alert_respondent_months",
    "alert_respondent_months",
    3,
    minimum=1,
    label="Named Staff: Months",
    help="The period the complaints naming one staff member are counted over.",
)
ALERT_UNIT_RATE_PERCENT = Setting(
    "huatai_alert_unit_rate_percent",
    "alert_unit_rate_percent",
    200,
    minimum=101,
    label="Unit Above Baseline (%)",
    help="A unit's complaints of a type this month, in percent of its monthly "
    "average over the previous months, that raise an alert.",
)

# not in the settings view: set as system parameters
CALLBACK_TIMEZONE = Setting("", "timezone", CN_TZ_NAME)
INCIDENT_MIN_UNITS = Setting("", "incident_min_units", 2, minimum=1)
INCIDENT_REFERENCE_SIZE = Setting("", "incident_reference_size", 300, minimum=0)
# a proposed incident's complaints resemble one another at least this much
# on average (percent; bench/README.md)
INCIDENT_COHESION_PERCENT = Setting("", "incident_cohesion_percent", 20, minimum=0)
DUPLICATE_SIMILARITY_PERCENT = Setting(
    "", "duplicate_similarity_percent", 30, minimum=1
)
ALERT_UNIT_MIN_COUNT = Setting("", "alert_unit_min_count", 5, minimum=1)
ALERT_UNIT_BASELINE_MONTHS = Setting("", "alert_unit_baseline_months", 6, minimum=1)

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
    LOCAL_ACCEPTS_LETTER,
    LOCAL_ACCEPTS_REGULATOR,
    COMPENSATION_LIMIT_SALES_DEPARTMENT,
    COMPENSATION_LIMIT_BRANCH,
    INCIDENT_WINDOW_MINUTES,
    INCIDENT_MIN_COMPLAINTS,
    INCIDENT_SIMILARITY_PERCENT,
    DUPLICATE_DAYS,
    ALERT_COMPLAINANT_COUNT,
    ALERT_COMPLAINANT_MONTHS,
    ALERT_RESPONDENT_COUNT,
    ALERT_RESPONDENT_MONTHS,
    ALERT_UNIT_RATE_PERCENT,
)
