"""A complaint that turns out to be a whistleblowing report is handed over to
Compliance (SPEC §3, §4, §11): afterwards nobody but Compliance can read the
report or the reporter, the person who handed it over keeps a receipt."""

import base64

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.mail.tests.common import MailCommon

from .intake_common import ComplaintIntakeMixin

ALIAS_TO = "complaints@test.mycompany.com"
FACTS = "营业部客户经理李四私下代客理财并收取分成"
HANDOVER_ACTIVITY = "huatai_complaints.mail_activity_type_whistleblowing_handover"


@tagged("post_install", "-at_install", "huatai_intake")
class TestHandOverToCompliance(ComplaintIntakeMixin, MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_intake_data()
        cls.env.ref(
            "huatai_complaints.mail_alias_complaints"
        ).alias_domain_id = cls.mail_alias_domain
        cls.Complaint = cls.env["huatai.complaint"]
        cls.unit_compliance = cls.env.ref("huatai_complaints.unit_compliance")
        cls.compliance_officer = new_test_user(
            cls.env,
            login="t_compliance_officer",
            name="Compliance Officer",
            email="compliance.officer@example.com",
            groups="huatai_complaints.group_complaint_compliance",
        )
        cls.unit_compliance.write(
            {
                "manager_id": cls.compliance_officer.id,
                "member_ids": [Command.link(cls.compliance_officer.id)],
            }
        )

    def _receive_mail(self):
        """A report mailed to the complaints alias, as the mail fetcher
        delivers it: registered by the Customer Service Center as "other"."""
        body = base64.b64encode(f"您好：\n{FACTS}，请调查。".encode()).decode()
        raw = (
            "From: =?utf-8?B?5byg5LiJ?= <zhang.san@example.cn>\r\n"
            f"To: {ALIAS_TO}\r\n"
            "Subject: =?utf-8?B?5Lil6YeN6L+d6KeE?=\r\n"
            "Date: Mon, 02 Mar 2026 09:30:00 +0800\r\n"
            "Message-ID: <handover-1@mail.example.cn>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            f"\r\n{body}\r\n"
        ).encode()
        before = self.Complaint.search([]).ids
        self.env["mail.thread"].sudo().message_process(None, raw)
        complaint = self.Complaint.search([("id", "not in", before)])
        self.assertEqual(len(complaint), 1)
        return complaint

    def _hand_over(self, complaint, user, reason="举报员工违规，应由合规部处理"):
        action = complaint.with_user(user).action_open_handover_wizard()
        self.assertEqual(action["res_model"], "huatai.complaint.handover.wizard")
        form = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"], mail_notrack=False)
        )
        form.reason = reason
        result = form.save().action_hand_over()
        self.flush_tracking()
        return result

    def test_csc_hands_an_emailed_report_over(self):
        agent, manager = self.user_csc_agent, self.user_csc_manager
        complaint = self._receive_mail()
        reference = complaint.name
        reporter = complaint.partner_id
        self.assertEqual(complaint.channel, "email")
        self.assertEqual(complaint.accepting_unit_id, self.unit_csc)
        self.assertFalse(complaint.is_confidential)
        # the agent works it: owner, a follow-up activity, notified of the
        # reporter's second mail
        complaint.user_id = agent
        complaint.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=agent.id,
            note="致电张三 13800000000",
        )
        complaint.message_post(
            author_id=reporter.id,
            body="补充：李四还向其他客户推荐私募",
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        as_agent = complaint.with_user(agent)
        self.assertIn(FACTS, as_agent.description)
        thread = [("model", "=", complaint._name), ("res_id", "=", complaint.id)]
        Message = self.env["mail.message"]
        self.assertTrue(Message.with_user(agent).search(thread))

        action = self._hand_over(complaint, agent)

        # the staff member is told, and sent to their receipts
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn(reference, action["params"]["message"])
        self.assertEqual(
            action["params"]["next"]["res_model"], "huatai.complaint.handover"
        )
        self.assertTrue(complaint.is_confidential)
        self.assertEqual(
            complaint.category_id,
            self.env.ref("huatai_complaints.category_whistleblowing"),
        )
        # neither the agent nor anyone else of the CSC, nor HQ, can read it
        for user in (agent, manager, self.user_hq):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    complaint.with_user(user).read(["description"])
                Complaint = self.Complaint.with_user(user)
                self.assertFalse(Complaint.search([("description", "ilike", "李四")]))
                self.assertFalse(Complaint.search([("name", "=", reference)]))
                # at most the tracking of what they did themselves, nothing
                # of the report
                readable = Message.with_user(user).search(thread)
                self.assertFalse(readable.author_id - user.partner_id)
                for message in readable:
                    self.assertNotIn("李四", message.body)
                    self.assertFalse(message.attachment_ids)
                self.assertFalse(
                    Message.with_user(user).search([("body", "ilike", "私募")])
                )
                self.assertFalse(
                    self.env["mail.activity"]
                    .with_user(user)
                    .search(
                        [("res_model", "=", complaint._name), ("user_id", "=", user.id)]
                    )
                )
        # the agent keeps the receipt, with the reason
        receipt = self.env["huatai.complaint.handover"].with_user(agent).search([])
        self.assertEqual(receipt.name, reference)
        self.assertEqual(receipt.registered_by_id, agent)
        self.assertEqual(receipt.unit_id, self.unit_csc)
        self.assertEqual(receipt.reason, "举报员工违规，应由合规部处理")
        self.assertFalse(
            self.env["huatai.complaint.handover"].with_user(manager).search([])
        )
        # Compliance has it, with an activity, and owns the follow-up
        self.assertEqual(complaint.handling_unit_id, self.unit_compliance)
        self.assertEqual(complaint.user_id, self.compliance_officer)
        as_compliance = complaint.with_user(self.compliance_officer)
        self.assertIn(FACTS, as_compliance.description)
        self.assertEqual(as_compliance.complainant_email, "zhang.san@example.cn")
        handover = complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(HANDOVER_ACTIVITY)
        )
        self.assertEqual(handover.user_id, self.compliance_officer)
        self.assertIn("举报员工违规", handover.note)
        self.assertIn(reference, handover.summary)
        # the agent's activity went to Compliance too
        self.assertEqual(complaint.activity_ids.user_id, self.compliance_officer)
        # followers: Compliance only, not the complainant's contact
        self.assertNotIn(reporter, complaint.message_partner_ids)
        self.assertFalse(
            complaint.message_partner_ids - self.compliance_officer.partner_id
        )
        # the contact the mail created for the reporter is gone, as if the
        # report had been registered as one: the identity stays in the
        # report's own fields, for Compliance
        self.assertFalse(complaint.partner_id)
        self.assertFalse(reporter.exists() and reporter.active)
        self.assertFalse(
            self.env["res.partner"]
            .with_user(agent)
            .search([("email", "=", "zhang.san@example.cn")])
        )
        # the rerouting is in the dispatch history
        self.assertEqual(complaint.dispatch_ids[:1].to_unit_id, self.unit_compliance)

    def test_a_known_contact_stays_for_its_other_complaints(self):
        """A reporter who complained before keeps their contact for that
        complaint; the report is only unlinked from it."""
        agent = self.user_csc_agent
        values = {
            "channel": "phone",
            "category_id": self.category_service.id,
            "accepting_unit_id": self.unit_csc.id,
            "complainant_name": "王五",
            "complainant_email": "wang.wu@example.cn",
        }
        earlier = self.Complaint.create({**values, "description": "开户流程太慢"})
        report = self.Complaint.create({**values, "description": FACTS})
        contact = earlier.partner_id
        self.assertEqual(report.partner_id, contact)
        self._hand_over(report, agent)
        self.assertFalse(report.partner_id)
        self.assertTrue(contact.active)
        self.assertEqual(earlier.partner_id, contact)
        self.assertEqual(
            report.with_user(self.compliance_officer).complainant_email,
            "wang.wu@example.cn",
        )

    def test_view_shows_the_button_to_complaint_staff(self):
        arch = self.Complaint.with_user(self.user_csc_agent).get_views(
            [(False, "form")]
        )["views"]["form"]["arch"]
        self.assertIn("action_open_handover_wizard", arch)

    def test_hand_over_refused_without_reason_or_access(self):
        complaint = self._receive_mail()
        with self.assertRaises(UserError):
            complaint.with_user(self.user_csc_agent)._reclassify_as_whistleblowing("  ")
        self.assertFalse(complaint.is_confidential)
        # a sales department cannot hand over what it does not work
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_sales_agent).action_open_handover_wizard()
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_sales_agent)._reclassify_as_whistleblowing(
                "举报"
            )
        self.assertFalse(complaint.is_confidential)
        self.assertFalse(self.env["huatai.complaint.handover"].search([]))

    def test_compliance_reclassifies_and_keeps_reading(self):
        complaint = self._receive_mail()
        action = self._hand_over(complaint, self.compliance_officer)
        self.assertEqual(action["type"], "ir.actions.act_window_close")
        self.assertTrue(complaint.with_user(self.compliance_officer).is_confidential)
        self.assertFalse(self.env["huatai.complaint.handover"].search([]))
        with self.assertRaises(UserError):
            complaint.with_user(self.compliance_officer).action_open_handover_wizard()
