from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestAccess(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.c_nanjing = cls._make(cls.nanjing, complainant_name="南京客户")
        cls.c_suzhou = cls._make(cls.suzhou, complainant_name="苏州客户")
        cls.c_hangzhou = cls._make(cls.hangzhou, complainant_name="杭州客户")
        cls.c_branch = cls._make(cls.jiangsu, complainant_name="分公司客户")
        cls.c_dispatched = cls._make(
            cls.suzhou, complainant_name="转办客户", handling_unit_id=cls.nanjing.id
        )
        cls.c_whistle = cls._make(
            cls.nanjing,
            category_id=cls.category_whistleblowing.id,
            complainant_name="举报人甲",
            description="某员工私下代客理财",
        )
        cls.all = (
            cls.c_nanjing
            | cls.c_suzhou
            | cls.c_hangzhou
            | cls.c_branch
            | cls.c_dispatched
            | cls.c_whistle
        )

    def test_role_matrix_read_write_archive(self):
        """Per role: which complaints it can read, write and archive (unit
        heads and above; staff works them but cannot archive)."""
        c = {
            "own": self.c_nanjing,
            "sibling": self.c_suzhou,
            "branch": self.c_branch,
            "other_branch": self.c_hangzhou,
            "whistleblowing": self.c_whistle,
        }
        allowed = {
            self.staff_nanjing: {"own"},
            self.head_jiangsu: {"own", "sibling", "branch"},
            self.hq_user: {"own", "sibling", "branch", "other_branch"},
            self.admin_user: {"own", "sibling", "branch", "other_branch"},
            self.compliance_user: set(c),
        }
        for user, keys in allowed.items():
            for key, complaint in c.items():
                record = complaint.with_user(user)
                with self.subTest(user=user.login, complaint=key):
                    if key in keys:
                        record.read(["description"])
                        record.write({"demand": f"{user.login} 的处理意见"})
                        if user == self.staff_nanjing:
                            with self.assertRaises(UserError):
                                record.action_archive()
                            continue
                        wizard = (
                            self.env["huatai.complaint.archive.wizard"]
                            .with_user(user)
                            .create({"complaint_ids": record.ids, "reason": "测试"})
                        )
                        record.action_archive()
                        wizard.action_archive()
                        self.assertFalse(record.active)
                        record.action_unarchive()
                        continue
                    with self.assertRaises(AccessError):
                        record.read(["description"])
                    with self.assertRaises(AccessError):
                        record.write({"demand": "越权修改"})
                    with self.assertRaises(AccessError):
                        record.action_archive()

    def _visible(self, user):
        return self.Complaint.with_user(user).search([("id", "in", self.all.ids)])

    def test_staff_sees_own_units_only(self):
        self.assertEqual(
            self._visible(self.staff_nanjing), self.c_nanjing | self.c_dispatched
        )
        self.assertEqual(
            self._visible(self.staff_suzhou), self.c_suzhou | self.c_dispatched
        )
        self.assertEqual(self._visible(self.staff_hangzhou), self.c_hangzhou)

    def test_unit_head_sees_subtree(self):
        self.assertEqual(
            self._visible(self.head_jiangsu),
            self.c_nanjing | self.c_suzhou | self.c_branch | self.c_dispatched,
        )

    def test_hq_sees_all_but_whistleblowing(self):
        self.assertEqual(self._visible(self.hq_user), self.all - self.c_whistle)
        self.assertEqual(self._visible(self.admin_user), self.all - self.c_whistle)

    def test_compliance_sees_everything(self):
        self.assertEqual(self._visible(self.compliance_user), self.all)
        whistle = self.c_whistle.with_user(self.compliance_user)
        self.assertEqual(whistle.complainant_name, "举报人甲")

    def test_staff_cannot_read_or_write_a_sibling_unit(self):
        sibling = self.c_suzhou.with_user(self.staff_nanjing)
        with self.assertRaises(AccessError):
            sibling.read(["description"])
        with self.assertRaises(AccessError):
            sibling.write({"demand": "赔偿"})
        other_branch = self.c_hangzhou.with_user(self.head_jiangsu)
        with self.assertRaises(AccessError):
            other_branch.read(["complainant_name"])

    def test_staff_writes_own_units(self):
        mine = self.c_nanjing.with_user(self.staff_nanjing)
        mine.write({"demand": "要求道歉"})
        self.assertEqual(self.c_nanjing.demand, "要求道歉")
        # the complaint handled by my unit is mine to work too
        self.c_dispatched.with_user(self.staff_nanjing).write({"is_difficult": True})

    def test_staff_registers_only_for_own_units(self):
        as_staff = self.Complaint.with_user(self.staff_nanjing)
        self.assertTrue(as_staff.create(self._complaint_vals(self.nanjing)))
        with self.assertRaises(AccessError):
            as_staff.create(self._complaint_vals(self.suzhou))

    def test_nobody_deletes_a_complaint(self):
        for user in (
            self.staff_nanjing,
            self.head_jiangsu,
            self.hq_user,
            self.admin_user,
        ):
            with self.assertRaises(AccessError):
                self.c_nanjing.with_user(user).unlink()
        with self.assertRaises(AccessError):
            self.c_whistle.with_user(self.compliance_user).unlink()

    def test_whistleblowing_hidden_everywhere_but_compliance(self):
        for user in (
            self.staff_nanjing,
            self.head_jiangsu,
            self.hq_user,
            self.admin_user,
        ):
            user.groups_id += self.env.ref("base.group_allow_export")
            complaints = self.Complaint.with_user(user)
            with self.assertRaises(AccessError):
                self.c_whistle.with_user(user).read(["complainant_name"])
            self.assertFalse(complaints.search([("description", "ilike", "代客理财")]))
            self.assertFalse(complaints.search([("complainant_name", "=", "举报人甲")]))
            groups = complaints.read_group(
                [("category_id", "=", self.category_whistleblowing.id)],
                ["category_id"],
                ["category_id"],
            )
            self.assertFalse(groups)
            with self.assertRaises(AccessError):
                self.c_whistle.with_user(user).export_data(["complainant_name"])
            # nor through its chatter or attachments
            thread = [
                ("model", "=", "huatai.complaint"),
                ("res_id", "=", self.c_whistle.id),
            ]
            self.assertFalse(self.env["mail.message"].with_user(user).search(thread))
            self.assertFalse(
                self.env["ir.attachment"]
                .with_user(user)
                .search(
                    [
                        ("res_model", "=", "huatai.complaint"),
                        ("res_id", "=", self.c_whistle.id),
                    ]
                )
            )

    def test_registering_a_whistleblowing_report_hands_it_over(self):
        as_staff = self.Complaint.with_user(self.staff_nanjing)
        report = as_staff.create(
            self._complaint_vals(
                self.nanjing,
                category_id=self.category_whistleblowing.id,
                complainant_name="匿名举报人",
            )
        )
        # created, but the registering staff cannot see it any more
        with self.assertRaises(AccessError):
            report.read(["complainant_name"])
        self.assertFalse(
            report.sudo().message_partner_ids & self.staff_nanjing.partner_id
        )
        receipt = (
            self.env["huatai.complaint.handover"]
            .with_user(self.staff_nanjing)
            .search([])
        )
        self.assertEqual(receipt.name, report.sudo().name)
        self.assertEqual(receipt.registered_by_id, self.staff_nanjing)
        self.assertFalse("complainant_name" in receipt._fields)

    def test_whistleblowing_wizard_hands_over(self):
        wizard = (
            self.env["huatai.whistleblowing.wizard"]
            .with_user(self.staff_nanjing)
            .create(
                {
                    "channel": "phone",
                    "complainant_name": "举报人乙",
                    "description": "某员工泄露客户信息",
                }
            )
        )
        self.assertEqual(wizard.accepting_unit_id, self.nanjing)
        action = wizard.action_hand_over()
        self.assertEqual(action["tag"], "display_notification")
        report = self.Complaint.search([("complainant_name", "=", "举报人乙")])
        self.assertTrue(report.is_confidential)
        self.assertIn(report.name, action["params"]["message"])
        self.assertFalse(
            self.Complaint.with_user(self.staff_nanjing).search(
                [("complainant_name", "=", "举报人乙")]
            )
        )

    def test_configuration_is_for_admins(self):
        with self.assertRaises(AccessError):
            self.env["huatai.complaint.category"].with_user(self.hq_user).create(
                {"name": "新类型", "code": "new_type"}
            )
        with self.assertRaises(AccessError):
            self.nanjing.with_user(self.head_jiangsu).write({"name": "改名"})
        self.env["huatai.complaint.category"].with_user(self.admin_user).create(
            {"name": "新类型", "code": "new_type"}
        )
