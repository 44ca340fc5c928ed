"""Complaint statistics: counts, deadline rates and averages per period and
dimension, aggregated in SQL.

Two ways to the same figures: grouped reads of the analysis view (any
domain, any user: the record rules apply), or, when they give the same
answer, the monthly totals (``database_objects``: whole months, their
dimensions, users whose record rules only set whistleblowing apart), with the
deltas not folded yet and the deadlines still running read from the fact rows.
The analysis model's ``_get_statistics()`` is the way in.
"""

from itertools import repeat

from odoo.exceptions import UserError
from odoo.tools import SQL

HQ_GROUP = "huatai_complaints.group_complaint_hq"
COMPLIANCE_GROUP = "huatai_complaints.group_complaint_compliance"

PERIODS = ("day", "week", "month", "quarter", "year")


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
    "outcome": "outcome",
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
    "founded": "SUM(nbr_founded)",
    "partly_founded": "SUM(nbr_partly_founded)",
    "unfounded": "SUM(nbr_unfounded)",
    "compensation_paid": "COALESCE(SUM(compensation_paid), 0)::float8",
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
    "returned_after_callback": "SUM(nbr_returned_after_callback)",
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


def get_statistics(
    report,
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
            report.env._("Unknown report period %(period)s.", period=period)
        )
    groupby = list(groupby or ())
    unknown = [g for g in groupby if g not in STAT_DIMENSIONS]
    if unknown:
        raise UserError(
            report.env._(
                "Statistics cannot be grouped by %(fields)s.",
                fields=", ".join(unknown),
            )
        )
    full_domain = report._report_domain(date_from, date_to, unit_ids, domain)
    if report._monthly_totals_answer(
        date_from, date_to, period, groupby, domain, unit_ids
    ):
        return report._statistics_from_months(date_from, date_to, period, groupby)
    query = report._search(full_domain)
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
        query.order = SQL(", ").join(SQL("%s NULLS FIRST", expr) for expr in group_sql)
    return fetch_statistics(report, query.select(*select_sql))


def fetch_statistics(report, query):
    with report._aggregation_settings():
        report.env.flush_query(query)
        cr = report.env.cr
        cr.execute(query)
        names = [column.name for column in cr.description]
        rows = cr.fetchall()
    # an empty selection without breakdown gives no row, like the others
    # (groups always count complaints)
    if len(rows) == 1 and not rows[0][names.index("count")]:
        return []
    # up to ~10^5 rows of ~40 figures: the fastest way to build the dicts
    return list(map(dict, map(zip, repeat(names), rows)))
