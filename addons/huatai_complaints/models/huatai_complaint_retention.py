import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import html2plaintext

from ..tools.settings import RETENTION_YEARS

_logger = logging.getLogger(__name__)

ERASE_BATCH = 200
ERASE_CRON = "huatai_complaints.ir_cron_complaint_retention"
# personal data and narrative erased when the retention period has ended; the
# figures (dates, units, type, channel, flags, deadlines, amount) stay for
# the statistics
ERASED_FIELDS = (
    "partner_id",
    "complainant_phone",
    "complainant_email",
    "complainant_address",
    "complainant_id_number",
    "client_account",
    "respondent_name",
    "demand",
    "reply_text",
    "subject",
    "compliance_opinion",
)
# tracked values that carry personal data or the narrative (the chatter keeps
# old values)
ERASED_TRACKING = (
    "partner_id",
    "complainant_name",
    "complainant_phone",
    "complainant_email",
    "complainant_address",
    "client_account",
    "respondent_name",
    "subject",
    "description",
    "demand",
    "compliance_opinion",
)


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    retention_end_date = fields.Date(
        string="Kept Until",
        compute="_compute_retention_end_date",
        help="The complaint's files and the complainant's personal data are "
        "kept until this day (the retention period after closing), then erased.",
        groups="base.group_user",
    )
    records_erased_date = fields.Datetime(
        string="Personal Data Erased On",
        readonly=True,
        copy=False,
        help="When the files and personal data were erased at the end of the "
        "retention period; the complaint's figures stay in the statistics.",
        groups="base.group_user",
    )

    @api.depends("closed_date", "is_closed")
    def _compute_retention_end_date(self):
        years = self._retention_years()
        for complaint in self:
            # closed or rejected
            closed = complaint.is_closed and complaint.closed_date
            complaint.retention_end_date = (
                fields.Date.to_date(closed) + relativedelta(years=years)
                if closed
                else False
            )

    @api.model
    def _retention_years(self):
        return self._get_setting(RETENTION_YEARS)

    def _retention_ended(self):
        """The complaints among these whose retention period has ended (and
        that no legal hold keeps)."""
        today = fields.Date.context_today(self)
        return self.filtered(
            lambda c: (
                c.retention_end_date
                and c.retention_end_date < today
                and not c.legal_hold
            )
        )

    @api.model
    def _cron_erase_expired_records(self, batch=ERASE_BATCH):
        """Erase the files and personal data of the complaints closed longer
        ago than the retention period (SPEC §11), a batch at a time."""
        cutoff = fields.Datetime.now() - relativedelta(years=self._retention_years())
        complaints = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("is_closed", "=", True),
                    ("closed_date", "<", cutoff),
                    ("records_erased_date", "=", False),
                    ("legal_hold", "=", False),
                ],
                order="closed_date, id",
                limit=batch,
            )
        )
        complaints._erase_personal_records()
        if len(complaints) == batch:
            cron = self.env.ref(ERASE_CRON, raise_if_not_found=False)
            if cron:
                cron._trigger()
        return complaints

    def _erase_personal_records(self):
        """Delete the files, erase the complainant's personal data and the
        narrative, keep the figures; leave a note of it. A complaint under
        legal hold is kept as it is."""
        held = self.sudo().filtered("legal_hold")
        if held:
            return (self - held)._erase_personal_records()
        if not self:
            return
        complaints = self.sudo().with_context(
            active_test=False, tracking_disable=True, mail_notrack=True
        )
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", self._name), ("res_id", "in", self.ids)])
        )
        attachments |= messages.attachment_ids
        attachments.unlink()
        # written in the language of the people who work the complaints
        erased_texts = {}

        def texts(lang):
            if lang not in erased_texts:
                env = self.with_context(lang=lang).env
                erased_texts[lang] = (
                    env._("Erased at the end of the retention period."),
                    env._("(erased)"),
                )
            return erased_texts[lang]

        def lang_of(record):
            return record.user_id.lang or self.env.lang or self.env.user.lang

        by_lang = complaints.grouped(lang_of)
        written = messages.filtered(lambda m: m.body and html2plaintext(m.body).strip())
        for lang, group in by_lang.items():
            erased = texts(lang)[0]
            written.filtered(lambda m, ids=set(group.ids): m.res_id in ids).write(
                {"body": erased}
            )
            group.callback_ids.filtered("remarks").write({"remarks": erased})
        messages.write({"subject": False, "email_from": False})
        self.env["mail.tracking.value"].sudo().search(
            [
                ("mail_message_id", "in", messages.ids),
                ("field_id.name", "in", ERASED_TRACKING),
                ("field_id.model", "=", self._name),
            ]
        ).unlink()
        partners = complaints.partner_id
        if partners:
            complaints.message_unsubscribe(partner_ids=partners.ids)
        complaints.survey_user_input_ids.write({"partner_id": False, "email": False})
        now = fields.Datetime.now()
        years = self._retention_years()
        for lang, group in by_lang.items():
            erased, name = texts(lang)
            values = dict.fromkeys(ERASED_FIELDS, False)
            values.update(
                complainant_name=name, description=erased, records_erased_date=now
            )
            group.write(values)
            note = self.with_context(lang=lang).env._(
                "The files and the complainant's personal data were erased: "
                "the complaint was closed more than %(years)s years ago.",
                years=years,
            )
            for complaint in group.with_context(mail_notrack=False):
                complaint.message_post(
                    body=note,
                    message_type="notification",
                    subtype_xmlid="mail.mt_note",
                )
        _logger.info(
            "Retention: erased %d complaints' personal data and %d files",
            len(complaints),
            len(attachments),
        )
