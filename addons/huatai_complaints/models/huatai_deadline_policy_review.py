from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HuataiDeadlinePolicy(models.Model):
    _inherit = "huatai.deadline.policy"

    review_days = fields.Integer(
        string="Each Review of the Handling Plan (working days)",
        required=True,
        default=3,
        help="Working days a reviewer (branch company, Retail Client Service HQ, "
        "Institutional Client Service HQ, Compliance) has from the day the "
        "review is asked.",
    )
    regulator_reply_days = fields.Integer(
        string="Report Back to the Regulator (working days)",
        required=True,
        default=15,
        help="Working days from the receipt to report back to the authority "
        "that forwarded the complaint, never later than its own deadline.",
    )

    @api.constrains("review_days", "regulator_reply_days")
    def _check_review_days(self):
        for policy in self:
            if policy.review_days <= 0 or policy.regulator_reply_days <= 0:
                raise ValidationError(
                    self.env._(
                        "Deadline policy %(policy)s: a review and the report back "
                        "to the regulator take at least one working day.",
                        policy=policy.name,
                    )
                )
