"""Acknowledgement of receipt (受理告知, SPEC §5): the acknowledgement clock is
stopped by the email the job sends or by staff recording how they informed
the complainant."""

import logging

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from ..tools.actions import wizard_action
from ..tools.workdays import china_date

_logger = logging.getLogger(__name__)


# how the complainant was told that the complaint was received (受理告知)
ACKNOWLEDGEMENT_METHODS = [
    ("email", "By Email"),
    ("phone", "By Phone"),
    ("sms", "By SMS"),
    ("onsite", "In Person"),
    ("letter", "By Letter"),
]


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    acknowledged_date = fields.Datetime(
        string="Acknowledged On",
        readonly=True,
        copy=False,
        tracking=True,
        help="When the complainant was told that the complaint was received: "
        "the acknowledgement email was sent, or staff recorded how they told "
        "them.",
    )

    acknowledgement_method = fields.Selection(
        ACKNOWLEDGEMENT_METHODS,
        string="Acknowledged By",
        readonly=True,
        copy=False,
        tracking=True,
    )

    acknowledgement_pending = fields.Boolean(
        copy=False,
        help="The acknowledgement of receipt is still to be sent: a job sends it "
        "right after the intake is saved, so registering never waits for it.",
        groups="base.group_user",
    )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_acknowledge_wizard(self):
        self.ensure_one()
        self._check_can_acknowledge()
        return wizard_action(
            self.env._("Acknowledged"),
            "huatai.complaint.acknowledge.wizard",
            {"default_complaint_id": self.id},
        )

    def _check_can_acknowledge(self):
        self.check_access("write")
        for complaint in self:
            if complaint.acknowledged_date:
                raise UserError(
                    self.env._(
                        "%(ref)s: the complainant was already told on %(date)s "
                        "that the complaint was received.",
                        ref=complaint.name,
                        date=china_date(complaint.acknowledged_date),
                    )
                )
            if complaint.is_closed:
                raise UserError(
                    self.env._(
                        "%(ref)s is closed: there is no acknowledgement to record.",
                        ref=complaint.name,
                    )
                )

    def _record_acknowledgement(self, method, when=None, note=None):
        """Staff told the complainants of ``self`` that their complaint was
        received (``method``: phone, SMS, in person or letter) at ``when``
        (default: now): this stops the acknowledgement clock."""
        self._check_can_acknowledge()
        methods = dict(self._fields["acknowledgement_method"].selection)
        if method not in methods or method == "email":
            raise UserError(
                self.env._(
                    "Choose how the complainant was told: phone, SMS, in person "
                    "or letter (the acknowledgement email is sent automatically)."
                )
            )
        when = when or fields.Datetime.now()
        for complaint in self:
            if when > fields.Datetime.now() or when < complaint.received_date:
                raise UserError(
                    self.env._(
                        "%(ref)s: the complainant can only have been told between "
                        "the receipt (%(received)s) and now.",
                        ref=complaint.name,
                        received=complaint.received_date,
                    )
                )
        self.sudo().write({"acknowledged_date": when, "acknowledgement_method": method})
        if note and note.strip():
            for complaint in self:
                complaint.message_post(body=note.strip(), subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------------
    # Sending (the job)
    # ------------------------------------------------------------------
    def _queue_acknowledgements(self):
        """New complaints with an email address: acknowledged by the job
        (not when imported, nor when the caller acknowledges them itself)."""
        context = self.env.context
        if context.get("huatai_skip_acknowledgement") or context.get("import_file"):
            return
        to_acknowledge = self.filtered("complainant_email")
        if to_acknowledge:
            to_acknowledge.sudo().acknowledgement_pending = True
            # the job by its id: env.ref would check it exists, a query
            # per intake
            self.env["ir.cron"].sudo().browse(
                self.env["ir.model.data"]._xmlid_to_res_id(
                    "huatai_complaints.ir_cron_complaint_acknowledgements"
                )
            )._trigger()

    @api.model
    def _cron_send_acknowledgements(self, batch_size=200):
        """Send the pending acknowledgements of receipt, in batches."""
        cron = self.env["ir.cron"]
        pending = self.sudo().search(
            [("acknowledgement_pending", "=", True)], order="id", limit=batch_size
        )
        pending._send_acknowledgement()
        pending.acknowledgement_pending = False
        remaining = self.sudo().search_count([("acknowledgement_pending", "=", True)])
        cron._notify_progress(done=len(pending), remaining=remaining)

    def _send_acknowledgement(self):
        """Acknowledge receipt to every complainant with an email address,
        which stops the acknowledgement clock (``acknowledged_date``).

        A failure to build the mail never loses the complaint: it is logged
        and noted on the complaint for the staff to acknowledge by hand.
        """
        template = self.env.ref(
            "huatai_complaints.mail_template_complaint_acknowledgement",
            raise_if_not_found=False,
        )
        if not template:
            return
        sent = self.browse()
        for complaint in self:
            email = email_normalize(complaint.complainant_email or "")
            if not email or complaint.is_closed:
                continue
            try:
                with self.env.cr.savepoint():
                    complaint._send_acknowledgement_mail(template, email)
                sent |= complaint
            except Exception as error:  # noqa: BLE001 - the complaint comes first
                _logger.exception(
                    "Complaint %s: acknowledgement not sent", complaint.name
                )
                complaint.sudo().message_post(
                    body=self.env._(
                        "The acknowledgement of receipt could not be sent "
                        "(%(error)s): acknowledge the complaint by hand.",
                        error=error,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        # told by someone already (e.g. on the phone): that time stays
        sent = sent.filtered(lambda c: not c.acknowledged_date)
        if sent:
            sent.sudo().write(
                {
                    "acknowledged_date": fields.Datetime.now(),
                    "acknowledgement_method": "email",
                }
            )

    def _send_acknowledgement_mail(self, template, email):
        self.ensure_one()
        author = self.env.company.partner_id
        if self.partner_id.email_normalized and not self.is_confidential:
            # a public message: the client finds it in the portal too;
            # queued, so that intake never waits for the mail server
            self.sudo().with_context(
                mail_notify_force_send=False
            ).message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=author.id,
                email_layout_xmlid="mail.mail_notification_light",
            )
            return
        # no contact may be created (e.g. whistleblowers): plain mail
        template.sudo().send_mail(
            self.id,
            email_layout_xmlid="mail.mail_notification_light",
            email_values={
                "email_to": self.complainant_email,
                "recipient_ids": [Command.clear()],
                "author_id": author.id,
            },
        )
        self.sudo().message_post(
            body=self.env._(
                "Acknowledgement of receipt sent to %(email)s.", email=email
            ),
            subtype_xmlid="mail.mt_note",
        )
