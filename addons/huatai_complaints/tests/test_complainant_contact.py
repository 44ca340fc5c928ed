"""Which contact a complaint is linked to, and create/write that never change
the caller's values (issue #11 item 16, issue #12)."""

import copy

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import ComplaintCase


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestComplainantContact(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = new_test_user(
            cls.env,
            login="t_contact_client",
            name="Li Ming",
            email="li.ming@example.cn",
            groups="base.group_portal",
        )
        cls.company = cls.env["res.partner"].create(
            {"name": "Client Company", "is_company": True}
        )
        cls.company_user = new_test_user(
            cls.env,
            login="t_contact_company_user",
            name="Company Portal User",
            email="boss@company.example.cn",
            groups="base.group_portal",
        )
        cls.company_user.partner_id.parent_id = cls.company

    def _portal_sees(self, user, complaint):
        return complaint in self.Complaint.with_user(user).search([])

    # ------------------------------------------------------------------
    # an email address typed by someone proves nothing
    # ------------------------------------------------------------------
    def test_typed_email_of_a_portal_client_not_linked(self):
        complaint = self._make(
            self.nanjing,
            complainant_name="冒名者",
            complainant_email="Li.Ming@example.cn",
        )
        self.assertFalse(complaint.partner_id)
        self.assertEqual(complaint.complainant_email, "Li.Ming@example.cn")
        self.assertFalse(self._portal_sees(self.client, complaint))
        self.assertNotIn(self.client.partner_id, complaint.message_partner_ids)
        # no second contact of that address either
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("email_normalized", "=", "li.ming@example.cn")]
            ),
            1,
        )

    def test_typed_email_of_an_internal_user_not_linked(self):
        self.staff_suzhou.email = "staff.suzhou@example.cn"
        complaint = self._make(
            self.nanjing, complainant_email="staff.suzhou@example.cn"
        )
        self.assertFalse(complaint.partner_id)

    def test_typed_email_of_a_contact_under_a_portal_company_not_linked(self):
        colleague = self.env["res.partner"].create(
            {
                "name": "Colleague",
                "email": "colleague@company.example.cn",
                "parent_id": self.company.id,
            }
        )
        self.assertFalse(colleague.user_ids)
        complaint = self._make(
            self.nanjing, complainant_email="colleague@company.example.cn"
        )
        self.assertFalse(complaint.partner_id)
        self.assertFalse(self._portal_sees(self.company_user, complaint))

    def test_typed_email_of_a_contact_without_login_reused(self):
        partner = self.env["res.partner"].create(
            {"name": "王五", "email": "wang.wu@example.cn"}
        )
        complaint = self._make(self.nanjing, complainant_email="wang.wu@example.cn")
        self.assertEqual(complaint.partner_id, partner)

    def test_a_free_contact_is_preferred_to_a_login_of_the_same_address(self):
        free = self.env["res.partner"].create(
            {"name": "Li Ming (hotline)", "email": "li.ming@example.cn"}
        )
        complaint = self._make(self.nanjing, complainant_email="li.ming@example.cn")
        self.assertEqual(complaint.partner_id, free)
        self.assertFalse(self._portal_sees(self.client, complaint))

    def test_staff_link_the_client_by_hand(self):
        complaint = self._make(
            self.nanjing,
            partner_id=self.client.partner_id.id,
            complainant_email="li.ming@example.cn",
        )
        self.assertEqual(complaint.partner_id, self.client.partner_id)
        self.assertTrue(self._portal_sees(self.client, complaint))
        # or later, on a complaint registered without a contact
        other = self._make(self.nanjing, complainant_email="li.ming@example.cn")
        self.assertFalse(other.partner_id)
        other.partner_id = self.client.partner_id
        self.assertTrue(self._portal_sees(self.client, other))

    def test_reply_by_email_does_not_link_a_login(self):
        complaint = self._make(self.nanjing, complainant_email="li.ming@example.cn")
        complaint._link_complainant_partner()
        self.assertFalse(complaint.partner_id)

    # ------------------------------------------------------------------
    # retries: create and write leave the given values as they were
    # ------------------------------------------------------------------
    def _retry_vals_list(self):
        return [
            self._complaint_vals(
                self.nanjing,
                complainant_email="new.client@example.cn",
                received_date=fields.Datetime.now(),
            ),
            self._complaint_vals(
                self.nanjing,
                channel="onsite",
                complainant_name="赵六",
                recording_consent=True,
            ),
            self._complaint_vals(
                self.hq,
                category_id=self.category_whistleblowing.id,
                complainant_email="whistle@example.cn",
            ),
        ]

    def test_create_leaves_the_given_values_unchanged(self):
        vals_list = self._retry_vals_list()
        given = copy.deepcopy(vals_list)
        complaints = self.Complaint.create(vals_list)
        self.assertEqual(len(complaints), 3)
        self.assertEqual(vals_list, given)
        self.assertTrue(complaints[0].partner_id)
        self.assertEqual(complaints[1].recording_consent_state, "granted")

    def test_create_retried_after_rollback_gives_the_same_complaints(self):
        vals_list = self._retry_vals_list()
        fields_compared = [
            "channel",
            "category_id",
            "accepting_unit_id",
            "handling_unit_id",
            "complainant_name",
            "complainant_email",
            "recording_consent_state",
            "is_confidential",
            "stage_id",
        ]

        def outcome(complaints):
            return [
                {
                    **complaint.read(fields_compared, load=None)[0],
                    "id": None,
                    "partner": complaint.partner_id
                    and (complaint.partner_id.name, complaint.partner_id.email),
                }
                for complaint in complaints
            ]

        with self.assertRaises(_Rollback):  # noqa: SIM117
            with self.env.cr.savepoint():
                first = self.Complaint.create(vals_list)
                first_outcome = outcome(first)
                first_partner = first[0].partner_id.id
                raise _Rollback()
        self.env.invalidate_all()
        # as Odoo does after a serialization failure: the same dicts again
        second = self.Complaint.create(vals_list)
        self.assertEqual(outcome(second), first_outcome)
        self.assertTrue(second[0].partner_id.exists())
        self.assertNotEqual(second[0].partner_id.id, first_partner)
        self.assertFalse(self.env["res.partner"].browse(first_partner).exists())

    def test_write_leaves_the_given_values_unchanged(self):
        complaint = self._make(self.nanjing, channel="onsite", recording_consent=False)
        vals = {"recording_consent": True}
        complaint.write(vals)
        self.assertEqual(vals, {"recording_consent": True})
        self.assertEqual(complaint.recording_consent_state, "granted")
        closing = {"stage_id": self.stage["rejected"].id, "rejection_reason": "重复"}
        given = dict(closing)
        complaint.write(closing)
        self.assertEqual(closing, given)
        self.assertTrue(complaint.closed_date)
