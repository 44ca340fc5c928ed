"""The deadline clocks of a complaint (SPEC §6): the policy that applies, the
working-day clocks (acknowledgement, accept, reply, callback), paused clocks,
the regulator's cap and the deadline state. Working days come from
``huatai_workday.py``; the job that alerts owners and managers is in
``huatai_complaint_deadline_alert.py``."""

import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.settings import DUE_SOON_DAYS
from ..tools.workdays import china_date, china_today
from .huatai_complaint import (
    SEVERITY_FLAGS,
)
from .huatai_deadline_policy import DEFAULT_DAYS

_logger = logging.getLogger(__name__)


DEADLINE_STATES = [
    ("on_track", "On Track"),
    ("due_soon", "Due Soon"),
    ("overdue", "Overdue"),
]

CLOCKS = [
    ("acknowledgement", "Acknowledgement"),
    ("accept", "Decision to Accept"),
    ("reply", "Final Reply"),
    ("callback", "Callback"),
]

STATE_BATCH = 5000

# the fields the deadline computes read
DEADLINE_INPUTS = [
    "received_date",
    "acknowledged_date",
    "accepted_date",
    "replied_date",
    "channel",
    "category_id",
    "regulator_deadline",
    "deadline_policy_override_id",
    "deadline_policy_id",
    "paused_days",
    "clock_paused_since",
    "is_closed",
    "stage_state",
    *SEVERITY_FLAGS,
    "acknowledgement_deadline",
    "accept_deadline",
    "reply_deadline",
    "callback_deadline",
    "deadline_fallback_years",
    "next_deadline",
    "deadline_clock",
    "deadline_state",
]


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    # deadline_state become computed here; the acknowledgement clock is ours)
    deadline_policy_override_id = fields.Many2one(
        "huatai.deadline.policy",
        string="Forced Deadline Policy",
        tracking=True,
        copy=False,
        help="Set by a routing rule or by hand: replaces the policy that the "
        "complaint's channel, type and severity would select.",
        groups="base.group_user",
    )

    deadline_policy_id = fields.Many2one(
        "huatai.deadline.policy",
        compute="_compute_deadline_policy_id",
        store=True,
        precompute=True,
        tracking=True,
        groups="base.group_user",
    )

    acknowledgement_deadline = fields.Date(
        compute="_compute_acknowledgement_deadline",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
        copy=False,
        help="The complainant is to be told by then that the complaint was "
        "received (受理告知): working days from the receipt, as the policy says.",
    )

    accept_deadline = fields.Date(
        string="Acceptance Deadline",
        compute="_compute_accept_deadline",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
        copy=False,
    )

    reply_deadline = fields.Date(
        compute="_compute_reply_deadline",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
        index=True,
        copy=False,
    )

    callback_deadline = fields.Date(
        compute="_compute_callback_deadline",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
        copy=False,
        groups="base.group_user",
    )

    deadline_fallback_years = fields.Char(
        string="Years Without Holiday Schedule",
        compute="_compute_deadline_fallback_years",
        store=True,
        precompute=True,
        help="The deadlines reach into these years, for which no official "
        "holiday schedule is in force yet: they count Monday to Friday there.",
        groups="base.group_user",
    )

    clock_paused_since = fields.Date(
        string="Reply Clock Paused Since",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )

    paused_days = fields.Integer(
        string="Working Days Paused",
        readonly=True,
        copy=False,
        help="Working days spent in stages that pause the reply clock: the "
        "final reply deadline moves by as many working days.",
        groups="base.group_user",
    )

    next_deadline = fields.Date(
        compute="_compute_deadline_state",
        store=True,
        precompute=True,
        index="btree_not_null",
        help="The earliest deadline of the clocks still running.",
        groups="base.group_user",
    )

    deadline_clock = fields.Selection(
        CLOCKS,
        string="Next Deadline For",
        compute="_compute_deadline_state",
        store=True,
        precompute=True,
        groups="base.group_user",
    )

    deadline_state = fields.Selection(
        DEADLINE_STATES,
        compute="_compute_deadline_state",
        store=True,
        precompute=True,
        index=True,
        copy=False,
        groups="base.group_user",
    )

    can_edit_deadlines = fields.Boolean(
        compute="_compute_can_edit_deadlines", groups="base.group_user"
    )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains(
        "acknowledgement_deadline",
        "accept_deadline",
        "reply_deadline",
        "callback_deadline",
        "received_date",
        "regulator_deadline",
    )
    def _check_deadlines(self):
        # runs after every recomputation of the deadlines (thrice per batch of
        # open complaints when the rules change): kept to plain field reads
        fnames = (
            "acknowledgement_deadline",
            "accept_deadline",
            "reply_deadline",
            "callback_deadline",
        )
        for complaint in self:
            received = complaint.received_date
            # its date in UTC: never later than its date in China
            earliest = received.date()
            deadlines = (
                complaint.acknowledgement_deadline,
                complaint.accept_deadline,
                complaint.reply_deadline,
                complaint.callback_deadline,
            )
            for fname, deadline in zip(fnames, deadlines, strict=True):
                if deadline and deadline < earliest:
                    raise ValidationError(
                        self.env._(
                            "%(ref)s: the %(deadline)s (%(date)s) cannot be before "
                            "the date the complaint was received (%(received)s).",
                            ref=complaint.name,
                            deadline=self._fields[fname]._description_string(self.env),
                            date=deadline,
                            received=china_date(received),
                        )
                    )
            if (
                complaint.channel == "regulator"
                and complaint.regulator_deadline
                and complaint.reply_deadline
                and complaint.reply_deadline > complaint.regulator_deadline
            ):
                raise ValidationError(
                    self.env._(
                        "%(ref)s: the reply deadline (%(date)s) cannot be later "
                        "than the regulator's deadline (%(regulator)s).",
                        ref=complaint.name,
                        date=complaint.reply_deadline,
                        regulator=complaint.regulator_deadline,
                    )
                )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends(
        "deadline_policy_override_id",
        "channel",
        "category_id",
        "is_major",
        "is_group",
        "is_difficult",
        "is_media",
        "is_judicial",
        "is_compensation",
    )
    def _compute_deadline_policy_id(self):
        select = self.env["huatai.deadline.policy"]._active_records()._selector()
        for complaint in self:
            if complaint.deadline_policy_override_id:
                complaint.deadline_policy_id = complaint.deadline_policy_override_id
            else:
                complaint.deadline_policy_id = select(complaint)

    @api.depends("received_date", "deadline_policy_id")
    def _compute_acknowledgement_deadline(self):
        calendar = self._workday_calendar()
        days_of = self._policy_days_getter("acknowledgement_days")
        for complaint in self:
            received = china_date(complaint.received_date)
            days = days_of(complaint)
            complaint.acknowledgement_deadline = received and calendar.add(
                received, days
            )

    @api.depends("received_date", "deadline_policy_id")
    def _compute_accept_deadline(self):
        calendar = self._workday_calendar()
        days_of = self._policy_days_getter("accept_days")
        for complaint in self:
            received = china_date(complaint.received_date)
            days = days_of(complaint)
            complaint.accept_deadline = received and calendar.add(received, days)

    @api.depends(
        "received_date",
        "deadline_policy_id",
        "paused_days",
        "channel",
        "regulator_deadline",
    )
    def _compute_reply_deadline(self):
        calendar = self._workday_calendar()
        days_of = self._policy_days_getter("reply_days")
        for complaint in self:
            received = china_date(complaint.received_date)
            if not received:
                complaint.reply_deadline = False
                continue
            days = days_of(complaint) + complaint.paused_days
            deadline = calendar.add(received, days)
            cap = complaint._regulator_cap()
            complaint.reply_deadline = min(deadline, cap) if cap else deadline

    @api.depends("replied_date", "deadline_policy_id")
    def _compute_callback_deadline(self):
        calendar = self._workday_calendar()
        days_of = self._policy_days_getter("callback_days")
        for complaint in self:
            replied = china_date(complaint.replied_date)
            if not replied:
                complaint.callback_deadline = False
                continue
            days = days_of(complaint)
            complaint.callback_deadline = calendar.add(replied, days)

    @api.depends(
        "received_date",
        "acknowledgement_deadline",
        "accept_deadline",
        "reply_deadline",
        "callback_deadline",
    )
    def _compute_deadline_fallback_years(self):
        calendar = self._workday_calendar()
        for complaint in self:
            received = china_date(complaint.received_date)
            deadlines = [
                d
                for d in (
                    complaint.acknowledgement_deadline,
                    complaint.accept_deadline,
                    complaint.reply_deadline,
                    complaint.callback_deadline,
                )
                if d
            ]
            if not received or not deadlines:
                complaint.deadline_fallback_years = False
                continue
            years = calendar.unscheduled_years(
                min(received, *deadlines), max(deadlines)
            )
            complaint.deadline_fallback_years = ", ".join(map(str, years)) or False

    @api.depends(
        "acknowledgement_deadline",
        "accept_deadline",
        "reply_deadline",
        "callback_deadline",
        "acknowledged_date",
        "accepted_date",
        "replied_date",
        "is_closed",
        "stage_state",
        "clock_paused_since",
    )
    def _compute_deadline_state(self):
        today = china_today()
        soon = self._due_soon_limit(today)
        for complaint in self:
            clocks = complaint._running_clocks()
            if not clocks:
                complaint.next_deadline = False
                complaint.deadline_clock = False
                complaint.deadline_state = False if complaint.is_closed else "on_track"
                continue
            clock, deadline = min(clocks, key=lambda item: item[1])
            complaint.next_deadline = deadline
            complaint.deadline_clock = clock
            if deadline < today:
                complaint.deadline_state = "overdue"
            elif deadline <= soon:
                complaint.deadline_state = "due_soon"
            else:
                complaint.deadline_state = "on_track"

    def _compute_can_edit_deadlines(self):
        allowed = self.env.user.has_group("huatai_complaints.group_complaint_manager")
        for complaint in self:
            complaint.can_edit_deadlines = allowed

    # ------------------------------------------------------------------
    # Working-day clocks
    # ------------------------------------------------------------------
    @api.model
    def _workday_calendar(self):
        return self.env["huatai.workday"].sudo()._get_calendar()

    @api.model
    def _due_soon_days(self):
        return self._get_setting(DUE_SOON_DAYS)

    @api.model
    def _due_soon_limit(self, today):
        """The last date that is "due soon" seen from ``today``."""
        days = self._due_soon_days()
        if not days:
            return today
        return self._workday_calendar().add(today, days)

    def _policy_days(self, fname):
        self.ensure_one()
        policy = self.deadline_policy_id.sudo()
        return policy[fname] if policy else DEFAULT_DAYS[fname]

    def _policy_days_getter(self, fname):
        """``_policy_days(fname)`` for the complaints of ``self``, the policies
        read once for the whole batch."""
        days = {policy.id: policy[fname] for policy in self.deadline_policy_id.sudo()}
        default = DEFAULT_DAYS[fname]

        def days_of(complaint):
            return days.get(complaint.deadline_policy_id.id, default)

        return days_of

    def _regulator_cap(self):
        self.ensure_one()
        if self.channel == "regulator" and self.regulator_deadline:
            return self.regulator_deadline
        return None

    def _running_clocks(self):
        """(clock, deadline) of the clocks still running."""
        self.ensure_one()
        if self.is_closed:
            return []
        clocks = []
        # the reply tells the complainant too: no acknowledgement is owed then
        if (
            not self.acknowledged_date
            and not self.replied_date
            and self.acknowledgement_deadline
        ):
            clocks.append(("acknowledgement", self.acknowledgement_deadline))
        if (
            not self.accepted_date
            and self.stage_state in (False, "new")
            and self.accept_deadline
        ):
            clocks.append(("accept", self.accept_deadline))
        if (
            not self.replied_date
            and not self.clock_paused_since
            and self.reply_deadline
        ):
            clocks.append(("reply", self.reply_deadline))
        if self.replied_date and self.callback_deadline:
            clocks.append(("callback", self.callback_deadline))
        return clocks

    def _update_clock_pause(self):
        """Start or stop the reply clock's pause after a stage change."""
        today = china_today()
        calendar = self._workday_calendar()
        starts = self.browse()
        stops = defaultdict(lambda: self.browse())
        for complaint in self:
            pause_stages = complaint.deadline_policy_id.sudo().pause_stage_ids
            paused = (
                complaint.stage_id in pause_stages
                and not complaint.replied_date
                and not complaint.is_closed
            )
            if paused and not complaint.clock_paused_since:
                starts |= complaint
            elif not paused and complaint.clock_paused_since:
                days = calendar.count_between(complaint.clock_paused_since, today)
                stops[complaint.paused_days + days] |= complaint
        if starts:
            starts.sudo().write({"clock_paused_since": today})
        for total, complaints in stops.items():
            complaints.sudo().write({"clock_paused_since": False, "paused_days": total})

    @api.model
    def _recompute_open_deadlines(self, changed_from=None, policies=None):
        """Recompute the deadlines of open complaints after their rules
        changed: the working days from ``changed_from`` on, the clocks of
        ``policies``, or (``policies=True``) which policy applies.

        Finished complaints keep the deadlines they had.
        """
        domain = [("is_closed", "=", False)]
        fnames = [
            "acknowledgement_deadline",
            "accept_deadline",
            "reply_deadline",
            "callback_deadline",
            "deadline_fallback_years",
            "deadline_state",
        ]
        if changed_from:
            domain += [
                "|",
                "|",
                "|",
                ("acknowledgement_deadline", ">=", changed_from),
                ("accept_deadline", ">=", changed_from),
                ("reply_deadline", ">=", changed_from),
                ("callback_deadline", ">=", changed_from),
            ]
        elif policies is True:
            fnames.insert(0, "deadline_policy_id")
        elif policies:
            domain.append(("deadline_policy_id", "in", policies.ids))
        else:
            return
        self.env.flush_all()
        Complaint = self.sudo().with_context(active_test=False)
        complaints = Complaint.search(domain, order="id")
        inputs = [
            fname
            for fname in dict.fromkeys(DEADLINE_INPUTS + fnames)
            if self._fields[fname].column_type
        ]
        for batch in complaints._split_in_batches(STATE_BATCH):
            # what the computes read, and nothing else (the complaint's texts
            # would come with the ORM's prefetch)
            batch.fetch(inputs)
            for fname in fnames:
                self.env.add_to_compute(self._fields[fname], batch)
            batch.flush_recordset()
            batch.invalidate_recordset()

    def _split_in_batches(self, size):
        for start in range(0, len(self), size):
            yield self[start : start + size]
