from odoo import fields, models

from ..models.huatai_complaint import CHANNELS


class HuataiWhistleblowingWizard(models.TransientModel):
    """Register a whistleblowing report and hand it straight to Compliance.

    Staff who take such a report cannot see it once it is registered: only
    Compliance reads the report and the reporter. They keep a hand-over
    receipt with the reference.
    """

    _name = "huatai.whistleblowing.wizard"
    _description = "Register a Whistleblowing Report"

    channel = fields.Selection(CHANNELS, required=True, default="phone")
    category_id = fields.Many2one(
        "huatai.complaint.category",
        string="Report Type",
        required=True,
        domain="[('is_confidential', '=', True)]",
        default=lambda self: self.env.ref(
            "huatai_complaints.category_whistleblowing", raise_if_not_found=False
        ),
    )
    received_date = fields.Datetime(
        string="Received On", required=True, default=fields.Datetime.now
    )
    accepting_unit_id = fields.Many2one(
        "huatai.org.unit",
        required=True,
        default=lambda self: self.env.user.huatai_unit_ids[:1],
    )
    complainant_name = fields.Char(string="Reporter", required=True)
    complainant_phone = fields.Char(string="Reporter's Phone")
    complainant_email = fields.Char(string="Reporter's Email")
    respondent_name = fields.Char(string="Person Reported")
    respondent_position = fields.Char(string="Position")
    respondent_unit_id = fields.Many2one("huatai.org.unit", string="Unit Reported")
    description = fields.Text(string="Facts", required=True)
    recording_consent_state = fields.Selection(
        [("granted", "Consented to recording"), ("refused", "Refused recording")],
        string="Recording Consent Decision",
    )

    def action_hand_over(self):
        self.ensure_one()
        values = self.read(
            [
                "channel",
                "received_date",
                "complainant_name",
                "complainant_phone",
                "complainant_email",
                "respondent_name",
                "respondent_position",
                "description",
                "recording_consent_state",
            ]
        )[0]
        values.pop("id")
        values.update(
            category_id=self.category_id.id,
            accepting_unit_id=self.accepting_unit_id.id,
            respondent_unit_id=self.respondent_unit_id.id,
        )
        complaint = self.env["huatai.complaint"].create(values)
        reference = complaint.sudo().name
        # the wizard kept the reporter and the facts: gone with the hand-over
        self.sudo().unlink()
        return complaint._handover_notification(
            self.env._(
                "Report %(ref)s is registered and handed over to Compliance. "
                "Only Compliance can see its content and the reporter.",
                ref=reference,
            ),
            {"type": "ir.actions.act_window_close"},
        )
