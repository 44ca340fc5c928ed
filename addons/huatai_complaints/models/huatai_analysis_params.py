"""The thresholds of the cross-complaint analysis (issue 16): one place for
their keys, defaults and lower bounds, read by the jobs and the settings."""

import logging

_logger = logging.getLogger(__name__)

PREFIX = "huatai_complaints."
# parameter -> (default, smallest value accepted)
ANALYSIS_PARAMS = {
    # incidents
    "incident_window_minutes": (120, 10),
    "incident_min_complaints": (3, 2),
    "incident_min_units": (2, 1),
    # similarity in percent: average linkage stops below it (bench/README.md)
    "incident_similarity_percent": (10, 1),
    "incident_reference_size": (300, 0),
    # duplicates
    "duplicate_days": (7, 1),
    "duplicate_similarity_percent": (30, 1),
    # pattern alerts
    "alert_complainant_count": (3, 2),
    "alert_complainant_months": (6, 1),
    "alert_respondent_count": (3, 2),
    "alert_respondent_months": (3, 1),
    "alert_unit_rate_percent": (200, 101),
    "alert_unit_min_count": (5, 1),
    "alert_unit_baseline_months": (6, 1),
}


def analysis_param(env, key):
    default, minimum = ANALYSIS_PARAMS[key]
    value = env["ir.config_parameter"].sudo().get_param(PREFIX + key)
    if value in (None, False, ""):
        return default
    try:
        return max(int(float(value)), minimum)
    except ValueError:
        _logger.warning("Invalid value %r for parameter %s", value, PREFIX + key)
        return default
