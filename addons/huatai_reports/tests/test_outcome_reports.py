from datetime import date

from odoo.tests import tagged

from odoo.addons.huatai_reports.report import database_objects

from .common import ReportCase

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
# the by-type sheet of the CSRC yearly summary: its count and outcome columns
BY_TYPE_COLUMNS = (
    "Complaints",
    "Compensation Requested",
    "Compensation Claimed",
    "Founded",
    "Partly Founded",
    "Unfounded",
    "Compensation Paid",
)


@tagged("post_install", "-at_install")
class TestOutcomeReports(ReportCase):
    """The outcome of the complaints (issue 15) in the analysis, the
    statistics and the workbooks.

    Outcomes set on the dataset of ReportCase:
      nanjing_closed         founded, 1,200.00 paid         (Nanjing, 2025-01)
      nanjing_rejected       unfounded                      (Nanjing, 2025-01)
      hangzhou_regulator     partly founded, 800.50 paid    (Hangzhou, 2025-01)
      hangzhou_compensation  founded, 5,000.00 paid         (Hangzhou, 2025-02)
      hq_whistle             founded, 300.00 paid (whistleblowing: Compliance)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the compensation is recorded by its approval (workflow-only fields)
        for complaint, outcome, paid in (
            (cls.nanjing_closed, "founded", 1200.0),
            (cls.nanjing_rejected, "unfounded", 0.0),
            (cls.hangzhou_regulator, "partly_founded", 800.5),
            (cls.hangzhou_compensation, "founded", 5000.0),
            (cls.hq_whistle, "founded", 300.0),
        ):
            complaint.sudo().write(
                {
                    "outcome": outcome,
                    "compensation_paid": paid,
                    "compensation_date": date(2025, 3, 10) if paid else False,
                }
            )

    def statistics(self, user, *args, **kwargs):
        return self.Report.with_user(user)._get_statistics(*args, **kwargs)

    def both_paths(self, user, period, groupby):
        """The statistics from the monthly totals, checked equal to those
        from the complaint rows."""
        args = (*YEAR, period)
        self.assertTrue(
            self.Report.with_user(user)._monthly_totals_answer(*args, groupby, None)
        )
        from_months = self.statistics(user, *args, groupby=groupby)
        from_rows = self.statistics(
            user, *args, groupby=groupby, domain=[("id", "!=", 0)]
        )
        self.assertEqual(from_months, from_rows, (user.login, period, groupby))
        return from_months

    @staticmethod
    def outcome_figures(row):
        return (
            row["founded"],
            row["partly_founded"],
            row["unfounded"],
            row["compensation_paid"],
        )

    def test_analysis_rows_and_groups(self):
        row = self.Report.sudo().search([("complaint_id", "=", self.nanjing_closed.id)])
        self.assertEqual(row.outcome, "founded")
        self.assertEqual(
            (row.nbr_founded, row.nbr_partly_founded, row.nbr_unfounded), (1, 0, 0)
        )
        self.assertEqual(row.compensation_paid, 1200.0)
        row = self.Report.sudo().search([("complaint_id", "=", self.nanjing_late.id)])
        self.assertFalse(row.outcome)
        self.assertEqual((row.nbr_founded, row.compensation_paid), (0, 0.0))
        # grouped by outcome, as the pivot does (HQ: no whistleblowing)
        groups = self.Report.with_user(self.hq_user).read_group(
            [("id", "in", self.all_2025.ids)],
            ["nbr_complaints:sum", "nbr_founded:sum", "compensation_paid:sum"],
            ["outcome"],
        )
        by_outcome = {
            g["outcome"]: (
                g["nbr_complaints"],
                g["nbr_founded"],
                g["compensation_paid"],
            )
            for g in groups
        }
        self.assertEqual(
            by_outcome,
            {
                "founded": (2, 2, 6200.0),
                "partly_founded": (1, 0, 800.5),
                "unfounded": (1, 0, 0.0),
                False: (5, 0, 0.0),
            },
        )

    def test_statistics_from_rows_and_from_monthly_totals(self):
        # HQ: whistleblowing apart
        (firm,) = self.both_paths(self.hq_user, False, ())
        self.assertEqual(self.outcome_figures(firm), (2, 1, 1, 7000.5))
        months = self.both_paths(self.hq_user, "month", ())
        self.assertEqual(
            {row["period_start"]: self.outcome_figures(row) for row in months},
            {
                date(2025, 1, 1): (1, 1, 1, 2000.5),
                date(2025, 2, 1): (1, 0, 0, 5000.0),
                date(2025, 3, 1): (0, 0, 0, 0.0),
            },
        )
        by_unit = self.both_paths(self.hq_user, "year", ("accepting_unit_id",))
        figures = {
            row["accepting_unit_id"]: self.outcome_figures(row) for row in by_unit
        }
        self.assertEqual(figures[self.nanjing.id], (1, 0, 1, 1200.0))
        self.assertEqual(figures[self.hangzhou.id], (1, 1, 0, 5800.5))
        # Compliance also counts the whistleblowing report
        (firm,) = self.both_paths(self.compliance_user, False, ())
        self.assertEqual(self.outcome_figures(firm), (3, 1, 1, 7300.5))
        # a unit head: the rows of their subtree
        (zhejiang,) = self.statistics(
            self.head_zhejiang, *YEAR, period=False, groupby=()
        )
        self.assertEqual(self.outcome_figures(zhejiang), (1, 1, 0, 5800.5))
        # the outcome as a dimension (complaint rows)
        by_outcome = self.statistics(
            self.hq_user, *YEAR, period=False, groupby=("outcome",)
        )
        self.assertEqual(
            [
                (row["outcome"], row["count"], row["compensation_paid"])
                for row in by_outcome
            ],
            [
                (None, 5, 0.0),
                ("founded", 2, 6200.0),
                ("partly_founded", 1, 800.5),
                ("unfounded", 1, 0.0),
            ],
        )

    def test_changed_outcome_recount_equals_totals(self):
        self.Report._cron_fold_monthly_totals()
        # revised on appeal: the founded complaint is found unfounded, the
        # partly founded one gets more
        self.nanjing_closed.sudo().write(
            {"outcome": "unfounded", "compensation_paid": 0}
        )
        self.hangzhou_regulator.sudo().compensation_paid = 1000.0
        self.env.flush_all()
        self.assertTrue(self.Report._month_deltas_pending())
        (firm,) = self.both_paths(self.hq_user, False, ())
        self.assertEqual(self.outcome_figures(firm), (1, 1, 2, 6000.0))
        self.Report._cron_fold_monthly_totals()
        self.assertFalse(self.Report._month_deltas_pending())
        folded = self.both_paths(self.hq_user, "month", ("accepting_unit_id",))
        # a full recount of the figures gives the same totals
        database_objects.rebuild_facts(self.env)
        self.assertEqual(
            self.both_paths(self.hq_user, "month", ("accepting_unit_id",)), folded
        )
        self.assertEqual(
            self.outcome_figures(self.both_paths(self.hq_user, False, ())[0]),
            (1, 1, 2, 6000.0),
        )

    def test_statistics_workbook_outcome_columns(self):
        content, _name, _count = self.Xlsx.with_user(self.head_zhejiang)._build(
            "statistics",
            date_from=date(2025, 1, 1),
            date_to=date(2025, 3, 31),
            period="month",
        )
        header, rows = self.sheet_rows(self.open_xlsx(content)["Statistics"])
        detail = self.as_dicts(header, rows)
        columns = ("Founded", "Partly Founded", "Unfounded", "Compensation Paid")
        self.assertEqual(
            [(r["Period"], *(r[c] for c in columns)) for r in detail],
            [
                ("2025-01", 0, 1, 0, 800.5),
                ("2025-02", 1, 0, 0, 5000),
                ("Total", 1, 1, 0, 5800.5),
            ],
        )

    def test_regulator_summary_outcome_columns(self):
        content, _name, _count = self.Xlsx.with_user(self.hq_user)._build(
            "regulator_summary", year=2025
        )
        header, rows = self.sheet_rows(self.open_xlsx(content).worksheets[0])
        rows = self.as_dicts(header, rows)
        columns = ("Founded", "Partly Founded", "Unfounded", "Compensation Paid")
        by_code = {row["Unit Code"]: row for row in rows[:-1]}
        self.assertEqual(tuple(by_code["T-JS-NJ"][c] for c in columns), (1, 0, 1, 1200))
        self.assertEqual(
            tuple(by_code["T-ZJ-HZ"][c] for c in columns), (1, 1, 0, 5800.5)
        )
        self.assertEqual(tuple(by_code["T-ZJ-WZ"][c] for c in columns), (0, 0, 0, 0))
        self.assertEqual(tuple(rows[-1][c] for c in columns), (2, 1, 1, 7000.5))
        # Compliance's firm total counts the whistleblowing report
        content, _name, _count = self.Xlsx.with_user(self.compliance_user)._build(
            "regulator_summary", year=2025
        )
        header, rows = self.sheet_rows(self.open_xlsx(content).worksheets[0])
        total = self.as_dicts(header, rows)[-1]
        self.assertEqual(tuple(total[c] for c in columns), (3, 1, 1, 7300.5))

    def by_type_sheet(self, user, lang="en_US"):
        content, _name, _count = (
            self.Xlsx.with_user(user)
            .with_context(lang=lang)
            ._build("regulator_summary", year=2025)
        )
        book = self.open_xlsx(content)
        header, rows = self.sheet_rows(book.worksheets[1])
        return book.sheetnames[1], header, rows

    def test_regulator_summary_by_type_outcome_columns(self):
        _sheet, header, rows = self.by_type_sheet(self.hq_user)
        columns = BY_TYPE_COLUMNS
        self.assertEqual(
            header, ["Complaint Type", "Complaints", "Share", *columns[1:]]
        )
        lines = self.as_dicts(header, rows)
        by_type = {
            line["Complaint Type"]: tuple(line[c] for c in columns)
            for line in lines[:-1]
        }
        # service: nanjing_closed founded (1,200 paid), hangzhou_regulator
        # partly founded (800.50 paid), three without outcome; system: the
        # rejected one, unfounded; financial service: 5,000 claimed and paid
        self.assertEqual(by_type.pop("Service"), (5, 0, 0, 1, 1, 0, 2000.5))
        self.assertEqual(by_type.pop("System"), (1, 0, 0, 0, 0, 1, 0))
        self.assertEqual(by_type.pop("Financial Service"), (1, 1, 5000, 1, 0, 0, 5000))
        self.assertEqual(by_type.pop("Marketing"), (1, 0, 0, 0, 0, 0, 0))
        self.assertEqual(by_type.pop("Other"), (1, 0, 0, 0, 0, 0, 0))
        # HQ does not see the whistleblowing type; the other types: zeros
        self.assertNotIn("Whistleblowing", by_type)
        self.assertTrue(all(v == (0, 0, 0, 0, 0, 0, 0) for v in by_type.values()))
        total = lines[-1]
        self.assertEqual((total["Complaint Type"], total["Share"]), ("Firm Total", 1))
        self.assertEqual(
            tuple(total[c] for c in columns), (9, 1, 5000, 2, 1, 1, 7000.5)
        )

    def test_regulator_summary_by_type_totals_equal_statistics(self):
        keys = (
            "count",
            "compensation",
            "compensation_amount",
            "founded",
            "partly_founded",
            "unfounded",
            "compensation_paid",
        )
        columns = BY_TYPE_COLUMNS
        expected = {
            self.hq_user: (9, 1, 5000, 2, 1, 1, 7000.5),
            # the whistleblowing report: founded, 300 paid
            self.compliance_user: (10, 1, 5000, 3, 1, 1, 7300.5),
            self.head_zhejiang: (2, 1, 5000, 1, 1, 0, 5800.5),
        }
        for user, figures in expected.items():
            (stats,) = self.statistics(user, *YEAR, period=False, groupby=())
            self.assertEqual(tuple(stats[k] for k in keys), figures, user.login)
            _sheet, header, rows = self.by_type_sheet(user)
            lines = self.as_dicts(header, rows)
            total = lines[-1]
            self.assertEqual(tuple(total[c] for c in columns), figures, user.login)
            # the lines add up to the total line
            self.assertEqual(
                tuple(sum(line[c] for line in lines[:-1]) for c in columns),
                figures,
                user.login,
            )
            # and the units' sheet says the same
            _book, unit_header, unit_rows = self.by_unit_sheet(user)
            unit_total = self.as_dicts(unit_header, unit_rows)[-1]
            self.assertEqual(tuple(unit_total[c] for c in columns), figures, user.login)

    def by_unit_sheet(self, user):
        content, _name, _count = self.Xlsx.with_user(user)._build(
            "regulator_summary", year=2025
        )
        book = self.open_xlsx(content)
        header, rows = self.sheet_rows(book.worksheets[0])
        return book, header, rows

    def test_regulator_summary_by_type_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["huatai_complaints", "huatai_reports"], ["zh_CN"]
        )
        self.hq_user.lang = "zh_CN"
        sheet, header, rows = self.by_type_sheet(self.hq_user, lang="zh_CN")
        self.assertEqual(sheet, "按投诉类型")
        self.assertEqual(
            header,
            [
                "投诉类型",
                "投诉件数",
                "占比",
                "要求经济补偿",
                "诉求补偿金额",
                "成立",
                "部分成立",
                "不成立",
                "已支付补偿",
            ],
        )
        self.assertEqual(rows[-1][0], "全公司合计")
        self.assertEqual(rows[-1][1:], [9, 1, 1, 5000, 2, 1, 1, 7000.5])
