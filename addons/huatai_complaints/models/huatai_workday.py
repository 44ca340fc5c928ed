"""The working-day table and the in-memory calendar the deadline engine uses.

``huatai.workday`` holds one row per calendar date over the covered years,
derived from the "China Working Days" resource calendar (its weekly pattern)
and the official holiday schedules (public holidays and the weekend days
declared working days, 调休).  Reports compute working-day durations from it in
plain SQL: the working days in ``(d1, d2]`` are
``index(d2) - index(d1)``.

The deadline arithmetic never queries it per day: ``_get_calendar()`` loads it
once per registry into a :class:`~..tools.workdays.WorkdayCalendar` (an
``ormcache`` entry that every rebuild invalidates, across workers). The time
zone and the arithmetic themselves are defined once, in ``tools/workdays.py``.
"""

import datetime
import logging
from array import array

from odoo import api, fields, models, tools

from ..tools.workdays import FALLBACK_WEEKDAYS, WorkdayCalendar, china_today

_logger = logging.getLogger(__name__)

# first year of the table unless the parameter below says otherwise
DEFAULT_FIRST_YEAR = 2015
YEARS_AHEAD = 2
FIRST_YEAR_PARAM = "huatai_complaints.workday_first_year"
LAST_YEAR_PARAM = "huatai_complaints.workday_last_year"
CALENDAR_XMLID = "huatai_complaints.resource_calendar_china"


class HuataiWorkday(models.Model):
    _name = "huatai.workday"
    _description = "Working Day"
    _order = "date"
    _rec_name = "date"
    _log_access = False

    date = fields.Date(required=True, readonly=True, index=True)
    is_working = fields.Boolean(string="Working Day", readonly=True)
    workday_index = fields.Integer(
        readonly=True,
        help="Working days from the start of the table up to and including "
        "this date: the working days between two dates are the difference "
        "of their indexes.",
    )
    year_has_schedule = fields.Boolean(
        readonly=True,
        help="Whether the official holiday schedule of this date's year is in "
        "force; otherwise the year counts Monday to Friday.",
    )

    _sql_constraints = [
        ("date_unique", "unique(date)", "There is one row per date."),
    ]

    # ------------------------------------------------------------------
    # The in-memory calendar
    # ------------------------------------------------------------------
    @api.model
    def _get_calendar(self):
        """The working-day calendar, loaded once per registry."""
        return self._load_calendar()

    @tools.ormcache()
    def _load_calendar(self):
        cr = self.env.cr
        cr.execute(
            "SELECT date, is_working, workday_index, year_has_schedule "
            "FROM huatai_workday ORDER BY date"
        )
        rows = cr.fetchall()
        weekdays = self._weekly_pattern()
        if not rows:
            return WorkdayCalendar(None, b"", array("i"), (), weekdays)
        start = rows[0][0]
        working = bytes(1 if row[1] else 0 for row in rows)
        indexes = array("i", (row[2] for row in rows))
        scheduled = {row[0].year for row in rows if row[3]}
        return WorkdayCalendar(start, working, indexes, scheduled, weekdays)

    @api.model
    def _weekly_pattern(self):
        """Weekdays (0 = Monday) the China working-day calendar works."""
        calendar = self.env.ref(CALENDAR_XMLID, raise_if_not_found=False)
        if not calendar:
            return FALLBACK_WEEKDAYS
        days = {
            int(attendance.dayofweek)
            for attendance in calendar.sudo().attendance_ids
            if not attendance.display_type
            and not attendance.resource_id
            and not attendance.date_from
            and not attendance.date_to
            and attendance.day_period != "lunch"
        }
        return frozenset(days) or FALLBACK_WEEKDAYS

    # ------------------------------------------------------------------
    # Building the table
    # ------------------------------------------------------------------
    @api.model
    def _covered_years(self, extra_year=None):
        params = self.env["ir.config_parameter"].sudo()
        first = _int_param(params, FIRST_YEAR_PARAM, DEFAULT_FIRST_YEAR)
        last = max(
            china_today().year + YEARS_AHEAD,
            _int_param(params, LAST_YEAR_PARAM, 0),
            extra_year or 0,
        )
        self.env.cr.execute(
            "SELECT max(year) FROM huatai_holiday_schedule WHERE state = 'confirmed'"
        )
        last = max(last, self.env.cr.fetchone()[0] or 0)
        return first, last

    @api.model
    def _rebuild(self, last_year=None):
        """Rebuild the table from the calendar and the schedules in force.

        :return: the first date whose working status or schedule changed, or
            ``None`` when nothing changed.
        """
        self.env.flush_all()
        first, last = self._covered_years(last_year)
        if last_year and last_year > first:
            params = self.env["ir.config_parameter"].sudo()
            if last_year > _int_param(params, LAST_YEAR_PARAM, 0):
                params.set_param(LAST_YEAR_PARAM, str(last_year))
        iso_weekdays = sorted(day + 1 for day in self._weekly_pattern())
        cr = self.env.cr
        cr.execute("DROP TABLE IF EXISTS huatai_workday_new")
        cr.execute(
            """
            CREATE TEMPORARY TABLE huatai_workday_new ON COMMIT DROP AS
            WITH days AS (
                SELECT day::date AS date
                  FROM generate_series(%(start)s::date, %(end)s::date,
                                       interval '1 day') AS day
            ), scheduled AS (
                SELECT year FROM huatai_holiday_schedule WHERE state = 'confirmed'
            ), exceptions AS (
                SELECT holiday.date, holiday.kind
                  FROM huatai_holiday holiday
                  JOIN huatai_holiday_schedule schedule
                    ON schedule.id = holiday.schedule_id
                 WHERE schedule.state = 'confirmed'
            ), flags AS (
                SELECT days.date,
                       CASE WHEN exceptions.kind = 'holiday' THEN FALSE
                            WHEN exceptions.kind = 'workday' THEN TRUE
                            ELSE extract(isodow FROM days.date)::int
                                 = ANY(%(weekdays)s)
                       END AS is_working,
                       extract(year FROM days.date)::int IN (
                           SELECT year FROM scheduled
                       ) AS year_has_schedule
                  FROM days
                  LEFT JOIN exceptions ON exceptions.date = days.date
            )
            SELECT date, is_working, year_has_schedule,
                   sum(is_working::int) OVER (ORDER BY date)::int AS workday_index
              FROM flags
            """,
            {
                "start": datetime.date(first, 1, 1),
                "end": datetime.date(last, 12, 31),
                "weekdays": iso_weekdays,
            },
        )
        cr.execute(
            """
            SELECT min(coalesce(new.date, old.date))
              FROM huatai_workday_new new
              FULL JOIN huatai_workday old ON old.date = new.date
             WHERE new.date IS NULL OR old.date IS NULL
                OR old.is_working IS DISTINCT FROM new.is_working
                OR old.year_has_schedule IS DISTINCT FROM new.year_has_schedule
            """
        )
        changed_from = cr.fetchone()[0]
        if changed_from is not None:
            cr.execute("DELETE FROM huatai_workday")
            cr.execute(
                """
                INSERT INTO huatai_workday
                       (date, is_working, workday_index, year_has_schedule)
                SELECT date, is_working, workday_index, year_has_schedule
                  FROM huatai_workday_new
                 ORDER BY date
                """
            )
            self.invalidate_model()
            self.env.registry.clear_cache()
            _logger.info(
                "Working-day table rebuilt for %s-%s (changed from %s)",
                first,
                last,
                changed_from,
            )
        cr.execute("DROP TABLE huatai_workday_new")
        return changed_from

    @api.model
    def _ensure_covered(self, day=None):
        """Extend the table so that it covers ``day`` (default: the years
        ahead of today that it must always cover)."""
        first, last = self._covered_years(day.year if day else None)
        self.env.cr.execute("SELECT min(date), max(date) FROM huatai_workday")
        low, high = self.env.cr.fetchone()
        if (
            low is None
            or low > datetime.date(first, 1, 1)
            or high < datetime.date(last, 12, 31)
        ):
            self._rebuild(last_year=day.year if day else None)


def _int_param(params, key, default):
    try:
        return int(params.get_param(key) or default)
    except ValueError:
        return default
