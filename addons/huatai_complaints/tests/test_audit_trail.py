from odoo.tests import tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestAuditTrail(ComplaintCase):
    """SPEC §6, §11: what staff change on a complaint is in its chatter."""

    def _tracked(self, complaint, vals):
        """Write ``vals`` as Nanjing's staff with tracking on: the tracking
        values created, by field name."""
        tracked = complaint.with_user(self.staff_nanjing).with_context(
            tracking_disable=False, mail_notrack=False
        )
        # complaints made with tracking off are not tracked until the commit
        self.env.flush_all()
        self.env.cr.precommit.run()
        before = complaint.message_ids
        tracked.write(vals)
        self.env.flush_all()
        self.env.cr.precommit.run()
        complaint.invalidate_recordset(["message_ids"])
        messages = complaint.message_ids - before
        return {
            value.field_id.name: value for value in messages.sudo().tracking_value_ids
        }

    def test_intake_fields_are_tracked(self):
        complaint = self._make(
            self.nanjing,
            respondent_name="张经理",
            demand="要求道歉",
            client_account="3100012345",
        )
        values = self._tracked(
            complaint,
            {
                "description": "客户经理多次拒接电话，态度恶劣",
                "demand": "要求书面道歉并更换客户经理",
                "respondent_name": "李经理",
                "respondent_position": "客户经理",
                "respondent_unit_id": self.suzhou.id,
                "complainant_address": "南京市鼓楼区中山路1号",
                "client_account": "3100099999",
                "priority": "1",
            },
        )
        self.assertEqual(
            set(values),
            {
                "description",
                "demand",
                "respondent_name",
                "respondent_position",
                "respondent_unit_id",
                "complainant_address",
                "client_account",
                "priority",
            },
        )
        self.assertEqual(values["respondent_name"].old_value_char, "张经理")
        self.assertEqual(values["respondent_name"].new_value_char, "李经理")
        self.assertEqual(values["client_account"].old_value_char, "3100012345")
        self.assertEqual(values["demand"].old_value_text, "要求道歉")
        self.assertIn("苏州营业部", values["respondent_unit_id"].new_value_char)
        # the author is who changed it
        message = values["description"].mail_message_id
        self.assertEqual(message.author_id, self.staff_nanjing.partner_id)

    def test_owner_unit_deadline_and_severity_are_tracked(self):
        complaint = self._make(self.nanjing)
        values = self._tracked(
            complaint,
            {
                "user_id": self.staff_nanjing.id,
                "handling_unit_id": self.suzhou.id,
                "is_difficult": True,
                "is_media": True,
            },
        )
        self.assertTrue(
            {"user_id", "handling_unit_id", "is_difficult", "is_media"} <= set(values)
        )

    def test_id_number_never_reaches_the_chatter(self):
        complaint = self._make(self.nanjing)
        values = self._tracked(
            complaint, {"complainant_id_number": "320102199001011234"}
        )
        self.assertFalse(values)
        bodies = complaint.sudo().message_ids.mapped("body")
        self.assertFalse([b for b in bodies if b and "320102199001011234" in b])

    def test_retention_erases_the_tracked_narrative(self):
        """The old values of the newly tracked personal fields go with the
        personal data at the end of the retention period."""
        complaint = self._make(self.nanjing, client_account="3100012345")
        self._tracked(
            complaint,
            {
                "description": "客户身份证号为……，账户被盗",
                "client_account": "3100099999",
                "complainant_address": "南京市鼓楼区中山路1号",
                "respondent_position": "客户经理",
            },
        )
        complaint._erase_personal_records()
        remaining = (
            self.env["mail.tracking.value"]
            .sudo()
            .search([("mail_message_id", "in", complaint.message_ids.ids)])
            .mapped("field_id.name")
        )
        self.assertEqual(remaining, ["respondent_position"])
