from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Intake links each complainant to the contact found by email
    # (huatai.complaint._prepare_complainant_partners); without an index that
    # search reads the whole contact table, which grows by a contact per complaint.
    email_normalized = fields.Char(index="btree_not_null")
