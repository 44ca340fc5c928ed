from odoo import api, fields, models, tools

STAGE_STATES = [
    ("new", "Registered"),
    ("accepted", "Accepted"),
    ("in_progress", "In Progress"),
    ("compliance", "Compliance Review"),
    ("replied", "Replied"),
    ("callback", "Callback"),
    ("closed", "Closed"),
    ("rejected", "Rejected"),
]


class HuataiComplaintStage(models.Model):
    _name = "huatai.complaint.stage"
    _description = "Complaint Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(
        string="Folded in Kanban",
        help="Folded stages are collapsed on the kanban board.",
    )
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Complaints in this stage are finished: their clocks stop.",
    )
    state = fields.Selection(
        STAGE_STATES,
        string="Meaning",
        required=True,
        default="in_progress",
        help="What reaching this stage means; the workflow checks (a reply "
        "before Replied, a reason before Rejected...) follow it.",
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    @api.model_create_multi
    def create(self, vals_list):
        stages = super().create(vals_list)
        self.env.registry.clear_cache()  # _first_id
        return stages

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()  # _first_id
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()  # _first_id
        return res

    @api.model
    def _first(self):
        """The first stage (``search([], limit=1)``): a new complaint's
        default, its id cached per registry (cleared by the stages' create,
        write and unlink)."""
        self.check_access("read")
        active_test = bool(self.env.context.get("active_test", True))
        return self.browse(self._first_id(active_test))

    @tools.ormcache("active_test")
    def _first_id(self, active_test):
        stage = self.sudo().with_context(active_test=active_test).search([], limit=1)
        return stage.id
