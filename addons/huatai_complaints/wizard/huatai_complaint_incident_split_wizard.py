from odoo import fields, models
from odoo.exceptions import UserError


class HuataiComplaintIncidentSplitWizard(models.TransientModel):
    _name = "huatai.complaint.incident.split.wizard"
    _description = "Split Complaints off an Incident"

    incident_id = fields.Many2one("huatai.complaint.incident", required=True)
    complaint_ids = fields.Many2many(
        "huatai.complaint",
        string="Complaints",
        domain="[('incident_id', '=', incident_id)]",
    )
    mode = fields.Selection(
        [("split", "Move to a new incident"), ("remove", "Not part of any incident")],
        required=True,
        default="split",
    )
    name = fields.Char(string="Name of the New Incident")

    def action_apply(self):
        self.ensure_one()
        if not self.complaint_ids:
            raise UserError(self.env._("Select the complaints to split off."))
        incident = self.incident_id
        if self.mode == "remove":
            incident._remove(self.complaint_ids)
            return {"type": "ir.actions.act_window_close"}
        return incident._split(self.complaint_ids, self.name)._action_open()
