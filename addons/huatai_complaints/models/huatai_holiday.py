from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class HuataiHoliday(models.Model):
    _name = "huatai.holiday"
    _description = "Holiday or Working Weekend Day"
    _order = "date"

    date = fields.Date(required=True, index=True)
    kind = fields.Selection(
        [
            ("holiday", "Public Holiday (day off)"),
            ("workday", "Working Day (weekend day worked)"),
        ],
        required=True,
        default="holiday",
    )
    festival = fields.Selection(
        [
            ("new_years_day", "New Year's Day"),
            ("spring_festival", "Spring Festival"),
            ("tomb_sweeping_day", "Tomb-sweeping Day"),
            ("labour_day", "Labour Day"),
            ("dragon_boat_festival", "Dragon Boat Festival"),
            ("mid_autumn_festival", "Mid-autumn Festival"),
            ("national_day", "National Day"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
        help="The holiday this day belongs to (for a working day: the holiday "
        "it makes up for).",
    )
    name = fields.Char(string="Label", help="Optional: a name for an unusual day.")
    schedule_id = fields.Many2one(
        "huatai.holiday.schedule",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.context.get("default_schedule_id"),
    )
    schedule_state = fields.Selection(related="schedule_id.state")
    weekday = fields.Char(compute="_compute_weekday")

    _sql_constraints = [
        ("date_unique", "unique(date)", "A date appears only once in the schedules."),
    ]

    @api.constrains("date", "schedule_id")
    def _check_date(self):
        for day in self:
            if day.date.year != day.schedule_id.year:
                raise ValidationError(
                    self.env._(
                        "%(date)s does not belong to the %(year)s schedule.",
                        date=day.date,
                        year=day.schedule_id.year,
                    )
                )

    @api.constrains("date", "kind")
    def _check_kind(self):
        weekly = self.env["huatai.workday"]._weekly_pattern()
        for day in self:
            if day.kind == "workday" and day.date.weekday() in weekly:
                raise ValidationError(
                    self.env._(
                        "%(date)s is a working day anyway: only days off of the "
                        "weekly pattern (weekends) can be declared working days.",
                        date=day.date,
                    )
                )

    @api.depends("date")
    def _compute_weekday(self):
        for day in self:
            day.weekday = (
                format_date(self.env, day.date, date_format="EEEE")
                if day.date
                else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        Schedule = self.env["huatai.holiday.schedule"]
        Schedule._check_calendar_admin()
        # imported rows may give only the date: file them under their year
        years = {
            fields.Date.to_date(vals["date"]).year
            for vals in vals_list
            if not vals.get("schedule_id") and vals.get("date")
        }
        if years:
            schedules = {
                s.year: s for s in Schedule.search([("year", "in", list(years))])
            }
            missing = years - set(schedules)
            for schedule in Schedule.create([{"year": y} for y in sorted(missing)]):
                schedules[schedule.year] = schedule
            vals_list = [
                {
                    **vals,
                    "schedule_id": schedules[fields.Date.to_date(vals["date"]).year].id,
                }
                if not vals.get("schedule_id") and vals.get("date")
                else vals
                for vals in vals_list
            ]
        days = super().create(vals_list)
        days._schedules_changed(days.schedule_id)
        return days

    def write(self, vals):
        self.env["huatai.holiday.schedule"]._check_calendar_admin()
        before = self.schedule_id
        res = super().write(vals)
        self._schedules_changed(before | self.schedule_id)
        return res

    def unlink(self):
        self.env["huatai.holiday.schedule"]._check_calendar_admin()
        schedules = self.schedule_id
        res = super().unlink()
        self._schedules_changed(schedules.exists())
        return res

    def _schedules_changed(self, schedules):
        if self.env.context.get("huatai_no_rebuild"):
            return
        if any(schedule.state == "confirmed" for schedule in schedules):
            schedules._calendar_changed()
