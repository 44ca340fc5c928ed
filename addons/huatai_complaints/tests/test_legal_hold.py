"""Legal hold (issue 15): set and lifted by Compliance with a reason, kept by
the retention job."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestLegalHold(ComplaintCase):
    def _hold(self, complaint, user, reason="（2026）苏0106民初1234号诉讼未决"):
        action = complaint.with_user(user).action_open_legal_hold_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create({"reason": reason})
        )
        return wizard.action_apply()

    def test_compliance_sets_the_hold_with_its_reason(self):
        complaint = self._make(self.nanjing, is_judicial=True)
        self.assertTrue(complaint.legal_hold_suggested)
        self._hold(complaint, self.compliance_user)
        self.assertTrue(complaint.legal_hold)
        self.assertEqual(
            complaint.legal_hold_reason, "（2026）苏0106民初1234号诉讼未决"
        )
        self.assertEqual(complaint.legal_hold_user_id, self.compliance_user)
        self.assertTrue(complaint.legal_hold_date)
        self.assertFalse(complaint.legal_hold_suggested)
        # lifting it takes a reason too
        self._hold(complaint, self.compliance_user, reason="判决已生效")
        self.assertFalse(complaint.legal_hold)
        self.assertFalse(complaint.legal_hold_reason)

    def test_a_hold_without_reason_is_refused_and_nothing_saved(self):
        complaint = self._make(self.nanjing)
        for reason in (False, "   "):
            with (
                self.subTest(reason=reason),
                self.assertRaisesRegex(UserError, "reason"),
            ):
                self._hold(complaint, self.compliance_user, reason=reason)
            self.assertFalse(complaint.legal_hold)
            self.assertFalse(complaint.legal_hold_user_id)
        # whatever writes it, a hold holds its reason
        with self.assertRaises(ValidationError):
            complaint._as_workflow().write({"legal_hold": True})
        self.assertFalse(complaint.legal_hold)

    def test_only_compliance_sets_the_hold(self):
        complaint = self._make(self.nanjing, is_judicial=True)
        for user in (self.staff_nanjing, self.head_jiangsu, self.hq_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    complaint.with_user(user).action_open_legal_hold_wizard()
                with self.assertRaises(AccessError):
                    self.env["huatai.complaint.legal.hold.wizard"].with_user(
                        user
                    ).create(
                        {"complaint_id": complaint.id, "reason": "x"}
                    ).action_apply()
                # the fields are the workflow's: no direct write either
                with self.assertRaises(AccessError):
                    complaint.with_user(user).write(
                        {"legal_hold": True, "legal_hold_reason": "x"}
                    )
                self.assertFalse(complaint.legal_hold)
        with self.assertRaises(AccessError):
            complaint.with_user(self.compliance_user).write(
                {"legal_hold": True, "legal_hold_reason": "x"}
            )

    def test_the_retention_job_keeps_held_complaints(self):
        held = self._closed_years_ago(21, client_account="310000123456")
        self._attach(held)
        expired = self._closed_years_ago(21, client_account="310000654321")
        self._hold(held, self.compliance_user)
        erased = self.Complaint._cron_erase_expired_records()
        self.assertIn(expired, erased)
        self.assertNotIn(held, erased)
        self.assertEqual(held.client_account, "310000123456")
        self.assertFalse(held.records_erased_date)
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", held._name), ("res_id", "=", held.id)]
            ),
            1,
        )
        # even called directly, the erasure leaves it alone
        held._erase_personal_records()
        self.assertEqual(held.client_account, "310000123456")
        self.assertFalse(held._retention_ended())
        # lifted: the next run erases it
        self._hold(held, self.compliance_user, reason="诉讼已终结")
        self.assertIn(held, self.Complaint._cron_erase_expired_records())
        self.assertFalse(held.client_account)
