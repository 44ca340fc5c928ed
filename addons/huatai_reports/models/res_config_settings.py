from odoo import fields, models

from odoo.addons.huatai_complaints.models.res_config_settings import setting_field

from .huatai_report_schedule import ALLOWED_ADDRESSES


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    huatai_report_allowed_addresses = setting_field(
        ALLOWED_ADDRESSES, fields.Char, default=None
    )
