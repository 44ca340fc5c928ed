from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestOrgUnit(ComplaintCase):
    def test_complete_name_and_branch_roll_up(self):
        self.assertEqual(
            self.nanjing.complete_name, f"{self.hq.name} / 江苏分公司 / 南京鼓楼营业部"
        )
        self.assertEqual(self.nanjing.branch_id, self.jiangsu)
        # shown below company HQ, in the user's language
        self.assertEqual(self.nanjing.display_name, "江苏分公司 / 南京鼓楼营业部")
        self.assertEqual(self.hq.display_name, self.hq.name)
        self.env["res.lang"]._activate_lang("zh_CN")
        self.retail_hq.with_context(lang="zh_CN").name = "零售客户服务总部"
        self.assertEqual(
            self.retail_hq.with_context(lang="zh_CN").display_name, "零售客户服务总部"
        )
        self.assertEqual(self.retail_hq.display_name, "Retail Client Service HQ")
        self.assertEqual(self.jiangsu.branch_id, self.jiangsu)
        self.assertFalse(self.retail_hq.branch_id)
        self.nanjing.parent_id = self.zhejiang
        self.assertEqual(self.nanjing.branch_id, self.zhejiang)
        self.assertIn("浙江分公司", self.nanjing.complete_name)

    def test_subtree_search_uses_hierarchy(self):
        subtree = self.Unit.search([("id", "child_of", self.jiangsu.id)])
        self.assertEqual(subtree, self.jiangsu | self.nanjing | self.suzhou)

    def test_cycle_refused(self):
        with self.assertRaises(UserError):
            self.jiangsu.parent_id = self.nanjing

    def test_kind_hierarchy(self):
        with self.assertRaises(ValidationError):
            # a sales department cannot sit under another sales department
            self.Unit.create(
                {
                    "name": "错误营业部",
                    "code": "T-BAD",
                    "kind": "sales_department",
                    "parent_id": self.nanjing.id,
                }
            )
        with self.assertRaises(ValidationError):
            self.Unit.create(
                {"name": "无上级分公司", "code": "T-BAD2", "kind": "branch"}
            )

    def test_code_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.cr.savepoint():
                self.Unit.create(
                    {
                        "name": "重复",
                        "code": "T-JS",
                        "kind": "branch",
                        "parent_id": self.hq.id,
                    }
                )

    def test_members_and_users_are_one_relation(self):
        self.assertIn(self.staff_nanjing, self.nanjing.member_ids)
        self.suzhou.member_ids += self.staff_nanjing
        self.assertEqual(self.staff_nanjing.huatai_unit_ids, self.nanjing | self.suzhou)
