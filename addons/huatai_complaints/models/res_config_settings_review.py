from odoo import fields, models

from ..tools import settings as S
from .res_config_settings import setting_field


class ResConfigSettings(models.TransientModel):
    """Who approves a compensation (the review chain)."""

    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    huatai_compensation_limit_sales_department = setting_field(
        S.COMPENSATION_LIMIT_SALES_DEPARTMENT, fields.Float
    )
    huatai_compensation_limit_branch = setting_field(
        S.COMPENSATION_LIMIT_BRANCH, fields.Float
    )
