from odoo import fields
from odoo.tests import tagged

from .common import ComplaintCase, give_required_reviews


@tagged("post_install", "-at_install")
class TestSmartButtons(ComplaintCase):
    """The complaint form's "Other Complaints" of the same complainant and the
    unit form's open complaints: counted as the user may see them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.wang = Partner.create({"name": "王五"})
        cls.li = Partner.create({"name": "李四"})
        cls.zhao = Partner.create({"name": "赵六"})
        cls.wang_1 = cls._make(cls.nanjing, partner_id=cls.wang.id)
        cls.wang_2 = cls._make(cls.nanjing, partner_id=cls.wang.id)
        # in a sibling sales department: Nanjing's staff does not see it
        cls.wang_suzhou = cls._make(cls.suzhou, partner_id=cls.wang.id)
        cls.wang_archived = cls._make(cls.nanjing, partner_id=cls.wang.id)
        cls.wang_archived.sudo().active = False
        # another contact for the same client account (a relative calling)
        cls.li_account = cls._make(
            cls.nanjing, partner_id=cls.li.id, client_account="3100012345"
        )
        cls.zhao_account = cls._make(
            cls.nanjing, partner_id=cls.zhao.id, client_account="3100012345"
        )
        cls.whistle_account = cls._make(
            cls.nanjing,
            category_id=cls.category_whistleblowing.id,
            client_account="3100012345",
        )
        cls.alone = cls._make(cls.nanjing, partner_id=Partner.create({"name": "孤"}).id)

    def _counts(self, user, complaints):
        complaints = complaints.with_user(user)
        complaints.invalidate_recordset(["other_complaint_count"])
        return {c: c.other_complaint_count for c in complaints}

    def _other(self, user, complaint):
        action = complaint.with_user(user).action_view_other_complaints()
        self.assertEqual(action["res_model"], "huatai.complaint")
        return self.Complaint.with_user(user).search(action["domain"])

    def test_same_contact_as_the_user_may_see(self):
        staff, head = self.staff_nanjing, self.head_jiangsu
        self.assertEqual(self._counts(staff, self.wang_1)[self.wang_1], 1)
        self.assertEqual(self._other(staff, self.wang_1), self.wang_2)
        self.assertEqual(self._counts(head, self.wang_1)[self.wang_1], 2)
        self.assertEqual(self._other(head, self.wang_1), self.wang_2 | self.wang_suzhou)
        self.assertEqual(self._counts(head, self.alone)[self.alone], 0)

    def test_same_client_account(self):
        staff = self.staff_nanjing
        self.assertEqual(self._counts(staff, self.li_account)[self.li_account], 1)
        self.assertEqual(self._other(staff, self.li_account), self.zhao_account)
        # a whistleblowing report on the same account: Compliance only
        compliance = self.compliance_user
        self.assertEqual(self._counts(compliance, self.li_account)[self.li_account], 2)
        self.assertEqual(
            self._other(compliance, self.li_account),
            self.zhao_account | self.whistle_account,
        )

    def test_batch_counts_match_single_counts(self):
        """The counts of a whole list in one go, each complaint not counting
        itself but counting the others of the batch."""
        batch = (
            self.wang_1
            | self.wang_2
            | self.wang_suzhou
            | self.li_account
            | self.zhao_account
            | self.alone
        )
        head = self.head_jiangsu
        together = self._counts(head, batch)
        one_by_one = {}
        for complaint in batch:
            one_by_one.update(self._counts(head, complaint))
        self.assertEqual(
            {c.id: n for c, n in together.items()},
            {c.id: n for c, n in one_by_one.items()},
        )
        self.assertEqual(together[self.wang_suzhou.with_user(head)], 2)

    def test_unit_counts_open_complaints_of_its_subtree(self):
        # accepted in Hangzhou, handled in Nanjing: in Jiangsu's subtree too
        dispatched = self._make(self.hangzhou, handling_unit_id=self.nanjing.id)
        closed = give_required_reviews(self._make(self.suzhou))
        closed.write(
            {
                "reply_text": "<p>已答复</p>",
                "reply_method": "phone",
                "replied_date": fields.Datetime.now(),
                "stage_id": self.stage["closed"].id,
            }
        )
        head, staff = self.head_jiangsu, self.staff_nanjing
        # open, active, not whistleblowing, accepted or handled in the subtree
        for_head = (
            self.wang_1
            | self.wang_2
            | self.wang_suzhou
            | self.li_account
            | self.zhao_account
            | self.alone
            | dispatched
        )
        self.assertEqual(self.jiangsu.with_user(head).complaint_count, len(for_head))
        self.assertEqual(self.nanjing.with_user(head).complaint_count, 6)
        self.assertEqual(self.zhejiang.with_user(head).complaint_count, 1)
        # Nanjing's staff counts what it sees: not Suzhou's
        self.assertEqual(
            self.jiangsu.with_user(staff).complaint_count,
            len(for_head - self.wang_suzhou),
        )
        self.assertEqual(
            self.jiangsu.with_user(self.compliance_user).complaint_count,
            len(for_head) + 1,
        )
        action = self.jiangsu.with_user(head).action_view_complaints()
        self.assertEqual(action["res_model"], "huatai.complaint")
        self.assertEqual(action["context"], {"search_default_open": 1})
        found = self.Complaint.with_user(head).search(action["domain"])
        self.assertEqual(found, for_head | closed)

    def _queries(self, records, fname):
        """Queries made to compute ``fname`` on ``records`` (the other
        records it reads already in cache)."""
        records.mapped(fname)
        records.invalidate_recordset([fname])
        before = self.env.cr.sql_log_count
        records.mapped(fname)
        return self.env.cr.sql_log_count - before

    def test_counts_do_not_search_per_record(self):
        head = self.head_jiangsu
        units = (self.jiangsu | self.nanjing | self.suzhou | self.zhejiang).with_user(
            head
        )
        units.mapped("parent_path")
        self.assertEqual(
            self._queries(units, "complaint_count"),
            self._queries(units[:1], "complaint_count"),
        )
        complaints = (
            self.wang_1 | self.wang_2 | self.li_account | self.zhao_account
        ).with_user(head)
        complaints.mapped("client_account")
        self.assertEqual(
            self._queries(complaints, "other_complaint_count"),
            self._queries(complaints[:1], "other_complaint_count"),
        )
