import datetime
import logging

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.actions import window_action
from ..tools.workdays import CN_TZ
from .huatai_workday import CALENDAR_XMLID

_logger = logging.getLogger(__name__)

ADMIN_GROUP = "huatai_complaints.group_complaint_admin"

# chinese-calendar's holiday names -> our festival codes
LIBRARY_FESTIVALS = {
    "New Year's Day": "new_years_day",
    "Spring Festival": "spring_festival",
    "Tomb-sweeping Day": "tomb_sweeping_day",
    "Labour Day": "labour_day",
    "Dragon Boat Festival": "dragon_boat_festival",
    "National Day": "national_day",
    "Mid-autumn Festival": "mid_autumn_festival",
}
FIRST_LIBRARY_YEAR = 2015


def load_library():
    """The ``chinese_calendar`` module, or ``None`` when it is not installed."""
    try:
        import chinese_calendar
    except ImportError:
        return None
    return chinese_calendar


class HuataiHolidaySchedule(models.Model):
    _name = "huatai.holiday.schedule"
    _description = "Official Holiday Schedule"
    _order = "year desc"

    name = fields.Char(compute="_compute_name", store=True)
    year = fields.Integer(required=True, default=lambda self: self._default_year())
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "In Force")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        help="Only schedules in force count: until a year's schedule is in "
        "force, its deadlines count Monday to Friday.",
    )
    source = fields.Selection(
        [
            ("library", "chinese-calendar package"),
            ("manual", "Entered by hand"),
        ],
        default="manual",
        required=True,
    )
    notice = fields.Char(
        string="Official Notice",
        help="Reference of the State Council General Office notice that "
        "publishes this schedule.",
    )
    day_ids = fields.One2many("huatai.holiday", "schedule_id", string="Days")
    holiday_count = fields.Integer(
        string="Holidays", compute="_compute_counts", store=True
    )
    workday_count = fields.Integer(
        string="Working Weekend Days", compute="_compute_counts", store=True
    )

    _sql_constraints = [
        ("year_unique", "unique(year)", "There is one schedule per year."),
        (
            "year_range",
            "CHECK(year BETWEEN 1990 AND 2200)",
            "The schedule's year is out of range.",
        ),
    ]

    def _default_year(self):
        return fields.Date.context_today(self).year + 1

    @api.depends("year")
    def _compute_name(self):
        for schedule in self:
            schedule.name = str(schedule.year or "")

    @api.depends("day_ids.kind")
    def _compute_counts(self):
        for schedule in self:
            kinds = schedule.day_ids.mapped("kind")
            schedule.holiday_count = kinds.count("holiday")
            schedule.workday_count = kinds.count("workday")

    # ------------------------------------------------------------------
    # CRUD: a schedule in force changes the working days
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._check_calendar_admin()
        schedules = super().create(vals_list)
        if not self.env.context.get("huatai_no_rebuild") and any(
            schedule.state == "confirmed" for schedule in schedules
        ):
            schedules._calendar_changed()
        return schedules

    def write(self, vals):
        self._check_calendar_admin()
        if "year" in vals and self.day_ids:
            raise UserError(
                self.env._(
                    "The year of a schedule that already has days cannot change: "
                    "create the schedule of the other year instead."
                )
            )
        in_force = self.filtered(lambda s: s.state == "confirmed")
        res = super().write(vals)
        if (
            not self.env.context.get("huatai_no_rebuild")
            and {"state", "day_ids", "year"} & set(vals)
            and (in_force or any(schedule.state == "confirmed" for schedule in self))
        ):
            self._calendar_changed()
        return res

    def unlink(self):
        self._check_calendar_admin()
        in_force = self.filtered(lambda s: s.state == "confirmed")
        res = super().unlink()
        if in_force:
            self.browse()._calendar_changed()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_confirm(self):
        self._check_calendar_admin()
        for schedule in self:
            if not schedule.holiday_count:
                raise UserError(
                    self.env._(
                        "The %(year)s schedule has no public holiday yet: enter "
                        "its days before putting it in force.",
                        year=schedule.year,
                    )
                )
        self.write({"state": "confirmed"})

    def action_draft(self):
        self._check_calendar_admin()
        self.write({"state": "draft"})

    @api.model
    def action_rebuild_workdays(self):
        """Rebuild the working days, e.g. after the weekly pattern of the
        China Working Days calendar changed."""
        self._check_calendar_admin()
        self.browse()._calendar_changed()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The working days are up to date."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_days(self):
        self.ensure_one()
        return window_action(
            self.env._("Days of %(year)s", year=self.year),
            "huatai.holiday",
            "list,form",
            domain=[("schedule_id", "=", self.id)],
            context={"default_schedule_id": self.id},
        )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _check_calendar_admin(self):
        """Only complaint administrators (and the system) change the working
        days: every change rebuilds them and moves the deadlines of the open
        complaints."""
        if self.env.su or self.env.user.has_group(ADMIN_GROUP):
            return
        raise AccessError(
            self.env._(
                "Only complaint administrators may change the official holiday "
                "schedules or rebuild the working days: it moves the deadlines "
                "of every open complaint."
            )
        )

    def _calendar_changed(self):
        """Rebuild the working days after a schedule changed, mirror the
        holidays into the resource calendar and move the open complaints'
        deadlines that the change affects."""
        self._check_calendar_admin()
        self.env.flush_all()
        self._sync_calendar_leaves()
        changed_from = self.env["huatai.workday"].sudo()._rebuild()
        if changed_from:
            self.env["huatai.complaint"]._recompute_open_deadlines(changed_from)

    def _sync_calendar_leaves(self):
        """One global time-off per holiday period of the schedules in force,
        in the "China Working Days" calendar (for Odoo's own planning)."""
        calendar = self.env.ref(CALENDAR_XMLID, raise_if_not_found=False)
        if not calendar:
            return
        Leave = self.env["resource.calendar.leaves"].sudo()
        Leave.search([("huatai_schedule_id", "!=", False)]).unlink()
        festivals = dict(
            self.env["huatai.holiday"]
            ._fields["festival"]
            ._description_selection(self.env)
        )
        schedules = self.sudo().search([("state", "=", "confirmed")])
        days = schedules.day_ids.filtered(lambda d: d.kind == "holiday").sorted("date")
        periods = []
        for day in days:
            last = periods[-1] if periods else None
            if (
                last
                and last["festival"] == day.festival
                and (day.date - last["end"]).days == 1
            ):
                last["end"] = day.date
            else:
                periods.append(
                    {
                        "festival": day.festival,
                        "start": day.date,
                        "end": day.date,
                        "name": day.name,
                        "schedule": day.schedule_id.id,
                    }
                )
        Leave.create(
            [
                {
                    "name": period["name"]
                    or festivals.get(period["festival"])
                    or self.env._("Public holiday"),
                    "calendar_id": calendar.id,
                    "company_id": calendar.company_id.id,
                    "date_from": _utc(period["start"], datetime.time.min),
                    "date_to": _utc(period["end"], datetime.time(23, 59, 59)),
                    "time_type": "leave",
                    "huatai_schedule_id": period["schedule"],
                }
                for period in periods
            ]
        )

    @api.model
    def _library_years(self):
        library = load_library()
        if not library:
            return []
        years = {day.year for day in library.holidays}
        return sorted(year for year in years if year >= FIRST_LIBRARY_YEAR)

    @api.model
    def _import_from_library(self, years=None, overwrite=False):
        """Create (or refresh) the schedules of ``years`` from the
        chinese-calendar package and put them in force.

        :return: the schedules written
        """
        library = load_library()
        if not library:
            raise UserError(
                self.env._(
                    "The Python package chinese-calendar is not installed on the "
                    "server: ask the system administrator to install it."
                )
            )
        available = set(self._library_years())
        years = sorted(set(years) if years else available)
        missing = [year for year in years if year not in available]
        if missing:
            raise UserError(
                self.env._(
                    "The installed chinese-calendar package has no schedule for "
                    "%(years)s: enter these years by hand or upgrade the package.",
                    years=", ".join(map(str, missing)),
                )
            )
        existing = {s.year: s for s in self.search([("year", "in", years)])}
        schedules = self.browse()
        to_create = []
        for year in years:
            lines = [Command.create(vals) for vals in _library_days(library, year)]
            schedule = existing.get(year)
            if schedule and not overwrite:
                continue
            if schedule:
                schedule.with_context(huatai_no_rebuild=True).write(
                    {
                        "day_ids": [Command.clear(), *lines],
                        "source": "library",
                    }
                )
                schedules |= schedule
            else:
                to_create.append(
                    {
                        "year": year,
                        "source": "library",
                        "state": "draft",
                        "day_ids": lines,
                    }
                )
        schedules |= self.with_context(huatai_no_rebuild=True).create(to_create)
        schedules.with_context(huatai_no_rebuild=False).write({"state": "confirmed"})
        return schedules

    @api.model
    def _seed(self):
        """Install: schedules from the package, then the working-day table."""
        if load_library():
            self._import_from_library()
        else:
            _logger.warning(
                "chinese-calendar is not installed: no official holiday schedule "
                "loaded, deadlines count Monday to Friday."
            )
        self.env["huatai.workday"].sudo()._rebuild()


def _library_days(library, year):
    days = []
    for date, name in sorted(library.holidays.items()):
        if date.year == year:
            days.append(
                {
                    "date": date,
                    "kind": "holiday",
                    "festival": LIBRARY_FESTIVALS.get(name, "other"),
                    "name": False if name in LIBRARY_FESTIVALS else name,
                }
            )
    for date, name in sorted(library.workdays.items()):
        if date.year == year:
            days.append(
                {
                    "date": date,
                    "kind": "workday",
                    "festival": LIBRARY_FESTIVALS.get(name, "other"),
                    "name": False if name in LIBRARY_FESTIVALS else name,
                }
            )
    return days


def _utc(day, time):
    local = CN_TZ.localize(datetime.datetime.combine(day, time))
    return local.astimezone(pytz.utc).replace(tzinfo=None)
