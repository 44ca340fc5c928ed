"""What the configuration records of complaint handling share: stages,
routing rules (SPEC §8), deadline policies (§7) and review rules (§14) are
ordered, archivable records that every intake reads.

The fields keep the columns each model had before they shared them: no
migration."""

from odoo import api, fields, models, tools


class HuataiComplaintConfigMixin(models.AbstractModel):
    """An ordered, archivable configuration record of complaint handling.
    Every intake reads the active ones: their ids are cached per registry,
    cleared by their create, write and unlink."""

    _name = "huatai.complaint.config.mixin"
    _description = "Complaint Handling Configuration"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()  # _active_ids
        return records

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()  # _active_ids
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()  # _active_ids
        return res

    @api.model
    def _active_records(self):
        """The records ``search([])`` gives (active ones unless
        ``active_test`` is off, in their order), as superuser."""
        active_test = self.env.context.get("active_test", True)
        return self.sudo().browse(self._active_ids(bool(active_test)))

    @tools.ormcache("active_test")
    def _active_ids(self, active_test):
        records = self.sudo().with_context(active_test=active_test).search([])
        return tuple(records.ids)
