from odoo import models


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"

    def action_export_register_xlsx(self):
        """Download the register (台账) of the selected complaints."""
        if not self:
            return False
        Xlsx = self.env["huatai.complaint.xlsx"]
        content, filename, _count = Xlsx._build(
            "register", domain=[("id", "in", self.ids)]
        )
        return Xlsx._download_action(Xlsx._store_download(content, filename))
