"""The customer portal: each client sees their own complaints, nobody else's."""

import json

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .intake_common import ComplaintIntakeMixin

QUIET = (
    "odoo.addons.huatai_complaints.controllers.portal",
    "odoo.addons.huatai_complaints.controllers.attachment",
    "odoo.http",
)


@tagged("post_install", "-at_install", "huatai_intake")
class TestComplaintPortal(ComplaintIntakeMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_intake_data()
        cls.partner_1 = cls.portal_user_1.partner_id
        cls.partner_2 = cls.portal_user_2.partner_id
        Complaint = cls.env["huatai.complaint"].with_context(
            huatai_skip_acknowledgement=True
        )
        base = {
            "channel": "website",
            "category_id": cls.category_service.id,
            "accepting_unit_id": cls.unit_csc.id,
            "description": "Slow order execution",
        }
        cls.complaint_1 = Complaint.create(
            {
                **base,
                "partner_id": cls.partner_1.id,
                "complainant_name": "Li Ming",
                "complainant_email": "li.ming@example.cn",
                "subject": "Li Ming's complaint",
            }
        )
        cls.complaint_2 = Complaint.create(
            {
                **base,
                "partner_id": cls.partner_2.id,
                "complainant_name": "Wang Fang",
                "complainant_email": "wang.fang@example.cn",
                "subject": "Wang Fang's complaint",
            }
        )
        # an internal note that the client must never see
        cls.complaint_1.message_post(
            body="Internal: the client is a known troublemaker",
            subtype_xmlid="mail.mt_note",
        )
        cls.complaint_1.message_post(
            body="We are looking into it.",
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
        )

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    def test_orm_isolation(self):
        Complaint = self.env["huatai.complaint"]
        self.assertEqual(
            Complaint.with_user(self.portal_user_1).search([]), self.complaint_1
        )
        self.assertEqual(
            Complaint.with_user(self.portal_user_2).search([]), self.complaint_2
        )
        with self.assertRaises(AccessError):
            self.complaint_2.with_user(self.portal_user_1).read(["name"])
        with self.assertRaises(AccessError):
            self.complaint_1.with_user(self.portal_user_1).write({"subject": "x"})
        with self.assertRaises(AccessError):
            self.complaint_1.with_user(self.portal_user_1).callback_ids.read(["result"])

    # ------------------------------------------------------------------
    # HTTP
    # ------------------------------------------------------------------
    def test_list_and_detail_own_only(self):
        self.authenticate(self.portal_user_1.login, self.portal_user_1.login)
        response = self.url_open("/my/complaints")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.complaint_1.name, response.text)
        self.assertNotIn(self.complaint_2.name, response.text)

        response = self.url_open(f"/my/complaints/{self.complaint_1.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.complaint_1.name, response.text)
        self.assertIn("Slow order execution", response.text)
        self.assertIn('data-res_model="huatai.complaint"', response.text)

        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["complaint_count"]}
        )
        self.assertEqual(counters["complaint_count"], 1)

    def test_forged_urls_refused(self):
        self.authenticate(self.portal_user_1.login, self.portal_user_1.login)
        for url in (
            f"/my/complaints/{self.complaint_2.id}",
            f"/my/complaints/{self.complaint_2.id}?access_token=not-the-token",
            f"/my/complaints/{self.complaint_2.id}"
            f"?access_token={self.complaint_1._portal_ensure_token()}",
            "/my/complaints/99999999",
        ):
            with self.subTest(url=url), mute_logger(*QUIET):
                response = self.url_open(url)
                self.assertNotIn(f"/my/complaints/{self.complaint_2.id}", response.url)
                self.assertNotIn(self.complaint_2.name, response.text)
                self.assertNotIn("Wang Fang", response.text)

    def test_access_token_link_without_login(self):
        token = self.complaint_1._portal_ensure_token()
        response = self.url_open(
            f"/my/complaints/{self.complaint_1.id}?access_token={token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.complaint_1.name, response.text)
        with mute_logger(*QUIET):
            response = self.url_open(f"/my/complaints/{self.complaint_1.id}")
        self.assertNotIn(self.complaint_1.name, response.text)
        self.assertIn("/web/login", response.url)

    def test_messages_from_portal(self):
        self.authenticate(self.portal_user_1.login, self.portal_user_1.login)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "huatai.complaint",
                "thread_id": self.complaint_1.id,
                "post_data": {
                    "body": "补充材料：委托单号 A123",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
        )
        message = self.complaint_1.message_ids[0]
        self.assertIn("A123", message.body)
        self.assertEqual(message.author_id, self.partner_1)
        self.assertFalse(message.subtype_id.internal)
        # posting on someone else's complaint: not found
        with self.assertRaises(JsonRpcException), mute_logger(*QUIET):
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "huatai.complaint",
                    "thread_id": self.complaint_2.id,
                    "post_data": {"body": "hello", "message_type": "comment"},
                },
            )
        self.assertNotIn("hello", self.complaint_2.message_ids.mapped("body"))

    def test_portal_chatter_hides_internal_notes(self):
        token = self.complaint_1._portal_ensure_token()
        result = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {
                "thread_model": "huatai.complaint",
                "thread_id": self.complaint_1.id,
                "token": token,
            },
        )
        bodies = json.dumps(result["data"]["mail.message"], ensure_ascii=False)
        self.assertIn("We are looking into it.", bodies)
        self.assertNotIn("troublemaker", bodies)

    def test_attachment_upload_rules(self):
        self.authenticate(self.portal_user_1.login, self.portal_user_1.login)
        csrf = (
            self.url_open("/my/complaints").text.split('csrf_token: "')[1].split('"')[0]
        )

        def upload(name, data, complaint):
            with mute_logger(*QUIET):
                return self.url_open(
                    "/mail/attachment/upload",
                    data={
                        "csrf_token": csrf,
                        "thread_id": complaint.id,
                        "thread_model": "huatai.complaint",
                        "is_pending": "true",
                    },
                    files={"ufile": (name, data, "application/octet-stream")},
                )

        ok = upload("证明.pdf", b"%PDF-1.4 proof", self.complaint_1)
        self.assertEqual(ok.status_code, 200)
        attachment_data = ok.json()["data"]["ir.attachment"][0]
        self.assertEqual(attachment_data["name"], "证明.pdf")
        refused = upload("tool.exe", b"MZ" + b"\x00" * 100, self.complaint_1)
        self.assertIn("program", refused.json()["error"])
        other = upload("x.pdf", b"%PDF-1.4", self.complaint_2)
        self.assertEqual(other.status_code, 404)
        # the accepted file goes with the client's message
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "huatai.complaint",
                "thread_id": self.complaint_1.id,
                "post_data": {
                    "body": "see attachment",
                    "attachment_ids": [attachment_data["id"]],
                    "message_type": "comment",
                },
                "attachment_tokens": [attachment_data["access_token"]],
            },
        )
        self.assertEqual(
            self.complaint_1.message_ids[0].attachment_ids.name, "证明.pdf"
        )


@tagged("post_install", "-at_install", "huatai_intake")
class TestComplaintWebFormTour(ComplaintIntakeMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_intake_data()

    def test_tour_public_visitor(self):
        before = self.env["huatai.complaint"].search([])
        self.start_tour("/complaints/new", "huatai_complaint_web_form_public")
        complaint = self.env["huatai.complaint"].search([("id", "not in", before.ids)])
        self.assertEqual(complaint.complainant_name, "游客张三")
        self.assertEqual(complaint.channel, "website")

    def test_tour_portal_client(self):
        before = self.env["huatai.complaint"].search([])
        self.start_tour(
            "/complaints/new",
            "huatai_complaint_web_form_portal",
            login=self.portal_user_1.login,
        )
        complaint = self.env["huatai.complaint"].search([("id", "not in", before.ids)])
        self.assertEqual(complaint.partner_id, self.portal_user_1.partner_id)
        self.assertEqual(complaint.subject, "交易系统卡顿")
