from odoo import api, models
from odoo.exceptions import AccessError, UserError

COMPLAINT = "huatai.complaint"
# what staff may still change on a complaint's file: how it is labelled, and
# the token that lets its complainant download it in the portal
EVIDENCE_WRITABLE = frozenset({"name", "description", "access_token"})


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get("public") and vals.get("res_model") == COMPLAINT
            for vals in vals_list
        ):
            raise AccessError(self._huatai_evidence_message())
        return super().create(vals_list)

    def write(self, vals):
        """A complaint's files are evidence, append-only for everyone but the
        system: a corrected file is a new attachment. Files may still be
        attached to a complaint (e.g. by the mail composer)."""
        if not self.env.su and set(vals) - EVIDENCE_WRITABLE:
            self.flush_recordset(["res_model"])
            self.env.cr.execute(
                "SELECT 1 FROM ir_attachment WHERE id = ANY(%s) AND res_model = %s "
                "LIMIT 1",
                [self.ids, COMPLAINT],
            )
            if self.env.cr.fetchone():
                raise AccessError(self._huatai_evidence_message())
        return super().write(vals)

    @api.model
    def _huatai_evidence_message(self):
        return self.env._(
            "Files attached to a complaint are evidence: they cannot be replaced, "
            "moved to another document or published. Attach a corrected file as "
            "a new attachment; only the name and description of a file can be "
            "changed."
        )

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
