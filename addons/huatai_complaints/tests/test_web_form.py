"""The public complaint form, posted over HTTP like a browser does."""

import re
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import config, mute_logger

from .intake_common import ComplaintIntakeMixin

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 100
QUIET = (
    "odoo.addons.huatai_complaints.controllers.web_form",
    "odoo.addons.huatai_complaints.models.huatai_complaint_web_submission",
    "odoo.http",
)


@tagged("post_install", "-at_install", "huatai_intake")
class TestComplaintWebForm(ComplaintIntakeMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_intake_data()
        cls.env["ir.config_parameter"].set_param(
            "huatai_complaints.web_form_rate_limit", "100"
        )
        cls.Complaint = cls.env["huatai.complaint"]

    def _open_form(self):
        response = self.url_open("/complaints/new")
        self.assertEqual(response.status_code, 200)
        html = response.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
        return csrf, token

    def _form(self, **values):
        return {
            "complainant_name": "陈静",
            "complainant_phone": "139 0000 2222",
            "complainant_email": "chen.jing@example.cn",
            "client_account": "3101002233",
            "subject": "营业部服务态度差",
            "description": "3月1日在营业部办理业务时，柜台人员态度恶劣。",
            "demand": "要求道歉",
            "compensation_amount": "",
            "category_id": str(self.category_service.id),
            "consent": "1",
            **values,
        }

    def _post(self, data, files=None, csrf=None, token=None, headers=None):
        if csrf is None or token is None:
            form_csrf, form_token = self._open_form()
            csrf = form_csrf if csrf is None else csrf
            token = form_token if token is None else token
        payload = {"csrf_token": csrf, "form_token": token, **data}
        with mute_logger(*QUIET):
            return self.url_open(
                "/complaints/submit",
                data=payload,
                files=files or None,
                headers=headers,
            )

    def _new_complaints(self, before):
        return self.Complaint.search([("id", "not in", before.ids)])

    # ------------------------------------------------------------------
    def test_submit_registers_website_complaint(self):
        before = self.Complaint.search([])
        files = [
            ("attachments", ("交易记录.pdf", PDF, "application/pdf")),
            ("attachments", ("说明.txt", "柜台编号 12".encode(), "text/plain")),
        ]
        response = self._post(
            self._form(
                # fields a visitor must not be able to set
                channel="phone",
                stage_id=str(self.env.ref("huatai_complaints.stage_closed").id),
                user_id=str(self.user_hq.id),
                accepting_unit_id=str(self.unit_sales.id),
                compensation_amount="1,500.50",
            ),
            files=files,
        )
        self.assertEqual(response.status_code, 200)
        complaint = self._new_complaints(before)
        self.assertEqual(len(complaint), 1)
        self.assertIn(complaint.name, response.text)
        self.assertEqual(complaint.channel, "website")
        self.assertEqual(complaint.accepting_unit_id, self.unit_csc)
        self.assertEqual(
            complaint.stage_id, self.env.ref("huatai_complaints.stage_registered")
        )
        self.assertFalse(complaint.user_id)
        self.assertEqual(complaint.category_id, self.category_service)
        self.assertEqual(complaint.complainant_name, "陈静")
        self.assertEqual(complaint.client_account, "3101002233")
        self.assertEqual(complaint.compensation_amount, 1500.5)
        self.assertEqual(complaint.partner_id.email_normalized, "chen.jing@example.cn")
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "huatai.complaint"), ("res_id", "=", complaint.id)]
        )
        self.assertEqual(
            sorted(attachments.mapped("name")), ["交易记录.pdf", "说明.txt"]
        )
        submission = self.env["huatai.complaint.web.submission"].search(
            [("complaint_id", "=", complaint.id)]
        )
        self.assertEqual(submission.remote_addr, "127.0.0.1")
        # the page links to the complaint with its access token
        self.assertIn(f"/my/complaints/{complaint.id}?access_token=", response.text)

    def test_retried_submission_keeps_all_its_files(self):
        """A submission retried by the server after a serialization failure
        is the same submission: every uploaded file read again from its
        start (Odoo rewinds only the first file of each field name)."""
        import psycopg2.errors

        class SerializationFailure(psycopg2.errors.SerializationFailure):
            pgcode = "40001"

        Complaint = type(self.Complaint)
        original = Complaint._create_from_web_form
        calls = []

        def create_once_failing(model, values, files):
            calls.append([name for name, _data in files])
            if len(calls) == 1:
                raise SerializationFailure("could not serialize access")
            return original(model, values, files)

        before = self.Complaint.search([])
        files = [
            ("attachments", ("交易记录.pdf", PDF, "application/pdf")),
            ("attachments", ("说明.txt", "柜台编号 12".encode(), "text/plain")),
        ]
        with (
            patch.object(Complaint, "_create_from_web_form", create_once_failing),
            patch("odoo.service.model.time.sleep"),
            mute_logger("odoo.service.model"),
        ):
            response = self._post(self._form(), files=files)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(calls), 2)
        complaint = self._new_complaints(before)
        self.assertEqual(len(complaint), 1)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "huatai.complaint"), ("res_id", "=", complaint.id)]
        )
        self.assertEqual(
            sorted(attachments.mapped("name")), ["交易记录.pdf", "说明.txt"]
        )
        self.assertEqual(
            sorted(attachments.mapped("file_size")),
            sorted([len(PDF), len("柜台编号 12".encode())]),
        )

    def test_replayed_post_stored_once_and_answered_again(self):
        """A client that sends the form again (it lost the answer) gets the
        reference of the complaint stored the first time: nothing twice."""
        csrf, token = self._open_form()
        before = self.Complaint.search([])
        first = self._post(self._form(), csrf=csrf, token=token)
        self.assertEqual(first.status_code, 200)
        complaint = self._new_complaints(before)
        self.assertEqual(len(complaint), 1)
        again = self._post(self._form(subject="again"), csrf=csrf, token=token)
        self.assertEqual(again.status_code, 200)
        self.assertIn(complaint.name, again.text)
        self.assertEqual(self._new_complaints(before), complaint)

    def test_forged_token_and_missing_csrf_refused(self):
        csrf, token = self._open_form()
        before = self.Complaint.search([])
        nonce, stamp, _sig = token.split(".")
        forged = f"{nonce}.{stamp}.{'0' * 64}"
        self.assertEqual(
            self._post(self._form(), csrf=csrf, token=forged).status_code, 400
        )
        self.assertEqual(
            self._post(self._form(), csrf="bad", token=token).status_code, 400
        )
        self.assertFalse(self._new_complaints(before))

    def test_rate_limit_per_address(self):
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.web_form_rate_limit", "2"
        )
        before = self.Complaint.search([])
        self.assertEqual(self._post(self._form()).status_code, 200)
        # a refused post counts too
        self.assertEqual(self._post(self._form(complainant_name="")).status_code, 400)
        blocked = self._post(self._form())
        self.assertEqual(blocked.status_code, 429)
        self.assertIn("Too many complaints", blocked.text)
        self.assertEqual(len(self._new_complaints(before)), 1)

    def test_invalid_fields_redisplay_form(self):
        before = self.Complaint.search([])
        response = self._post(
            self._form(
                complainant_name="",
                complainant_email="not-an-email",
                consent="",
                compensation_amount="-5",
            )
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("is required", response.text)
        self.assertIn("not valid", response.text)
        self.assertIn("agree", response.text)
        # what the visitor typed is kept
        self.assertIn("柜台人员态度恶劣", response.text)
        self.assertFalse(self._new_complaints(before))
        # without any way to answer the complainant
        response = self._post(self._form(complainant_phone="", complainant_email=""))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._new_complaints(before))

    def test_upload_limits(self):
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.web_form_max_file_mb", "1"
        )
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.web_form_max_files", "2"
        )
        before = self.Complaint.search([])
        cases = {
            "program": [
                ("attachments", ("setup.exe", EXE, "application/octet-stream"))
            ],
            "disguised": [("attachments", ("statement.pdf", EXE, "application/pdf"))],
            "type": [
                ("attachments", ("archive.zip", b"PK\x03\x04", "application/zip"))
            ],
            "size": [
                ("attachments", ("scan.pdf", PDF + b"0" * (1 << 20), "application/pdf"))
            ],
            "count": [
                ("attachments", (f"page{i}.pdf", PDF, "application/pdf"))
                for i in range(3)
            ],
        }
        for key, files in cases.items():
            with self.subTest(key):
                response = self._post(self._form(), files=files)
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_complaint_form_errors", response.text)
        self.assertFalse(self._new_complaints(before))

    def test_honeypot_refused(self):
        before = self.Complaint.search([])
        response = self._post(self._form(website="http://spam.example.com"))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._new_complaints(before))

    def test_logged_in_client_linked(self):
        self.authenticate(self.portal_user_1.login, self.portal_user_1.login)
        before = self.Complaint.search([])
        response = self._post(
            self._form(
                complainant_email="", complainant_phone="", complainant_name="李明"
            )
        )
        self.assertEqual(response.status_code, 200)
        complaint = self._new_complaints(before)
        self.assertEqual(complaint.partner_id, self.portal_user_1.partner_id)
        self.assertEqual(complaint.complainant_email, "li.ming@example.cn")
        self.assertIn(f'href="/my/complaints/{complaint.id}"', response.text)

    def test_typed_email_of_a_portal_client_not_linked(self):
        """A visitor giving a client's address does not file into their portal."""
        before = self.Complaint.search([])
        response = self._post(self._form(complainant_email="Li.Ming@example.cn"))
        self.assertEqual(response.status_code, 200)
        complaint = self._new_complaints(before)
        self.assertEqual(len(complaint), 1)
        self.assertFalse(complaint.partner_id)
        self.assertEqual(complaint.complainant_email, "Li.Ming@example.cn")
        self.assertNotIn(
            complaint, self.Complaint.with_user(self.portal_user_1).search([])
        )
        # the visitor follows it with the link of the thanks page
        self.assertIn("access_token=", response.text)
        self.authenticate(self.portal_user_1.login, self.portal_user_1.login)
        listing = self.url_open("/my/complaints")
        self.assertNotIn(complaint.name, listing.text)

    # ------------------------------------------------------------------
    # the rate limit counts the visitor's address, behind a proxy too
    # ------------------------------------------------------------------
    def test_client_address_with_and_without_proxy_mode(self):
        Submission = self.env["huatai.complaint.web.submission"]
        environ = {
            "REMOTE_ADDR": "10.0.0.2",
            "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7",
        }
        with patch.dict(config.options, {"proxy_mode": False}):
            # anyone can send X-Forwarded-For: ignored
            self.assertEqual(Submission._client_address(environ), "10.0.0.2")
        with patch.dict(config.options, {"proxy_mode": True}):
            # the address the (one) proxy added, as Odoo's ProxyFix reads it
            self.assertEqual(Submission._client_address(environ), "203.0.113.7")
            self.assertEqual(environ["REMOTE_ADDR"], "10.0.0.2")
            self.assertEqual(
                Submission._client_address({"REMOTE_ADDR": "10.0.0.2"}), "10.0.0.2"
            )
            # Odoo applied ProxyFix already (X-Forwarded-Host sent): as is
            fixed = {
                "REMOTE_ADDR": "203.0.113.7",
                "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7",
                "werkzeug.proxy_fix.orig": {"REMOTE_ADDR": "10.0.0.2"},
            }
            self.assertEqual(Submission._client_address(fixed), "203.0.113.7")
        self.assertEqual(Submission._client_address({}), "unknown")

    def test_rate_limit_ignores_forwarded_for_without_proxy_mode(self):
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.web_form_rate_limit", "1"
        )
        with patch.dict(config.options, {"proxy_mode": False}):
            first = self._post(self._form(), headers={"X-Forwarded-For": "203.0.113.1"})
            self.assertEqual(first.status_code, 200)
            # a new forged address does not reset the count
            spoofed = self._post(
                self._form(), headers={"X-Forwarded-For": "203.0.113.2"}
            )
            self.assertEqual(spoofed.status_code, 429)
        submission = self.env["huatai.complaint.web.submission"].search([], limit=1)
        self.assertEqual(submission.remote_addr, "127.0.0.1")

    def test_rate_limit_per_visitor_behind_a_proxy(self):
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.web_form_rate_limit", "1"
        )
        with patch.dict(config.options, {"proxy_mode": True}):
            # the proxy sends X-Forwarded-For only (no X-Forwarded-Host)
            first = self._post(self._form(), headers={"X-Forwarded-For": "203.0.113.1"})
            self.assertEqual(first.status_code, 200)
            # another visitor behind the same proxy is not blocked
            other = self._post(self._form(), headers={"X-Forwarded-For": "203.0.113.2"})
            self.assertEqual(other.status_code, 200)
            # the first one again is, whatever they put before the proxy's entry
            again = self._post(
                self._form(), headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.1"}
            )
            self.assertEqual(again.status_code, 429)
        addresses = (
            self.env["huatai.complaint.web.submission"].search([]).mapped("remote_addr")
        )
        self.assertEqual(sorted(addresses), ["203.0.113.1", "203.0.113.2"])
