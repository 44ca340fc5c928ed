"""Improvement actions in the periodic statistics and their dashboard."""

from datetime import date

from odoo.tests import tagged

from .common import ReportCase


@tagged("post_install", "-at_install")
class TestImprovementReport(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Improvement = cls.env["huatai.complaint.improvement"]
        cls.action_a = Improvement.with_user(cls.hq_user).create(
            {
                "name": "优化营销话术",
                "proposal": "营销投诉上升，建议统一营销话术。",
                "proposing_unit_id": cls.retail_hq.id,
                "unit_id": cls.nanjing.id,
                "user_id": cls.staff_nanjing.id,
                "due_date": date(2099, 6, 30),
                "complaint_ids": [(6, 0, cls.nanjing_late.ids)],
            }
        )
        cls.action_a.action_open()
        cls.action_secret = Improvement.with_user(cls.compliance_user).create(
            {
                "name": "举报线索整改",
                "proposal": "CANARY-IMPROVEMENT 举报所涉问题整改",
                "proposing_unit_id": cls.compliance_unit.id,
                "unit_id": cls.nanjing.id,
                "complaint_ids": [(6, 0, cls.hq_whistle.ids)],
            }
        )

    def _sheet(self, user, unit_ids=None):
        content, _name, _count = self.Xlsx.with_user(user)._build(
            "statistics",
            date_from=date(2025, 1, 1),
            date_to=date(2099, 12, 31),
            period="year",
            unit_ids=unit_ids,
        )
        book = self.open_xlsx(content)
        self.assertIn("Improvement Actions", book.sheetnames)
        header, rows = self.sheet_rows(book["Improvement Actions"])
        return self.as_dicts(header, rows)

    def test_statistics_list_the_actions_of_the_units(self):
        rows = self._sheet(self.head_jiangsu, self.jiangsu.ids)
        self.assertEqual([r["Title"] for r in rows], ["优化营销话术"])
        self.assertEqual(rows[0]["Status"], "In Progress")
        self.assertEqual(rows[0]["Business Department"], "南京鼓楼营业部")
        self.assertEqual(rows[0]["Complaints"], 1)
        self.assertEqual(self._sheet(self.head_zhejiang, self.zhejiang.ids), [])

    def test_whistleblowing_actions_only_in_compliance_statistics(self):
        titles = [r["Title"] for r in self._sheet(self.hq_user)]
        self.assertEqual(titles, ["优化营销话术"])
        titles = {r["Title"] for r in self._sheet(self.compliance_user)}
        self.assertEqual(titles, {"优化营销话术", "举报线索整改"})

    def test_dashboard_counts_by_status(self):
        action = self.env.ref(
            "huatai_reports.huatai_complaint_improvement_action_analysis"
        )
        Improvement = self.env[action.res_model].with_user(self.hq_user)
        groups = Improvement.read_group([], ["state"], ["state"])
        counts = {g["state"]: g["state_count"] for g in groups}
        self.assertEqual(counts, {"draft": 0, "open": 1, "done": 0, "cancelled": 0})
