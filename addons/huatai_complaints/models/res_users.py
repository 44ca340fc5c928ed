from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    huatai_unit_ids = fields.Many2many(
        "huatai.org.unit",
        "huatai_org_unit_res_users_rel",
        "user_id",
        "unit_id",
        string="Complaint Units",
        help="The organisation units this user works in; complaint visibility "
        "follows them.",
    )

    def write(self, vals):
        res = super().write(vals)
        if "huatai_unit_ids" in vals:
            # record rules read the user's units: drop their cached domains
            self.env.registry.clear_cache()
        return res
