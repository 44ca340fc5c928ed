from odoo import fields, models


class HuataiComplaintHandoverWizard(models.TransientModel):
    """Hand a registered complaint over to Compliance as a whistleblowing
    report (received by email, through the website or the portal, or
    registered under another type).

    Afterwards only Compliance can read the report and the reporter; the
    person who handed it over keeps a receipt with its reference.
    """

    _name = "huatai.complaint.handover.wizard"
    _inherit = ["huatai.complaint.wizard.mixin"]
    _description = "Hand a Complaint Over to Compliance"

    complaint_id = fields.Many2one(
        "huatai.complaint", required=True, readonly=True, ondelete="cascade"
    )
    reason = fields.Text(
        required=True,
        help="Why this complaint is a whistleblowing report: it stays on your "
        "hand-over receipt and goes to Compliance.",
    )

    def action_hand_over(self):
        self.ensure_one()
        complaint = self.complaint_id
        reference = complaint.name
        complaint._reclassify_as_whistleblowing(self.reason)
        if complaint.has_access("read"):
            # Compliance hands over to itself: the form shows the report
            return {"type": "ir.actions.act_window_close"}
        receipts = self.env["ir.actions.act_window"]._for_xml_id(
            "huatai_complaints.huatai_complaint_handover_action"
        )
        receipts["target"] = "main"
        return complaint._handover_notification(
            self.env._(
                "%(ref)s is now a whistleblowing report handled by "
                "Compliance. Only Compliance can see its content and the "
                "reporter; your hand-over receipt keeps its reference.",
                ref=reference,
            ),
            receipts,
        )
