"""The acknowledgement clock's columns, filled in SQL before the ORM adds
them: it would otherwise compute the deadline of every complaint, a million
rows one by one.

Complaints registered before the clock existed get its deadline from
``huatai_workday`` (as ``_compute_acknowledgement_deadline``), and are
acknowledged, at an approximate date, when they already were: the
acknowledgement email sent, or past registration (staff had spoken to the
complainant), or finished. The few still waiting get their next deadline
computed by the ORM (``post-migrate.py``).

(This ran inside ``huatai.complaint._auto_init`` on every update before
18.0.1.1.0; a database that already has the columns is left as it is.)
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from odoo.addons.huatai_complaints.models.huatai_deadline_policy import DEFAULT_DAYS
from odoo.addons.huatai_complaints.tools.workdays import CN_UTC_OFFSET_HOURS

TABLE = "huatai_complaint"


def migrate(cr, version):
    if not column_exists(cr, TABLE, "received_date") or column_exists(
        cr, TABLE, "acknowledgement_deadline"
    ):
        return
    create_column(cr, TABLE, "acknowledgement_deadline", "date")
    for name, column_type in (
        ("acknowledged_date", "timestamp"),
        ("acknowledgement_method", "varchar"),
    ):
        if not column_exists(cr, TABLE, name):
            create_column(cr, TABLE, name, column_type)
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
                UPDATE huatai_complaint t
                   SET acknowledgement_deadline = wk.date
                  FROM huatai_complaint c
                  %(join)s
                  JOIN huatai_workday w0
                    ON w0.date = (c.received_date
                                  + make_interval(hours => %(offset)s))::date
                  JOIN huatai_workday wk
                    ON wk.is_working
                   AND wk.workday_index = w0.workday_index
                       + (NOT w0.is_working)::int + %(days)s
                 WHERE t.id = c.id
                """,
                join=join,
                days=days,
                offset=CN_UTC_OFFSET_HOURS,
            )
        )
    # acknowledged, those that already were
    has_pending = column_exists(cr, TABLE, "acknowledgement_pending")
    cr.execute(
        SQL(
            """
            UPDATE huatai_complaint
               SET acknowledged_date = CASE WHEN %(emailed)s THEN create_date
                       ELSE COALESCE(accepted_date, replied_date, closed_date,
                                     write_date) END,
                   acknowledgement_method = CASE WHEN %(emailed)s
                       THEN 'email' END
             WHERE acknowledged_date IS NULL
               AND (is_closed OR stage_state IS DISTINCT FROM 'new'
                    OR %(emailed)s)
            """,
            emailed=SQL(
                "(NULLIF(complainant_email, '') IS NOT NULL "
                "AND acknowledgement_pending IS NOT TRUE)"
                if has_pending
                else "FALSE"
            ),
        )
    )
