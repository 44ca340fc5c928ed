from odoo import api, models
from odoo.exceptions import AccessError, UserError

from ..tools.lang import firm_lang

COMPLAINT = "huatai.complaint"
USER_GROUP = "huatai_complaints.group_complaint_user"
COMPLIANCE_GROUP = "huatai_complaints.group_complaint_compliance"


class HuataiComplaintDocumentReport(models.AbstractModel):
    """What the printed documents of a complaint share: who may print them
    and in which language."""

    _name = "huatai.complaint.document.report"
    _description = "Printed Document of a Complaint"

    @api.model
    def _printable_complaints(self, docids):
        """The complaints to print, refused unless the user works complaints
        and may read every one of them (a whistleblowing report: Compliance
        only). The report action renders what it is given: the check is
        here, not in the menu."""
        if not self.env.su and not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                self.env._("Only complaint staff print a complaint's documents.")
            )
        complaints = self.env[COMPLAINT].browse(docids).exists()
        complaints.check_access("read")
        if (
            not self.env.su
            and not self.env.user.has_group(COMPLIANCE_GROUP)
            and any(complaints.sudo().mapped("is_confidential"))
        ):
            raise AccessError(
                self.env._("Only Compliance prints the documents of a report.")
            )
        return complaints

    @api.model
    def _document_lang(self):
        """The documents are for Chinese complainants: in the firm's
        language (Chinese when installed), else the printing user's."""
        return firm_lang(self.env)

    @api.model
    def _get_report_values(self, docids, data=None):
        complaints = self._printable_complaints(docids)
        return {
            "doc_ids": complaints.ids,
            "doc_model": COMPLAINT,
            "docs": complaints,
            "doc_lang": self._document_lang(),
        }


class ReportComplaintRegistration(models.AbstractModel):
    _name = "report.huatai_complaints.report_complaint_registration"
    _inherit = ["huatai.complaint.document.report"]
    _description = "Complaint Registration Form"


class ReportComplaintReplyLetter(models.AbstractModel):
    _name = "report.huatai_complaints.report_complaint_reply_letter"
    _inherit = ["huatai.complaint.document.report"]
    _description = "Complaint Reply Letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        values = super()._get_report_values(docids, data=data)
        unreplied = values["docs"].filtered(lambda c: not c.reply_text)
        if unreplied:
            raise UserError(
                self.env._(
                    "%(refs)s: no reply is recorded yet, so there is no reply "
                    "letter to print. Record the reply first.",
                    refs=", ".join(unreplied.mapped("name")),
                )
            )
        return values
