"""The figures of one complaint, as SQL over its row ``c``.

What the analysis counts per complaint and what only changes when the
complaint changes (its days in China, working-day durations, deadline
outcomes, flags) is defined here once, as ``(column, SQL type, expression)``:
the fact table is made of these columns (``database_objects``), the register
export reads some of them straight from the complaints.

Days are China's: the calendar of the firm and of its regulator. Working days
are read from the deadline engine's own table ``huatai_workday`` (its
``workday_index``: the working days in ``(d1, d2]`` are
``index(d2) - index(d1)``). For a date outside that table (none of the
official holiday schedules reaches there), the engine's calendar falls back to
its weekdays, ``FALLBACK_WEEKDAYS``: so do :func:`off_table_index` and
:func:`off_table_is_working`, made from that same constant.
"""

from itertools import accumulate

from odoo.addons.huatai_complaints.tools.workdays import (
    CN_OFFSET,
    CN_TZ,
    FALLBACK_WEEKDAYS,
)

# China Standard Time, UTC+8 all year: the deadline engine's constants
REPORT_TZ = CN_TZ.zone
REPORT_UTC_OFFSET_HOURS = int(CN_OFFSET.total_seconds() // 3600)

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

# Monthly totals of the fact rows: their key, and what they add up
# (column, SQL type, expression over the fact row "f"). Keyed by what the
# HQ and Compliance record rules and the statistics' dimensions need (not the
# handling unit: a unit subtree is read from its fact rows).
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
            # the outcome (issue 15)
            "nbr_founded",
            "nbr_partly_founded",
            "nbr_unfounded",
            "nbr_returned_after_callback",
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
    ("compensation_paid", "numeric", "COALESCE(f.compensation_paid, 0)"),
]
# the deadlines whose clocks the figures follow
CLOCKS = ("accept", "reply", "regulator", "callback")


def china_day(column):
    """SQL of the day in China of a stored (naive UTC) timestamp."""
    return f"({column} + INTERVAL '{REPORT_UTC_OFFSET_HOURS} hours')::date"


def china_today():
    """SQL of today's date in China, evaluated once per query (an InitPlan)."""
    return (
        f"(SELECT (now() AT TIME ZONE 'UTC' "
        f"+ INTERVAL '{REPORT_UTC_OFFSET_HOURS} hours')::date)"
    )


def off_table_index_function():
    """SQL creating ``huatai_off_table_index(d)``: the working days from
    1900-01-01 (a Monday) up to and including ``d`` on the weekdays of
    ``FALLBACK_WEEKDAYS``: the working-day index outside ``huatai_workday``."""
    # working days from Monday up to each day of the week, included
    running = list(accumulate(int(day in FALLBACK_WEEKDAYS) for day in range(7)))
    return f"""
        CREATE OR REPLACE FUNCTION huatai_off_table_index(d date)
        RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT ((d - DATE '1900-01-01') / 7) * {running[-1]}
                + (ARRAY{running})[(d - DATE '1900-01-01') % 7 + 1]
        $$
    """


def off_table_index(day):
    """SQL of the working-day index of ``day`` outside ``huatai_workday``."""
    return f"huatai_off_table_index({day})"


def off_table_is_working(day):
    """SQL of whether ``day`` is a working day outside ``huatai_workday``."""
    iso_weekdays = ", ".join(str(weekday + 1) for weekday in sorted(FALLBACK_WEEKDAYS))
    return f"EXTRACT(ISODOW FROM {day}) IN ({iso_weekdays})"


def fact_joins():
    """The joins the expressions of :func:`fact_columns` read."""
    return " ".join(
        [
            CALLBACK_JOIN,
            *(
                f"LEFT JOIN huatai_workday {alias} ON {alias}.date = "
                f"{china_day(column)}"
                for alias, column in WORKDAY_JOINS.items()
            ),
        ]
    )


def _flag(condition):
    return f"(CASE WHEN {condition} THEN 1 ELSE 0 END)::smallint"


def _met(day, deadline, extra="TRUE"):
    return _flag(
        f"{deadline} IS NOT NULL AND {extra} AND {day} IS NOT NULL "
        f"AND {day} <= {deadline}"
    )


def _late(day, deadline, extra="TRUE"):
    return _flag(
        f"{deadline} IS NOT NULL AND {extra} AND {day} IS NOT NULL "
        f"AND {day} > {deadline}"
    )


def _pending(day, deadline, extra="TRUE"):
    # still running (not met yet, complaint open): missed once today is past
    # it, which only the view can tell
    return (
        f"CASE WHEN {extra} AND {day} IS NULL "
        f"AND NOT COALESCE(c.is_closed, FALSE) THEN {deadline} END"
    )


def _elapsed(alias, day, received):
    """Working days a clock started on ``received`` ran until ``day`` (the
    working-day row ``alias``); a complaint received on a non-working day
    counts from the next working day (SPEC §7)."""
    return (
        f"CASE WHEN {day} IS NOT NULL THEN GREATEST(COALESCE("
        f"{alias}.workday_index - w_rec.workday_index, "
        f"{off_table_index(day)} - {off_table_index(received)}) - "
        f"CASE WHEN COALESCE(w_rec.is_working, "
        f"{off_table_is_working(received)}) THEN 0 ELSE 1 END, 0) END"
    )


def fact_columns():
    """``(column, SQL type, expression over the complaint row "c")``, with
    the joins of :func:`fact_joins`; fixed-width, never-null columns first
    (rows deform faster)."""
    recv = china_day("c.received_date")
    acc = china_day("c.accepted_date")
    rep = china_day("c.replied_date")
    # first callback (CALLBACK_JOIN): the callback clock stops there
    cbk = china_day("cb.first_date")
    clo = china_day("c.closed_date")
    # acceptance decided: accepted, or rejected (refused) when closed
    decided = f"COALESCE({acc}, CASE WHEN c.stage_state = 'rejected' THEN {clo} END)"
    is_regulator = "c.channel = 'regulator'"
    not_rejected = "c.stage_state IS DISTINCT FROM 'rejected'"
    open_ = "NOT COALESCE(c.is_closed, FALSE)"
    flags = {
        "nbr_open": open_,
        "nbr_overdue": f"c.deadline_state = 'overdue' AND {open_}",
        "nbr_accepted": "c.accepted_date IS NOT NULL",
        "nbr_replied": "c.replied_date IS NOT NULL",
        "nbr_closed": "c.stage_state = 'closed'",
        "nbr_rejected": "c.stage_state = 'rejected'",
        "nbr_major": "c.is_major",
        "nbr_group": "c.is_group",
        "nbr_difficult": "c.is_difficult",
        "nbr_media": "c.is_media",
        "nbr_judicial": "c.is_judicial",
        "nbr_compensation": "c.is_compensation",
        "nbr_regulator": is_regulator,
        "nbr_transferred": "c.handling_unit_id IS DISTINCT FROM c.accepting_unit_id",
        "nbr_callbacks": "COALESCE(c.callback_attempt_count, 0) > 0",
        "nbr_reached": "c.callback_result IN ('satisfied', 'dissatisfied')",
        "nbr_satisfied": "c.callback_result = 'satisfied'",
        "nbr_surveyed": "c.survey_state = 'done'",
        # the outcome (issue 15)
        "nbr_founded": "c.outcome = 'founded'",
        "nbr_partly_founded": "c.outcome = 'partly_founded'",
        "nbr_unfounded": "c.outcome = 'unfounded'",
        # a dissatisfied callback sent it back to handling
        "nbr_returned_after_callback": "c.returned_after_callback",
    }
    # clock: (day it stopped, deadline, when it runs)
    clocks = {
        "callback": (cbk, "c.callback_deadline", "TRUE"),
        "accept": (decided, "c.accept_deadline", "TRUE"),
        "reply": (rep, "c.reply_deadline", not_rejected),
        "regulator": (rep, "c.regulator_deadline", is_regulator),
    }
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
        ("is_confidential", "boolean NOT NULL", "COALESCE(c.is_confidential, FALSE)"),
        ("is_closed", "boolean NOT NULL", "COALESCE(c.is_closed, FALSE)"),
        *((name, "smallint NOT NULL", _flag(cond)) for name, cond in flags.items()),
        *(
            item
            for key, (day, deadline, extra) in clocks.items()
            for item in (
                (f"{key}_met", "smallint NOT NULL", _met(day, deadline, extra)),
                (f"{key}_late", "smallint NOT NULL", _late(day, deadline, extra)),
            )
        ),
        ("days_to_accept", "smallint", f"({_elapsed('w_acc', acc, recv)})::smallint"),
        ("days_to_reply", "smallint", f"({_elapsed('w_rep', rep, recv)})::smallint"),
        (
            "days_to_close",
            "smallint",
            f"(CASE WHEN c.stage_state = 'closed' THEN "
            f"{_elapsed('w_clo', clo, recv)} END)::smallint",
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
        *(
            (f"{key}_due", "date", _pending(*clocks[key]))
            for key in ("accept", "reply", "regulator", "callback")
        ),
        (
            "satisfaction_score",
            "numeric",
            "CASE WHEN c.survey_state = 'done' THEN c.satisfaction_score END",
        ),
        ("callback_day", "date", cbk),
        ("compensation_amount", "numeric", "c.compensation_amount"),
        ("compensation_paid", "numeric", "c.compensation_paid"),
        ("channel", "varchar NOT NULL", "c.channel"),
        ("stage_state", "varchar", "c.stage_state"),
        ("deadline_state", "varchar", "c.deadline_state"),
        ("regulator_authority", "varchar", "c.regulator_authority"),
        ("callback_result", "varchar", "c.callback_result"),
        ("outcome", "varchar", "c.outcome"),
    ]
