from contextlib import contextmanager

from odoo import api, fields, models, tools
from odoo.tools import SQL

from odoo.addons.huatai_complaints.models.huatai_complaint import (
    CHANNELS,
    REGULATOR_AUTHORITIES,
)
from odoo.addons.huatai_complaints.models.huatai_complaint_stage import STAGE_STATES

from . import database_objects, report_month_totals, report_statistics
from .complaint_facts import china_today
from .database_objects import FACT_TABLE
from .report_statistics import DEFAULT_STAT_GROUPBY

AGGREGATION_WORK_MEM = "128MB"


class HuataiComplaintReport(models.Model):
    """Complaint analysis: one row per complaint, read-only SQL view.

    Units roll up to their branch company and company; durations are counted
    in working days; deadline columns say whether each clock was met.
    Access follows the complaint record rules (mirrored on this model).
    """

    _name = "huatai.complaint.report"
    _description = "Complaint Analysis"
    _auto = False
    _rec_name = "name"
    _order = "received_date desc, id desc"
    _depends = {
        "huatai.complaint": [
            "name",
            "active",
            "received_date",
            "channel",
            "category_id",
            "is_confidential",
            "accepting_unit_id",
            "handling_unit_id",
            "user_id",
            "stage_id",
            "stage_state",
            "is_closed",
            "is_major",
            "is_group",
            "is_difficult",
            "is_media",
            "is_judicial",
            "is_compensation",
            "compensation_amount",
            "outcome",
            "compensation_paid",
            "regulator_authority",
            "regulator_deadline",
            "accepted_date",
            "accept_deadline",
            "replied_date",
            "reply_deadline",
            "callback_deadline",
            "closed_date",
            "deadline_state",
            "callback_attempt_count",
            "callback_result",
            "returned_after_callback",
            "survey_state",
            "satisfaction_score",
        ],
        "huatai.complaint.callback": ["date", "complaint_id"],
        "huatai.org.unit": ["kind", "parent_path", "branch_id"],
        "huatai.complaint.category": ["parent_path"],
    }

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(string="Reference", readonly=True)
    complaint_id = fields.Many2one("huatai.complaint", readonly=True)
    active = fields.Boolean(readonly=True)
    received_date = fields.Datetime(string="Received On", readonly=True)
    received_month = fields.Date(
        readonly=True, help="First day of the month the complaint was received."
    )
    received_day = fields.Date(
        readonly=True, help="The day the complaint was received (China time)."
    )
    channel = fields.Selection(CHANNELS, readonly=True)
    category_id = fields.Many2one(
        "huatai.complaint.category", string="Complaint Type", readonly=True
    )
    category_root_id = fields.Many2one(
        "huatai.complaint.category",
        string="Main Complaint Type",
        readonly=True,
        help="The top-level type the complaint type belongs to.",
    )
    is_confidential = fields.Boolean(string="Whistleblowing", readonly=True)
    # organisation
    accepting_unit_id = fields.Many2one("huatai.org.unit", readonly=True)
    accepting_unit_kind = fields.Selection(
        [
            ("company", "Company HQ"),
            ("department", "HQ Department"),
            ("branch", "Branch Company"),
            ("sales_department", "Sales Department"),
        ],
        string="Accepting Unit Level",
        readonly=True,
    )
    accepting_branch_id = fields.Many2one(
        "huatai.org.unit", string="Accepting Branch Company", readonly=True
    )
    accepting_company_id = fields.Many2one("huatai.org.unit", readonly=True)
    handling_unit_id = fields.Many2one("huatai.org.unit", readonly=True)
    handling_branch_id = fields.Many2one(
        "huatai.org.unit", string="Handling Branch Company", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Owner", readonly=True)
    # stage
    stage_id = fields.Many2one("huatai.complaint.stage", readonly=True)
    stage_state = fields.Selection(STAGE_STATES, string="Stage Meaning", readonly=True)
    is_closed = fields.Boolean(string="Finished", readonly=True)
    # severity
    is_major = fields.Boolean(string="Major", readonly=True)
    is_group = fields.Boolean(string="Group Complaint", readonly=True)
    is_difficult = fields.Boolean(string="Difficult", readonly=True)
    is_media = fields.Boolean(string="Media-related", readonly=True)
    is_judicial = fields.Boolean(string="Judicial", readonly=True)
    is_compensation = fields.Boolean(string="Compensation Requested", readonly=True)
    is_regulator = fields.Boolean(string="Forwarded by Regulator", readonly=True)
    is_transferred = fields.Boolean(
        string="Dispatched",
        readonly=True,
        help="Handled by another unit than the one that accepted it.",
    )
    regulator_authority = fields.Selection(
        REGULATOR_AUTHORITIES, string="Forwarding Authority", readonly=True
    )
    compensation_amount = fields.Float(string="Compensation Claimed", readonly=True)
    # the outcome (issue 15)
    outcome = fields.Selection(
        [
            ("founded", "Founded"),
            ("partly_founded", "Partly Founded"),
            ("unfounded", "Unfounded"),
        ],
        string="Complaint Outcome",
        readonly=True,
    )
    compensation_paid = fields.Float(readonly=True)
    # dates and deadlines
    accepted_date = fields.Datetime(string="Accepted On", readonly=True)
    replied_date = fields.Datetime(string="Replied On", readonly=True)
    closed_date = fields.Datetime(string="Finished On", readonly=True)
    accept_deadline = fields.Date(string="Acceptance Deadline", readonly=True)
    reply_deadline = fields.Date(readonly=True)
    callback_deadline = fields.Date(readonly=True)
    regulator_deadline = fields.Date(readonly=True)
    deadline_state = fields.Selection(
        [
            ("on_track", "On Track"),
            ("due_soon", "Due Soon"),
            ("overdue", "Overdue"),
        ],
        readonly=True,
    )
    # measures
    nbr_complaints = fields.Integer(string="Complaints", readonly=True)
    nbr_open = fields.Integer(string="Open", readonly=True)
    nbr_accepted = fields.Integer(string="Accepted", readonly=True)
    nbr_replied = fields.Integer(string="Replied", readonly=True)
    nbr_closed = fields.Integer(string="Closed", readonly=True)
    nbr_rejected = fields.Integer(string="Rejected", readonly=True)
    nbr_overdue = fields.Integer(string="Overdue", readonly=True)
    nbr_major = fields.Integer(string="Major Complaints", readonly=True)
    nbr_group = fields.Integer(string="Group Complaints", readonly=True)
    nbr_difficult = fields.Integer(string="Difficult Complaints", readonly=True)
    nbr_media = fields.Integer(string="Media-related Complaints", readonly=True)
    nbr_judicial = fields.Integer(string="Judicial Complaints", readonly=True)
    nbr_compensation = fields.Integer(
        string="Complaints Claiming Compensation", readonly=True
    )
    nbr_regulator = fields.Integer(string="Regulator-forwarded", readonly=True)
    nbr_transferred = fields.Integer(string="Dispatched Complaints", readonly=True)
    nbr_founded = fields.Integer(string="Founded Complaints", readonly=True)
    nbr_partly_founded = fields.Integer(
        string="Partly Founded Complaints", readonly=True
    )
    nbr_unfounded = fields.Integer(string="Unfounded Complaints", readonly=True)
    days_to_accept = fields.Float(
        string="Working Days to Accept",
        aggregator="avg",
        readonly=True,
        digits=(16, 1),
    )
    days_to_reply = fields.Float(
        string="Working Days to Reply",
        aggregator="avg",
        readonly=True,
        digits=(16, 1),
    )
    days_to_close = fields.Float(
        string="Working Days to Close",
        aggregator="avg",
        readonly=True,
        digits=(16, 1),
    )
    accept_met = fields.Integer(string="Accepted in Time", readonly=True)
    accept_missed = fields.Integer(string="Acceptance Deadline Missed", readonly=True)
    reply_met = fields.Integer(string="Replied in Time", readonly=True)
    reply_missed = fields.Integer(string="Reply Deadline Missed", readonly=True)
    regulator_met = fields.Integer(string="Regulator Deadline Met", readonly=True)
    regulator_missed = fields.Integer(string="Regulator Deadline Missed", readonly=True)
    accept_rate = fields.Float(
        string="Accepted in Time (%)",
        aggregator="avg",
        readonly=True,
        digits=(16, 1),
        help="100 when the acceptance decision was taken by its deadline, 0 "
        "when it was late or is overdue; empty while not yet due.",
    )
    reply_rate = fields.Float(
        string="Replied in Time (%)",
        aggregator="avg",
        readonly=True,
        digits=(16, 1),
        help="100 when the reply was given by its deadline, 0 when it was "
        "late or is overdue; empty while not yet due.",
    )
    regulator_rate = fields.Float(
        string="Regulator Deadline Met (%)",
        aggregator="avg",
        readonly=True,
        digits=(16, 1),
    )
    # callbacks (回访) and satisfaction
    nbr_callbacks = fields.Integer(string="Called Back", readonly=True)
    nbr_reached = fields.Integer(string="Client Reached", readonly=True)
    nbr_satisfied = fields.Integer(string="Satisfied", readonly=True)
    nbr_surveyed = fields.Integer(string="Surveys Answered", readonly=True)
    nbr_returned_after_callback = fields.Integer(
        string="Returned after Dissatisfied Callback", readonly=True
    )
    callback_result = fields.Selection(
        [
            ("satisfied", "Reached, satisfied"),
            ("dissatisfied", "Reached, not satisfied"),
            ("unreached", "Not reached"),
        ],
        string="Callback Outcome",
        readonly=True,
    )
    callback_met = fields.Integer(string="Called Back in Time", readonly=True)
    callback_missed = fields.Integer(string="Callback Deadline Missed", readonly=True)
    callback_rate = fields.Float(
        string="Called Back in Time (%)",
        aggregator="avg",
        readonly=True,
        digits=(16, 1),
    )
    satisfied_rate = fields.Float(
        string="Satisfaction Rate (%)",
        aggregator="avg",
        readonly=True,
        digits=(16, 1),
        help="Share of the clients reached at the callback who were satisfied.",
    )
    satisfaction_score = fields.Float(
        string="Survey Score",
        aggregator="avg",
        readonly=True,
        digits=(16, 2),
        help="The 1-5 score of the satisfaction survey, when answered.",
    )

    # ------------------------------------------------------------------
    # SQL: the view over the fact table
    # ------------------------------------------------------------------
    def init(self):
        # the fact table, the monthly totals and their triggers first: the
        # view reads the fact table; it adds what depends on today's date or
        # on the organisation tree
        tools.drop_view_if_exists(self.env.cr, self._table)
        database_objects.install(self.env)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._view_query(),
            )
        )

    def _view_query(self):
        today = china_today()

        def missed(late, due):
            return f"(f.{late} + CASE WHEN f.{due} < {today} THEN 1 ELSE 0 END)"

        accept_missed = missed("accept_late", "accept_due")
        reply_missed = missed("reply_late", "reply_due")
        regulator_missed = missed("regulator_late", "regulator_due")
        callback_missed = missed("callback_late", "callback_due")

        def rate(met, missed_expr):
            return (
                f"CASE WHEN f.{met} = 1 THEN 100.0 WHEN {missed_expr} > 0 THEN 0.0 END"
            )

        return SQL(
            f"""
            SELECT
                f.id AS id,
                f.id AS complaint_id,
                c.name AS name,
                f.active AS active,
                f.received_date AS received_date,
                f.received_day AS received_day,
                f.channel AS channel,
                f.category_id AS category_id,
                split_part(cat.parent_path, '/', 1)::integer AS category_root_id,
                f.is_confidential AS is_confidential,
                f.accepting_unit_id AS accepting_unit_id,
                au.kind AS accepting_unit_kind,
                au.branch_id AS accepting_branch_id,
                split_part(au.parent_path, '/', 1)::integer AS accepting_company_id,
                f.handling_unit_id AS handling_unit_id,
                hu.branch_id AS handling_branch_id,
                f.user_id AS user_id,
                f.stage_id AS stage_id,
                f.stage_state AS stage_state,
                f.is_closed AS is_closed,
                f.nbr_major = 1 AS is_major,
                f.nbr_group = 1 AS is_group,
                f.nbr_difficult = 1 AS is_difficult,
                f.nbr_media = 1 AS is_media,
                f.nbr_judicial = 1 AS is_judicial,
                f.nbr_compensation = 1 AS is_compensation,
                f.nbr_regulator = 1 AS is_regulator,
                f.nbr_transferred = 1 AS is_transferred,
                f.regulator_authority AS regulator_authority,
                f.compensation_amount AS compensation_amount,
                f.outcome AS outcome,
                f.compensation_paid AS compensation_paid,
                c.accepted_date AS accepted_date,
                c.replied_date AS replied_date,
                c.closed_date AS closed_date,
                f.accept_deadline AS accept_deadline,
                f.reply_deadline AS reply_deadline,
                f.callback_deadline AS callback_deadline,
                f.regulator_deadline AS regulator_deadline,
                f.deadline_state AS deadline_state,
                f.received_month AS received_month,
                1 AS nbr_complaints,
                f.nbr_open AS nbr_open,
                f.nbr_accepted AS nbr_accepted,
                f.nbr_replied AS nbr_replied,
                f.nbr_closed AS nbr_closed,
                f.nbr_rejected AS nbr_rejected,
                f.nbr_overdue AS nbr_overdue,
                f.nbr_major AS nbr_major,
                f.nbr_group AS nbr_group,
                f.nbr_difficult AS nbr_difficult,
                f.nbr_media AS nbr_media,
                f.nbr_judicial AS nbr_judicial,
                f.nbr_compensation AS nbr_compensation,
                f.nbr_regulator AS nbr_regulator,
                f.nbr_transferred AS nbr_transferred,
                f.nbr_founded AS nbr_founded,
                f.nbr_partly_founded AS nbr_partly_founded,
                f.nbr_unfounded AS nbr_unfounded,
                f.days_to_accept AS days_to_accept,
                f.days_to_reply AS days_to_reply,
                f.days_to_close AS days_to_close,
                f.accept_met AS accept_met,
                {accept_missed} AS accept_missed,
                {rate("accept_met", accept_missed)} AS accept_rate,
                f.reply_met AS reply_met,
                {reply_missed} AS reply_missed,
                {rate("reply_met", reply_missed)} AS reply_rate,
                f.regulator_met AS regulator_met,
                {regulator_missed} AS regulator_missed,
                {rate("regulator_met", regulator_missed)} AS regulator_rate,
                f.nbr_callbacks AS nbr_callbacks,
                f.nbr_reached AS nbr_reached,
                f.nbr_satisfied AS nbr_satisfied,
                f.nbr_surveyed AS nbr_surveyed,
                f.nbr_returned_after_callback AS nbr_returned_after_callback,
                f.callback_result AS callback_result,
                f.callback_met AS callback_met,
                {callback_missed} AS callback_missed,
                {rate("callback_met", callback_missed)} AS callback_rate,
                CASE WHEN f.nbr_reached = 1 THEN f.nbr_satisfied * 100.0 END
                    AS satisfied_rate,
                f.satisfaction_score AS satisfaction_score
            FROM {FACT_TABLE} f
            LEFT JOIN huatai_complaint c ON c.id = f.id
            LEFT JOIN huatai_complaint_category cat ON cat.id = f.category_id
            LEFT JOIN huatai_org_unit au ON au.id = f.accepting_unit_id
            LEFT JOIN huatai_org_unit hu ON hu.id = f.handling_unit_id
            """
        )

    # ------------------------------------------------------------------
    # Statistics (report_statistics)
    # ------------------------------------------------------------------
    @api.model
    def _get_statistics(
        self,
        date_from,
        date_to,
        period="month",
        unit_ids=None,
        groupby=DEFAULT_STAT_GROUPBY,
        domain=None,
    ):
        """Periodic complaint statistics, aggregated in SQL: see
        :func:`report_statistics.get_statistics`."""
        return report_statistics.get_statistics(
            self, date_from, date_to, period, unit_ids, groupby, domain
        )

    @api.model
    def _monthly_totals_answer(
        self, date_from, date_to, period, groupby, domain, unit_ids=None
    ):
        """Whether the monthly totals give these statistics exactly."""
        return report_month_totals.monthly_totals_answer(
            self, date_from, date_to, period, groupby, domain, unit_ids
        )

    @api.model
    def _statistics_from_months(self, date_from, date_to, period, groupby):
        """The statistics read from the monthly totals (when
        :meth:`_monthly_totals_answer`)."""
        return report_month_totals.statistics_from_months(
            self, date_from, date_to, period, groupby
        )

    @api.model
    def _month_deltas_pending(self):
        """Whether changes wait in the deltas of the monthly totals (their
        fold is then asked for)."""
        return report_month_totals.month_deltas_pending(self)

    @api.model
    def _cron_fold_monthly_totals(self):
        """Fold the deltas of the monthly totals into them: the number of
        totals rows written, 0 when another fold holds the lock (its deltas
        are taken by it)."""
        self.env.cr.execute("SELECT huatai_complaint_report_month_fold()")
        return self.env.cr.fetchone()[0]

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), *args, **kwargs):
        # pivots, graphs and dashboards aggregate up to millions of rows
        with self._aggregation_settings():
            return super()._read_group(domain, groupby, aggregates, *args, **kwargs)

    @contextmanager
    def _aggregation_settings(self):
        """Planner settings for one big aggregation, restored afterwards.

        JIT compilation costs more than it saves on these queries, and the
        hash aggregation of a million rows needs more than the default 4 MB.
        """
        cr = self.env.cr
        cr.execute(
            "SELECT current_setting('jit'), current_setting('work_mem'), "
            "set_config('jit', 'off', true), set_config('work_mem', %s, true)",
            [AGGREGATION_WORK_MEM],
        )
        jit, work_mem = cr.fetchone()[:2]
        # on error the transaction (or savepoint) is rolled back, settings too
        yield
        cr.execute(
            "SELECT set_config('jit', %s, true), set_config('work_mem', %s, true)",
            [jit, work_mem],
        )
