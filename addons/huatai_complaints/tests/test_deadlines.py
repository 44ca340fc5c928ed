import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import DeadlineCase, cn, day

DEADLINE_ACTIVITY = "huatai_complaints.mail_activity_type_complaint_deadline"


@tagged("post_install", "-at_install")
class TestWorkingDays(DeadlineCase):
    def _row(self, value):
        self.env.cr.execute(
            "SELECT is_working, workday_index, year_has_schedule "
            "FROM huatai_workday WHERE date = %s",
            [value],
        )
        return self.env.cr.fetchone()

    def test_workday_table_is_the_sql_contract(self):
        self.env.cr.execute("SELECT min(date), max(date), count(*) FROM huatai_workday")
        low, high, count = self.env.cr.fetchone()
        self.assertEqual(low, day("2015-01-01"))
        self.assertGreaterEqual(high, day("2028-12-31"))
        self.assertEqual(count, (high - low).days + 1, "one row per calendar date")
        # National Day 2026: 1-7 October off, Saturday 10 October worked (调休)
        self.assertFalse(self._row("2026-10-01")[0])
        self.assertFalse(self._row("2026-10-03")[0])
        self.assertTrue(self._row("2026-10-08")[0])
        self.assertTrue(self._row("2026-10-10")[0])
        self.assertFalse(self._row("2026-10-11")[0])
        self.assertTrue(self._row("2026-09-20")[0], "Sunday 20 September is worked")
        # working days between two dates = difference of their indexes
        self.env.cr.execute(
            """
            SELECT due.workday_index - received.workday_index
              FROM huatai_workday received, huatai_workday due
             WHERE received.date = '2026-09-30' AND due.date = '2026-10-10'
            """
        )
        self.assertEqual(self.env.cr.fetchone()[0], 3)
        # 2026 has its official schedule, 2027 not yet: Monday to Friday
        self.assertTrue(self._row("2026-06-01")[2])
        self.assertFalse(self._row("2027-01-01")[2])
        self.assertTrue(self._row("2027-01-01")[0], "a Friday without schedule")

    def test_schedules_seeded_from_chinese_calendar(self):
        schedules = self.env["huatai.holiday.schedule"].search([])
        self.assertEqual(
            set(schedules.filtered(lambda s: s.state == "confirmed").mapped("year")),
            set(range(2015, 2027)),
        )
        national_day = self.env["huatai.holiday"].search([("date", "=", "2026-10-10")])
        self.assertEqual(national_day.kind, "workday")
        self.assertEqual(national_day.festival, "national_day")
        # the public holidays are time off of the "China Working Days" calendar
        calendar = self.env.ref("huatai_complaints.resource_calendar_china")
        leave = calendar.global_leave_ids.filtered(
            lambda leave: leave.date_from <= cn("2026-10-02 12:00") <= leave.date_to
        )
        self.assertEqual(len(leave), 1)
        self.assertEqual(leave.date_from, cn("2026-10-01 00:00"))

    def test_deadline_arithmetic_runs_in_memory(self):
        calendar = self.env["huatai.workday"]._get_calendar()
        with self.assertQueryCount(0):
            self.assertEqual(calendar.add(day("2026-09-30"), 3), day("2026-10-10"))
            self.assertEqual(calendar.add(day("2026-09-30"), 15), day("2026-10-27"))
            # received on a day off: deemed received on the next working day
            self.assertEqual(calendar.add(day("2026-10-03"), 3), day("2026-10-12"))
            # Spring Festival 2026: Saturday 14 February worked, 15-23 off
            self.assertEqual(calendar.add(day("2026-02-13"), 3), day("2026-02-25"))
            # beyond the table: Monday to Friday
            self.assertEqual(calendar.add(day("2040-01-06"), 1), day("2040-01-09"))
            self.assertEqual(
                calendar.count_between(day("2026-09-30"), day("2026-10-27")), 15
            )
            self.assertEqual(
                calendar.unscheduled_years(day("2026-12-28"), day("2027-01-18")),
                [2027],
            )

    def test_deadline_arithmetic_counts_day_by_day(self):
        """add() jumps through the table's indexes: the same days as counting
        working days one by one, up to and across the end of the table."""
        calendar = self.env["huatai.workday"]._get_calendar()
        one = datetime.timedelta(days=1)

        def count_up(start, count):
            current = start
            while not calendar.is_working(current):
                current += one
            while count > 0:
                current += one
                count -= calendar.is_working(current)
            return current

        self.env.cr.execute("SELECT max(date) FROM huatai_workday")
        end = self.env.cr.fetchone()[0]
        starts = [day("2026-01-20") + one * k for k in range(0, 60, 3)]
        starts += [end - one * k for k in range(0, 30, 4)]
        for start in starts:
            for count in (0, 1, 3, 15, 30):
                self.assertEqual(
                    calendar.add(start, count), count_up(start, count), (start, count)
                )


@tagged("post_install", "-at_install")
class TestComplaintDeadlines(DeadlineCase):
    def test_spec_example_across_national_day(self):
        complaint = self._make(self.nanjing, received_date=cn("2026-09-30 10:00"))
        self.assertEqual(complaint.deadline_policy_id, self.default_policy)
        self.assertEqual(complaint.accept_deadline, day("2026-10-10"))
        self.assertEqual(complaint.reply_deadline, day("2026-10-27"))
        self.assertFalse(complaint.callback_deadline)
        self.assertFalse(complaint.deadline_fallback_years)
        self.assertIn(self.default_policy.name, complaint.deadline_explanation)

    def test_receipt_day_is_the_day_in_china(self):
        # 17:30 UTC on 30 September is 01:30 on 1 October in Beijing: a holiday
        complaint = self._make(self.nanjing, received_date="2026-09-30 17:30:00")
        self.assertEqual(complaint.accept_deadline, day("2026-10-12"))
        on_holiday = self._make(self.nanjing, received_date=cn("2026-10-03 09:00"))
        self.assertEqual(on_holiday.accept_deadline, day("2026-10-12"))

    def test_callback_clock_starts_at_the_reply(self):
        complaint = self._make(self.nanjing, received_date=cn("2026-09-14 09:00"))
        complaint.action_accept()
        complaint.write({"replied_date": cn("2026-09-29 16:00"), "reply_text": "ok"})
        # 30 September, then 8 and 9 October (1-7 October off)
        self.assertEqual(complaint.callback_deadline, day("2026-10-09"))

    def test_year_without_schedule_falls_back_and_says_so(self):
        with freeze_time(cn("2026-12-28 12:00")):
            complaint = self._make(self.nanjing, received_date=cn("2026-12-28 10:00"))
            finished = self._make(
                self.nanjing,
                received_date=cn("2026-12-28 11:00"),
                rejection_reason="重复投诉",
            )
            finished.stage_id = self.stage["rejected"]
            self.env.flush_all()
        self.assertEqual(complaint.accept_deadline, day("2026-12-31"))
        # Monday to Friday in 2027: Friday 1 January counts as a working day
        self.assertEqual(complaint.reply_deadline, day("2027-01-18"))
        self.assertEqual(complaint.deadline_fallback_years, "2027")
        self.assertEqual(finished.reply_deadline, day("2027-01-18"))

        # the 2027 schedule is published: the administrator imports it
        Day = self.env["huatai.holiday"].with_user(self.admin_user)
        result = Day.load(
            ["date", "kind", "festival"],
            [["2027-01-01", "holiday", "new_years_day"]],
        )
        self.assertFalse(result["messages"], result["messages"])
        schedule = Day.browse(result["ids"]).schedule_id
        self.assertEqual((schedule.year, schedule.state), (2027, "draft"))
        self.assertEqual(
            complaint.reply_deadline, day("2027-01-18"), "draft: no effect"
        )
        schedule.action_confirm()
        self.assertEqual(complaint.reply_deadline, day("2027-01-19"))
        self.assertFalse(complaint.deadline_fallback_years)
        self.assertEqual(finished.reply_deadline, day("2027-01-18"), "finished: kept")
        # a weekend day declared a working day moves it back
        schedule.write(
            {
                "day_ids": [
                    (
                        0,
                        0,
                        {"date": "2027-01-09", "kind": "workday", "festival": "other"},
                    )
                ]
            }
        )
        self.assertEqual(complaint.reply_deadline, day("2027-01-18"))
        self.env.cr.execute(
            "SELECT is_working, year_has_schedule FROM huatai_workday "
            "WHERE date IN ('2027-01-01', '2027-01-09') ORDER BY date"
        )
        self.assertEqual(self.env.cr.fetchall(), [(False, True), (True, True)])
        # back to draft: Monday to Friday again
        schedule.action_draft()
        self.assertEqual(complaint.reply_deadline, day("2027-01-18"))
        self.assertEqual(complaint.deadline_fallback_years, "2027")

    def test_imported_days_values_are_not_changed(self):
        """Days given without their schedule are filed under their year's
        schedule, in new values: the caller's dicts stay as given."""
        Day = self.env["huatai.holiday"].with_user(self.admin_user)
        vals = {"date": "2031-01-01", "kind": "holiday", "festival": "new_years_day"}
        day = Day.create([vals])
        self.assertEqual(
            vals, {"date": "2031-01-01", "kind": "holiday", "festival": "new_years_day"}
        )
        self.assertEqual(day.schedule_id.year, 2031)

    def test_schedule_bad_input(self):
        Schedule = self.env["huatai.holiday.schedule"].with_user(self.admin_user)
        schedule = Schedule.create({"year": 2027})
        Day = self.env["huatai.holiday"].with_user(self.admin_user)
        with self.assertRaises(ValidationError):
            # a Monday is a working day anyway
            Day.create(
                {"date": "2027-01-04", "kind": "workday", "schedule_id": schedule.id}
            )
        with self.assertRaises(ValidationError):
            Day.create({"date": "2028-01-03", "schedule_id": schedule.id})
        self.assertFalse(schedule.day_ids)
        with self.assertRaises(UserError):  # the year's days are needed
            schedule.action_confirm()
        self.assertEqual(schedule.state, "draft")

    def test_most_specific_policy_wins_and_is_explained(self):
        by_channel = self.Policy.create(
            {"name": "Email", "channel": "email", "reply_days": 10, "sequence": 1}
        )
        by_channel_type = self.Policy.create(
            {
                "name": "Email service",
                "channel": "email",
                "category_ids": [(6, 0, self.category_service.ids)],
                "reply_days": 5,
                "sequence": 50,
            }
        )
        major = self.Policy.create(
            {"name": "Major", "match_major": True, "reply_days": 20}
        )
        service = self._make(self.nanjing, received_date=cn("2026-09-30 10:00"))
        system = self._make(
            self.nanjing,
            received_date=cn("2026-09-30 10:00"),
            category_id=self.category_system.id,
        )
        phone_major = self._make(
            self.nanjing,
            channel="fax",
            is_major=True,
            received_date=cn("2026-09-30 10:00"),
        )
        self.assertEqual(service.deadline_policy_id, by_channel_type)
        self.assertEqual(service.reply_deadline, day("2026-10-13"))
        self.assertEqual(system.deadline_policy_id, by_channel)
        self.assertEqual(phone_major.deadline_policy_id, major)
        explanation = service.deadline_explanation
        self.assertIn("Email service", explanation)
        self.assertIn("3", explanation, "it says how many policies matched")
        # the flags move the complaint to another policy: email + service + major
        service.is_major = True
        self.assertEqual(service.deadline_policy_id, by_channel_type)
        major.write({"match_media": True, "channel": "email"})
        service.is_media = True
        self.assertEqual(service.deadline_policy_id, major)
        self.assertEqual(service.reply_deadline, day("2026-11-03"))
        # the batch selector (criteria read once) agrees with _select_for
        policies = self.Policy.sudo().search([])
        select = policies._selector()
        for complaint in service | system | phone_major:
            self.assertEqual(select(complaint), policies._select_for(complaint)[0])

    def test_policy_changes_move_open_complaints_only(self):
        complaint = self._make(self.nanjing, received_date=cn("2026-09-30 10:00"))
        finished = self._make(
            self.nanjing, received_date=cn("2026-09-30 10:00"), rejection_reason="无效"
        )
        finished.stage_id = self.stage["rejected"]
        self.default_policy.with_user(self.admin_user).reply_days = 10
        self.assertEqual(complaint.reply_deadline, day("2026-10-20"))
        self.assertEqual(finished.reply_deadline, day("2026-10-27"))

    def test_policy_days_must_be_positive(self):
        count = self.Policy.search_count([])
        for days in (0, -3):
            with self.assertRaises(ValidationError):
                self.Policy.with_user(self.admin_user).create(
                    {"name": "Broken", "reply_days": days}
                )
        with self.assertRaises(ValidationError):
            self.default_policy.with_user(self.admin_user).accept_days = 0
        self.assertEqual(self.Policy.search_count([]), count)
        self.assertEqual(self.default_policy.accept_days, 3)
        self._load_chinese()
        with self.assertRaises(ValidationError) as caught:
            self.Policy.with_context(lang="zh_CN").create(
                {"name": "Broken", "callback_days": -1}
            )
        self.assertIn("至少", str(caught.exception))

    def test_pause_stage_extends_the_reply_deadline(self):
        self.default_policy.pause_stage_ids = self.stage["compliance"]
        complaint = self._make(
            self.nanjing,
            received_date=cn("2026-09-01 10:00"),
            acknowledged_date=cn("2026-09-01 11:00"),
        )
        # Sunday 20 September is worked: the 15th working day is 21 September
        self.assertEqual(complaint.reply_deadline, day("2026-09-21"))
        with freeze_time(cn("2026-09-07 10:00")):
            complaint.action_accept()
            complaint.action_start()
            complaint.action_request_compliance_review()
            self.env.flush_all()
            self.assertEqual(complaint.clock_paused_since, day("2026-09-07"))
            self.assertEqual(complaint.deadline_state, "on_track")
            self.assertFalse(complaint.next_deadline, "no clock runs")
        with freeze_time(cn("2026-09-10 15:00")):
            complaint.action_start()
            self.env.flush_all()
        self.assertFalse(complaint.clock_paused_since)
        self.assertEqual(complaint.paused_days, 3)
        self.assertEqual(complaint.reply_deadline, day("2026-09-24"))
        self.assertIn("3", complaint.deadline_explanation)

    def test_regulator_deadline_caps_the_reply_deadline(self):
        self._open_local_channels("regulator")
        values = {
            "channel": "regulator",
            "regulator_authority": "csrc_bureau",
            "regulator_reference": "苏证监转〔2026〕88号",
            "received_date": cn("2026-09-30 10:00"),
        }
        early = self._make(self.nanjing, regulator_deadline="2026-10-09", **values)
        late = self._make(self.nanjing, regulator_deadline="2026-12-31", **values)
        self.assertEqual(early.reply_deadline, day("2026-10-09"))
        self.assertIn("2026-10-09", early.deadline_explanation)
        self.assertEqual(late.reply_deadline, day("2026-10-27"))
        # a paused clock does not get past the regulator either
        late.regulator_deadline = "2026-10-28"
        late.sudo().paused_days = 10
        self.assertEqual(late.reply_deadline, day("2026-10-28"))
        with self.assertRaises(ValidationError):
            early.reply_deadline = "2026-10-12"

    def _correct(self, complaint, fname, reason="监管同意延期", lang=None, **value):
        wizard = (
            self.env["huatai.complaint.correction.wizard"]
            .with_user(self.admin_user)
            .with_context(lang=lang or "en_US")
            .create(
                {
                    "complaint_id": complaint.id,
                    "field_name": fname,
                    "reason": reason,
                    **value,
                }
            )
        )
        return wizard.action_correct()

    def test_deadlines_cannot_precede_the_receipt(self):
        complaint = self._make(self.nanjing, received_date=cn("2026-09-30 10:00"))
        # a unit head no longer moves a deadline by hand
        with self.assertRaises(AccessError):
            complaint.with_user(self.head_jiangsu).reply_deadline = "2026-11-10"
        with self.assertRaises(ValidationError):
            self._correct(complaint, "reply_deadline", new_date="2026-09-29")
        self.assertEqual(complaint.reply_deadline, day("2026-10-27"))
        # an agreed extension is corrected by an administrator, with the reason
        self._correct(complaint, "reply_deadline", new_date="2026-11-10")
        self.assertEqual(complaint.reply_deadline, day("2026-11-10"))
        self.assertIn("监管同意延期", complaint.message_ids[:1].body)
        self._load_chinese()
        with self.assertRaises(ValidationError) as caught:
            self._correct(
                complaint, "accept_deadline", lang="zh_CN", new_date="2026-09-01"
            )
        self.assertIn("不能早于", str(caught.exception))


@tagged("post_install", "-at_install")
class TestDeadlineJob(DeadlineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_shipped_rules()

    def _run_job(self, when):
        with freeze_time(cn(when)):
            self.Complaint._cron_update_deadlines()

    def _received(self, **values):
        """A complaint received on 30 September 2026, registered that day and
        acknowledged (the acknowledgement clock: test_acknowledgement)."""
        values.setdefault("acknowledged_date", cn("2026-09-30 11:00"))
        with freeze_time(cn("2026-09-30 12:00")):
            complaint = self._make(
                self.nanjing, received_date=cn("2026-09-30 10:00"), **values
            )
            self.env.flush_all()
        return complaint

    def _overdue_notices(self, complaint):
        return complaint.message_ids.filtered(lambda m: "Overdue" in (m.body or ""))

    def test_due_soon_then_overdue_once_each(self):
        complaint = self._received(user_id=self.staff_nanjing.id)
        major = self._received(user_id=self.staff_nanjing.id, is_major=True)
        finished = self._received(rejection_reason="无效")
        finished.stage_id = self.stage["rejected"]
        self.assertEqual(complaint.deadline_state, "on_track")
        # accept clock: due on Saturday 10 October, a worked day
        self._run_job("2026-10-08 09:00")
        self.assertEqual(complaint.deadline_state, "due_soon")
        self.assertEqual(complaint.deadline_clock, "accept")
        self.assertEqual(complaint.next_deadline, day("2026-10-10"))
        activities = self._activities(complaint, DEADLINE_ACTIVITY)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.staff_nanjing)
        self.assertEqual(activities.date_deadline, day("2026-10-10"))
        self.assertFalse(self._overdue_notices(complaint))
        self._run_job("2026-10-08 10:00")
        self.assertEqual(len(self._activities(complaint, DEADLINE_ACTIVITY)), 1)

        self._run_job("2026-10-12 09:00")
        self.assertEqual(complaint.deadline_state, "overdue")
        self.assertEqual(len(self._activities(complaint, DEADLINE_ACTIVITY)), 2)
        notice = self._overdue_notices(complaint)
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.notified_partner_ids, self.head_nanjing.partner_id)
        # a major complaint also informs Retail Client Service HQ
        self.assertEqual(
            self._overdue_notices(major).notified_partner_ids,
            self.head_nanjing.partner_id | self.hq_user.partner_id,
        )
        self._run_job("2026-10-12 10:00")
        self._run_job("2026-10-13 10:00")
        self.assertEqual(len(self._activities(complaint, DEADLINE_ACTIVITY)), 2)
        self.assertEqual(len(self._overdue_notices(complaint)), 1)
        # finished complaints are left alone
        self.assertFalse(finished.deadline_state)
        self.assertFalse(self._activities(finished, DEADLINE_ACTIVITY))

    def test_next_clock_gets_its_own_alerts(self):
        complaint = self._received(user_id=self.staff_nanjing.id)
        self._run_job("2026-10-12 09:00")
        self.assertEqual(len(self._activities(complaint, DEADLINE_ACTIVITY)), 1)
        with freeze_time(cn("2026-10-12 10:00")):
            complaint.action_accept()
            self.env.flush_all()
        self.assertEqual(complaint.deadline_clock, "reply")
        self.assertEqual(complaint.deadline_state, "on_track")
        self._run_job("2026-10-26 09:00")
        self.assertEqual(complaint.deadline_state, "due_soon")
        self.assertEqual(len(self._activities(complaint, DEADLINE_ACTIVITY)), 2)

    def test_job_reads_only_complaints_whose_state_moves(self):
        with freeze_time(cn("2026-09-30 12:00")):
            complaints = self.Complaint.create(
                [
                    self._complaint_vals(
                        self.nanjing,
                        received_date=cn("2026-09-30 10:00"),
                        acknowledged_date=cn("2026-09-30 11:00"),
                    )
                    for _i in range(5)
                ]
            )
            self.env.flush_all()
        with freeze_time(cn("2026-10-08 09:00")):
            self.assertEqual(self.Complaint._refresh_deadline_states(), 5)
            self.assertEqual(self.Complaint._refresh_deadline_states(), 0)
        self.assertEqual(set(complaints.mapped("deadline_state")), {"due_soon"})

    def test_kanban_list_and_filters_show_the_state(self):
        complaint = self._received()
        self._run_job("2026-10-12 09:00")
        overdue = self.Complaint.search(
            [("deadline_state", "=", "overdue"), ("id", "=", complaint.id)]
        )
        self.assertEqual(overdue, complaint)
        form = Form(complaint.with_user(self.staff_nanjing))
        self.assertEqual(form.deadline_state, "overdue")
