import base64
import json

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestJsonRpcIntake(HttpCase):
    """The hotline's telephony system registers complaints over JSON-RPC."""

    def _call(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
            "id": 1,
        }
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertNotIn("error", body, body.get("error"))
        return body.get("result")

    def test_telephony_creates_a_complaint_with_its_recording(self):
        csc = self.env.ref("huatai_complaints.unit_customer_service_center")
        login = "telephony_bot"
        user = new_test_user(
            self.env,
            login=login,
            password="telephony-secret-1",
            groups="base.group_user,huatai_complaints.group_complaint_user",
        )
        user.huatai_unit_ids = csc
        db = self.env.cr.dbname
        uid = self._call("common", "login", db, login, "telephony-secret-1")
        self.assertEqual(uid, user.id)
        category = self.env.ref("huatai_complaints.category_system")

        def execute(model, method, *args, **kwargs):
            return self._call(
                "object",
                "execute_kw",
                db,
                uid,
                "telephony-secret-1",
                model,
                method,
                list(args),
                kwargs,
            )

        complaint_id = execute(
            "huatai.complaint",
            "create",
            {
                "channel": "phone",
                "category_id": category.id,
                "complainant_name": "赵六",
                "complainant_phone": "13912345678",
                "client_account": "310001234567",
                "description": "9月30日开盘后交易系统无法下单",
                "demand": "要求赔偿损失",
                "compensation_amount": 12000.0,
                "received_date": "2026-09-30 01:35:00",
                "accepting_unit_id": csc.id,
            },
        )
        audio = base64.b64encode(b"RIFF....WAVEfmt fake call recording").decode()
        attachment_id = execute(
            "ir.attachment",
            "create",
            {
                "name": "hotline-20260930-0935.wav",
                "mimetype": "audio/x-wav",
                "datas": audio,
                "res_model": "huatai.complaint",
                "res_id": complaint_id,
            },
        )
        [record] = execute(
            "huatai.complaint",
            "read",
            [complaint_id],
            ["name", "channel", "accepting_unit_id", "is_compensation", "partner_id"],
        )
        self.assertTrue(record["name"].startswith("TS2026-"))
        self.assertEqual(record["channel"], "phone")
        self.assertEqual(record["accepting_unit_id"][0], csc.id)
        self.assertTrue(record["is_compensation"])
        self.assertTrue(record["partner_id"])
        complaint = self.env["huatai.complaint"].browse(complaint_id)
        self.assertEqual(complaint.message_attachment_count, 1)
        self.assertEqual(
            self.env["ir.attachment"].browse(attachment_id).res_id, complaint_id
        )
        # with its recording attached, the complaint can be accepted
        execute("huatai.complaint", "action_accept", [complaint_id])
        self.assertEqual(complaint.stage_state, "accepted")
