from odoo import api, models
from odoo.exceptions import UserError


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_complaint_evidence(self):
        """Recordings, letters and evidence of complaints are business records
        kept for the retention period (SPEC §11): staff cannot delete them.
        Once it has ended, complaint administrators may (the retention job
        erases them anyway)."""
        if self.env.su:
            return
        complaint_ids = {
            att.res_id
            for att in self
            if att.res_model == "huatai.complaint" and att.res_id
        }
        if not complaint_ids:
            return
        if self.env.user.has_group("huatai_complaints.group_complaint_admin"):
            complaints = (
                self.env["huatai.complaint"]
                .sudo()
                .with_context(active_test=False)
                .browse(complaint_ids)
                .exists()
            )
            kept = complaints - complaints._retention_ended()
            if not kept:
                return
        raise UserError(
            self.env._(
                "Files attached to a complaint (recordings, letters, evidence) are "
                "kept as business records until the end of the retention period "
                "and cannot be deleted."
            )
        )
