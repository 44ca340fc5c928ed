import hashlib
import json
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from itertools import repeat

import pytz

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, sql

from odoo.addons.huatai_complaints.models.huatai_complaint import (
    CHANNELS,
    REGULATOR_AUTHORITIES,
)
from odoo.addons.huatai_complaints.models.huatai_complaint_stage import STAGE_STATES

# The firm's working days and its regulator's calendar are Chinese: report
# days (received day, deadlines met...) are counted in China Standard Time.
REPORT_TZ = "Asia/Shanghai"
REPORT_UTC_OFFSET = 8
FACT_TABLE = "huatai_complaint_report_fact"
# bump when the fact table changes in a way its columns do not show
FACT_VERSION = 4
AGGREGATION_WORK_MEM = "128MB"
# what the figures read beside the complaint row "c": its first callback
CALLBACK_JOIN = (
    "LEFT JOIN LATERAL (SELECT MIN(date) AS first_date "
    "FROM huatai_complaint_callback WHERE complaint_id = c.id) cb ON TRUE"
)
# ... and the working-day rows of its received, accepted, replied and closed
# days (joined once per statement rather than looked up per figure)
WORKDAY_JOINS = {
    "w_rec": "c.received_date",
    "w_acc": "c.accepted_date",
    "w_rep": "c.replied_date",
    "w_clo": "c.closed_date",
}
# Monthly totals of the fact rows, kept by triggers on the fact table: what
# firm-wide statistics read instead of a million fact rows. Keyed by what
# the HQ and Compliance record rules and the statistics' dimensions need
# (not the handling unit: a unit subtree, reached through accepting or
# handling units, is read from its fact rows); the deadlines still running
# (missed once past due, which depends on today) are counted from the open
# complaints' fact rows.
MONTH_TABLE = "huatai_complaint_report_month"
# The triggers never update a row of the monthly totals in the complaint's
# transaction (concurrent intakes of one unit and month would contend on it
# and fail to serialize): they append the changes to this table, with the
# totals' columns and no index (INSERT only, no lock shared with another
# transaction). ``huatai_complaint_report_month_fold()`` (a job every minute)
# adds them into the totals and deletes them; readers add the deltas not yet
# folded to the totals, so the figures are exact at any time.
MONTH_DELTA_TABLE = "huatai_complaint_report_month_delta"
# the fold's transaction-level advisory lock: one fold at a time
MONTH_FOLD_LOCK = 720_110_612
MONTH_KEYS = [
    ("received_month", "date NOT NULL", "f.received_month"),
    ("accepting_unit_id", "integer NOT NULL", "f.accepting_unit_id"),
    ("category_id", "integer NOT NULL", "f.category_id"),
    ("is_confidential", "boolean NOT NULL", "f.is_confidential"),
    ("active", "boolean NOT NULL", "f.active"),
]
MONTH_SUMS = [
    ("nbr_complaints", "integer", "1"),
    *(
        (name, "integer", f"f.{name}")
        for name in (
            "nbr_open",
            "nbr_overdue",
            "nbr_accepted",
            "nbr_replied",
            "nbr_closed",
            "nbr_rejected",
            "nbr_major",
            "nbr_group",
            "nbr_difficult",
            "nbr_media",
            "nbr_judicial",
            "nbr_compensation",
            "nbr_regulator",
            "nbr_transferred",
            "nbr_callbacks",
            "nbr_reached",
            "nbr_satisfied",
            "nbr_surveyed",
            "accept_met",
            "accept_late",
            "reply_met",
            "reply_late",
            "regulator_met",
            "regulator_late",
            "callback_met",
            "callback_late",
        )
    ),
    *(
        item
        for name in ("days_to_accept", "days_to_reply", "days_to_close")
        for item in (
            (f"{name}_sum", "integer", f"COALESCE(f.{name}, 0)"),
            (f"{name}_n", "integer", f"CASE WHEN f.{name} IS NULL THEN 0 ELSE 1 END"),
        )
    ),
    ("satisfaction_sum", "numeric", "COALESCE(f.satisfaction_score, 0)"),
    (
        "satisfaction_n",
        "integer",
        "CASE WHEN f.satisfaction_score IS NULL THEN 0 ELSE 1 END",
    ),
    ("compensation_amount", "numeric", "COALESCE(f.compensation_amount, 0)"),
]
# deadlines still running, past due today: from the fact rows
MONTH_RUNNING = ("accept", "reply", "regulator", "callback")
# statistics the monthly totals can answer: dimension -> SQL over them
MONTH_DIMENSIONS = {
    "accepting_unit_id": "u.accepting_unit_id",
    "accepting_branch_id": "au.branch_id",
    "category_id": "u.category_id",
    "category_root_id": "split_part(cat.parent_path, '/', 1)::integer",
}


def hundredths(numerator, denominator):
    """SQL of ``ROUND(numerator / denominator, 2)::float8`` for integers >= 0.

    Rounded half up like ``ROUND`` on numerics, in integer arithmetic: the
    same figures, without a numeric division per cell of large statistics.
    ``NULL`` when the denominator is 0.
    """
    return (
        f"((200::bigint * ({numerator}) + ({denominator})) / "
        f"NULLIF(2::bigint * ({denominator}), 0))::float8 / 100"
    )


def month_measures(total):
    """Statistics measures over the monthly totals: name -> SQL.

    ``total(column)`` gives the SQL of a column's total: ``SUM(column)``
    when the totals are grouped further, the column itself when one row of
    totals is one row of statistics.
    """
    measures = {"count": total("nbr_complaints")}
    for key, column in (
        ("open", "nbr_open"),
        ("accepted", "nbr_accepted"),
        ("replied", "nbr_replied"),
        ("closed", "nbr_closed"),
        ("rejected", "nbr_rejected"),
        ("overdue", "nbr_overdue"),
        ("major", "nbr_major"),
        ("group", "nbr_group"),
        ("difficult", "nbr_difficult"),
        ("media", "nbr_media"),
        ("judicial", "nbr_judicial"),
        ("compensation", "nbr_compensation"),
        ("regulator", "nbr_regulator"),
        ("transferred", "nbr_transferred"),
        ("callbacks", "nbr_callbacks"),
        ("reached", "nbr_reached"),
        ("satisfied", "nbr_satisfied"),
        ("surveyed", "nbr_surveyed"),
    ):
        measures[key] = total(column)
    measures["compensation_amount"] = (
        f"COALESCE({total('compensation_amount')}, 0)::float8"
    )
    for key in MONTH_RUNNING:
        missed = f"({total(f'{key}_late')} + {total(f'{key}_run')})"
        measures[f"{key}_met"] = total(f"{key}_met")
        measures[f"{key}_missed"] = missed
        measures[f"{key}_rate"] = hundredths(
            f"100 * {total(f'{key}_met')}", f"{total(f'{key}_met')} + {missed}"
        )
    for name in ("days_to_accept", "days_to_reply", "days_to_close"):
        measures[name] = hundredths(total(f"{name}_sum"), total(f"{name}_n"))
    measures["satisfaction_score"] = (
        f"ROUND({total('satisfaction_sum')}::numeric / "
        f"NULLIF({total('satisfaction_n')}, 0), 2)::float8"
    )
    measures["satisfaction_rate"] = hundredths(
        f"100 * {total('nbr_satisfied')}", total("nbr_reached")
    )
    return measures


HQ_GROUP = "huatai_complaints.group_complaint_hq"
COMPLIANCE_GROUP = "huatai_complaints.group_complaint_compliance"

PERIODS = ("day", "week", "month", "quarter", "year")

# dimensions _get_statistics() can group by, with the view column behind each
STAT_DIMENSIONS = {
    "accepting_unit_id": "accepting_unit_id",
    "accepting_branch_id": "accepting_branch_id",
    "handling_unit_id": "handling_unit_id",
    "handling_branch_id": "handling_branch_id",
    "category_id": "category_id",
    "category_root_id": "category_root_id",
    "channel": "channel",
    "stage_id": "stage_id",
    "stage_state": "stage_state",
    "regulator_authority": "regulator_authority",
}
DEFAULT_STAT_GROUPBY = ("accepting_unit_id",)

# measures of _get_statistics(): name -> SQL aggregate over the view's columns
STAT_MEASURES = {
    "count": "COUNT(*)",
    "open": "SUM(nbr_open)",
    "accepted": "SUM(nbr_accepted)",
    "replied": "SUM(nbr_replied)",
    "closed": "SUM(nbr_closed)",
    "rejected": "SUM(nbr_rejected)",
    "overdue": "SUM(nbr_overdue)",
    "major": "SUM(nbr_major)",
    "group": "SUM(nbr_group)",
    "difficult": "SUM(nbr_difficult)",
    "media": "SUM(nbr_media)",
    "judicial": "SUM(nbr_judicial)",
    "compensation": "SUM(nbr_compensation)",
    "compensation_amount": "COALESCE(SUM(compensation_amount), 0)::float8",
    "regulator": "SUM(nbr_regulator)",
    "transferred": "SUM(nbr_transferred)",
    "accept_met": "SUM(accept_met)",
    "accept_missed": "SUM(accept_missed)",
    "reply_met": "SUM(reply_met)",
    "reply_missed": "SUM(reply_missed)",
    "regulator_met": "SUM(regulator_met)",
    "regulator_missed": "SUM(regulator_missed)",
    "callbacks": "SUM(nbr_callbacks)",
    "reached": "SUM(nbr_reached)",
    "satisfied": "SUM(nbr_satisfied)",
    "surveyed": "SUM(nbr_surveyed)",
    "callback_met": "SUM(callback_met)",
    "callback_missed": "SUM(callback_missed)",
    "satisfaction_score": "ROUND(AVG(satisfaction_score), 2)::float8",
    "days_to_accept": "ROUND(AVG(days_to_accept), 2)::float8",
    "days_to_reply": "ROUND(AVG(days_to_reply), 2)::float8",
    "days_to_close": "ROUND(AVG(days_to_close), 2)::float8",
}
# deadline compliance: share of the deadlines due that were met, in percent
STAT_RATES = {
    f"{key}_rate": (
        f"ROUND(100.0 * SUM({key}_met) / NULLIF(SUM({key}_met) + SUM({key}_missed), 0)"
        ", 2)::float8"
    )
    for key in ("accept", "reply", "regulator", "callback")
}
STAT_RATES["satisfaction_rate"] = (
    "ROUND(100.0 * SUM(nbr_satisfied) / NULLIF(SUM(nbr_reached), 0), 2)::float8"
)


def rate(met, missed):
    """Share of deadlines met, in percent, or None when none was due."""
    due = (met or 0) + (missed or 0)
    return round(100.0 * (met or 0) / due, 2) if due else None


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
    # SQL: fact table kept by triggers, and the view over it
    # ------------------------------------------------------------------
    # Statistics over a million complaints must come back in well under a
    # second. Computing working days, local days and deadline outcomes from
    # the wide complaint table on every query cannot: the per-complaint
    # figures that only change when the complaint changes are kept in the
    # narrow table ``huatai_complaint_report_fact``, maintained in the same
    # transaction by statement triggers on ``huatai_complaint`` (so bulk SQL
    # loads are covered too) and rebuilt at module install/update. The view
    # adds what depends on today's date or on the organisation tree.

    def init(self):
        cr = self.env.cr
        self._init_workday_functions()
        tools.drop_view_if_exists(cr, self._table)
        self._init_fact_table()
        # the monthly totals are rewritten in place by every change of a
        # complaint: room for in-place (HOT) updates in each page (new pages;
        # a rebuild applies it to all), and autovacuum after 2% of dead rows
        # rather than 20%, so that their index and scans stay compact
        cr.execute(
            SQL(
                "ALTER TABLE %s SET (fillfactor = 70, "
                "autovacuum_vacuum_scale_factor = 0.02, "
                "autovacuum_analyze_scale_factor = 0.02)",
                SQL.identifier(MONTH_TABLE),
            )
        )
        # the deltas are inserted, then deleted by the fold every minute:
        # vacuumed by dead rows, whatever the table's size
        cr.execute(
            SQL(
                "ALTER TABLE %s SET (autovacuum_vacuum_scale_factor = 0, "
                "autovacuum_vacuum_threshold = 2000, "
                "autovacuum_vacuum_insert_scale_factor = 0, "
                "autovacuum_vacuum_insert_threshold = 2000)",
                SQL.identifier(MONTH_DELTA_TABLE),
            )
        )
        cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._view_query(),
            )
        )

    def _init_workday_functions(self):
        """SQL helpers counting working days.

        ``huatai_monfri_index(d)``: Monday-Friday days from 1900-01-01 (a
        Monday) up to and including ``d``: the fallback calendar.
        ``huatai_workdays_between(d1, d2)``: working days after ``d1`` up to
        and including ``d2``, from the ``huatai_workday`` schedule (its
        ``workday_index``) when it covers both days, Monday-Friday otherwise.
        ``huatai_is_workday(d)``: the schedule's verdict, else Monday-Friday.
        ``huatai_workdays_elapsed(received, done)``: working days a clock
        started on ``received`` ran until ``done``; a complaint received on a
        non-working day counts from the next working day (SPEC §7).
        """
        cr = self.env.cr
        cr.execute(
            """
            CREATE OR REPLACE FUNCTION huatai_monfri_index(d date)
            RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT ((d - DATE '1900-01-01') / 7) * 5
                    + LEAST((d - DATE '1900-01-01') % 7 + 1, 5)
            $$
            """
        )
        if sql.table_exists(cr, "huatai_workday"):
            cr.execute(
                """
                CREATE OR REPLACE FUNCTION huatai_workdays_between(d1 date, d2 date)
                RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT COALESCE(
                        (SELECT workday_index FROM huatai_workday WHERE date = d2)
                        - (SELECT workday_index FROM huatai_workday WHERE date = d1),
                        huatai_monfri_index(d2) - huatai_monfri_index(d1)
                    )
                $$;
                CREATE OR REPLACE FUNCTION huatai_is_workday(d date)
                RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
                    SELECT COALESCE(
                        (SELECT is_working FROM huatai_workday WHERE date = d),
                        EXTRACT(ISODOW FROM d) < 6
                    )
                $$
                """
            )
        else:
            cr.execute(
                """
                CREATE OR REPLACE FUNCTION huatai_workdays_between(d1 date, d2 date)
                RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT huatai_monfri_index(d2) - huatai_monfri_index(d1)
                $$;
                CREATE OR REPLACE FUNCTION huatai_is_workday(d date)
                RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT EXTRACT(ISODOW FROM d) < 6
                $$
                """
            )
        cr.execute(
            """
            CREATE OR REPLACE FUNCTION huatai_workdays_elapsed(received date, done date)
            RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS $$
                SELECT CASE WHEN received IS NOT NULL AND done IS NOT NULL THEN
                    GREATEST(huatai_workdays_between(received, done)
                        - CASE WHEN huatai_is_workday(received) THEN 0 ELSE 1 END, 0)
                END
            $$
            """
        )

    @api.model
    def _has_schedule(self):
        return sql.table_exists(self.env.cr, "huatai_workday")

    @api.model
    def _fact_joins(self, has_schedule=None):
        """The joins the expressions of :meth:`_fact_columns` read."""
        if has_schedule is None:
            has_schedule = self._has_schedule()
        joins = [CALLBACK_JOIN]
        if has_schedule:
            joins += [
                f"LEFT JOIN huatai_workday {alias} ON {alias}.date = "
                f"({column} + INTERVAL '{REPORT_UTC_OFFSET} hours')::date"
                for alias, column in WORKDAY_JOINS.items()
            ]
        return " ".join(joins)

    @api.model
    def _fact_columns(self, has_schedule=None):
        """``(column, SQL type, expression over the complaint row "c")``,
        with the joins of :meth:`_fact_joins`."""
        if has_schedule is None:
            has_schedule = self._has_schedule()
        recv = "(c.received_date + INTERVAL '%d hours')::date" % REPORT_UTC_OFFSET
        acc = "(c.accepted_date + INTERVAL '%d hours')::date" % REPORT_UTC_OFFSET
        rep = "(c.replied_date + INTERVAL '%d hours')::date" % REPORT_UTC_OFFSET
        # first callback (FACT_JOINS): the callback clock stops there
        cbk = "(cb.first_date + INTERVAL '%d hours')::date" % REPORT_UTC_OFFSET
        clo = "(c.closed_date + INTERVAL '%d hours')::date" % REPORT_UTC_OFFSET
        # acceptance decided: accepted, or rejected (refused) when closed
        decided = (
            f"COALESCE({acc}, CASE WHEN c.stage_state = 'rejected' THEN {clo} END)"
        )
        is_regulator = "c.channel = 'regulator'"
        not_rejected = "c.stage_state IS DISTINCT FROM 'rejected'"

        def flag(condition):
            return f"(CASE WHEN {condition} THEN 1 ELSE 0 END)::smallint"

        def met(day, deadline, extra="TRUE"):
            return flag(
                f"{deadline} IS NOT NULL AND {extra} AND {day} IS NOT NULL "
                f"AND {day} <= {deadline}"
            )

        def late(day, deadline, extra="TRUE"):
            return flag(
                f"{deadline} IS NOT NULL AND {extra} AND {day} IS NOT NULL "
                f"AND {day} > {deadline}"
            )

        def elapsed(alias, day):
            """Working days from receipt to ``day`` (huatai_workdays_elapsed)."""
            if not has_schedule:
                return f"huatai_workdays_elapsed({recv}, {day})"
            return (
                f"CASE WHEN {day} IS NOT NULL THEN GREATEST(COALESCE("
                f"{alias}.workday_index - w_rec.workday_index, "
                f"huatai_monfri_index({day}) - huatai_monfri_index({recv})) - "
                f"CASE WHEN COALESCE(w_rec.is_working, "
                f"EXTRACT(ISODOW FROM {recv}) < 6) THEN 0 ELSE 1 END, 0) END"
            )

        def pending(day, deadline, extra="TRUE"):
            return (
                f"CASE WHEN {extra} AND {day} IS NULL "
                f"AND NOT COALESCE(c.is_closed, FALSE) THEN {deadline} END"
            )

        # fixed-width, never-null columns first: rows deform faster
        return [
            ("id", "integer PRIMARY KEY", "c.id"),
            ("received_date", "timestamp NOT NULL", "c.received_date"),
            ("received_day", "date NOT NULL", recv),
            (
                "received_month",
                "date NOT NULL",
                f"date_trunc('month', {recv}::timestamp)::date",
            ),
            ("category_id", "integer NOT NULL", "c.category_id"),
            ("accepting_unit_id", "integer NOT NULL", "c.accepting_unit_id"),
            ("active", "boolean NOT NULL", "COALESCE(c.active, FALSE)"),
            (
                "is_confidential",
                "boolean NOT NULL",
                "COALESCE(c.is_confidential, FALSE)",
            ),
            ("is_closed", "boolean NOT NULL", "COALESCE(c.is_closed, FALSE)"),
            ("nbr_open", "smallint NOT NULL", flag("NOT COALESCE(c.is_closed, FALSE)")),
            (
                "nbr_overdue",
                "smallint NOT NULL",
                flag(
                    "c.deadline_state = 'overdue' AND NOT COALESCE(c.is_closed, FALSE)"
                ),
            ),
            ("nbr_accepted", "smallint NOT NULL", flag("c.accepted_date IS NOT NULL")),
            ("nbr_replied", "smallint NOT NULL", flag("c.replied_date IS NOT NULL")),
            ("nbr_closed", "smallint NOT NULL", flag("c.stage_state = 'closed'")),
            ("nbr_rejected", "smallint NOT NULL", flag("c.stage_state = 'rejected'")),
            ("nbr_major", "smallint NOT NULL", flag("c.is_major")),
            ("nbr_group", "smallint NOT NULL", flag("c.is_group")),
            ("nbr_difficult", "smallint NOT NULL", flag("c.is_difficult")),
            ("nbr_media", "smallint NOT NULL", flag("c.is_media")),
            ("nbr_judicial", "smallint NOT NULL", flag("c.is_judicial")),
            ("nbr_compensation", "smallint NOT NULL", flag("c.is_compensation")),
            ("nbr_regulator", "smallint NOT NULL", flag(is_regulator)),
            (
                "nbr_transferred",
                "smallint NOT NULL",
                flag("c.handling_unit_id IS DISTINCT FROM c.accepting_unit_id"),
            ),
            (
                "nbr_callbacks",
                "smallint NOT NULL",
                flag("COALESCE(c.callback_attempt_count, 0) > 0"),
            ),
            (
                "nbr_reached",
                "smallint NOT NULL",
                flag("c.callback_result IN ('satisfied', 'dissatisfied')"),
            ),
            (
                "nbr_satisfied",
                "smallint NOT NULL",
                flag("c.callback_result = 'satisfied'"),
            ),
            ("nbr_surveyed", "smallint NOT NULL", flag("c.survey_state = 'done'")),
            ("callback_met", "smallint NOT NULL", met(cbk, "c.callback_deadline")),
            ("callback_late", "smallint NOT NULL", late(cbk, "c.callback_deadline")),
            ("accept_met", "smallint NOT NULL", met(decided, "c.accept_deadline")),
            ("accept_late", "smallint NOT NULL", late(decided, "c.accept_deadline")),
            (
                "reply_met",
                "smallint NOT NULL",
                met(rep, "c.reply_deadline", not_rejected),
            ),
            (
                "reply_late",
                "smallint NOT NULL",
                late(rep, "c.reply_deadline", not_rejected),
            ),
            (
                "regulator_met",
                "smallint NOT NULL",
                met(rep, "c.regulator_deadline", is_regulator),
            ),
            (
                "regulator_late",
                "smallint NOT NULL",
                late(rep, "c.regulator_deadline", is_regulator),
            ),
            ("days_to_accept", "smallint", f"({elapsed('w_acc', acc)})::smallint"),
            ("days_to_reply", "smallint", f"({elapsed('w_rep', rep)})::smallint"),
            (
                "days_to_close",
                "smallint",
                f"(CASE WHEN c.stage_state = 'closed' THEN "
                f"{elapsed('w_clo', clo)} END)::smallint",
            ),
            ("handling_unit_id", "integer", "c.handling_unit_id"),
            ("user_id", "integer", "c.user_id"),
            ("stage_id", "integer", "c.stage_id"),
            ("accepted_day", "date", acc),
            ("decided_day", "date", decided),
            ("replied_day", "date", rep),
            ("closed_day", "date", clo),
            ("accept_deadline", "date", "c.accept_deadline"),
            ("reply_deadline", "date", "c.reply_deadline"),
            ("callback_deadline", "date", "c.callback_deadline"),
            ("regulator_deadline", "date", "c.regulator_deadline"),
            # deadlines still running (not met yet, complaint open): missed
            # once today is past them, which only the view can tell
            ("accept_due", "date", pending(decided, "c.accept_deadline")),
            ("reply_due", "date", pending(rep, "c.reply_deadline", not_rejected)),
            (
                "regulator_due",
                "date",
                pending(rep, "c.regulator_deadline", is_regulator),
            ),
            ("callback_due", "date", pending(cbk, "c.callback_deadline")),
            (
                "satisfaction_score",
                "numeric",
                "CASE WHEN c.survey_state = 'done' THEN c.satisfaction_score END",
            ),
            ("callback_day", "date", cbk),
            ("compensation_amount", "numeric", "c.compensation_amount"),
            ("channel", "varchar NOT NULL", "c.channel"),
            ("stage_state", "varchar", "c.stage_state"),
            ("deadline_state", "varchar", "c.deadline_state"),
            ("regulator_authority", "varchar", "c.regulator_authority"),
            ("callback_result", "varchar", "c.callback_result"),
        ]

    def _init_fact_table(self):
        """(Re)create the fact table, its triggers, and fill it when stale."""
        cr = self.env.cr
        has_schedule = self._has_schedule()
        columns = self._fact_columns(has_schedule)
        signature = hashlib.sha1(
            repr(
                (
                    FACT_VERSION,
                    columns,
                    MONTH_KEYS,
                    MONTH_SUMS,
                    has_schedule,
                    REPORT_UTC_OFFSET,
                )
            ).encode()
        ).hexdigest()
        cr.execute("SELECT obj_description(to_regclass(%s), 'pg_class')", [FACT_TABLE])
        current = cr.fetchone()[0]
        rebuild = current != signature
        fact = SQL.identifier(FACT_TABLE)
        names = SQL(", ").join(SQL.identifier(name) for name, _t, _e in columns)
        exprs = SQL(", ").join(SQL(expr) for _n, _t, expr in columns)
        if rebuild:
            cr.execute(SQL("DROP TABLE IF EXISTS %s", fact))
            cr.execute(
                # room left in each page for in-place (HOT) updates
                SQL(
                    "CREATE TABLE %s (%s) WITH (fillfactor = 90)",
                    fact,
                    SQL(", ").join(
                        SQL("%s %s", SQL.identifier(name), SQL(sqltype))
                        for name, sqltype, _e in columns
                    ),
                )
            )
            for column in ("received_date", "accepting_unit_id", "handling_unit_id"):
                cr.execute(
                    SQL(
                        "CREATE INDEX %s ON %s (%s)",
                        SQL.identifier(f"{FACT_TABLE}_{column}_idx"),
                        fact,
                        SQL.identifier(column),
                    )
                )
            # the clocks still running, in the monthly totals' order: the
            # statistics read them with an index-only scan, already grouped
            cr.execute(
                SQL(
                    "CREATE INDEX %s ON %s (received_month, accepting_unit_id, "
                    "category_id) INCLUDE (accept_due, reply_due, regulator_due, "
                    "callback_due, active, is_confidential) WHERE accept_due IS NOT "
                    "NULL OR reply_due IS NOT NULL OR regulator_due IS NOT NULL OR "
                    "callback_due IS NOT NULL",
                    SQL.identifier(f"{FACT_TABLE}_running_idx"),
                    fact,
                )
            )
            self._create_month_table()
            cr.execute(SQL("COMMENT ON TABLE %s IS %s", fact, signature))
        updates = SQL(", ").join(
            SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
            for name, _t, _e in columns
            if name != "id"
        )
        cr.execute(
            SQL(
                """
            CREATE OR REPLACE FUNCTION huatai_complaint_report_fact_upsert()
            RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                INSERT INTO %(fact)s AS f (%(names)s)
                SELECT %(exprs)s FROM huatai_complaint_new_rows c %(joins)s
                ON CONFLICT (id) DO UPDATE SET %(updates)s
                WHERE (f.*) IS DISTINCT FROM (EXCLUDED.*);
                RETURN NULL;
            END
            $body$;
            CREATE OR REPLACE FUNCTION huatai_complaint_report_fact_delete()
            RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                DELETE FROM %(fact)s f
                 USING huatai_complaint_old_rows o WHERE f.id = o.id;
                RETURN NULL;
            END
            $body$;
            DROP TRIGGER IF EXISTS huatai_complaint_report_fact_insert
                ON huatai_complaint;
            DROP TRIGGER IF EXISTS huatai_complaint_report_fact_update
                ON huatai_complaint;
            DROP TRIGGER IF EXISTS huatai_complaint_report_fact_delete
                ON huatai_complaint;
            CREATE TRIGGER huatai_complaint_report_fact_insert
                AFTER INSERT ON huatai_complaint
                REFERENCING NEW TABLE AS huatai_complaint_new_rows
                FOR EACH STATEMENT
                EXECUTE FUNCTION huatai_complaint_report_fact_upsert();
            CREATE TRIGGER huatai_complaint_report_fact_update
                AFTER UPDATE ON huatai_complaint
                REFERENCING NEW TABLE AS huatai_complaint_new_rows
                FOR EACH STATEMENT
                EXECUTE FUNCTION huatai_complaint_report_fact_upsert();
            CREATE TRIGGER huatai_complaint_report_fact_delete
                AFTER DELETE ON huatai_complaint
                REFERENCING OLD TABLE AS huatai_complaint_old_rows
                FOR EACH STATEMENT
                EXECUTE FUNCTION huatai_complaint_report_fact_delete();
            """,
                fact=fact,
                names=names,
                exprs=exprs,
                joins=SQL(self._fact_joins(has_schedule)),
                updates=updates,
            )
        )
        self._init_month_triggers()
        if has_schedule:
            self._init_schedule_trigger()
        if not rebuild:
            cr.execute(
                SQL(
                    "SELECT (SELECT COUNT(*) FROM %s) "
                    "<> (SELECT COUNT(*) FROM huatai_complaint)",
                    fact,
                )
            )
            rebuild = cr.fetchone()[0]
        if rebuild:
            self._rebuild_facts()
            if has_schedule:
                # the figures were just computed on the current working days
                cr.execute(
                    "DELETE FROM huatai_complaint_report_workday; "
                    "INSERT INTO huatai_complaint_report_workday "
                    "SELECT date, is_working, workday_index FROM huatai_workday"
                )
        elif has_schedule:
            # durations computed on an older working-day table: catch up
            cr.execute("SELECT huatai_complaint_report_sync_workdays()")

    def _init_schedule_trigger(self):
        """Working days changed: recompute the durations they touch.

        The working-day table is rebuilt as a whole (deleted and refilled)
        when a holiday schedule changes or the table grows. Its last state
        used by the figures is kept in ``huatai_complaint_report_workday``;
        after each insert or update of ``huatai_workday``, the first date
        that differs tells which complaints' durations to recompute (for a
        new year's schedule: only those reaching into that year).
        """
        cr = self.env.cr
        sets = SQL(", ").join(
            SQL("%s = %s", SQL.identifier(name), SQL(expr))
            for name, _t, expr in self._fact_columns(True)
            if name.startswith("days_to_")
        )
        cr.execute(
            SQL(
                """
            CREATE TABLE IF NOT EXISTS huatai_complaint_report_workday (
                date date PRIMARY KEY,
                is_working boolean,
                workday_index integer
            );
            CREATE OR REPLACE FUNCTION huatai_complaint_report_sync_workdays()
            RETURNS date LANGUAGE plpgsql AS $body$
            DECLARE
                first_day date;
            BEGIN
                SELECT MIN(COALESCE(w.date, s.date)) INTO first_day
                  FROM huatai_workday w
                  FULL JOIN huatai_complaint_report_workday s ON s.date = w.date
                 WHERE w.date IS NULL OR s.date IS NULL
                    OR w.is_working IS DISTINCT FROM s.is_working
                    OR w.workday_index IS DISTINCT FROM s.workday_index;
                IF first_day IS NULL THEN
                    RETURN NULL;
                END IF;
                DELETE FROM huatai_complaint_report_workday;
                INSERT INTO huatai_complaint_report_workday
                SELECT date, is_working, workday_index FROM huatai_workday;
                UPDATE %(fact)s f SET %(sets)s
                  FROM huatai_complaint c %(joins)s
                 WHERE c.id = f.id
                   AND GREATEST(f.received_day, f.accepted_day, f.replied_day,
                                f.closed_day) >= first_day;
                RETURN first_day;
            END
            $body$;
            CREATE OR REPLACE FUNCTION huatai_workday_report_sync()
            RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                PERFORM huatai_complaint_report_sync_workdays();
                RETURN NULL;
            END
            $body$;
            DROP TRIGGER IF EXISTS huatai_workday_report_sync ON huatai_workday;
            CREATE TRIGGER huatai_workday_report_sync
                AFTER INSERT OR UPDATE ON huatai_workday
                FOR EACH STATEMENT EXECUTE FUNCTION huatai_workday_report_sync();
            """,
                fact=SQL.identifier(FACT_TABLE),
                sets=sets,
                joins=SQL(self._fact_joins(True)),
            )
        )

    def _create_month_table(self):
        """(Re)create the monthly totals and the table of their deltas."""
        cr = self.env.cr
        month = SQL.identifier(MONTH_TABLE)
        columns = SQL(", ").join(
            SQL("%s %s", SQL.identifier(name), SQL(sqltype))
            for name, sqltype, _e in MONTH_KEYS + MONTH_SUMS
        )
        cr.execute(SQL("DROP TABLE IF EXISTS %s", month))
        cr.execute(SQL("CREATE TABLE %s (%s)", month, columns))
        cr.execute(
            SQL(
                "CREATE UNIQUE INDEX %s ON %s (%s)",
                SQL.identifier(f"{MONTH_TABLE}_key"),
                month,
                SQL(", ").join(SQL.identifier(name) for name, _t, _e in MONTH_KEYS),
            )
        )
        delta = SQL.identifier(MONTH_DELTA_TABLE)
        cr.execute(SQL("DROP TABLE IF EXISTS %s", delta))
        cr.execute(SQL("CREATE TABLE %s (%s)", delta, columns))

    def _init_month_triggers(self):
        """Triggers on the fact table appending the changes of the monthly
        totals to their deltas, and the function folding them in."""
        cr = self.env.cr
        keys = SQL(", ").join(SQL.identifier(name) for name, _t, _e in MONTH_KEYS)
        sums = [name for name, _t, _e in MONTH_SUMS]
        sums_sql = SQL(", ").join(SQL.identifier(name) for name in sums)
        totals_sql = SQL(", ").join(
            SQL("SUM(%s)", SQL.identifier(name)) for name in sums
        )

        def rows(table, sign):
            return SQL(
                "SELECT %s, %s FROM %s f",
                SQL(", ").join(
                    SQL("%s AS %s", SQL(expr), SQL.identifier(name))
                    for name, _t, expr in MONTH_KEYS
                ),
                SQL(", ").join(
                    SQL(f"{sign}({expr}) AS %s", SQL.identifier(name))
                    for name, _t, expr in MONTH_SUMS
                ),
                SQL.identifier(table),
            )

        def append(parts):
            # one delta row per (month, unit, type...) the statement changed
            return SQL(
                """
                INSERT INTO %(delta)s (%(keys)s, %(sums)s)
                SELECT %(keys)s, %(totals)s FROM (%(rows)s) d
                 GROUP BY %(keys)s
                HAVING %(changed)s;
                """,
                delta=SQL.identifier(MONTH_DELTA_TABLE),
                keys=keys,
                sums=sums_sql,
                totals=totals_sql,
                rows=SQL(" UNION ALL ").join(parts),
                changed=SQL(" OR ").join(
                    SQL("SUM(%s) <> 0", SQL.identifier(name)) for name in sums
                ),
            )

        fact = SQL.identifier(FACT_TABLE)
        for event, body, referencing in (
            (
                "INSERT",
                append([rows("huatai_fact_new", "")]),
                "NEW TABLE AS huatai_fact_new",
            ),
            (
                "UPDATE",
                append([rows("huatai_fact_new", ""), rows("huatai_fact_old", "-")]),
                "OLD TABLE AS huatai_fact_old NEW TABLE AS huatai_fact_new",
            ),
            (
                "DELETE",
                append([rows("huatai_fact_old", "-")]),
                "OLD TABLE AS huatai_fact_old",
            ),
        ):
            function = SQL.identifier(f"huatai_complaint_report_month_{event.lower()}")
            cr.execute(
                SQL(
                    """
                CREATE OR REPLACE FUNCTION %(function)s()
                RETURNS trigger LANGUAGE plpgsql AS $body$
                BEGIN
                    %(body)s
                    RETURN NULL;
                END
                $body$;
                DROP TRIGGER IF EXISTS %(function)s ON %(fact)s;
                CREATE TRIGGER %(function)s AFTER %(event)s ON %(fact)s
                    REFERENCING %(referencing)s
                    FOR EACH STATEMENT EXECUTE FUNCTION %(function)s();
                """,
                    function=function,
                    body=body,
                    fact=fact,
                    event=SQL(event),
                    referencing=SQL(referencing),
                )
            )
        # the fold: one at a time (advisory lock; a fold finding it taken
        # leaves the deltas to the one under way), in one transaction, so
        # that any snapshot sees each delta either in the deltas or in the
        # totals; totals left at 0 complaints (moved away) are deleted
        key_names = [name for name, _t, _e in MONTH_KEYS]
        cr.execute(
            SQL(
                """
            CREATE OR REPLACE FUNCTION huatai_complaint_report_month_fold()
            RETURNS integer LANGUAGE plpgsql AS $body$
            DECLARE
                folded integer := 0;
                r record;
            BEGIN
                IF NOT pg_try_advisory_xact_lock(%(lock)s) THEN
                    RETURN 0;
                END IF;
                FOR r IN
                    WITH d AS (DELETE FROM %(delta)s RETURNING *)
                    INSERT INTO %(month)s AS m (%(keys)s, %(sums)s)
                    SELECT %(keys)s, %(totals)s FROM d
                     GROUP BY %(keys)s
                     ORDER BY %(keys)s
                    ON CONFLICT (%(keys)s) DO UPDATE SET %(add)s
                    RETURNING %(returned)s
                LOOP
                    folded := folded + 1;
                    IF r.nbr_complaints = 0 THEN
                        DELETE FROM %(month)s m WHERE %(same_key)s;
                    END IF;
                END LOOP;
                RETURN folded;
            END
            $body$;
            """,
                lock=MONTH_FOLD_LOCK,
                delta=SQL.identifier(MONTH_DELTA_TABLE),
                month=SQL.identifier(MONTH_TABLE),
                keys=keys,
                sums=sums_sql,
                totals=totals_sql,
                add=SQL(", ").join(
                    SQL("%s = m.%s + EXCLUDED.%s", *[SQL.identifier(name)] * 3)
                    for name in sums
                ),
                returned=SQL(", ").join(
                    SQL("m.%s", SQL.identifier(name))
                    for name in [*key_names, "nbr_complaints"]
                ),
                same_key=SQL(" AND ").join(
                    SQL("m.%s = r.%s", SQL.identifier(name), SQL.identifier(name))
                    for name in key_names
                ),
            )
        )

    def _rebuild_facts(self):
        """Recompute every complaint's figures (install, update, repair)."""
        cr = self.env.cr
        columns = self._fact_columns()
        fact = SQL.identifier(FACT_TABLE)
        self.env["huatai.complaint"].flush_model()
        # the fact table's insert trigger refills the monthly totals' deltas,
        # folded right away
        cr.execute(
            SQL(
                "TRUNCATE %s, %s, %s",
                fact,
                SQL.identifier(MONTH_TABLE),
                SQL.identifier(MONTH_DELTA_TABLE),
            )
        )
        cr.execute(
            # stored in date order: a period's rows sit together on disk
            SQL(
                "INSERT INTO %s (%s) SELECT %s FROM huatai_complaint c %s "
                "ORDER BY c.received_date, c.id",
                fact,
                SQL(", ").join(SQL.identifier(name) for name, _t, _e in columns),
                SQL(", ").join(SQL(expr) for _n, _t, expr in columns),
                SQL(self._fact_joins()),
            )
        )
        cr.execute("SELECT huatai_complaint_report_month_fold()")
        cr.execute(SQL("ANALYZE %s", fact))
        cr.execute(SQL("ANALYZE %s", SQL.identifier(MONTH_TABLE)))

    def _view_query(self):
        # evaluated once per query (an InitPlan), not once per row
        today = "(SELECT (now() AT TIME ZONE 'UTC' + INTERVAL '%d hours')::date)" % (
            REPORT_UTC_OFFSET
        )

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
    # Report API
    # ------------------------------------------------------------------
    @api.model
    def _report_tz(self):
        return pytz.timezone(REPORT_TZ)

    @api.model
    def _check_period(self, date_from, date_to):
        """Normalise a period given as dates or ISO strings; refuse bad ones."""
        try:
            date_from = fields.Date.to_date(date_from) if date_from else None
            date_to = fields.Date.to_date(date_to) if date_to else None
        except ValueError as error:
            raise UserError(
                self.env._(
                    "The report period is not a valid date: %(error)s", error=error
                )
            ) from error
        if date_from and date_to and date_from > date_to:
            raise UserError(
                self.env._(
                    "The report period starts on %(start)s, after its end %(end)s.",
                    start=date_from,
                    end=date_to,
                )
            )
        return date_from, date_to

    @api.model
    def _period_domain(self, date_from, date_to, field="received_date"):
        """Domain on a UTC datetime field for local days [date_from, date_to]."""
        tz = self._report_tz()
        domain = []

        def to_utc(day):
            local = tz.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        if date_from:
            domain.append((field, ">=", to_utc(date_from)))
        if date_to:
            domain.append((field, "<", to_utc(date_to + timedelta(days=1))))
        return domain

    @api.model
    def _check_report_units(self, units):
        """Refuse units outside the user's reach with a clear message.

        HQ process owners report on every unit; a unit head on the units
        they work in and their sub-units.
        """
        if not units or self.env.su or self.env.user.has_group(HQ_GROUP):
            return units
        allowed = self.env["huatai.org.unit"].search(
            [("id", "child_of", self.env.user.huatai_unit_ids.ids)]
        )
        outside = units - allowed
        if outside:
            raise UserError(
                self.env._(
                    "You can only report on your own units and their sub-units: "
                    "%(units)s is outside them.",
                    units=", ".join(outside.mapped("display_name")),
                )
            )
        return units

    @api.model
    def _unit_domain(self, units, prefix=""):
        """Complaints accepted or handled in the subtree of ``units``."""
        if not units:
            return []
        return [
            "|",
            (f"{prefix}accepting_unit_id", "child_of", units.ids),
            (f"{prefix}handling_unit_id", "child_of", units.ids),
        ]

    @api.model
    def _report_domain(self, date_from=None, date_to=None, unit_ids=None, domain=None):
        """The checked domain of a report: period, unit subtree, extra domain."""
        self.browse().check_access("read")
        date_from, date_to = self._check_period(date_from, date_to)
        units = self.env["huatai.org.unit"].browse(unit_ids or []).exists()
        self._check_report_units(units)
        return (
            self._period_domain(date_from, date_to)
            + self._unit_domain(units)
            + self._confidential_domain()
            + list(domain or [])
        )

    @api.model
    def _confidential_domain(self):
        """Mailed reports never count whistleblowing reports."""
        if self.env.context.get("huatai_report_mailed"):
            return [("is_confidential", "=", False)]
        return []

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
        """Periodic complaint statistics, aggregated in SQL.

        :param date_from, date_to: first and last day (inclusive, China time)
            of the complaints received; ``None`` for an open end
        :param period: ``day``, ``week``, ``month``, ``quarter`` or ``year``,
            or ``False`` for no time breakdown
        :param unit_ids: ids of units whose subtrees are reported on
            (complaints accepted or handled there); ``None`` for all the
            units the user may see
        :param groupby: dimensions among ``STAT_DIMENSIONS``
        :param domain: extra domain on ``huatai.complaint.report``
        :return: list of dicts, one per period and dimension values, ordered
            by period then dimensions: ``period_start`` (date), the
            dimension ids/codes, the measures of ``STAT_MEASURES`` (counts,
            compensation amount, deadlines met/missed, callbacks, average
            working days and survey score) and ``STAT_RATES``: the deadline
            rates ``accept_rate``, ``reply_rate``, ``regulator_rate``,
            ``callback_rate`` and ``satisfaction_rate`` (satisfied among the
            clients reached), in percent or ``None`` when nothing was due

        Record rules apply: a unit head only counts their subtree's
        complaints and whistleblowing reports only count for Compliance.
        """
        if period and period not in PERIODS:
            raise UserError(
                self.env._("Unknown report period %(period)s.", period=period)
            )
        groupby = list(groupby or ())
        unknown = [g for g in groupby if g not in STAT_DIMENSIONS]
        if unknown:
            raise UserError(
                self.env._(
                    "Statistics cannot be grouped by %(fields)s.",
                    fields=", ".join(unknown),
                )
            )
        full_domain = self._report_domain(date_from, date_to, unit_ids, domain)
        if self._monthly_totals_answer(
            date_from, date_to, period, groupby, domain, unit_ids
        ):
            return self._statistics_from_months(date_from, date_to, period, groupby)
        query = self._search(full_domain)
        if query.is_empty():
            return []
        table = SQL.identifier(query.table)
        group_sql = []
        select_sql = []
        if period:
            if period == "month":
                period_sql = SQL("%s.received_month", table)
            elif period in ("quarter", "year"):
                period_sql = SQL(
                    "date_trunc(%s, %s.received_month::timestamp)::date",
                    period,
                    table,
                )
            else:
                period_sql = SQL(
                    "date_trunc(%s, %s.received_day::timestamp)::date", period, table
                )
            group_sql.append(period_sql)
            select_sql.append(SQL("%s AS period_start", period_sql))
        for name in groupby:
            column = SQL("%s.%s", table, SQL.identifier(STAT_DIMENSIONS[name]))
            group_sql.append(column)
            select_sql.append(SQL("%s AS %s", column, SQL.identifier(name)))
        if not period:
            select_sql.append(SQL("NULL::date AS period_start"))
        for name, aggregate in (STAT_MEASURES | STAT_RATES).items():
            select_sql.append(SQL(f"{aggregate} AS %s", SQL.identifier(name)))
        if group_sql:
            query.groupby = SQL(", ").join(group_sql)
            query.order = SQL(", ").join(
                SQL("%s NULLS FIRST", expr) for expr in group_sql
            )
        return self._fetch_statistics(query.select(*select_sql))

    def _fetch_statistics(self, query):
        with self._aggregation_settings():
            self.env.flush_query(query)
            cr = self.env.cr
            cr.execute(query)
            names = [column.name for column in cr.description]
            rows = cr.fetchall()
        # an empty selection without breakdown gives no row, like the others
        # (groups always count complaints)
        if len(rows) == 1 and not rows[0][names.index("count")]:
            return []
        # up to ~10^5 rows of ~40 figures: the fastest way to build the dicts
        return list(map(dict, map(zip, repeat(names), rows)))

    @api.model
    def _monthly_totals_answer(
        self, date_from, date_to, period, groupby, domain, unit_ids=None
    ):
        """Whether the monthly totals give these statistics exactly.

        They do for whole months, month/quarter/year breakdowns, their
        dimensions, and users whose record rules only set whistleblowing
        apart (HQ, Compliance): a unit head's rules need the complaints'
        rows (they are few: a subtree).
        """
        if domain or period not in ("month", "quarter", "year", False, None):
            return False
        if unit_ids:
            Unit = self.env["huatai.org.unit"].sudo().with_context(active_test=False)
            covered = Unit.search_count([("id", "child_of", list(unit_ids))])
            if covered < Unit.search_count([]):
                return False
        if any(name not in MONTH_DIMENSIONS for name in groupby):
            return False
        date_from, date_to = self._check_period(date_from, date_to)
        if date_from and date_from.day != 1:
            return False
        today = datetime.now(pytz.utc).astimezone(self._report_tz()).date()
        if (
            date_to
            and date_to < today
            and date_to != self._period_bounds("month", date_to)[1]
        ):
            return False
        if not (self.env.su or self.env.user.has_group(HQ_GROUP)):
            return False
        # no other rule (e.g. a global one added later) may restrict them
        return not (
            self.env["ir.rule"]
            .sudo()
            .search_count(
                [
                    ("model_id.model", "=", self._name),
                    ("active", "=", True),
                    "|",
                    ("global", "=", True),
                    (
                        "groups",
                        "not in",
                        [
                            self.env.ref(HQ_GROUP).id,
                            self.env.ref(COMPLIANCE_GROUP).id,
                            self.env.ref(
                                "huatai_complaints.group_complaint_manager"
                            ).id,
                            self.env.ref("huatai_complaints.group_complaint_user").id,
                        ],
                    ),
                ],
                limit=1,
            )
        )

    @api.model
    def _month_deltas_pending(self):
        """Whether changes wait in the deltas of the monthly totals; if so,
        their fold is asked for (right after this transaction) so that the
        next readers find the totals alone."""
        self.env.cr.execute(
            SQL("SELECT EXISTS (SELECT FROM %s)", SQL.identifier(MONTH_DELTA_TABLE))
        )
        pending = self.env.cr.fetchone()[0]
        if pending:
            cron = self.env.ref(
                "huatai_reports.ir_cron_report_month_fold", raise_if_not_found=False
            )
            if cron:
                cron.sudo()._trigger()
        return pending

    @api.model
    def _cron_fold_monthly_totals(self):
        """Fold the deltas of the monthly totals into them (see
        MONTH_DELTA_TABLE): the number of totals rows written, 0 when
        another fold holds the lock (its deltas are taken by it)."""
        self.env.cr.execute("SELECT huatai_complaint_report_month_fold()")
        return self.env.cr.fetchone()[0]

    @api.model
    def _merge_month_deltas(self, rows, groupby, generic, where):
        """The statistics at the totals' own grain (``rows``, read from the
        totals alone, ordered by month and ``groupby``) with the deltas not
        folded yet: the few (month, unit, type) they touch are read again
        from the totals and the deltas together and take their place."""
        delta = SQL.identifier(MONTH_DELTA_TABLE)
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT received_month, accepting_unit_id, category_id "
                "FROM %s",
                delta,
            )
        )
        touched = set(self.env.cr.fetchall())
        fixed = self._fetch_statistics(
            generic(
                SQL(
                    "%s AND (x.received_month, x.accepting_unit_id, x.category_id) "
                    "IN (SELECT received_month, accepting_unit_id, category_id "
                    "FROM %s)",
                    where,
                    delta,
                )
            )
        )

        def key(row):
            return (
                row["period_start"],
                row["accepting_unit_id"],
                row["category_id"],
            )

        def order(row):
            return (row["period_start"], *(row[name] for name in groupby))

        fixed_by_key = {key(row): row for row in fixed}
        merged = []
        for row in rows:
            row_key = key(row)
            if row_key in touched:
                # its new figures, or none when it counts no complaint now
                row = fixed_by_key.pop(row_key, None)
                if row is None:
                    continue
            merged.append(row)
        if fixed_by_key:
            # (month, unit, type) with their first complaints: in order
            merged.extend(fixed_by_key.values())
            merged.sort(key=order)
        return merged

    @api.model
    def _statistics_from_months(self, date_from, date_to, period, groupby):
        """_get_statistics() from the monthly totals (see MONTH_TABLE)."""
        date_from, date_to = self._check_period(date_from, date_to)
        self.browse().check_access("read")
        self.env["huatai.complaint"].flush_model()
        filters = []
        if date_from:
            filters.append(SQL("x.received_month >= %s", date_from))
        if date_to:
            filters.append(
                SQL("x.received_month <= %s", self._period_bounds("month", date_to)[0])
            )
        if self.env.context.get("active_test", True):
            filters.append(SQL("x.active"))
        sees_confidential = (
            self.env.su or self.env.user.has_group(COMPLIANCE_GROUP)
        ) and not self._confidential_domain()
        if not sees_confidential:
            filters.append(SQL("NOT x.is_confidential"))
        where = SQL(" AND ").join(filters) if filters else SQL("TRUE")
        sums = [name for name, _t, _e in MONTH_SUMS]
        running = [f"{key}_run" for key in MONTH_RUNNING]
        today = SQL(
            "(SELECT (now() AT TIME ZONE 'UTC' + INTERVAL '%s hours')::date)",
            SQL(str(REPORT_UTC_OFFSET)),
        )
        running_sql = SQL(", ").join(
            SQL(
                "CASE WHEN x.%s < %s THEN 1 ELSE 0 END AS %s",
                SQL.identifier(f"{key}_due"),
                today,
                SQL.identifier(f"{key}_run"),
            )
            for key in MONTH_RUNNING
        )

        def running_rows_of(where):
            return SQL(
                "FROM %s x WHERE (x.accept_due IS NOT NULL "
                "OR x.reply_due IS NOT NULL OR x.regulator_due IS NOT NULL "
                "OR x.callback_due IS NOT NULL) AND %s",
                SQL.identifier(FACT_TABLE),
                where,
            )

        def generic(where):
            """The statistics regrouped from the totals (and the deltas)."""
            month = SQL.identifier(MONTH_TABLE)
            if deltas:
                # the changes not folded yet into the totals (same columns)
                columns = SQL(", ").join(
                    SQL.identifier(name) for name, _t, _e in MONTH_KEYS + MONTH_SUMS
                )
                month = SQL(
                    "(SELECT %s FROM %s UNION ALL SELECT %s FROM %s)",
                    columns,
                    month,
                    columns,
                    SQL.identifier(MONTH_DELTA_TABLE),
                )
            totals = SQL(
                "SELECT x.received_month, x.accepting_unit_id, x.category_id, "
                "%s, %s FROM %s x WHERE %s",
                SQL(", ").join(SQL("x.%s", SQL.identifier(name)) for name in sums),
                SQL(", ").join(
                    SQL("0 AS %s", SQL.identifier(name)) for name in running
                ),
                month,
                where,
            )
            still_running = SQL(
                "SELECT x.received_month, x.accepting_unit_id, x.category_id, "
                "%s, %s %s",
                SQL(", ").join(SQL("0 AS %s", SQL.identifier(name)) for name in sums),
                running_sql,
                running_rows,
            )
            measures = month_measures(lambda column: f"SUM({column})")
            group_sql = []
            select_sql = []
            if period == "month":
                group_sql.append(SQL("u.received_month"))
            elif period:
                group_sql.append(
                    SQL("date_trunc(%s, u.received_month::timestamp)::date", period)
                )
            if period:
                select_sql.append(SQL("%s AS period_start", group_sql[0]))
            else:
                select_sql.append(SQL("NULL::date AS period_start"))
            for name in groupby:
                expression = SQL(MONTH_DIMENSIONS[name])
                group_sql.append(expression)
                select_sql.append(SQL("%s AS %s", expression, SQL.identifier(name)))
            for name in STAT_MEASURES | STAT_RATES:
                select_sql.append(SQL(f"{measures[name]} AS %s", SQL.identifier(name)))
            query = SQL(
                """
                SELECT %(select)s
                  FROM (%(totals)s UNION ALL %(running)s) u
             LEFT JOIN huatai_org_unit au ON au.id = u.accepting_unit_id
             LEFT JOIN huatai_complaint_category cat ON cat.id = u.category_id
                %(group)s
                HAVING SUM(u.nbr_complaints) > 0
                %(order)s
                """,
                select=SQL(", ").join(select_sql),
                totals=totals,
                running=still_running,
                group=(
                    SQL("GROUP BY %s", SQL(", ").join(group_sql))
                    if group_sql
                    else SQL()
                ),
                order=(
                    SQL(
                        "ORDER BY %s",
                        SQL(", ").join(SQL("%s NULLS FIRST", e) for e in group_sql),
                    )
                    if group_sql
                    else SQL()
                ),
            )
            return query

        running_rows = running_rows_of(where)
        deltas = self._month_deltas_pending()
        if (
            period == "month"
            and set(groupby) == {"accepting_unit_id", "category_id"}
            and not sees_confidential
            and self.env.context.get("active_test", True)
        ):
            # the totals' own grain: one row of totals per row of statistics
            measures = month_measures(
                lambda column: (
                    f"COALESCE(r.{column}, 0)"
                    if column.endswith("_run")
                    else f"x.{column}"
                )
            )
            query = SQL(
                """
                WITH running AS (
                    SELECT received_month, accepting_unit_id, category_id, %(sums)s
                      FROM (SELECT x.received_month, x.accepting_unit_id,
                                   x.category_id, %(running)s %(rows)s) d
                     GROUP BY received_month, accepting_unit_id, category_id
                )
                SELECT x.received_month AS period_start, %(dims)s, %(measures)s
                  FROM %(month)s x
             LEFT JOIN running r USING (received_month, accepting_unit_id,
                                        category_id)
                 WHERE %(where)s AND x.nbr_complaints > 0
                 ORDER BY x.received_month, %(order)s
                """,
                sums=SQL(", ").join(
                    SQL("SUM(%s) AS %s", SQL.identifier(name), SQL.identifier(name))
                    for name in running
                ),
                running=running_sql,
                rows=running_rows,
                dims=SQL(", ").join(
                    SQL("x.%s AS %s", SQL.identifier(name), SQL.identifier(name))
                    for name in groupby
                ),
                measures=SQL(", ").join(
                    SQL(f"{measures[name]} AS %s", SQL.identifier(name))
                    for name in STAT_MEASURES | STAT_RATES
                ),
                month=SQL.identifier(MONTH_TABLE),
                where=where,
                # the totals' key is NOT NULL: their unique index gives this
                # order, merged with the running clocks' index without a sort
                order=SQL(", ").join(
                    SQL("x.%s", SQL.identifier(name)) for name in groupby
                ),
            )
            rows = self._fetch_statistics(query)
            if deltas:
                rows = self._merge_month_deltas(rows, groupby, generic, where)
            return rows
        return self._fetch_statistics(generic(where))

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), *args, **kwargs):
        # pivots, graphs and dashboards aggregate up to millions of rows
        with self._aggregation_settings():
            return super()._read_group(domain, groupby, aggregates, *args, **kwargs)

    @api.model
    def _load_dashboard(self, dashboard_id):
        """Read what a dashboard's first display reads, the way its client does.

        For each pivot, chart and list of the spreadsheet dashboard
        ``dashboard_id`` (on this model), with its global filters at their
        default values: the grouped reads of the pivot (totals and rows), of
        the chart, and the first records of the list. Used to measure and
        check the dashboards server-side; returns the number of groups and
        records read.
        """
        dashboard = self.env["spreadsheet.dashboard"].browse(dashboard_id)
        dashboard.get_readonly_dashboard()
        data = json.loads(dashboard.spreadsheet_data)
        defaults = {
            flt["id"]: self._dashboard_filter_domain(flt)
            for flt in data.get("globalFilters", [])
        }

        def domain_of(spec):
            domain = list(spec.get("domain") or [])
            for filter_id, match in (spec.get("fieldMatching") or {}).items():
                filter_domain = defaults.get(filter_id)
                if filter_domain and match.get("chain"):
                    domain = expression.AND(
                        [domain, [(match["chain"], *term) for term in filter_domain]]
                    )
            return domain

        count = 0
        for pivot in data.get("pivots", {}).values():
            if pivot.get("model") != self._name:
                continue
            measures = [
                f"{m['fieldName']}:{self._fields[m['fieldName']].aggregator}"
                if m["fieldName"] != "__count"
                else "__count"
                for m in pivot["measures"]
            ]
            rows = [r["fieldName"] for r in pivot.get("rows", [])]
            for depth in range(len(rows) + 1):
                count += len(self._read_group(domain_of(pivot), rows[:depth], measures))
        for sheet in data.get("sheets", []):
            for figure in sheet.get("figures", []):
                chart = figure.get("data", {})
                meta = chart.get("metaData") or {}
                if meta.get("resModel") != self._name:
                    continue
                measure = meta["measure"]
                aggregate = (
                    "__count"
                    if measure == "__count"
                    else f"{measure}:{self._fields[measure].aggregator}"
                )
                search = {
                    "domain": (chart.get("searchParams") or {}).get("domain"),
                    "fieldMatching": chart.get("fieldMatching"),
                }
                count += len(
                    self._read_group(domain_of(search), meta["groupBy"], [aggregate])
                )
        for spec in data.get("lists", {}).values():
            if spec.get("model") != self._name:
                continue
            order = ", ".join(
                f"{o['name']} {'ASC' if o.get('asc', True) else 'DESC'}"
                for o in spec.get("orderBy", [])
            )
            count += len(
                self.search_read(
                    domain_of(spec), spec["columns"], limit=20, order=order or None
                )
            )
        return count

    @api.model
    def _dashboard_filter_domain(self, spreadsheet_filter):
        """Domain terms (without field) of a global filter's default value."""
        if spreadsheet_filter.get("type") != "date":
            return []
        default = spreadsheet_filter.get("defaultValue")
        today = fields.Date.context_today(self)
        days = {
            "last_week": 7,
            "last_month": 30,
            "last_three_months": 90,
            "last_six_months": 180,
            "last_year": 365,
            "last_three_years": 3 * 365,
        }.get(default)
        if days:
            start = today - timedelta(days=days - 1)
        elif default == "year_to_date":
            start = today.replace(month=1, day=1)
        else:
            return []
        return [term[1:] for term in self._period_domain(start, today, field="x")]

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

    @api.model
    def _period_bounds(self, period, day):
        """First and last day of the ``period`` containing ``day``."""
        day = fields.Date.to_date(day)
        if period == "day":
            return day, day
        if period == "week":
            start = day - timedelta(days=day.weekday())
            return start, start + timedelta(days=6)
        if period == "month":
            start = day.replace(day=1)
        elif period == "quarter":
            start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        elif period == "year":
            start = date(day.year, 1, 1)
        else:
            raise UserError(
                self.env._("Unknown report period %(period)s.", period=period)
            )
        months = {"month": 1, "quarter": 3, "year": 12}[period]
        end_month = start.month - 1 + months
        end = date(start.year + end_month // 12, end_month % 12 + 1, 1)
        return start, end - timedelta(days=1)
