"""The working-day arithmetic and China's time (``tools/workdays.py``): pure
Python, no database."""

import datetime

from odoo.tests import BaseCase, tagged

from ..tools.workdays import (
    CN_UTC_OFFSET_HOURS,
    WorkdayCalendar,
    china_date,
    china_date_sql,
    workday_after_sql,
    workday_rows,
)


def day(value):
    return datetime.date.fromisoformat(value)


# 2026: National Day holidays 10-01..10-08, Saturday 10-10 worked (调休)
HOLIDAYS = {day("2026-10-0%d" % d) for d in range(1, 9)}
WORKED_WEEKEND = {day("2026-10-10")}


def is_working(date):
    if date in HOLIDAYS:
        return False
    return date in WORKED_WEEKEND or date.weekday() < 5


@tagged("post_install", "-at_install")
class TestWorkdays(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rows = list(workday_rows(day("2026-09-01"), day("2026-10-31"), is_working))
        cls.calendar = WorkdayCalendar.from_rows(cls.rows, scheduled_years=(2026,))

    def test_rows_count_working_days_up_to_each_date(self):
        self.assertEqual(self.rows[0], (day("2026-09-01"), 1, True))
        by_date = {row[0]: row for row in self.rows}
        # September 2026 has 22 weekdays
        self.assertEqual(by_date[day("2026-09-30")][1], 22)
        self.assertEqual(by_date[day("2026-10-08")], (day("2026-10-08"), 22, False))
        self.assertEqual(by_date[day("2026-10-10")], (day("2026-10-10"), 24, True))

    def test_add_skips_holidays_and_counts_worked_weekends(self):
        # received on the eve of the holidays: 1 working day later is 10-09
        self.assertEqual(self.calendar.add(day("2026-09-30"), 1), day("2026-10-09"))
        self.assertEqual(self.calendar.add(day("2026-09-30"), 2), day("2026-10-10"))

    def test_a_clock_starting_on_a_holiday_starts_on_the_next_working_day(self):
        self.assertEqual(self.calendar.add(day("2026-10-03"), 0), day("2026-10-09"))
        self.assertEqual(self.calendar.add(day("2026-10-03"), 1), day("2026-10-10"))

    def test_outside_the_table_the_weekly_pattern_applies(self):
        # 2026-12-31 is a Thursday: Friday, then Monday
        self.assertEqual(self.calendar.add(day("2026-12-31"), 2), day("2027-01-04"))
        self.assertEqual(
            self.calendar.unscheduled_years(day("2026-12-01"), day("2027-02-01")),
            [2027],
        )

    def test_count_between(self):
        self.assertEqual(
            self.calendar.count_between(day("2026-09-30"), day("2026-10-12")), 3
        )
        self.assertEqual(
            self.calendar.count_between(day("2026-10-12"), day("2026-09-30")), 0
        )

    def test_china_date_of_a_utc_datetime(self):
        self.assertEqual(CN_UTC_OFFSET_HOURS, 8)
        # 2026-09-30 16:30 UTC is 10-01 00:30 in China
        self.assertEqual(
            china_date(datetime.datetime(2026, 9, 30, 16, 30)), day("2026-10-01")
        )
        self.assertEqual(
            china_date(datetime.datetime(2026, 9, 30, 15, 59)), day("2026-09-30")
        )
        self.assertIsNone(china_date(False))

    def test_sql_uses_the_same_offset_and_table_columns(self):
        self.assertEqual(
            china_date_sql("c.received_date"),
            "((c.received_date) + interval '8 hours')::date",
        )
        sql = workday_after_sql("c.received_date", 5)
        self.assertIn("FROM huatai_workday w0 JOIN huatai_workday wk", sql)
        self.assertIn("(NOT w0.is_working)::int + (5)", sql)
