from odoo.tests import HttpCase, tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestKanbanUi(HttpCase, ComplaintCase):
    def test_staff_works_a_complaint_on_the_board(self):
        self.staff_nanjing.password = "t_staff_nj-secret"
        complaint = self._make(
            self.nanjing, complainant_name="看板测试客户", is_difficult=True
        )
        self.start_tour(
            "/odoo/action-huatai_complaints.huatai_complaint_action",
            "huatai_complaint_kanban_tour",
            login="t_staff_nj",
        )
        self.assertEqual(complaint.stage_state, "accepted")
        self.assertEqual(complaint.handling_unit_id, self.hangzhou)
        self.assertEqual(complaint.accepting_unit_id, self.nanjing)
        self.assertEqual(complaint.dispatch_ids.user_id, self.staff_nanjing)
