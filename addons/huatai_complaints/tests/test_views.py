from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import datetime, safe_eval

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestBoardViews(ComplaintCase):
    """What branch-office staff filter and see on the complaint boards."""

    def _arch(self, user, view_type):
        view = self.Complaint.with_user(user).get_view(view_type=view_type)
        return etree.fromstring(view["arch"])

    def _filters(self, user):
        arch = self._arch(user, "search")
        return {node.get("name"): node for node in arch.iter("filter")}

    def _search(self, user, filter_node):
        context = {
            "uid": user.id,
            "context_today": datetime.date.today,
            "datetime": datetime,
        }
        domain = safe_eval(filter_node.get("domain"), context)
        return self.Complaint.with_user(user).search(domain)

    def test_staff_filters(self):
        staff = self.staff_nanjing
        filters = self._filters(staff)
        for name in (
            "my_complaints",
            "registered_by_me",
            "followed",
            "unassigned",
            "activities_my",
            "activities_overdue",
            "major",
            "group",
            "difficult",
            "media",
            "judicial",
            "compensation",
            "group_is_major",
            "group_is_compensation",
            "group_priority",
            "group_regulator_authority",
            "group_channel",
            "group_category",
            "group_accepting_unit",
            "group_handling_unit",
        ):
            self.assertIn(name, filters)
        self.assertNotEqual(filters["activities_overdue"].get("invisible"), "1")
        self.assertNotIn("whistleblowing", filters)
        self.assertIn("whistleblowing", self._filters(self.compliance_user))

        registered = self.Complaint.with_user(staff).create(
            self._complaint_vals(self.nanjing)
        )
        owned = self._make(self.nanjing, user_id=staff.id)
        unowned = self._make(self.nanjing, user_id=False)
        self.assertEqual(self._search(staff, filters["registered_by_me"]), registered)
        mine = self._search(staff, filters["my_complaints"])
        self.assertIn(owned, mine)
        self.assertEqual(mine.user_id, staff)
        unassigned = self._search(staff, filters["unassigned"])
        self.assertIn(unowned, unassigned)
        self.assertFalse(unassigned.user_id)
        registered.activity_schedule("mail.mail_activity_data_todo", user_id=staff.id)
        self.assertEqual(self._search(staff, filters["activities_my"]), registered)

    def test_kanban_card_shows_every_severity_flag_and_the_accountable_unit(self):
        arch = self._arch(self.staff_nanjing, "kanban")
        card = arch.xpath("//t[@t-name='card']")[0]
        conditions = " ".join(card.xpath(".//@t-if"))
        for flag in (
            "is_major",
            "is_group",
            "is_difficult",
            "is_media",
            "is_judicial",
            "is_compensation",
        ):
            self.assertIn(f"record.{flag}.raw_value", conditions)
        self.assertIn(
            "record.accepting_unit_id.raw_value !== record.handling_unit_id.raw_value",
            conditions,
        )
        top_fields = [node.get("name") for node in arch.xpath("/kanban/field[@name]")]
        self.assertEqual(len(top_fields), len(set(top_fields)))
