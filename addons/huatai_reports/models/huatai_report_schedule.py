import logging
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_split

from odoo.addons.huatai_complaints.tools.settings import Setting, read_setting

from ..wizard.huatai_report_export_wizard import REPORT_TYPES

_logger = logging.getLogger(__name__)

FREQUENCIES = [
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
    ("yearly", "Yearly"),
]
PERIOD_OF = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}
# addresses or domains outside the complaint users that reports may go to,
# set by a system administrator (Settings > Complaints)
ALLOWED_ADDRESSES = Setting(
    "huatai_report_allowed_addresses",
    "allowed_report_addresses",
    "",
    label="Outside Report Recipients",
    help="Email addresses or domains (archive@example.com, @example.com) "
    "that scheduled complaint reports may be mailed to besides the "
    "complaint users, separated by commas. Empty: complaint users only.",
    prefix="huatai_reports.",
)
ALLOWED_ADDRESSES_PARAM = ALLOWED_ADDRESSES.param
RUN_AS_GROUP = "huatai_complaints.group_complaint_hq"
RECIPIENT_GROUP = "huatai_complaints.group_complaint_user"


class HuataiReportSchedule(models.Model):
    """A complaint report mailed after each month, quarter or year.

    The report covers the last complete period; it is mailed once per period
    (``last_period_end`` remembers the last one sent). It is built with the
    rights of its Run As user (an HQ process owner or above): it holds what
    that person may read, never whistleblowing reports, and the complainants'
    personal data only when the schedule asks for it. It goes to complaint
    users and to the outside addresses a system administrator allows, nobody
    else.
    """

    _name = "huatai.report.schedule"
    _description = "Scheduled Complaint Report"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    frequency = fields.Selection(FREQUENCIES, required=True, default="monthly")
    report_type = fields.Selection(
        REPORT_TYPES, string="Report", required=True, default="statistics"
    )
    scope = fields.Selection(
        [
            ("unit", "One Report"),
            ("branches", "One Report per Branch Company"),
        ],
        required=True,
        default="unit",
        help="One Report: the units below, mailed to the recipients below. "
        "One Report per Branch Company: each branch company's own report, "
        "mailed to its manager (and its email address) and to the recipients "
        "below.",
    )
    unit_id = fields.Many2one(
        "huatai.org.unit",
        string="Units Reported",
        help="The report covers this unit and its sub-units; empty: the whole firm.",
    )
    recipient_unit_id = fields.Many2one(
        "huatai.org.unit",
        string="Send to Unit",
        help="The report goes to this unit's manager and its email address.",
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Also Send To",
        domain=lambda self: [
            ("share", "=", False),
            ("groups_id", "in", self.env.ref(RECIPIENT_GROUP).ids),
        ],
        help="Users working on complaints.",
    )
    email_to = fields.Char(
        string="Other Addresses",
        help="Further email addresses, comma-separated: only those a system "
        "administrator allows in Settings > Complaints.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Run As",
        required=True,
        default=lambda self: self._default_user_id(),
        domain=lambda self: [
            ("share", "=", False),
            ("groups_id", "in", self.env.ref(RUN_AS_GROUP).ids),
        ],
        help="The report is built with this person's rights and holds only "
        "what they may read: an HQ process owner, a Compliance officer or a "
        "complaint administrator.",
    )
    include_personal_data = fields.Boolean(
        help="Registers only: add the complainants' ID numbers, phones, email "
        "and postal addresses and client accounts, as far as the Run As user "
        "may read them. Mailed registers leave them out otherwise.",
    )
    last_period_end = fields.Date(
        string="Last Period Sent",
        readonly=True,
        copy=False,
        help="End of the last period whose report was mailed.",
    )

    def _default_user_id(self):
        # created by the system (module data, upgrade): the administrator
        if self.env.su:
            return self.env.ref("base.user_admin", raise_if_not_found=False)
        return self.env.user

    @api.constrains("email_to")
    def _check_email_to(self):
        allowed = self._allowed_addresses()
        for schedule in self:
            if schedule.email_to and not email_split(schedule.email_to):
                raise ValidationError(
                    self.env._(
                        "%(addresses)s is not a list of email addresses.",
                        addresses=schedule.email_to,
                    )
                )
            refused = [
                address
                for address in email_split(schedule.email_to or "")
                if not self._address_allowed(address, allowed)
            ]
            if refused:
                raise ValidationError(
                    self.env._(
                        "Complaint reports cannot be mailed to %(addresses)s: "
                        "only a system administrator can allow outside "
                        "addresses, in Settings > Complaints.",
                        addresses=", ".join(refused),
                    )
                )

    @api.constrains("user_ids")
    def _check_user_ids(self):
        for schedule in self:
            refused = schedule.user_ids.filtered(lambda u: not self._may_receive(u))
            if refused:
                raise ValidationError(
                    self.env._(
                        "Complaint reports are only mailed to users working on "
                        "complaints: %(users)s is not one.",
                        users=", ".join(refused.mapped("name")),
                    )
                )

    @api.constrains("user_id")
    def _check_user_id(self):
        for schedule in self:
            schedule._check_run_as(ValidationError)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_send_now(self):
        """Mail the report of the last complete period now (again)."""
        # complaint administrators only (HQ may read the schedules)
        self.check_access("write")
        for schedule in self:
            schedule._send(force=True)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The reports have been queued for sending."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_reports(self, frequency):
        """Mail the reports of ``frequency`` whose last period is not sent yet."""
        for schedule in self.search([("frequency", "=", frequency)]):
            try:
                with self.env.cr.savepoint():
                    schedule._send()
            except Exception:
                _logger.exception("Scheduled complaint report %s failed", schedule.id)

    def _last_period(self, today=None):
        """First and last day of the last complete period before ``today``."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        Report = self.env["huatai.complaint.report"]
        period = PERIOD_OF[self.frequency]
        current_start, _end = Report._period_bounds(period, today)
        return Report._period_bounds(period, current_start - timedelta(days=1))

    def _send(self, today=None, force=False):
        self.ensure_one()
        date_from, date_to = self._last_period(today)
        if not force and self.last_period_end and self.last_period_end >= date_to:
            return self.env["mail.mail"]
        mails = self.env["mail.mail"]
        if self.scope == "branches":
            branches = self.env["huatai.org.unit"].search([("kind", "=", "branch")])
            if self.unit_id:
                branches = branches.filtered_domain(
                    [("id", "child_of", self.unit_id.ids)]
                )
            for branch in branches:
                mails |= self._send_report(date_from, date_to, branch, branch)
        else:
            mails |= self._send_report(
                date_from, date_to, self.unit_id, self.recipient_unit_id
            )
        self.last_period_end = date_to
        return mails

    def _check_run_as(self, error=UserError):
        """The user the report is built as; ``error`` when they may not."""
        self.ensure_one()
        user = self.user_id
        if not (user.active and not user.share and user.has_group(RUN_AS_GROUP)):
            raise error(
                self.env._(
                    "%(schedule)s cannot run as %(user)s: scheduled reports "
                    "run with the rights of an active HQ process owner, "
                    "Compliance officer or complaint administrator.",
                    schedule=self.name,
                    user=user.name or "-",
                )
            )
        return user

    @api.model
    def _may_receive(self, user):
        """Whether ``user`` may receive complaint reports: an active internal
        user working on complaints."""
        return user.active and not user.share and user.has_group(RECIPIENT_GROUP)

    @api.model
    def _allowed_addresses(self):
        """Outside addresses and domains reports may be mailed to (lower case)."""
        value = read_setting(self.env, ALLOWED_ADDRESSES)
        return {part.lower() for part in re.split(r"[\s,;]+", value or "") if part}

    @api.model
    def _address_allowed(self, address, allowed):
        """Whether ``address`` is allowed: itself, or its domain (``@x.com``
        or ``x.com``), is in ``allowed``."""
        address = address.strip().lower()
        domain = address.rpartition("@")[2]
        return bool({address, domain, f"@{domain}"} & allowed)

    def _recipients(self, recipient_unit):
        """Partners and extra addresses the report of ``recipient_unit`` goes
        to: complaint users, and the outside addresses that are allowed (the
        others are left out, and logged)."""
        self.ensure_one()
        users = self.user_ids | recipient_unit.manager_id
        recipients = users.filtered(self._may_receive)
        emails = email_split(self.email_to or "")
        if recipient_unit.email:
            emails += email_split(recipient_unit.email)
        allowed = self._allowed_addresses()
        refused = [e for e in emails if not self._address_allowed(e, allowed)]
        if refused or users - recipients:
            _logger.warning(
                "Scheduled complaint report %s: not mailed to %s (not allowed)",
                self.id,
                ", ".join([*refused, *(users - recipients).mapped("login")]),
            )
        return recipients.partner_id, [e for e in emails if e not in refused]

    def _send_report(self, date_from, date_to, units, recipient_unit):
        self.ensure_one()
        run_as = self._check_run_as()
        partners, emails = self._recipients(recipient_unit)
        if not partners and not emails:
            _logger.info(
                "Scheduled complaint report %s: nobody to send %s to",
                self.id,
                units.display_name or "the firm",
            )
            return self.env["mail.mail"]
        lang = (
            recipient_unit.manager_id.lang
            or partners[:1].lang
            or self.env.lang
            or "en_US"
        )
        # what the Run As user may read, whistleblowing reports left out
        Xlsx = (
            self.env["huatai.complaint.xlsx"]
            .with_user(run_as)
            .with_context(lang=lang, huatai_report_mailed=True)
        )
        kwargs = {"unit_ids": units.ids or None}
        if self.report_type == "regulator_summary":
            kwargs["year"] = date_from.year
        else:
            kwargs.update(date_from=date_from, date_to=date_to)
            if self.report_type == "statistics":
                kwargs["period"] = PERIOD_OF[self.frequency]
            else:
                kwargs["personal_data"] = self.include_personal_data
        content, filename, count = Xlsx._build(self.report_type, **kwargs)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": filename,
                    "raw": content,
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": (
                        "application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet"
                    ),
                }
            )
        )
        template = self.env.ref("huatai_reports.mail_template_scheduled_report")
        period_label = (
            str(date_from.year)
            if self.report_type == "regulator_summary"
            else f"{date_from} ~ {date_to}"
        )
        unit_name = units.with_context(lang=lang).display_name or ""
        subject = " ".join(
            part
            for part in (self.with_context(lang=lang).name, unit_name, period_label)
            if part
        )
        mail_id = template.with_context(
            lang=lang,
            report_period_label=period_label,
            report_unit_name=unit_name,
            report_count=count,
        ).send_mail(
            self.id,
            email_values={
                "subject": subject,
                "recipient_ids": [(4, pid) for pid in partners.ids],
                "email_to": ",".join(emails),
                "attachment_ids": [(4, attachment.id)],
            },
        )
        return self.env["mail.mail"].sudo().browse(mail_id)
