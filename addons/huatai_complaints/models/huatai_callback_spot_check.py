import logging
import math
import random
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.settings import (
    CALLBACK_TIMEZONE,
    SPOT_CHECK_DAYS,
    SPOT_CHECK_PERCENT,
    read_setting,
)
from ..tools.workdays import CN_TZ

_logger = logging.getLogger(__name__)

VERIFICATION_TYPE = "huatai_complaints.mail_activity_type_callback_verification"
# set by the draw and by the result buttons, never written directly
WORKFLOW_FIELDS = {
    "callback_id",
    "period_start",
    "period_end",
    "verifier_unit_id",
    "result",
    "checked_by_id",
    "checked_date",
}


def select_sample(ids, percent, seed):
    """The ids to check: ``percent`` % of ``ids`` (rounded up), drawn with a
    generator seeded by ``seed`` so the same period always gives the same
    sample."""
    ids = sorted(ids)
    if not ids or percent <= 0:
        return []
    size = min(len(ids), math.ceil(len(ids) * percent / 100.0))
    return sorted(random.Random(seed).sample(ids, size))


class HuataiCallbackSpotCheck(models.Model):
    """The Customer Service Center's verification of a callback made by a
    sales department (SPEC §9)."""

    _name = "huatai.callback.spot.check"
    _description = "Callback Spot Check"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, id desc"
    _rec_names_search = ["complaint_id"]

    callback_id = fields.Many2one(
        "huatai.complaint.callback",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    complaint_id = fields.Many2one(
        related="callback_id.complaint_id", store=True, index=True, string="Complaint"
    )
    unit_id = fields.Many2one(
        related="callback_id.unit_id", store=True, index=True, string="Sales Department"
    )
    branch_id = fields.Many2one(
        related="callback_id.branch_id", store=True, string="Branch Company"
    )
    callback_date = fields.Datetime(related="callback_id.date", string="Called On")
    callback_user_id = fields.Many2one(
        related="callback_id.user_id", string="Called By"
    )
    callback_result = fields.Selection(
        related="callback_id.result", store=True, string="Recorded Outcome"
    )
    callback_remarks = fields.Text(
        related="callback_id.remarks", string="Recorded Remarks"
    )
    complainant_name = fields.Char(related="callback_id.complaint_id.complainant_name")
    complainant_phone = fields.Char(
        related="callback_id.complaint_id.complainant_phone"
    )
    period_start = fields.Date(required=True, readonly=True, index=True)
    period_end = fields.Date(required=True, readonly=True)
    verifier_unit_id = fields.Many2one(
        "huatai.org.unit",
        string="Verifying Unit",
        readonly=True,
        index=True,
        default=lambda self: self.env["huatai.complaint"]._remote_intake_unit(),
    )
    result = fields.Selection(
        [
            ("pending", "To Verify"),
            ("consistent", "Consistent"),
            ("inconsistent", "Inconsistent"),
            ("unreachable", "Client Not Reachable"),
        ],
        default="pending",
        required=True,
        tracking=True,
        index=True,
    )
    notes = fields.Text(tracking=True)
    checked_by_id = fields.Many2one("res.users", string="Verified By", readonly=True)
    checked_date = fields.Datetime(string="Verified On", readonly=True)

    _sql_constraints = [
        (
            "callback_unique",
            "unique(callback_id)",
            "A callback is spot-checked only once.",
        ),
    ]

    @api.depends("complaint_id", "period_start")
    def _compute_display_name(self):
        for check in self:
            check.display_name = self.env._(
                "Spot check %(ref)s (%(period)s)",
                ref=check.complaint_id.name or "",
                period=check.period_start and check.period_start.strftime("%Y-%m"),
            )

    # ------------------------------------------------------------------
    # CRUD: spot checks are drawn, their results recorded by the buttons
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Callback spot checks are drawn by the Customer Service "
                    "Center's sample (Sample Callbacks), not created one by one."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and WORKFLOW_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "A spot check's callback, period and result are set by the "
                    "draw and by its Consistent, Inconsistent and Client Not "
                    "Reachable buttons only."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------
    def _record_result(self, result):
        self.check_access("write")
        for check in self:
            if check.result != "pending":
                raise UserError(
                    self.env._(
                        "%(check)s was already verified.", check=check.display_name
                    )
                )
            if result == "inconsistent" and not (check.notes or "").strip():
                raise UserError(
                    self.env._(
                        "Describe in the notes what differs from the recorded "
                        "callback before marking it inconsistent."
                    )
                )
        # the access was checked above: the result fields are the workflow's
        self.sudo().write(
            {
                "result": result,
                "checked_by_id": self.env.user.id,
                "checked_date": fields.Datetime.now(),
            }
        )
        activities = self.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref(VERIFICATION_TYPE, raise_if_not_found=False)
            )
        )
        activities.with_context(huatai_spot_check_recording=True).action_feedback(
            feedback=dict(self._fields["result"]._description_selection(self.env))[
                result
            ]
        )
        inconsistent = self.filtered(lambda c: c.result == "inconsistent")
        for check in inconsistent:
            check.complaint_id.sudo().message_post(
                body=self.env._(
                    "Callback spot check: the client's account does not match the "
                    "recorded callback. %(notes)s",
                    notes=check.notes,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_mark_consistent(self):
        return self._record_result("consistent")

    def action_mark_inconsistent(self):
        return self._record_result("inconsistent")

    def action_mark_unreachable(self):
        return self._record_result("unreachable")

    # ------------------------------------------------------------------
    # Sampling
    # ------------------------------------------------------------------
    @api.model
    def _sample_percent(self):
        return read_setting(self.env, SPOT_CHECK_PERCENT)

    @api.model
    def _period_bounds(self, date_from, date_to):
        """UTC datetimes bounding the local days date_from..date_to."""
        tz_name = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(CALLBACK_TIMEZONE.param, CALLBACK_TIMEZONE.default)
        )
        try:
            tz = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            tz = CN_TZ

        def to_utc(day):
            local = tz.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return to_utc(date_from), to_utc(date_to + timedelta(days=1))

    @api.model
    def _sample_callbacks(self, date_from, date_to):
        """Draw the spot checks of the callbacks made by sales departments
        between date_from and date_to (included).

        The draw is seeded by the period: running it again for the same period
        gives the same callbacks and creates nothing twice. Callbacks of
        whistleblowing reports are never drawn: the Customer Service Center
        does not call their reporters.
        """
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        if not date_from or not date_to or date_from > date_to:
            raise UserError(self.env._("Give a period whose start is before its end."))
        start, end = self._period_bounds(date_from, date_to)
        Callback = self.env["huatai.complaint.callback"].sudo()
        callback_ids = Callback.search(
            [
                ("date", ">=", start),
                ("date", "<", end),
                ("unit_kind", "=", "sales_department"),
                ("complaint_id.is_confidential", "=", False),
            ]
        ).ids
        seed = (
            f"huatai-callback-spot-check:{date_from.isoformat()}:{date_to.isoformat()}"
        )
        sample = select_sample(callback_ids, self._sample_percent(), seed)
        existing = self.sudo().search([("callback_id", "in", sample)])
        new_ids = sorted(set(sample) - set(existing.callback_id.ids))
        checks = self.sudo().create(
            [
                {
                    "callback_id": callback_id,
                    "period_start": date_from,
                    "period_end": date_to,
                }
                for callback_id in new_ids
            ]
        )
        checks._schedule_verification()
        _logger.info(
            "Callback spot check %s..%s: %s of %s callbacks sampled (%s new)",
            date_from,
            date_to,
            len(sample),
            len(callback_ids),
            len(checks),
        )
        return existing | checks

    def _schedule_verification(self):
        if not self:
            return
        unit = self.env["huatai.complaint"]._remote_intake_unit()
        user = unit.manager_id or unit.member_ids[:1]
        if not user:
            _logger.warning(
                "Callback spot checks: %s has no manager nor member to verify them",
                unit.display_name,
            )
            return
        deadline = fields.Date.context_today(self) + timedelta(
            days=read_setting(self.env, SPOT_CHECK_DAYS)
        )
        for check in self:
            check.activity_schedule(
                act_type_xmlid=VERIFICATION_TYPE,
                date_deadline=deadline,
                user_id=user.id,
                note=self.env._(
                    "Call %(name)s (%(phone)s) and check that the callback of "
                    "%(date)s by %(unit)s took place as recorded: %(result)s.",
                    name=check.complainant_name,
                    phone=check.complainant_phone or "-",
                    date=fields.Date.to_date(check.callback_date),
                    unit=check.unit_id.display_name,
                    result=dict(
                        check.callback_id._fields["result"]._description_selection(
                            self.env
                        )
                    ).get(check.callback_result, ""),
                ),
            )

    @api.model
    def _cron_sample_previous_month(self):
        today = fields.Date.context_today(self)
        first = today.replace(day=1) - relativedelta(months=1)
        last = today.replace(day=1) - timedelta(days=1)
        self._sample_callbacks(first, last)
