"""China's time and working days: the one definition every part uses.

Pure Python (no Odoo import), so that the deadline engine
(``models/huatai_workday.py``, ``models/huatai_complaint_deadline.py``), the
migrations, the reports' SQL and the benchmark generator (``bench/``) share
it:

- the time zone the firm's clocks run in, and its fixed UTC offset;
- the date in China of a stored (naive UTC) datetime, in Python and in SQL;
- working-day arithmetic (:class:`WorkdayCalendar`): the n-th working day
  after a date, the working days between two dates; in SQL over a table of
  ``(date, workday_index, is_working)`` rows (:func:`workday_after_sql`), as
  the ``huatai_workday`` table holds them.

The convention (SPEC §7): the day a clock starts does not count; a clock
starting on a non-working day starts on the next working day.
"""

import datetime
from array import array

import pytz

CN_TZ_NAME = "Asia/Shanghai"
CN_TZ = pytz.timezone(CN_TZ_NAME)
# China Standard Time is UTC+8 all year (no daylight saving time since 1991):
# a fixed offset turns a stored UTC datetime into its date in China without a
# time-zone lookup (the deadline computes do it for every complaint)
CN_UTC_OFFSET_HOURS = 8
CN_OFFSET = datetime.timedelta(hours=CN_UTC_OFFSET_HOURS)
# Monday-Friday, as date.weekday() numbers
FALLBACK_WEEKDAYS = frozenset(range(5))


def china_today():
    """Today's date in China, where the clocks run."""
    return datetime.datetime.now(CN_TZ).date()


def china_date(value):
    """The date in China of a naive UTC datetime (as Odoo stores them); a
    date is returned as it is."""
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return (value + CN_OFFSET).date()
    return value


def china_date_sql(timestamp):
    """SQL of the date in China of the UTC ``timestamp`` expression (trusted
    SQL text, never user input)."""
    return f"(({timestamp}) + interval '{CN_UTC_OFFSET_HOURS} hours')::date"


def workday_after_sql(timestamp, days, table="huatai_workday", working_table=None):
    """SQL of the date ``days`` working days after the date in China of the
    UTC ``timestamp`` expression, as :meth:`WorkdayCalendar.add` (trusted SQL
    text). ``table`` has the columns ``date``, ``workday_index`` and
    ``is_working``; ``working_table`` (default: ``table``) the working days
    with their ``workday_index`` (a smaller, indexed copy)."""
    working = working_table or table
    return (
        f"(SELECT wk.date FROM {table} w0 JOIN {working} wk"
        f" ON wk.is_working AND wk.workday_index = w0.workday_index"
        f" + (NOT w0.is_working)::int + ({days})"
        f" WHERE w0.date = {china_date_sql(timestamp)})"
    )


def workday_rows(start, end, is_working):
    """``(date, workday_index, is_working)`` for every date of
    ``[start, end]``: the index counts the working days up to and including
    the date, so the working days in ``(d1, d2]`` are
    ``index(d2) - index(d1)``. ``is_working(date)`` says whether a date is
    worked."""
    index, day, one = 0, start, datetime.timedelta(days=1)
    while day <= end:
        work = bool(is_working(day))
        index += work
        yield day, index, work
        day += one


class WorkdayCalendar:
    """Working days in memory: a snapshot of a working-day table.

    Dates inside the table are answered from it; dates outside it (no schedule
    can exist there) follow the weekly pattern.
    """

    __slots__ = (
        "start",
        "working",
        "indexes",
        "scheduled_years",
        "weekdays",
        "working_offsets",
        "first_index",
    )

    def __init__(self, start, working, indexes, scheduled_years, weekdays):
        self.start = start.toordinal() if start else 0
        self.working = working  # bytes: 1 for a working day, per date from start
        self.indexes = indexes  # array of workday_index, per date from start
        self.scheduled_years = frozenset(scheduled_years)
        self.weekdays = frozenset(weekdays) or FALLBACK_WEEKDAYS
        # the working days in order: the one of index first_index + n is at
        # offset working_offsets[n] (add() in one step inside the table)
        self.working_offsets = array(
            "i", (offset for offset, work in enumerate(working) if work)
        )
        self.first_index = (
            indexes[self.working_offsets[0]] if self.working_offsets else 0
        )

    @classmethod
    def from_rows(cls, rows, weekdays=FALLBACK_WEEKDAYS, scheduled_years=()):
        """A calendar of ``(date, workday_index, is_working)`` rows in date
        order (as :func:`workday_rows` yields them)."""
        rows = list(rows)
        if not rows:
            return cls(None, b"", array("i"), scheduled_years, weekdays)
        working = bytes(1 if row[2] else 0 for row in rows)
        indexes = array("i", (row[1] for row in rows))
        return cls(rows[0][0], working, indexes, scheduled_years, weekdays)

    def _offset(self, day):
        offset = day.toordinal() - self.start
        if 0 <= offset < len(self.working):
            return offset
        return None

    def is_working(self, day):
        offset = self._offset(day)
        if offset is None:
            return day.weekday() in self.weekdays
        return bool(self.working[offset])

    def next_working(self, day):
        """``day`` itself when it is a working day, else the next one."""
        while not self.is_working(day):
            day += datetime.timedelta(days=1)
        return day

    def add(self, day, count):
        """The ``count``-th working day after ``day`` (SPEC §7).

        ``day`` itself does not count; a clock starting on a non-working day
        starts on the next working day.
        """
        day = self.next_working(day)
        offset = self._offset(day)
        if offset is not None:
            position = self.indexes[offset] + count - self.first_index
            if 0 <= position < len(self.working_offsets):
                return datetime.date.fromordinal(
                    self.start + self.working_offsets[position]
                )
        one = datetime.timedelta(days=1)
        while count > 0:
            day += one
            if self.is_working(day):
                count -= 1
        return day

    def count_between(self, start, end):
        """The number of working days in ``(start, end]``."""
        if end <= start:
            return 0
        first, last = self._offset(start), self._offset(end)
        if first is not None and last is not None:
            return self.indexes[last] - self.indexes[first]
        count, day, one = 0, start, datetime.timedelta(days=1)
        while day < end:
            day += one
            count += self.is_working(day)
        return count

    def unscheduled_years(self, start, end):
        """The years from ``start`` to ``end`` without an official schedule."""
        return [
            year
            for year in range(start.year, end.year + 1)
            if year not in self.scheduled_years
        ]
