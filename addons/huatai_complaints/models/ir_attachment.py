from odoo import api, models
from odoo.exceptions import UserError


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_complaint_evidence(self):
        """Recordings, letters and evidence of complaints are business records
        kept for the retention period (SPEC §11): staff cannot delete them."""
        if self.env.su:
            return
        if any(att.res_model == "huatai.complaint" and att.res_id for att in self):
            raise UserError(
                self.env._(
                    "Files attached to a complaint (recordings, letters, evidence) are "
                    "kept as business records and cannot be deleted."
                )
            )
