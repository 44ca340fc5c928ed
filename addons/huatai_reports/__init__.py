from . import models
from . import report
from . import wizard


def uninstall_hook(env):
    """Drop what the analysis keeps outside Odoo's models: its fact table,
    the monthly totals and their deltas, the triggers that maintain them and
    the working-day SQL helpers."""
    cr = env.cr
    cr.execute(
        """
        DROP TRIGGER IF EXISTS huatai_complaint_report_fact_insert ON huatai_complaint;
        DROP TRIGGER IF EXISTS huatai_complaint_report_fact_update ON huatai_complaint;
        DROP TRIGGER IF EXISTS huatai_complaint_report_fact_delete ON huatai_complaint;
        DROP FUNCTION IF EXISTS huatai_complaint_report_fact_upsert();
        DROP FUNCTION IF EXISTS huatai_complaint_report_fact_delete();
        DROP TABLE IF EXISTS huatai_complaint_report_fact CASCADE;
        DROP FUNCTION IF EXISTS huatai_complaint_report_month_insert();
        DROP FUNCTION IF EXISTS huatai_complaint_report_month_update();
        DROP FUNCTION IF EXISTS huatai_complaint_report_month_delete();
        DROP FUNCTION IF EXISTS huatai_complaint_report_month_fold();
        DROP TABLE IF EXISTS huatai_complaint_report_month;
        DROP TABLE IF EXISTS huatai_complaint_report_month_delta;
        """
    )
    cr.execute("SELECT to_regclass('huatai_workday') IS NOT NULL")
    if cr.fetchone()[0]:
        cr.execute(
            "DROP TRIGGER IF EXISTS huatai_workday_report_sync ON huatai_workday"
        )
    cr.execute(
        """
        DROP FUNCTION IF EXISTS huatai_workday_report_sync();
        DROP FUNCTION IF EXISTS huatai_complaint_report_sync_workdays();
        DROP TABLE IF EXISTS huatai_complaint_report_workday;
        DROP FUNCTION IF EXISTS huatai_workdays_elapsed(date, date);
        DROP FUNCTION IF EXISTS huatai_workdays_between(date, date);
        DROP FUNCTION IF EXISTS huatai_is_workday(date);
        DROP FUNCTION IF EXISTS huatai_monfri_index(date);
        """
    )
