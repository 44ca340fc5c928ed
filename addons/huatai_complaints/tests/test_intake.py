from datetime import datetime

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestIntake(ComplaintCase):
    def test_form_defaults_for_the_registering_user(self):
        form = Form(self.Complaint.with_user(self.staff_nanjing))
        self.assertEqual(form.accepting_unit_id, self.nanjing)
        self.assertEqual(form.accepting_user_id, self.staff_nanjing)
        self.assertEqual(form.channel, "phone")
        form.channel = "email"
        form.category_id = self.category_service
        form.complainant_name = "李四"
        form.complainant_email = "lisi@example.com"
        form.description = "客户经理未提示风险"
        complaint = form.save()
        self.assertTrue(complaint.name.startswith(f"TS{fields.Date.today().year}-"))
        self.assertEqual(complaint.handling_unit_id, self.nanjing)
        self.assertEqual(complaint.stage_id, self.stage["new"])
        self.assertEqual(complaint.partner_id.email, "lisi@example.com")
        self.assertEqual(complaint.partner_id.name, "李四")

    def test_existing_contact_is_reused_by_email(self):
        partner = self.env["res.partner"].create(
            {"name": "王五", "email": "Wang.Wu@Example.com"}
        )
        complaint = self._make(self.nanjing, complainant_email="wang.wu@example.com")
        self.assertEqual(complaint.partner_id, partner)

    def test_batch_intake_creates_one_contact_per_complainant(self):
        complaints = self.Complaint.create(
            [
                self._complaint_vals(self.nanjing, complainant_email="a@example.com"),
                self._complaint_vals(self.nanjing, complainant_email="A@Example.com"),
                self._complaint_vals(self.nanjing, complainant_email="b@example.com"),
                self._complaint_vals(self.nanjing, complainant_name="赵六"),
                self._complaint_vals(self.nanjing, complainant_name="钱七"),
            ]
        )
        partners = complaints.partner_id
        self.assertEqual(len(partners), 4)
        self.assertEqual(complaints[0].partner_id, complaints[1].partner_id)
        self.assertEqual(complaints[2].partner_id.email, "b@example.com")
        self.assertEqual(complaints[3].partner_id.name, "赵六")
        self.assertEqual(complaints[4].partner_id.name, "钱七")

    def test_whistleblower_gets_no_contact(self):
        complaint = self._make(
            self.hq,
            category_id=self.category_whistleblowing.id,
            complainant_email="whistle@example.com",
        )
        self.assertTrue(complaint.is_confidential)
        self.assertFalse(complaint.partner_id)
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "whistle@example.com")])
        )

    def test_regulator_forwarded_needs_authority_reference_deadline(self):
        with self.assertRaises(ValidationError):
            self._make(self.retail_hq, channel="regulator")
        with self.assertRaises(ValidationError):
            self._make(
                self.retail_hq,
                channel="regulator",
                regulator_authority="csrc_bureau",
                regulator_reference="苏证监函〔2026〕12号",
            )
        complaint = self._make(
            self.retail_hq,
            channel="regulator",
            regulator_authority="csrc_bureau",
            regulator_reference="苏证监函〔2026〕12号",
            regulator_deadline="2026-10-20",
            received_date="2026-10-01 09:00:00",
        )
        self.assertEqual(complaint.regulator_authority, "csrc_bureau")

    def test_regulator_deadline_not_before_receipt(self):
        with self.assertRaises(ValidationError):
            self._make(
                self.retail_hq,
                channel="regulator",
                regulator_authority="hotline_12386",
                regulator_reference="12386-0001",
                regulator_deadline="2026-09-01",
                received_date="2026-10-01 09:00:00",
            )

    def test_onsite_needs_a_recording_consent_decision(self):
        with self.assertRaises(ValidationError):
            self._make(self.nanjing, channel="onsite")
        refused = self._make(
            self.nanjing, channel="onsite", recording_consent_state="refused"
        )
        self.assertFalse(refused.recording_consent)
        # integrations write the contract's boolean
        granted = self._make(self.nanjing, channel="onsite", recording_consent=True)
        self.assertEqual(granted.recording_consent_state, "granted")

    def test_channel_must_be_open_at_the_accepting_level(self):
        with self.assertRaises(ValidationError):
            self._make(self.nanjing, channel="website")
        self.assertTrue(self._make(self.csc, channel="website"))

    def test_form_onchange_channel_clears_regulator_data(self):
        form = Form(self.Complaint.with_user(self.hq_user))
        form.channel = "regulator"
        form.regulator_authority = "sac"
        form.regulator_reference = "SAC-1"
        form.channel = "phone"
        self.assertFalse(form.regulator_authority)
        self.assertFalse(form.regulator_reference)

    def test_reference_unique_and_yearly(self):
        first = self._make(self.nanjing, received_date=datetime(2025, 12, 31, 10))
        second = self._make(self.nanjing, received_date=datetime(2026, 1, 2, 10))
        self.assertTrue(first.name.startswith("TS2025-"))
        self.assertTrue(second.name.startswith("TS2026-"))
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.cr.savepoint():
                self._make(self.nanjing, name=first.name)

    def test_group_flag_follows_threshold(self):
        complaint = self._make(self.nanjing, complainant_count=4)
        self.assertFalse(complaint.is_group)
        complaint.complainant_count = 5
        self.assertTrue(complaint.is_group)
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.group_threshold", 3
        )
        self.assertTrue(self._make(self.nanjing, complainant_count=3).is_group)

    def test_compensation_flag(self):
        complaint = self._make(self.nanjing, compensation_amount=5000)
        self.assertTrue(complaint.is_compensation)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.cr.savepoint():
                self._make(self.nanjing, compensation_amount=-1)
