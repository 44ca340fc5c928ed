from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .huatai_analysis_params import ANALYSIS_PARAMS, PREFIX


def _setting(key, string, help_text):
    return fields.Integer(
        string=string,
        config_parameter=PREFIX + key,
        default=ANALYSIS_PARAMS[key][0],
        help=help_text,
    )


class ResConfigSettings(models.TransientModel):
    """Thresholds of incidents, duplicates and pattern alerts (issue 16)."""

    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    huatai_incident_window_minutes = _setting(
        "incident_window_minutes",
        "Incident Window (Minutes)",
        "Complaints further apart than this are never one incident.",
    )
    huatai_incident_min_complaints = _setting(
        "incident_min_complaints",
        "Complaints per Incident",
        "Fewest similar complaints proposed as an incident.",
    )
    huatai_incident_similarity_percent = _setting(
        "incident_similarity_percent",
        "Incident Text Similarity (%)",
        "Average similarity of the texts below which complaints are not grouped "
        "(10% measured best, see the benchmark).",
    )
    huatai_duplicate_days = _setting(
        "duplicate_days",
        "Duplicate Window (Days)",
        "Complaints of the same complainant further apart are not duplicates.",
    )
    huatai_alert_complainant_count = _setting(
        "alert_complainant_count",
        "Repeat Complainant: Complaints",
        "Complaints of one contact or client account that raise an alert.",
    )
    huatai_alert_complainant_months = _setting(
        "alert_complainant_months",
        "Repeat Complainant: Months",
        "The period the complaints of one complainant are counted over.",
    )
    huatai_alert_respondent_count = _setting(
        "alert_respondent_count",
        "Named Staff: Complaints",
        "Complaints naming one staff member that alert Compliance.",
    )
    huatai_alert_respondent_months = _setting(
        "alert_respondent_months",
        "Named Staff: Months",
        "The period the complaints naming one staff member are counted over.",
    )
    huatai_alert_unit_rate_percent = _setting(
        "alert_unit_rate_percent",
        "Unit Above Baseline (%)",
        "A unit's complaints of a type this month, in percent of its monthly "
        "average over the previous months, that raise an alert.",
    )

    @api.constrains(
        "huatai_incident_window_minutes",
        "huatai_incident_min_complaints",
        "huatai_incident_similarity_percent",
        "huatai_duplicate_days",
        "huatai_alert_complainant_count",
        "huatai_alert_complainant_months",
        "huatai_alert_respondent_count",
        "huatai_alert_respondent_months",
        "huatai_alert_unit_rate_percent",
    )
    def _check_huatai_analysis_values(self):
        for settings in self:
            for key, (_default, minimum) in ANALYSIS_PARAMS.items():
                name = f"huatai_{key}"
                if name in settings._fields and settings[name] < minimum:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s must be at least %(minimum)s.",
                            setting=settings._fields[name].get_description(self.env)[
                                "string"
                            ],
                            minimum=minimum,
                        )
                    )
