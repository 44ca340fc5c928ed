from odoo import fields, models

from .huatai_report_schedule import ALLOWED_ADDRESSES_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    huatai_report_allowed_addresses = fields.Char(
        string="Outside Report Recipients",
        config_parameter=ALLOWED_ADDRESSES_PARAM,
        help="Email addresses or domains (archive@example.com, @example.com) "
        "that scheduled complaint reports may be mailed to besides the "
        "complaint users, separated by commas. Empty: complaint users only.",
    )
