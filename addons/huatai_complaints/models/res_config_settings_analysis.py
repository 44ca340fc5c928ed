from odoo import models

from ..tools import settings as S
from .res_config_settings import setting_field


class ResConfigSettings(models.TransientModel):
    """Thresholds of incidents, duplicates and pattern alerts (issue 16);
    their lower bounds are checked with the others (``res_config_settings.py``)."""

    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    huatai_incident_window_minutes = setting_field(S.INCIDENT_WINDOW_MINUTES)
    huatai_incident_min_complaints = setting_field(S.INCIDENT_MIN_COMPLAINTS)
    huatai_incident_similarity_percent = setting_field(S.INCIDENT_SIMILARITY_PERCENT)
    huatai_duplicate_days = setting_field(S.DUPLICATE_DAYS)
    huatai_alert_complainant_count = setting_field(S.ALERT_COMPLAINANT_COUNT)
    huatai_alert_complainant_months = setting_field(S.ALERT_COMPLAINANT_MONTHS)
    huatai_alert_respondent_count = setting_field(S.ALERT_RESPONDENT_COUNT)
    huatai_alert_respondent_months = setting_field(S.ALERT_RESPONDENT_MONTHS)
    huatai_alert_unit_rate_percent = setting_field(S.ALERT_UNIT_RATE_PERCENT)
