"""What a report covers: its period in China's days, the units within the
user's reach, whistleblowing reports left out of the mailed ones. Every
report, workbook, dashboard and scheduled mail asks its domain here."""

from datetime import date, datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from .complaint_facts import REPORT_TZ
from .report_statistics import HQ_GROUP


class HuataiComplaintReport(models.Model):
    _inherit = "huatai.complaint.report"  # pylint: disable=consider-merging-classes-inherited

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
