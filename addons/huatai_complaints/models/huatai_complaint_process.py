"""What the firm's rules add to a complaint's life (SPEC §6-§8):

- deadlines: the policy that applies, the working-day clocks (acknowledgement,
  accept, reply, callback), paused clocks, the regulator's cap, the deadline
  state and the scheduled job that alerts owners and managers;
- routing: the ordered rules of huatai.complaint.routing.rule;
- escalation and the compliance gate: serious complaints need the opinion of
  Compliance before they are replied to, closed or rejected; Retail Client
  Service HQ is informed of each, the Institutional Client Service HQ
  coordinates the media-related ones.
"""

import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, create_index

from .huatai_complaint import COMPLIANCE_GROUP
from .huatai_deadline_policy import DEFAULT_DAYS
from .huatai_workday import china_date, china_today

_logger = logging.getLogger(__name__)

DUE_SOON_PARAM = "huatai_complaints.due_soon_days"
DEFAULT_DUE_SOON_DAYS = 2
# how the complainant was told that the complaint was received (受理告知)
ACKNOWLEDGEMENT_METHODS = [
    ("email", "By Email"),
    ("phone", "By Phone"),
    ("sms", "By SMS"),
    ("onsite", "In Person"),
    ("letter", "By Letter"),
]
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
SEVERITY_FLAGS = (
    "is_major",
    "is_group",
    "is_difficult",
    "is_media",
    "is_judicial",
    "is_compensation",
)
# what can make a complaint need Compliance
ESCALATION_TRIGGERS = {
    *SEVERITY_FLAGS,
    "compliance_review_requested",
    "complainant_count",
    "compensation_amount",
}
# what the routing rules' conditions look at: writing one of them routes the
# complaint again when an earlier rule now matches
ROUTING_INPUTS = {
    *SEVERITY_FLAGS,
    "complainant_count",
    "compensation_amount",
    "channel",
    "category_id",
    "accepting_unit_id",
    "regulator_authority",
    "regulator_reference",
    "regulator_deadline",
    "subject",
    "description",
}
# stages a complaint needing Compliance reaches only after its opinion
GATED_STATES = ("replied", "callback", "closed", "rejected")
OPINION_FIELDS = {
    "compliance_opinion",
    "compliance_opinion_user_id",
    "compliance_opinion_date",
}
RETAIL_HQ_XMLID = "huatai_complaints.unit_retail_service_hq"
COMPLIANCE_UNIT_XMLID = "huatai_complaints.unit_compliance"
INSTITUTIONAL_HQ_XMLID = "huatai_complaints.unit_institutional_service_hq"
DEADLINE_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_complaint_deadline"
OPINION_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_compliance_opinion"
MEDIA_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_media_coordination"
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
ALERT_BATCH = 500


# The complaint is one model split by concern: huatai_complaint.py holds the
# record and its workflow, this file deadlines, routing and the compliance gate.
class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    # deadlines (the contract's accept/reply/callback deadlines and
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
        tracking=True,
        groups="base.group_user",
    )
    deadline_explanation = fields.Text(
        string="Why These Deadlines",
        compute="_compute_deadline_explanation",
        groups="base.group_user",
    )
    acknowledgement_deadline = fields.Date(
        compute="_compute_acknowledgement_deadline",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
        help="The complainant is to be told by then that the complaint was "
        "received (受理告知): working days from the receipt, as the policy says.",
    )
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
    accept_deadline = fields.Date(
        string="Acceptance Deadline",
        compute="_compute_accept_deadline",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
    )
    reply_deadline = fields.Date(
        compute="_compute_reply_deadline",
        store=True,
        readonly=False,
        tracking=True,
        index=True,
        copy=False,
    )
    callback_deadline = fields.Date(
        compute="_compute_callback_deadline",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
        groups="base.group_user",
    )
    deadline_fallback_years = fields.Char(
        string="Years Without Holiday Schedule",
        compute="_compute_deadline_fallback_years",
        store=True,
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
        index="btree_not_null",
        help="The earliest deadline of the clocks still running.",
        groups="base.group_user",
    )
    deadline_clock = fields.Selection(
        CLOCKS,
        string="Next Deadline For",
        compute="_compute_deadline_state",
        store=True,
        groups="base.group_user",
    )
    deadline_state = fields.Selection(
        DEADLINE_STATES,
        compute="_compute_deadline_state",
        store=True,
        index=True,
        copy=False,
        groups="base.group_user",
    )
    # technical: which alerts the deadline job already sent ("clock:date")
    alert_due_soon_key = fields.Char(
        copy=False, readonly=True, groups="base.group_user"
    )
    alert_overdue_key = fields.Char(copy=False, readonly=True, groups="base.group_user")
    can_edit_deadlines = fields.Boolean(
        compute="_compute_can_edit_deadlines", groups="base.group_user"
    )
    # routing
    routing_rule_id = fields.Many2one(
        "huatai.complaint.routing.rule",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
        help="The rule that routed the complaint (empty: no rule matched, the "
        "accepting unit handles it).",
        groups="base.group_user",
    )
    # escalation and the compliance gate
    compliance_review_requested = fields.Boolean(
        tracking=True,
        copy=False,
        help="Ask for the opinion of Compliance even though no severity flag "
        "requires it (set by hand or by a routing rule).",
        groups="base.group_user",
    )
    compliance_required = fields.Boolean(
        string="Compliance Opinion Required",
        compute="_compute_compliance_required",
        store=True,
        index=True,
        groups="base.group_user",
    )
    compliance_opinion = fields.Text(
        tracking=True, copy=False, readonly=True, groups="base.group_user"
    )
    compliance_opinion_user_id = fields.Many2one(
        "res.users",
        string="Opinion Given By",
        copy=False,
        readonly=True,
        groups="base.group_user",
    )
    compliance_opinion_date = fields.Datetime(
        string="Opinion Given On", copy=False, readonly=True, groups="base.group_user"
    )
    # technical: escalation notices already sent
    escalation_notified = fields.Boolean(
        copy=False, readonly=True, groups="base.group_user"
    )
    media_escalated = fields.Boolean(
        copy=False, readonly=True, groups="base.group_user"
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
        select = self.env["huatai.deadline.policy"].sudo().search([])._selector()
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

    @api.depends_context("lang")
    @api.depends(
        "deadline_policy_id",
        "deadline_policy_override_id",
        "reply_deadline",
        "regulator_deadline",
        "paused_days",
        "clock_paused_since",
        "acknowledgement_deadline",
        "acknowledged_date",
        "acknowledgement_method",
        "replied_date",
    )
    def _compute_deadline_explanation(self):
        policies = self.env["huatai.deadline.policy"].sudo().search([])
        for complaint in self:
            complaint.deadline_explanation = "\n".join(
                complaint._deadline_explanation_lines(policies)
            )

    def _compute_can_edit_deadlines(self):
        allowed = self.env.user.has_group("huatai_complaints.group_complaint_manager")
        for complaint in self:
            complaint.can_edit_deadlines = allowed

    @api.depends("compliance_review_requested", *SEVERITY_FLAGS)
    def _compute_compliance_required(self):
        for complaint in self:
            complaint.compliance_required = (
                complaint.compliance_review_requested
                or any(complaint[flag] for flag in SEVERITY_FLAGS)
            )

    # ------------------------------------------------------------------
    # Database
    # ------------------------------------------------------------------
    def _auto_init(self):
        """The acknowledgement clock's columns are filled in SQL on the update
        that brings them: the ORM would otherwise compute the deadline of
        every complaint, a million rows one by one."""
        cr = self.env.cr
        migrate = column_exists(cr, self._table, "received_date") and not (
            column_exists(cr, self._table, "acknowledgement_deadline")
        )
        if migrate:
            self._init_acknowledgement_columns()
        res = super()._auto_init()
        if migrate:
            self._prepare_acknowledgement_computation()
        return res

    def _init_acknowledgement_columns(self):
        """Complaints registered before the clock existed: its deadline from
        ``huatai_workday`` (as ``_compute_acknowledgement_deadline``), and as
        acknowledged, at an approximate date, those that already were —
        the acknowledgement email sent, or past registration (staff had
        spoken to the complainant), or finished. The few still waiting get
        their next deadline computed by the ORM."""
        cr = self.env.cr
        table = self._table
        create_column(cr, table, "acknowledgement_deadline", "date")
        for name, column_type in (
            ("acknowledged_date", "timestamp"),
            ("acknowledgement_method", "varchar"),
        ):
            if not column_exists(cr, table, name):
                create_column(cr, table, name, column_type)
        default = DEFAULT_DAYS["acknowledgement_days"]
        days = SQL("%s", default)
        join = SQL("")
        if column_exists(cr, "huatai_deadline_policy", "acknowledgement_days"):
            days = SQL("COALESCE(pol.acknowledgement_days, %s)", default)
            join = SQL(
                "LEFT JOIN huatai_deadline_policy pol ON pol.id = c.deadline_policy_id"
            )
        if column_exists(cr, "huatai_workday", "workday_index"):
            # the n-th working day after the receipt's date in China; a clock
            # starting on a non-working day starts on the next working day
            cr.execute(
                SQL(
                    """
                    UPDATE %(table)s t
                       SET acknowledgement_deadline = wk.date
                      FROM %(table)s c
                      %(join)s
                      JOIN huatai_workday w0
                        ON w0.date = (c.received_date + interval '8 hours')::date
                      JOIN huatai_workday wk
                        ON wk.is_working
                       AND wk.workday_index = w0.workday_index
                           + (NOT w0.is_working)::int + %(days)s
                     WHERE t.id = c.id
                    """,
                    table=SQL.identifier(table),
                    join=join,
                    days=days,
                )
            )
        # acknowledged, those that already were
        has_pending = column_exists(cr, table, "acknowledgement_pending")
        cr.execute(
            SQL(
                """
                UPDATE %(table)s
                   SET acknowledged_date = CASE WHEN %(emailed)s THEN create_date
                           ELSE COALESCE(accepted_date, replied_date, closed_date,
                                         write_date) END,
                       acknowledgement_method = CASE WHEN %(emailed)s
                           THEN 'email' END
                 WHERE acknowledged_date IS NULL
                   AND (is_closed OR stage_state IS DISTINCT FROM 'new'
                        OR %(emailed)s)
                """,
                table=SQL.identifier(table),
                emailed=SQL(
                    "(NULLIF(complainant_email, '') IS NOT NULL "
                    "AND acknowledgement_pending IS NOT TRUE)"
                    if has_pending
                    else "FALSE"
                ),
            )
        )

    def _prepare_acknowledgement_computation(self):
        cr = self.env.cr
        table = self._table
        # outside the working-day table: the ORM computes them
        cr.execute(
            SQL(
                "SELECT id FROM %s WHERE acknowledgement_deadline IS NULL "
                "AND received_date IS NOT NULL",
                SQL.identifier(table),
            )
        )
        missing = self.browse(row[0] for row in cr.fetchall())
        if missing:
            self.env.add_to_compute(self._fields["acknowledgement_deadline"], missing)
        # the clock runs on these: their next deadline and state change
        cr.execute(
            SQL(
                "SELECT id FROM %s WHERE acknowledged_date IS NULL "
                "AND is_closed IS NOT TRUE AND replied_date IS NULL",
                SQL.identifier(table),
            )
        )
        waiting = self.browse(row[0] for row in cr.fetchall())
        if waiting:
            for fname in (
                "deadline_fallback_years",
                "next_deadline",
                "deadline_clock",
                "deadline_state",
            ):
                self.env.add_to_compute(self._fields[fname], waiting)

    def init(self):
        res = super().init()
        # "To Acknowledge": the few complaints never acknowledged
        create_index(
            self.env.cr,
            "huatai_complaint_acknowledgement_due_index",
            self._table,
            ["acknowledgement_deadline"],
            where="acknowledged_date IS NULL",
        )
        return res

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if any(OPINION_FIELDS & set(vals) for vals in vals_list):
            self._check_compliance_user()
        complaints = super().create(vals_list)
        complaints._update_clock_pause()
        if not self.env.context.get("huatai_skip_routing"):
            complaints._apply_routing()
        complaints._assign_default_owner()
        complaints._escalate()
        return complaints

    def write(self, vals):
        if OPINION_FIELDS & set(vals):
            self._check_compliance_user()
        # a unit chosen in the same write is a decision by hand: kept
        routing_changes = ROUTING_INPUTS & set(vals)
        rerouting = None
        if (
            routing_changes
            and "handling_unit_id" not in vals
            and not self.env.context.get("huatai_skip_routing")
        ):
            rerouting = self._prepare_rerouting()
        res = super().write(vals)
        if "stage_id" in vals or "deadline_policy_override_id" in vals:
            self._update_clock_pause()
        if rerouting:
            self._reroute_after_change(rerouting, routing_changes)
        if "stage_id" in vals:
            self._assign_owner_on_acceptance()
        if ESCALATION_TRIGGERS & set(vals):
            self._escalate()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_route_again(self):
        """Apply the routing rules again, as if the complaints were new."""
        self.check_access("write")
        open_complaints = self.filtered(lambda c: not c.is_closed)
        open_complaints._apply_routing(reroute=True)
        return True

    def action_open_compliance_opinion_wizard(self):
        self.ensure_one()
        self._check_compliance_user()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Compliance Opinion"),
            "res_model": "huatai.complaint.compliance.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_id": self.id},
        }

    def action_request_compliance_review(self):
        """Send the complaint to the Compliance review stage."""
        self._move_to_state("compliance")

    def action_open_acknowledge_wizard(self):
        self.ensure_one()
        self._check_can_acknowledge()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Acknowledged"),
            "res_model": "huatai.complaint.acknowledge.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_id": self.id},
        }

    # ------------------------------------------------------------------
    # Acknowledgement of receipt (受理告知)
    # ------------------------------------------------------------------
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
    # Deadlines
    # ------------------------------------------------------------------
    @api.model
    def _workday_calendar(self):
        return self.env["huatai.workday"].sudo()._get_calendar()

    @api.model
    def _due_soon_days(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(DUE_SOON_PARAM, str(DEFAULT_DUE_SOON_DAYS))
        )
        try:
            return max(int(value), 0)
        except ValueError:
            return DEFAULT_DUE_SOON_DAYS

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

    def _deadline_explanation_lines(self, policies):
        self.ensure_one()
        policy = self.deadline_policy_id.sudo()
        lines = []
        if self.deadline_policy_override_id:
            lines.append(
                self.env._(
                    "Deadline policy %(policy)s was set on this complaint (by a "
                    "routing rule or by hand).",
                    policy=policy.display_name,
                )
            )
        elif policy:
            count = policies._select_for(self)[1]
            criteria = policy._criteria_labels()
            if criteria:
                lines.append(
                    self.env._(
                        "Deadline policy %(policy)s applies: it matches %(criteria)s "
                        "and is the most specific of the %(count)s matching "
                        "policies.",
                        policy=policy.display_name,
                        criteria=", ".join(criteria),
                        count=count,
                    )
                )
            else:
                lines.append(
                    self.env._(
                        "Deadline policy %(policy)s applies to all complaints and "
                        "no more specific policy matches this one.",
                        policy=policy.display_name,
                    )
                )
        else:
            lines.append(
                self.env._(
                    "No deadline policy matches: the default clocks apply "
                    "(%(acknowledgement)s, %(accept)s, %(reply)s and %(callback)s "
                    "working days).",
                    **{k.removesuffix("_days"): v for k, v in DEFAULT_DAYS.items()},
                )
            )
        if policy or not self.deadline_policy_override_id:
            lines.append(
                self.env._(
                    "Clocks: acknowledgement %(acknowledgement)s, decision to "
                    "accept %(accept)s, final reply %(reply)s, callback "
                    "%(callback)s working days.",
                    acknowledgement=self._policy_days("acknowledgement_days"),
                    accept=self._policy_days("accept_days"),
                    reply=self._policy_days("reply_days"),
                    callback=self._policy_days("callback_days"),
                )
            )
        acknowledgement = self._acknowledgement_explanation()
        if acknowledgement:
            lines.append(acknowledgement)
        if self.paused_days:
            lines.append(
                self.env._(
                    "The reply clock was paused for %(days)s working days: the "
                    "reply deadline moved by as many.",
                    days=self.paused_days,
                )
            )
        if self.clock_paused_since:
            lines.append(
                self.env._(
                    "The reply clock is paused since %(date)s.",
                    date=self.clock_paused_since,
                )
            )
        cap = self._regulator_cap()
        if cap and self.reply_deadline == cap:
            lines.append(
                self.env._(
                    "The reply deadline is the regulator's deadline %(date)s: it "
                    "is never later than that.",
                    date=cap,
                )
            )
        return lines

    def _acknowledgement_explanation(self):
        self.ensure_one()
        if self.acknowledged_date:
            methods = dict(
                self._fields["acknowledgement_method"]._description_selection(self.env)
            )
            return self.env._(
                "The complainant was told that the complaint was received on "
                "%(date)s (%(method)s).",
                date=china_date(self.acknowledged_date),
                method=methods.get(self.acknowledgement_method)
                or self.env._("how is not recorded"),
            )
        if self.replied_date:
            return self.env._(
                "The reply told the complainant that the complaint was received: "
                "no acknowledgement is owed any more."
            )
        if self.acknowledgement_deadline:
            return self.env._(
                "The complainant must be told by %(date)s that the complaint was "
                "received: the acknowledgement email does it for a complainant "
                "with an email address, else record with Acknowledged how you "
                "told them (phone, SMS, in person or letter).",
                date=self.acknowledgement_deadline,
            )
        return ""

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

    # ------------------------------------------------------------------
    # Scheduled job
    # ------------------------------------------------------------------
    @api.model
    def _cron_update_deadlines(self, alert_batch=ALERT_BATCH):
        """Refresh the deadline state of open complaints whose state the date
        moves, then alert owners and managers (a batch per run)."""
        self.env["huatai.workday"].sudo()._ensure_covered()
        self._refresh_deadline_states()
        done, remaining = self._send_deadline_alerts(limit=alert_batch)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _refresh_deadline_states(self, today=None):
        """Move the states that passing time changed: open complaints only,
        found through the indexed ``next_deadline``.

        The next deadline and its clock are kept up to date by the ORM; only
        the date moves here, so the new state is set in one statement (the
        same rule as ``_compute_deadline_state``).
        """
        today = today or china_today()
        soon = self._due_soon_limit(today)
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE huatai_complaint
               SET deadline_state = CASE WHEN next_deadline < %(today)s
                                         THEN 'overdue' ELSE 'due_soon' END
             WHERE is_closed IS NOT TRUE
               AND active
               AND next_deadline IS NOT NULL
               AND ((next_deadline < %(today)s
                     AND deadline_state IS DISTINCT FROM 'overdue')
                 OR (next_deadline <= %(soon)s
                     AND deadline_state IS DISTINCT FROM 'due_soon'
                     AND deadline_state IS DISTINCT FROM 'overdue'))
            RETURNING id
            """,
            {"today": today, "soon": soon},
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if ids:
            complaints = self.sudo().with_context(active_test=False).browse(ids)
            complaints.invalidate_recordset(["deadline_state"])
            complaints.modified(["deadline_state"])
        return len(ids)

    @api.model
    def _send_deadline_alerts(self, limit=ALERT_BATCH):
        """One activity for the owner when a clock first becomes due soon and
        when it becomes overdue; when overdue, the handling unit's manager is
        informed, and Retail Client Service HQ too for a major complaint.

        :return: (alerts sent, complaints still waiting for theirs)
        """
        self.env.flush_all()
        pending = SQL(
            """
            FROM huatai_complaint
           WHERE is_closed IS NOT TRUE
             AND active
             AND ((deadline_state = 'due_soon'
                   AND alert_due_soon_key IS DISTINCT FROM
                       deadline_clock || ':' || next_deadline::text)
               OR (deadline_state = 'overdue'
                   AND alert_overdue_key IS DISTINCT FROM
                       deadline_clock || ':' || next_deadline::text))
            """
        )
        self.env.cr.execute(SQL("SELECT id %s ORDER BY id LIMIT %s", pending, limit))
        ids = [row[0] for row in self.env.cr.fetchall()]
        if not ids:
            return 0, 0
        complaints = self.sudo().with_context(active_test=False).browse(ids)
        due_soon = complaints.filtered(lambda c: c.deadline_state == "due_soon")
        overdue = complaints - due_soon
        complaints._schedule_deadline_activities()
        overdue._inform_managers_overdue()
        self.env.cr.execute(
            """
            UPDATE huatai_complaint
               SET alert_due_soon_key = CASE WHEN deadline_state = 'due_soon'
                       THEN deadline_clock || ':' || next_deadline::text
                       ELSE alert_due_soon_key END,
                   alert_overdue_key = CASE WHEN deadline_state = 'overdue'
                       THEN deadline_clock || ':' || next_deadline::text
                       ELSE alert_overdue_key END
             WHERE id = ANY(%s)
            """,
            [ids],
        )
        complaints.invalidate_recordset(["alert_due_soon_key", "alert_overdue_key"])
        self.env.cr.execute(SQL("SELECT count(*) %s", pending))
        remaining = self.env.cr.fetchone()[0]
        return len(ids), remaining

    def _deadline_alert_recipient(self):
        """Who gets the deadline activity: the owner, else the handling
        unit's manager."""
        self.ensure_one()
        return self.user_id or self.handling_unit_id.manager_id

    def _schedule_deadline_activities(self):
        activity_type = self.env.ref(DEADLINE_ACTIVITY_XMLID, raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for complaint in self:
            user = complaint._deadline_alert_recipient()
            if not user or not user.active:
                continue
            env = complaint._env_in_lang(user)
            clocks = dict(
                complaint.with_env(env)
                ._fields["deadline_clock"]
                ._description_selection(env)
            )
            clock = clocks.get(complaint.deadline_clock, "")
            if complaint.deadline_state == "overdue":
                summary = env._(
                    "Overdue: %(clock)s was due on %(date)s",
                    clock=clock,
                    date=complaint.next_deadline,
                )
            else:
                summary = env._(
                    "Due soon: %(clock)s due on %(date)s",
                    clock=clock,
                    date=complaint.next_deadline,
                )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": complaint.id,
                    "user_id": user.id,
                    "activity_type_id": activity_type.id if activity_type else False,
                    "summary": summary,
                    "date_deadline": complaint.next_deadline,
                }
            )
        if vals_list:
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(vals_list)

    def _inform_managers_overdue(self):
        retail_hq = self.env.ref(RETAIL_HQ_XMLID, raise_if_not_found=False)
        hq_users = retail_hq.sudo()._get_notification_users() if retail_hq else None
        for complaint in self:
            users = complaint.handling_unit_id.sudo().manager_id
            if complaint.is_major and hq_users:
                users |= hq_users
            users = complaint._allowed_recipients(users - complaint.user_id)
            if not users:
                continue
            env = complaint._env_in_lang(users)
            clocks = dict(self._fields["deadline_clock"]._description_selection(env))
            body = env._(
                "Overdue: the %(clock)s deadline of %(ref)s was %(date)s (owner: "
                "%(owner)s, handling unit: %(unit)s).",
                clock=clocks.get(complaint.deadline_clock, ""),
                ref=complaint.name,
                date=complaint.next_deadline,
                owner=complaint.user_id.name or env._("nobody"),
                unit=complaint.handling_unit_id.display_name or "",
            )
            complaint.message_post(
                body=Markup("<p>%s</p>") % body,
                partner_ids=users.partner_id.ids,
                subtype_xmlid="mail.mt_note",
                message_type="comment",
            )

    def _env_in_lang(self, users):
        """An environment in the language of the first of ``users`` (when
        that language is installed), to write them in their language."""
        lang = users[:1].lang
        if not lang or not self.env["res.lang"]._get_data(code=lang):
            return self.env
        return self.with_context(lang=lang).env

    def _allowed_recipients(self, users):
        """The ``users`` who may learn about this complaint: for a
        whistleblowing report, Compliance only."""
        self.ensure_one()
        users = users.filtered("active")
        if self.is_confidential:
            users = users.filtered(
                lambda u: u.has_group("huatai_complaints.group_complaint_compliance")
            )
        return users

    # ------------------------------------------------------------------
    # Routing
    # ------------------------------------------------------------------
    def _apply_routing(self, reroute=False):
        """Route ``self`` by the active rules: one search per rule over the
        whole batch, the first matching rule wins.

        Complaints no rule matches stay with (on re-routing: go back to) the
        accepting unit.
        """
        if not self:
            return
        rules = self.env["huatai.complaint.routing.rule"].sudo().search([])
        matches, remaining = self._match_routing_rules(rules)
        loads = _Loads(self.env)
        for rule, matched in matches:
            matched._apply_routing_rule(rule, loads, reroute)
        if reroute and remaining:
            remaining._route_back_to_accepting_unit()

    def _match_routing_rules(self, rules):
        """The first of ``rules`` (in their order) each complaint matches:
        one search per rule over the whole batch.

        :return: ([(rule, complaints it matches first)], complaints no rule
            matches), as superuser
        """
        complaints = self.sudo().with_context(active_test=False)
        if not complaints or not rules:
            return [], complaints
        # one query for every rule (an intake is one complaint and a few
        # rules): each complaint with, per rule, whether it matches it, in
        # the complaints' order as a search per rule returned them
        column = SQL.identifier(complaints._table, "id")
        tests = [
            SQL(
                "%s IN %s",
                column,
                complaints._search(
                    [("id", "in", complaints.ids), *rule._get_condition_domain()]
                ).subselect(),
            )
            for rule in rules
        ]
        query = complaints._search(
            [("id", "in", complaints.ids)], order=complaints._order
        )
        rows = self.env.execute_query(
            query.select(column, SQL("ARRAY[%s]", SQL(", ").join(tests)))
        )
        remaining = complaints
        matches = []
        for index, rule in enumerate(rules):
            if not remaining:
                break
            remaining_ids = set(remaining._ids)
            matched = complaints.browse(
                complaint_id
                for complaint_id, flags in rows
                if flags[index] and complaint_id in remaining_ids
            )
            if matched:
                matches.append((rule, matched))
                remaining -= matched
        return matches, remaining

    def _first_routing_rules(self, rules):
        """{complaint id: the first of ``rules`` it matches}"""
        return {
            complaint_id: rule
            for rule, matched in self._match_routing_rules(rules)[0]
            for complaint_id in matched.ids
        }

    def _prepare_rerouting(self):
        """Before a write of what the routing rules look at: the open
        complaints, the active rules and the first rule each matches now."""
        complaints = self.filtered(lambda c: not c.is_closed)
        if not complaints:
            return None
        rules = self.env["huatai.complaint.routing.rule"].sudo().search([])
        if not rules:
            return None
        return complaints, rules, complaints._first_routing_rules(rules)

    def _reroute_after_change(self, rerouting, changed_fields):
        """Route again the complaints that a write made match an earlier rule
        than the one that routed them (or a rule, when none did).

        A complaint whose first matching rule is the one it matched before the
        write stays where it is: an unrelated edit never undoes a dispatch by
        hand. Later rules never take a complaint from an earlier one.
        """
        complaints, rules, before = rerouting
        complaints = complaints.sudo().filtered(lambda c: not c.is_closed)
        after = complaints._first_routing_rules(rules)
        by_rule = defaultdict(complaints.browse)
        for complaint in complaints:
            rule = after.get(complaint.id)
            if not rule or rule == before.get(complaint.id):
                continue
            current = complaint.routing_rule_id
            if current and (current.sequence, current.id) <= (rule.sequence, rule.id):
                continue
            by_rule[rule] |= complaint
        if not by_rule:
            return
        labels = ", ".join(
            self._fields[fname]._description_string(self.env)
            for fname in sorted(changed_fields)
            if fname in self._fields
        )
        loads = _Loads(self.env)
        for rule in rules:
            if rule not in by_rule:
                continue
            reason = self.env._(
                "Routed again by the rule %(rule)s, which the complaint matches "
                "since these fields changed: %(fields)s.",
                rule=rule.name,
                fields=labels,
            )
            by_rule[rule]._apply_routing_rule(rule, loads, True, reason=reason)

    def _apply_routing_rule(self, rule, loads, reroute, reason=None):
        vals = {"routing_rule_id": rule.id}
        if rule.handling_unit_id:
            vals["handling_unit_id"] = rule.handling_unit_id.id
        if rule.compliance_review:
            vals["compliance_review_requested"] = True
        if rule.owner_mode == "user":
            vals["user_id"] = rule.user_id.id
        policy_groups = defaultdict(lambda: self.browse())
        for complaint in self:
            policy = complaint.deadline_policy_override_id
            if (
                reroute
                and policy
                and policy == complaint.routing_rule_id.deadline_policy_id
            ):
                policy = self.env["huatai.deadline.policy"]  # set by the old rule
            policy_groups[rule.deadline_policy_id or policy] |= complaint
        if reroute:
            self._log_dispatches(rule.handling_unit_id, rule, reason=reason)
        for policy, complaints in policy_groups.items():
            complaints.write({**vals, "deadline_policy_override_id": policy.id})
        if rule.owner_mode == "least_loaded":
            by_user = defaultdict(lambda: self.browse())
            for complaint in self.sorted("id"):
                user = loads.pick(complaint.handling_unit_id)
                if user:
                    by_user[user] |= complaint
            for user, complaints in by_user.items():
                complaints.write({"user_id": user.id})
        partners = rule._follower_partners()
        if partners:
            public = self.filtered(lambda c: not c.is_confidential)
            public.message_subscribe(partner_ids=partners.ids)
            for complaint in self - public:
                allowed = complaint._allowed_recipients(partners.user_ids)
                if allowed:
                    complaint.message_subscribe(partner_ids=allowed.partner_id.ids)

    def _route_back_to_accepting_unit(self):
        for complaint in self:
            vals = {"routing_rule_id": False}
            if complaint.handling_unit_id != complaint.accepting_unit_id:
                complaint._log_dispatches(complaint.accepting_unit_id, False)
                vals["handling_unit_id"] = complaint.accepting_unit_id.id
                if complaint.user_id and (
                    complaint.user_id not in complaint.accepting_unit_id.member_ids
                ):
                    vals["user_id"] = False
            old_policy = complaint.routing_rule_id.deadline_policy_id
            if old_policy and complaint.deadline_policy_override_id == old_policy:
                vals["deadline_policy_override_id"] = False
            complaint.write(vals)

    def _log_dispatches(self, unit, rule, reason=None):
        """Re-routing hands the complaints over: keep it in their history.

        With a ``reason``, every complaint of ``self`` gets it as a note, the
        ones that stay with their unit too.
        """
        moving = self.filtered(lambda c: unit and c.handling_unit_id != unit)
        noted = self if reason else moving
        if not noted:
            return
        reason = reason or (
            self.env._("Routed again by the rule %(rule)s.", rule=rule.name)
            if rule
            else self.env._(
                "Routed again: no rule matches, back to the accepting unit."
            )
        )
        self.env["huatai.complaint.dispatch"].sudo().create(
            [
                {
                    "complaint_id": complaint.id,
                    "from_unit_id": complaint.handling_unit_id.id,
                    "to_unit_id": unit.id,
                    "from_user_id": complaint.user_id.id,
                    "reason": reason,
                }
                for complaint in moving
            ]
        )
        for complaint in noted:
            complaint.message_post(
                body=Markup("<p>%s</p>") % reason, subtype_xmlid="mail.mt_note"
            )

    # ------------------------------------------------------------------
    # Owner
    # ------------------------------------------------------------------
    def _assign_default_owner(self):
        """New complaints that no routing rule gave an owner: the staff
        member who registered one in their own unit owns it (if they work
        in the handling unit); complaints registered as accepted get the
        owner of an accepted one. Remote intakes (email, web form) have no
        registering staff member: they wait for their acceptance."""
        complaints = self.sudo()
        owners = defaultdict(complaints.browse)
        unowned = complaints.browse()
        for complaint in complaints.filtered(lambda c: not c.user_id):
            registrant = complaint.accepting_user_id
            if (
                registrant.active
                and not registrant.share
                and complaint.accepting_unit_id in registrant.huatai_unit_ids
                and _works_under(registrant, complaint.handling_unit_id)
                and complaint._allowed_recipients(registrant)
            ):
                owners[registrant] |= complaint
            else:
                unowned |= complaint
        for user, owned in owners.items():
            owned.write({"user_id": user.id})
        unowned._assign_owner_on_acceptance()

    def _assign_owner_on_acceptance(self):
        """Complaints accepted without an owner: the user accepting them owns
        them when they work in the handling unit or below it, else the
        handling unit's manager does."""
        user = self.env.user
        complaints = self.sudo()
        owners = defaultdict(complaints.browse)
        for complaint in complaints:
            if complaint.user_id or complaint.stage_state != "accepted":
                continue
            unit = complaint.handling_unit_id
            owner = (
                user if not user.share and _works_under(user, unit) else unit.manager_id
            )
            owner = complaint._allowed_recipients(owner)
            if owner:
                owners[owner] |= complaint
        for owner, owned in owners.items():
            owned.write({"user_id": owner.id})

    # ------------------------------------------------------------------
    # Escalation and the compliance gate
    # ------------------------------------------------------------------
    def _check_compliance_user(self):
        if self.env.su or self.env.user.has_group(COMPLIANCE_GROUP):
            return
        raise UserError(
            self.env._(
                "Only Compliance can give the compliance opinion on a complaint."
            )
        )

    def _give_compliance_opinion(self, opinion):
        """Record the opinion of the current (Compliance) user."""
        self._check_compliance_user()
        if not (opinion or "").strip():
            raise UserError(self.env._("Write the opinion of Compliance."))
        self.check_access("write")
        self._as_workflow().write(
            {
                "compliance_opinion": opinion,
                "compliance_opinion_user_id": self.env.user.id,
                "compliance_opinion_date": fields.Datetime.now(),
            }
        )

    def _check_stage_requirements(self):
        res = super()._check_stage_requirements()
        for complaint in self:
            if (
                complaint.stage_state in GATED_STATES
                and complaint.compliance_required
                and not complaint.compliance_opinion_date
            ):
                raise UserError(
                    self.env._(
                        "%(ref)s cannot move to %(stage)s before Compliance gives "
                        "its opinion: it is %(reasons)s.",
                        ref=complaint.name,
                        stage=complaint.stage_id.name,
                        reasons=", ".join(complaint._compliance_reasons()),
                    )
                )
        return res

    def _compliance_reasons(self):
        self.ensure_one()
        reasons = [
            self._fields[flag]._description_string(self.env)
            for flag in SEVERITY_FLAGS
            if self[flag]
        ]
        if self.compliance_review_requested:
            reasons.append(
                self._fields["compliance_review_requested"]._description_string(
                    self.env
                )
            )
        return reasons

    def _escalate(self):
        """Inform Retail Client Service HQ of complaints that need Compliance,
        ask Compliance for its opinion, and bring the Institutional Client
        Service HQ into media-related ones: once per complaint."""
        to_escalate = self.filtered(
            lambda c: (
                c.compliance_required and not c.escalation_notified and not c.is_closed
            )
        )
        media = self.filtered(
            lambda c: c.is_media and not c.media_escalated and not c.is_closed
        )
        if not to_escalate and not media:
            return
        retail_hq = self.env.ref(RETAIL_HQ_XMLID, raise_if_not_found=False)
        compliance = self.env.ref(COMPLIANCE_UNIT_XMLID, raise_if_not_found=False)
        for complaint in to_escalate.sudo():
            hq_users = retail_hq._get_notification_users() if retail_hq else None
            users = complaint._allowed_recipients(hq_users or self.env["res.users"])
            if users:
                env = complaint._env_in_lang(users)
                body = env._(
                    "%(ref)s needs the opinion of Compliance (%(reasons)s): "
                    "Retail Client Service HQ is informed.",
                    ref=complaint.name,
                    reasons=", ".join(complaint.with_env(env)._compliance_reasons()),
                )
                complaint.message_post(
                    body=Markup("<p>%s</p>") % body,
                    partner_ids=users.partner_id.ids,
                    subtype_xmlid="mail.mt_note",
                    message_type="comment",
                )
            reviewer = compliance and complaint._unit_contact(compliance)
            if reviewer:
                complaint._schedule_unit_activity(
                    OPINION_ACTIVITY_XMLID,
                    reviewer,
                    lambda env, c: env._("Compliance opinion on %(ref)s", ref=c.name),
                )
        if to_escalate:
            to_escalate.sudo().write({"escalation_notified": True})
        institutional = self.env.ref(INSTITUTIONAL_HQ_XMLID, raise_if_not_found=False)
        for complaint in media.sudo():
            if not institutional:
                break
            users = complaint._allowed_recipients(
                institutional._get_notification_users()
            )
            if users:
                complaint.message_subscribe(partner_ids=users.partner_id.ids)
            coordinator = complaint._unit_contact(institutional)
            if coordinator:
                complaint._schedule_unit_activity(
                    MEDIA_ACTIVITY_XMLID,
                    coordinator,
                    lambda env, c: env._(
                        "Coordinate the media-related complaint %(ref)s and draft "
                        "its reply",
                        ref=c.name,
                    ),
                )
        if media:
            media.sudo().write({"media_escalated": True})

    def _unit_contact(self, unit):
        """The person of ``unit`` who gets its activities: its manager, else
        its first member — if allowed to know about this complaint."""
        self.ensure_one()
        users = unit.sudo().manager_id or unit.sudo().member_ids[:1]
        return self._allowed_recipients(users)[:1]

    def _schedule_unit_activity(self, activity_xmlid, user, summary):
        self.ensure_one()
        activity_type = self.env.ref(activity_xmlid, raise_if_not_found=False)
        env = self._env_in_lang(user)
        self.sudo().activity_schedule(
            act_type_xmlid=activity_xmlid
            if activity_type
            else "mail.mail_activity_data_todo",
            summary=summary(env, self),
            user_id=user.id,
        )


def _works_under(user, unit):
    """Whether ``user`` works in ``unit`` or one of the units below it."""
    if not unit:
        return False
    prefix = unit.sudo().parent_path
    return any(
        (mine.parent_path or "").startswith(prefix)
        for mine in user.sudo().huatai_unit_ids
    )


class _Loads:
    """Open complaints per user, counted once per unit and kept up to date
    while a batch is assigned (least-loaded assignment)."""

    def __init__(self, env):
        self.env = env
        self.counts = {}
        self.members = {}

    def pick(self, unit):
        if not unit:
            return None
        if unit.id not in self.members:
            members = unit.sudo().member_ids.filtered(
                lambda u: u.active and not u.share
            )
            if not members and unit.manager_id.active:
                members = unit.sudo().manager_id
            self.members[unit.id] = members
            missing = [u.id for u in members if u.id not in self.counts]
            if missing:
                groups = (
                    self.env["huatai.complaint"]
                    .sudo()
                    ._read_group(
                        [("user_id", "in", missing), ("is_closed", "=", False)],
                        ["user_id"],
                        ["__count"],
                    )
                )
                found = {user.id: count for user, count in groups}
                for user_id in missing:
                    self.counts[user_id] = found.get(user_id, 0)
        members = self.members[unit.id]
        if not members:
            return None
        user = min(members, key=lambda u: (self.counts[u.id], u.id))
        self.counts[user.id] += 1
        return user
