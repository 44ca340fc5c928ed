"""The monthly totals' side of the statistics (``database_objects``:
whole months per unit and type): whether they answer a request exactly, and
the statistics read from them with the deltas not folded yet and the
deadlines still running read from the fact rows. ``report_statistics`` holds
the measures and the way from the analysis view."""

from datetime import datetime

import pytz

from odoo.tools import SQL

from .complaint_facts import CLOCKS, MONTH_KEYS, MONTH_SUMS, china_today
from .database_objects import FACT_TABLE, MONTH_DELTA_TABLE, MONTH_TABLE
from .report_statistics import (
    COMPLIANCE_GROUP,
    HQ_GROUP,
    STAT_MEASURES,
    STAT_RATES,
    fetch_statistics,
    hundredths,
)

# the groups whose record rules on the analysis the monthly totals follow
TOTALS_GROUPS = (
    HQ_GROUP,
    COMPLIANCE_GROUP,
    "huatai_complaints.group_complaint_manager",
    "huatai_complaints.group_complaint_user",
)

# statistics the monthly totals can answer: dimension -> SQL over them
MONTH_DIMENSIONS = {
    "accepting_unit_id": "u.accepting_unit_id",
    "accepting_branch_id": "au.branch_id",
    "category_id": "u.category_id",
    "category_root_id": "split_part(cat.parent_path, '/', 1)::integer",
}


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
        ("founded", "nbr_founded"),
        ("partly_founded", "nbr_partly_founded"),
        ("unfounded", "nbr_unfounded"),
        ("returned_after_callback", "nbr_returned_after_callback"),
    ):
        measures[key] = total(column)
    measures["compensation_amount"] = (
        f"COALESCE({total('compensation_amount')}, 0)::float8"
    )
    measures["compensation_paid"] = f"COALESCE({total('compensation_paid')}, 0)::float8"
    for key in CLOCKS:
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


def monthly_totals_answer(
    report, date_from, date_to, period, groupby, domain, unit_ids=None
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
        Unit = report.env["huatai.org.unit"].sudo().with_context(active_test=False)
        covered = Unit.search_count([("id", "child_of", list(unit_ids))])
        if covered < Unit.search_count([]):
            return False
    if any(name not in MONTH_DIMENSIONS for name in groupby):
        return False
    date_from, date_to = report._check_period(date_from, date_to)
    if date_from and date_from.day != 1:
        return False
    today = datetime.now(pytz.utc).astimezone(report._report_tz()).date()
    if (
        date_to
        and date_to < today
        and date_to != report._period_bounds("month", date_to)[1]
    ):
        return False
    if not (report.env.su or report.env.user.has_group(HQ_GROUP)):
        return False
    # no other rule (e.g. a global one added later) may restrict them
    return not (
        report.env["ir.rule"]
        .sudo()
        .search_count(
            [
                ("model_id.model", "=", report._name),
                ("active", "=", True),
                "|",
                ("global", "=", True),
                (
                    "groups",
                    "not in",
                    [report.env.ref(group).id for group in TOTALS_GROUPS],
                ),
            ],
            limit=1,
        )
    )


def month_deltas_pending(report):
    """Whether changes wait in the deltas of the monthly totals; if so,
    their fold is asked for (right after this transaction) so that the
    next readers find the totals alone."""
    report.env.cr.execute(
        SQL("SELECT EXISTS (SELECT FROM %s)", SQL.identifier(MONTH_DELTA_TABLE))
    )
    pending = report.env.cr.fetchone()[0]
    if pending:
        cron = report.env.ref(
            "huatai_reports.ir_cron_report_month_fold", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()
    return pending


def merge_month_deltas(report, rows, groupby, generic, where):
    """The statistics at the totals' own grain (``rows``, read from the
    totals alone, ordered by month and ``groupby``) with the deltas not
    folded yet: the few (month, unit, type) they touch are read again
    from the totals and the deltas together and take their place."""
    delta = SQL.identifier(MONTH_DELTA_TABLE)
    report.env.cr.execute(
        SQL(
            "SELECT DISTINCT received_month, accepting_unit_id, category_id FROM %s",
            delta,
        )
    )
    touched = set(report.env.cr.fetchall())
    fixed = fetch_statistics(
        report,
        generic(
            SQL(
                "%s AND (x.received_month, x.accepting_unit_id, x.category_id) "
                "IN (SELECT received_month, accepting_unit_id, category_id "
                "FROM %s)",
                where,
                delta,
            )
        ),
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


def statistics_from_months(report, date_from, date_to, period, groupby):
    """_get_statistics() from the monthly totals (see MONTH_TABLE)."""
    date_from, date_to = report._check_period(date_from, date_to)
    report.browse().check_access("read")
    report.env["huatai.complaint"].flush_model()
    return MonthlyTotals(report, date_from, date_to, period, groupby).statistics()


class MonthlyTotals:
    """The statistics of a period read from the monthly totals, the deltas
    not folded yet and the clocks still running."""

    def __init__(self, report, date_from, date_to, period, groupby):
        self.report = report
        self.period = period
        self.groupby = groupby
        env = report.env
        filters = []
        if date_from:
            filters.append(SQL("x.received_month >= %s", date_from))
        if date_to:
            filters.append(
                SQL(
                    "x.received_month <= %s",
                    report._period_bounds("month", date_to)[0],
                )
            )
        self.active_only = env.context.get("active_test", True)
        if self.active_only:
            filters.append(SQL("x.active"))
        self.sees_confidential = (
            env.su or env.user.has_group(COMPLIANCE_GROUP)
        ) and not report._confidential_domain()
        if not self.sees_confidential:
            filters.append(SQL("NOT x.is_confidential"))
        self.where = SQL(" AND ").join(filters) if filters else SQL("TRUE")
        self.sums = [name for name, _t, _e in MONTH_SUMS]
        self.running = [f"{key}_run" for key in CLOCKS]
        today = SQL(china_today())
        # a clock still running counts as missed once past due today
        self.running_sql = SQL(", ").join(
            SQL(
                "CASE WHEN x.%s < %s THEN 1 ELSE 0 END AS %s",
                SQL.identifier(f"{key}_due"),
                today,
                SQL.identifier(f"{key}_run"),
            )
            for key in CLOCKS
        )
        self.running_rows = SQL(
            "FROM %s x WHERE (x.accept_due IS NOT NULL "
            "OR x.reply_due IS NOT NULL OR x.regulator_due IS NOT NULL "
            "OR x.callback_due IS NOT NULL) AND %s",
            SQL.identifier(FACT_TABLE),
            self.where,
        )
        self.deltas = month_deltas_pending(report)

    def statistics(self):
        if (
            self.period == "month"
            and set(self.groupby) == {"accepting_unit_id", "category_id"}
            and not self.sees_confidential
            and self.active_only
        ):
            # the totals' own grain: one row of totals per row of statistics
            rows = fetch_statistics(self.report, self.own_grain())
            if self.deltas:
                rows = merge_month_deltas(
                    self.report, rows, self.groupby, self.regrouped, self.where
                )
            return rows
        return fetch_statistics(self.report, self.regrouped(self.where))

    def regrouped(self, where):
        """The statistics regrouped from the totals (and the deltas)."""
        month = SQL.identifier(MONTH_TABLE)
        if self.deltas:
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
            SQL(", ").join(SQL("x.%s", SQL.identifier(name)) for name in self.sums),
            SQL(", ").join(
                SQL("0 AS %s", SQL.identifier(name)) for name in self.running
            ),
            month,
            where,
        )
        still_running = SQL(
            "SELECT x.received_month, x.accepting_unit_id, x.category_id, %s, %s %s",
            SQL(", ").join(SQL("0 AS %s", SQL.identifier(name)) for name in self.sums),
            self.running_sql,
            self.running_rows,
        )
        measures = month_measures(lambda column: f"SUM({column})")
        group_sql = []
        select_sql = []
        if self.period == "month":
            group_sql.append(SQL("u.received_month"))
        elif self.period:
            group_sql.append(
                SQL("date_trunc(%s, u.received_month::timestamp)::date", self.period)
            )
        if self.period:
            select_sql.append(SQL("%s AS period_start", group_sql[0]))
        else:
            select_sql.append(SQL("NULL::date AS period_start"))
        for name in self.groupby:
            expression = SQL(MONTH_DIMENSIONS[name])
            group_sql.append(expression)
            select_sql.append(SQL("%s AS %s", expression, SQL.identifier(name)))
        for name in STAT_MEASURES | STAT_RATES:
            select_sql.append(SQL(f"{measures[name]} AS %s", SQL.identifier(name)))
        return SQL(
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
                SQL("GROUP BY %s", SQL(", ").join(group_sql)) if group_sql else SQL()
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

    def own_grain(self):
        """The statistics per month, accepting unit and type: one row of the
        totals each, with its clocks still running."""
        measures = month_measures(
            lambda column: (
                f"COALESCE(r.{column}, 0)" if column.endswith("_run") else f"x.{column}"
            )
        )
        return SQL(
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
                for name in self.running
            ),
            running=self.running_sql,
            rows=self.running_rows,
            dims=SQL(", ").join(
                SQL("x.%s AS %s", SQL.identifier(name), SQL.identifier(name))
                for name in self.groupby
            ),
            measures=SQL(", ").join(
                SQL(f"{measures[name]} AS %s", SQL.identifier(name))
                for name in STAT_MEASURES | STAT_RATES
            ),
            month=SQL.identifier(MONTH_TABLE),
            where=self.where,
            # the totals' key is NOT NULL: their unique index gives this
            # order, merged with the running clocks' index without a sort
            order=SQL(", ").join(
                SQL("x.%s", SQL.identifier(name)) for name in self.groupby
            ),
        )
