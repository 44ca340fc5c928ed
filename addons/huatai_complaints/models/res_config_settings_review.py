from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    huatai_compensation_limit_sales_department = fields.Float(
        string="Compensation Approved by a Sales Department Head up to",
        config_parameter="huatai_complaints.compensation_limit_sales_department",
        default=10000.0,
        help="Amount (company currency) up to which the head of the handling "
        "sales department approves a compensation.",
    )
    huatai_compensation_limit_branch = fields.Float(
        string="Compensation Approved by a Branch Company Head up to",
        config_parameter="huatai_complaints.compensation_limit_branch",
        default=100000.0,
        help="Amount up to which the head of the branch company approves a "
        "compensation; above it, Retail Client Service HQ approves.",
    )
