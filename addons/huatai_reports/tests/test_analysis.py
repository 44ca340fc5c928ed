from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.huatai_reports.report.report_statistics import hundredths

from .common import ReportCase, utc


@tagged("post_install", "-at_install")
class TestAnalysis(ReportCase):
    def report(self, complaint, user=None):
        Report = self.Report.with_user(user) if user else self.Report.sudo()
        return Report.search([("complaint_id", "=", complaint.id)])

    def test_rows_follow_complaints(self):
        row = self.report(self.nanjing_closed)
        self.assertEqual(row.name, self.nanjing_closed.name)
        self.assertEqual(row.received_day, date(2025, 1, 6))
        self.assertEqual(row.accepting_branch_id, self.jiangsu)
        self.assertEqual(row.accepting_company_id, self.hq)
        self.assertEqual(row.category_root_id, self.cat["service"])
        self.assertEqual(row.stage_state, "closed")
        # Mon 6 -> Fri 10 January 2025: four working days, no holiday between
        self.assertEqual(row.days_to_reply, 4)
        self.assertEqual(
            row.days_to_reply, self.working_days(self.nanjing_closed, "replied_date")
        )
        self.assertEqual(row.days_to_accept, 0)
        self.assertEqual(row.days_to_close, 7)
        self.assertEqual((row.reply_met, row.reply_missed, row.reply_rate), (1, 0, 100))
        self.assertEqual((row.accept_met, row.accept_missed), (1, 0))

    def test_edge_cases(self):
        rejected = self.report(self.nanjing_rejected)
        self.assertEqual((rejected.nbr_rejected, rejected.nbr_open), (1, 0))
        # the refusal is the acceptance decision, taken in time; no reply owed
        self.assertEqual((rejected.accept_met, rejected.accept_missed), (1, 0))
        self.assertEqual((rejected.reply_met, rejected.reply_missed), (0, 0))
        self.assertFalse(rejected.days_to_close)

        late = self.report(self.nanjing_late)
        self.assertEqual(
            (late.reply_met, late.reply_missed, late.reply_rate), (0, 1, 0)
        )
        # received during the Spring Festival holiday (3 February 2025):
        # counted from the next working day, 8 February (调休) included
        self.assertEqual(
            late.days_to_reply, self.working_days(self.nanjing_late, "replied_date")
        )
        self.assertIn(late.days_to_reply, (19, 20))  # 20 on Monday-Friday

        overdue = self.report(self.nanjing_overdue)
        self.assertEqual((overdue.nbr_overdue, overdue.nbr_replied), (1, 0))
        self.assertEqual((overdue.reply_met, overdue.reply_missed), (0, 1))
        self.assertFalse(overdue.days_to_reply)

        paused = self.report(self.suzhou_paused)
        # not due yet: neither met nor missed, no rate
        self.assertEqual(
            (paused.reply_met, paused.reply_missed, paused.nbr_overdue), (0, 0, 0)
        )
        self.assertFalse(paused.reply_rate)
        self.assertEqual(paused.stage_state, "compliance")

        dispatched = self.report(self.nanjing_dispatched)
        self.assertTrue(dispatched.is_transferred)
        self.assertEqual(dispatched.handling_unit_id, self.retail_hq)
        self.assertEqual(dispatched.accepting_unit_id, self.nanjing)

        registered = self.report(self.hq_new)
        self.assertEqual((registered.accept_met, registered.accept_missed), (0, 1))

        regulator = self.report(self.hangzhou_regulator)
        self.assertTrue(regulator.is_regulator and regulator.is_major)
        self.assertEqual((regulator.regulator_met, regulator.regulator_missed), (1, 0))

    def test_callbacks_and_satisfaction(self):
        closed = self.report(self.nanjing_closed)
        self.assertEqual(
            (closed.nbr_callbacks, closed.nbr_reached, closed.nbr_satisfied), (1, 1, 1)
        )
        self.assertEqual(closed.callback_result, "satisfied")
        self.assertEqual((closed.callback_met, closed.callback_missed), (1, 0))
        self.assertEqual(closed.satisfied_rate, 100)
        self.assertEqual(closed.satisfaction_score, 4.5)
        compensation = self.report(self.hangzhou_compensation)
        self.assertEqual(compensation.callback_result, "dissatisfied")
        self.assertEqual(compensation.satisfied_rate, 0)
        self.assertFalse(compensation.satisfaction_score)
        late = self.report(self.nanjing_late)
        self.assertEqual((late.nbr_callbacks, late.callback_missed), (0, 1))
        self.assertFalse(late.satisfied_rate)
        rows = self.Report.with_user(self.hq_user)._get_statistics(
            date(2025, 1, 1), date(2025, 2, 28), period="month", groupby=()
        )
        january, february = rows
        self.assertEqual(
            (january["reached"], january["satisfied"], january["satisfaction_rate"]),
            (1, 1, 100.0),
        )
        self.assertEqual(january["satisfaction_score"], 4.5)
        self.assertEqual(
            (february["reached"], february["satisfied"], february["satisfaction_rate"]),
            (1, 0, 0.0),
        )
        self.assertEqual(february["callback_missed"], 1)
        self.assertIsNone(february["satisfaction_score"])

    def test_returned_after_dissatisfied_callback(self):
        """A dissatisfied callback sends the complaint back to handling: the
        analysis counts it, per row, per month, in the monthly totals, as a
        recount of the complaints does."""

        def statistics(**kwargs):
            return self.Report.with_user(self.hq_user)._get_statistics(
                date(2025, 1, 1),
                date(2025, 2, 28),
                period="month",
                groupby=(),
                **kwargs,
            )

        def recount():
            return self.env["huatai.complaint"].search_count(
                [
                    ("id", "in", self.all_2025.ids),
                    ("returned_after_callback", "=", True),
                ]
            )

        compensation = self.report(self.hangzhou_compensation)
        self.assertEqual(compensation.nbr_returned_after_callback, 1)
        self.assertEqual(
            self.report(self.nanjing_closed).nbr_returned_after_callback, 0
        )
        rows = self.Report.sudo().search([("complaint_id", "in", self.all_2025.ids)])
        self.assertEqual(sum(rows.mapped("nbr_returned_after_callback")), 1)
        self.assertEqual(recount(), 1)
        january, february = statistics()
        self.assertEqual(
            (january["returned_after_callback"], february["returned_after_callback"]),
            (0, 1),
        )
        # a second callback of the January complaint: the client is not satisfied
        self.env["huatai.complaint.callback"].create(
            {
                "complaint_id": self.nanjing_closed.id,
                "date": utc(date(2025, 1, 20)),
                "unit_id": self.nanjing.id,
                "attempt": 2,
                "reached": True,
                "satisfied": False,
            }
        )
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertTrue(self.nanjing_closed.returned_after_callback)
        self.assertEqual(
            self.report(self.nanjing_closed).nbr_returned_after_callback, 1
        )
        self.assertEqual(recount(), 2)
        from_months = statistics()
        self.assertEqual(
            [row["returned_after_callback"] for row in from_months], [1, 1]
        )
        self.assertEqual(from_months, statistics(domain=[("id", "!=", 0)]))

    def test_report_follows_writes_in_the_transaction(self):
        """The figures are kept by triggers: a change shows at once."""
        self.nanjing_overdue.write(
            {
                "reply_text": "<p>答复</p>",
                "reply_method": "phone",
                "replied_date": utc(date(2025, 2, 20)),
                "stage_id": self.stage["replied"].id,
            }
        )
        row = self.report(self.nanjing_overdue)
        self.assertEqual((row.nbr_replied, row.reply_met, row.reply_missed), (1, 1, 0))
        self.assertEqual(row.days_to_reply, 8)
        self.nanjing_overdue.active = False
        self.assertFalse(self.report(self.nanjing_overdue))
        self.assertTrue(
            self.Report.sudo()
            .with_context(active_test=False)
            .search([("complaint_id", "=", self.nanjing_overdue.id)])
        )
        complaint_id = self.nanjing_overdue.id
        self.nanjing_overdue.sudo().unlink()
        self.assertFalse(
            self.Report.sudo()
            .with_context(active_test=False)
            .search([("complaint_id", "=", complaint_id)])
        )

    def test_durations_follow_holiday_schedule_changes(self):
        """A holiday declared afterwards changes the durations it falls in."""
        self.assertEqual(self.report(self.nanjing_closed).days_to_reply, 4)
        before = self.report(self.hangzhou_regulator).days_to_reply
        schedule = self.env["huatai.holiday.schedule"].search([("year", "=", 2025)])
        if not schedule:
            schedule = self.env["huatai.holiday.schedule"].create({"year": 2025})
        if schedule.state != "confirmed":
            schedule.state = "confirmed"
        self.env["huatai.holiday"].create(
            {
                "date": "2025-01-08",
                "kind": "holiday",
                "festival": "other",
                "name": "test day off",
                "schedule_id": schedule.id,
            }
        )
        self.env["huatai.workday"]._rebuild()
        self.env.invalidate_all()
        # 6 -> 10 January 2025, the 8th now off
        self.assertEqual(self.report(self.nanjing_closed).days_to_reply, 3)
        self.assertEqual(
            self.report(self.nanjing_closed).days_to_reply,
            self.working_days(self.nanjing_closed, "replied_date"),
        )
        # received after that day: unchanged
        self.assertEqual(self.report(self.hangzhou_regulator).days_to_reply, before)

    def test_period_without_schedule_counts_monday_to_friday(self):
        """Before the working-day table (or in a year without holiday
        schedule) durations count Monday to Friday, without error."""
        self.env.cr.execute("SELECT MIN(date) FROM huatai_workday")
        first = self.env.cr.fetchone()[0]
        received = date(2012, 3, 2)  # a Friday
        self.assertTrue(first is None or first > received)
        complaint = self._make(
            self.nanjing,
            received,
            "replied",
            accepted_date=utc(date(2012, 3, 5), 9),
            replied_date=utc(date(2012, 3, 6), 17),
        )
        row = self.report(complaint)
        self.assertEqual((row.days_to_accept, row.days_to_reply), (1, 2))
        rows = self.Report.with_user(self.head_jiangsu)._get_statistics(
            "2012-01-01", "2012-12-31", period="year", groupby=()
        )
        self.assertEqual([(r["count"], r["days_to_reply"]) for r in rows], [(1, 2.0)])

    def test_non_working_day_receipt_counts_from_next_working_day(self):
        # Saturday 2025-01-11, replied Monday 2025-01-13: same first working day
        complaint = self._make(
            self.nanjing,
            date(2025, 1, 11),
            "replied",
            accepted_date=utc(date(2025, 1, 13), 9),
            replied_date=utc(date(2025, 1, 13), 17),
        )
        row = self.report(complaint)
        self.assertEqual(row.received_day, date(2025, 1, 11))
        self.assertEqual(row.days_to_reply, 0)
        # replied Tuesday 2025-01-14: one working day after the first one
        tuesday = self._make(
            self.nanjing,
            date(2025, 1, 11),
            "replied",
            accepted_date=utc(date(2025, 1, 13), 9),
            replied_date=utc(date(2025, 1, 14), 17),
        )
        self.assertEqual(self.report(tuesday).days_to_reply, 1)

    def test_access_mirrors_complaint_rules(self):
        for user in (
            self.head_jiangsu,
            self.head_zhejiang,
            self.hq_user,
            self.compliance_user,
        ):
            rows = self.Report.with_user(user).search(
                [("complaint_id", "in", self.all_2025.ids)]
            )
            self.assertEqual(
                rows.complaint_id,
                self.visible(user),
                f"{user.login} sees its complaints",
            )
        head_a_rows = self.Report.with_user(self.head_jiangsu).search([])
        self.assertNotIn(self.hangzhou_regulator, head_a_rows.complaint_id)
        self.assertIn(self.nanjing_dispatched, head_a_rows.complaint_id)
        self.assertNotIn(
            self.hq_whistle,
            self.Report.with_user(self.hq_user).search([]).complaint_id,
        )
        self.assertIn(
            self.hq_whistle,
            self.Report.with_user(self.compliance_user).search([]).complaint_id,
        )
        with self.assertRaises(AccessError):
            self.Report.with_user(self.staff_nanjing).search([])

    def test_statistics_against_orm_counts(self):
        Report = self.Report.with_user(self.hq_user)
        rows = Report._get_statistics(
            date(2025, 1, 1), date(2025, 3, 31), period="month", groupby=()
        )
        self.assertEqual(
            [row["period_start"] for row in rows],
            [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)],
        )
        visible = self.visible(self.hq_user)
        for row in rows:
            start = row["period_start"]
            end = Report._period_bounds("month", start)[1]
            in_month = visible.filtered(
                lambda c, s=start, e=end: (
                    s <= (c.received_date + timedelta(hours=8)).date() <= e
                )
            )
            self.assertEqual(row["count"], len(in_month))
            self.assertEqual(
                row["open"], len(in_month.filtered(lambda c: not c.is_closed))
            )
            self.assertEqual(
                row["replied"], len(in_month.filtered("replied_date")), start
            )
            self.assertEqual(
                row["overdue"],
                len(
                    in_month.filtered(
                        lambda c: c.deadline_state == "overdue" and not c.is_closed
                    )
                ),
            )
            self.assertEqual(
                row["rejected"],
                len(in_month.filtered(lambda c: c.stage_state == "rejected")),
            )
        january = rows[0]
        # nanjing_closed, nanjing_rejected, hangzhou_regulator, hq_new
        # (whistleblowing hidden)
        self.assertEqual(january["count"], 4)
        # hq_new is still registered, past its reply deadline
        self.assertEqual((january["reply_met"], january["reply_missed"]), (2, 1))
        self.assertEqual(january["reply_rate"], 66.67)
        self.assertEqual((january["accept_met"], january["accept_missed"]), (3, 1))
        self.assertEqual(january["accept_rate"], 75.0)
        self.assertEqual(january["regulator"], 1)
        self.assertEqual(january["major"], 1)
        february = rows[1]
        self.assertEqual((february["reply_met"], february["reply_missed"]), (1, 2))
        self.assertEqual(february["compensation_amount"], 5000.0)
        # the reply overdue, and the late reply's callback now overdue too
        self.assertEqual(february["overdue"], 2)

    def test_monthly_totals_match_the_complaint_rows(self):
        """Firm-wide statistics read the monthly totals: same figures as the
        complaint rows, for HQ (without whistleblowing) and Compliance."""
        Report = self.Report
        cases = [
            ("month", ()),
            ("month", ("accepting_unit_id",)),
            # the totals' own grain (read without regrouping for HQ)
            ("month", ("accepting_unit_id", "category_id")),
            ("month", ("category_id", "accepting_unit_id")),
            ("quarter", ("accepting_unit_id", "category_id")),
            ("year", ("accepting_branch_id", "category_root_id")),
            (False, ("category_root_id",)),
        ]
        for user in (self.hq_user, self.compliance_user):
            for period, groupby in cases:
                args = (date(2025, 1, 1), date(2025, 12, 31), period)
                self.assertTrue(
                    Report.with_user(user)._monthly_totals_answer(*args, groupby, None)
                )
                from_months = Report.with_user(user)._get_statistics(
                    *args, groupby=groupby
                )
                from_rows = Report.with_user(user)._get_statistics(
                    *args, groupby=groupby, domain=[("id", "!=", 0)]
                )
                self.assertTrue(from_months)
                self.assertEqual(from_months, from_rows, (user.login, period, groupby))
                # folded into the totals, the changes waiting in the deltas
                # do not move the figures
                self.env.cr.execute("SAVEPOINT fold")
                Report._cron_fold_monthly_totals()
                self.assertFalse(Report._month_deltas_pending())
                self.assertEqual(
                    Report.with_user(user)._get_statistics(*args, groupby=groupby),
                    from_rows,
                    (user.login, period, groupby, "folded"),
                )
                self.env.cr.execute("ROLLBACK TO SAVEPOINT fold")
        # and they follow the complaints in the same transaction
        before = Report.with_user(self.hq_user)._get_statistics(
            date(2025, 1, 1), date(2025, 1, 31), groupby=()
        )[0]
        self.nanjing_rejected.category_id = self.cat["service"]
        self.nanjing_closed.active = False
        self.assertTrue(Report._month_deltas_pending())
        after = Report.with_user(self.hq_user)._get_statistics(
            date(2025, 1, 1), date(2025, 1, 31), groupby=("category_id",)
        )
        self.assertEqual(sum(row["count"] for row in after), before["count"] - 1)
        self.assertEqual(
            after,
            Report.with_user(self.hq_user)._get_statistics(
                date(2025, 1, 1),
                date(2025, 1, 31),
                groupby=("category_id",),
                domain=[("id", "!=", 0)],
            ),
        )
        # at the totals' own grain, folded then changed again: the totals
        # merged with the deltas of the (month, unit, type) changed
        Report._cron_fold_monthly_totals()
        self.nanjing_late.category_id = self.cat["service"]
        self.hangzhou_compensation.active = False
        self.assertTrue(Report._month_deltas_pending())
        grain = (date(2025, 1, 1), date(2025, 12, 31), "month")
        groupby = ("category_id", "accepting_unit_id")
        self.assertEqual(
            Report.with_user(self.hq_user)._get_statistics(*grain, groupby=groupby),
            Report.with_user(self.hq_user)._get_statistics(
                *grain, groupby=groupby, domain=[("id", "!=", 0)]
            ),
        )
        # not whole months, unit heads, day breakdown: the complaint rows
        self.assertFalse(
            Report.with_user(self.hq_user)._monthly_totals_answer(
                date(2025, 1, 5), date(2025, 1, 31), "month", (), None
            )
        )
        self.assertFalse(
            Report.with_user(self.head_jiangsu)._monthly_totals_answer(
                date(2025, 1, 1), date(2025, 1, 31), "month", (), None
            )
        )
        self.assertFalse(
            Report.with_user(self.hq_user)._monthly_totals_answer(
                date(2025, 1, 1), date(2025, 1, 31), "day", (), None
            )
        )
        # a unit subtree (accepting or handling) and handling units: the rows
        self.assertFalse(
            Report.with_user(self.hq_user)._monthly_totals_answer(
                date(2025, 1, 1), date(2025, 1, 31), "month", (), None, self.nanjing.ids
            )
        )
        self.assertFalse(
            Report.with_user(self.hq_user)._monthly_totals_answer(
                date(2025, 1, 1),
                date(2025, 1, 31),
                "month",
                ("handling_unit_id",),
                None,
            )
        )

    def test_monthly_rates_round_like_numeric_round(self):
        """The monthly totals' rates and averages, computed in integers, are
        the figures ROUND gives on numerics: half up (1/8 -> 12.5%, 1/32 ->
        3.13%, 2/3 -> 66.67%), NULL when nothing was due."""
        self.env.cr.execute(
            f"""
            SELECT n, d, ROUND(n::numeric / NULLIF(d, 0), 2)::float8,
                   {hundredths("n", "d")},
                   ROUND(100.0 * n / NULLIF(d, 0), 2)::float8,
                   {hundredths("100 * n", "d")}
              FROM generate_series(0, 300) n, generate_series(0, 64) d
            """
        )
        rows = self.env.cr.fetchall()
        self.assertEqual(len(rows), 301 * 65)
        for n, d, average, fast_average, rate, fast_rate in rows:
            self.assertEqual((average, rate), (fast_average, fast_rate), (n, d))
        self.env.cr.execute(f"SELECT {hundredths('100 * 1', '32')}")
        self.assertEqual(self.env.cr.fetchone()[0], 3.13)

    def test_statistics_per_unit_and_subtree(self):
        rows = self.Report.with_user(self.head_jiangsu)._get_statistics(
            date(2025, 1, 1),
            date(2025, 12, 31),
            period="year",
            groupby=("accepting_unit_id", "category_id"),
        )
        counts = {
            (row["accepting_unit_id"], row["category_id"]): row["count"] for row in rows
        }
        self.assertEqual(
            counts,
            {
                (self.nanjing.id, self.cat["service"].id): 3,
                (self.nanjing.id, self.cat["system"].id): 1,
                (self.nanjing.id, self.cat["marketing"].id): 1,
                (self.suzhou.id, self.cat["service"].id): 1,
            },
        )
        # a subtree inside the user's own: only A2
        rows = self.Report.with_user(self.head_jiangsu)._get_statistics(
            date(2025, 1, 1),
            date(2025, 12, 31),
            period=False,
            groupby=(),
            unit_ids=self.suzhou.ids,
        )
        self.assertEqual([row["count"] for row in rows], [1])
        # the dispatched complaint counts for the handling unit's subtree too
        rows = self.Report.with_user(self.hq_user)._get_statistics(
            date(2025, 1, 1),
            date(2025, 12, 31),
            period=False,
            groupby=("accepting_unit_id",),
            unit_ids=self.retail_hq.ids,
        )
        in_retail = self.visible(self.hq_user).filtered(
            lambda c: self.retail_hq in (c.accepting_unit_id | c.handling_unit_id)
        )
        self.assertIn(self.nanjing_dispatched, in_retail)
        self.assertIn(self.hq_new, in_retail)
        expected = {}
        for complaint in in_retail:
            unit_id = complaint.accepting_unit_id.id
            expected[unit_id] = expected.get(unit_id, 0) + 1
        self.assertEqual(
            {row["accepting_unit_id"]: row["count"] for row in rows}, expected
        )

    def test_statistics_bad_input(self):
        Report = self.Report.with_user(self.head_jiangsu)
        with self.assertRaises(UserError):
            Report._get_statistics(
                date(2025, 1, 1), date(2025, 3, 1), unit_ids=self.hangzhou.ids
            )
        with self.assertRaises(UserError):
            Report._get_statistics(date(2025, 3, 1), date(2025, 1, 1))
        with self.assertRaises(UserError):
            Report._get_statistics(
                date(2025, 1, 1), date(2025, 3, 1), period="fortnight"
            )
        with self.assertRaises(UserError):
            Report._get_statistics("2025-01-01", "not a date")
        with self.assertRaises(UserError):
            Report._get_statistics(
                date(2025, 1, 1), date(2025, 3, 1), groupby=("name",)
            )
        with self.assertRaises(AccessError):
            self.Report.with_user(self.staff_nanjing)._get_statistics(
                date(2025, 1, 1), date(2025, 3, 1)
            )
        # an empty period, a unit without complaints: no rows, no error
        self.assertEqual(Report._get_statistics("2010-01-01", "2010-12-31"), [])
        self.assertEqual(
            self.Report.with_user(self.head_zhejiang)._get_statistics(
                date(2025, 1, 1), date(2025, 12, 31), unit_ids=self.wenzhou.ids
            ),
            [],
        )

    def test_read_group_for_pivots_and_dashboards(self):
        groups = self.Report.with_user(self.head_zhejiang).read_group(
            [("received_date", ">=", "2024-12-31 16:00:00")],
            ["nbr_complaints:sum", "reply_rate:avg", "days_to_reply:avg"],
            ["accepting_unit_id"],
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["accepting_unit_id"][0], self.hangzhou.id)
        self.assertEqual(groups[0]["nbr_complaints"], 2)
        self.assertEqual(groups[0]["reply_rate"], 100.0)

    def test_period_bounds(self):
        bounds = self.Report._period_bounds
        self.assertEqual(
            bounds("month", date(2024, 2, 10)), (date(2024, 2, 1), date(2024, 2, 29))
        )
        self.assertEqual(
            bounds("quarter", date(2025, 11, 3)),
            (date(2025, 10, 1), date(2025, 12, 31)),
        )
        self.assertEqual(
            bounds("year", date(2025, 5, 5)), (date(2025, 1, 1), date(2025, 12, 31))
        )
        self.assertEqual(
            bounds("week", date(2025, 1, 8)), (date(2025, 1, 6), date(2025, 1, 12))
        )
