from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HuataiComplaintCategory(models.Model):
    _name = "huatai.complaint.category"
    _description = "Complaint Type"
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    _rec_names_search = ["complete_name", "code"]
    _order = "sequence, complete_name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    parent_id = fields.Many2one(
        "huatai.complaint.category",
        string="Parent Type",
        index=True,
        ondelete="restrict",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many(
        "huatai.complaint.category", "parent_id", string="Sub-types"
    )
    complete_name = fields.Char(
        compute="_compute_complete_name", recursive=True, store=True
    )
    description = fields.Text(translate=True)
    is_confidential = fields.Boolean(
        string="Confidential (whistleblowing)",
        compute="_compute_is_confidential",
        recursive=True,
        store=True,
        readonly=False,
        help="Complaints of this type and its sub-types are visible to "
        "Compliance only: nobody else sees the report or the reporter.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "The complaint type code must be unique."),
    ]

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(
                self.env._("A complaint type cannot be placed under itself.")
            )

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for category in self:
            if category.parent_id:
                category.complete_name = (
                    f"{category.parent_id.complete_name} / {category.name}"
                )
            else:
                category.complete_name = category.name

    @api.depends_context("lang")
    @api.depends("name", "parent_id.name")
    def _compute_display_name(self):
        for category in self:
            names = []
            node = category
            while node:
                names.append(node.name or "")
                node = node.parent_id
            category.display_name = " / ".join(reversed(names))

    @api.depends("parent_id.is_confidential")
    def _compute_is_confidential(self):
        for category in self:
            if category.parent_id.is_confidential:
                category.is_confidential = True
