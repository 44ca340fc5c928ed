from odoo import models


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"

    def action_export_register_xlsx(self):
        """Download the register (台账) of the selected complaints."""
        if not self:
            return False
        return self.env["huatai.complaint.xlsx"]._download(
            "register", domain=[("id", "in", self.ids)]
        )
