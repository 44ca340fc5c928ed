"""One regression test per finding of issue 11 (the lead's core scope: 1, 2,
3, 4, 5, 6, 8, 9, 10, 11, 12; and 13, 14 as in the integrity matrix).

Each test replays the attack as the issue describes it, as the insider who
would try it, on the world of ``adversarial_common`` (a worked
whistleblowing report ``W`` with marker strings everywhere, a complaint
``C`` handed over to Compliance, a user per role):

* item 1: callbacks and dispatches of other units (W's included) are not
  readable by staff;
* item 2: the callback wizard does not give a reporter's identity for any
  complaint id (refused, or no reporter data on read/onchange);
* item 3: after a hand-over, the portal token of the complaint is revoked:
  the old link opens nothing, and no token opens a confidential complaint;
* item 4: nobody outside Compliance becomes owner, follower, notified
  partner or activity assignee of a report — by routing rule, dispatch,
  owner change, ``message_subscribe``, ``activity_schedule``,
  ``mail.activity.create`` or a mention;
* item 5: after a hand-over, the authors of earlier messages (staff and the
  portal complainant) no longer read them nor their tracking values;
* item 6: ``action_view_survey_answer`` refuses a complaint the caller cannot
  read (no survey answer link across complaints);
* item 8: deadlines, pause and lifecycle dates are not writable by staff;
* item 9: ``replied_date`` written over the API on a major complaint without
  the compliance opinion is refused, and no callback is scheduled;
* item 10: an attachment of a complaint cannot be overwritten, detached or
  deleted by staff;
* item 11: plain staff cannot reopen a closed complaint (nor edit and close
  it again);
* item 12: staff cannot forge callbacks or dispatches;
* item 13: the xlsx writers are not RPC endpoints and write no server file;
* item 14: a unit head cannot rebuild the working days.
"""

import base64
import os
import tempfile

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from odoo.addons.huatai_complaints.tests.common import give_required_reviews

from .adversarial_common import AdversarialWorld, serialize

REFUSED = (AccessError, UserError)
MUTED = (
    "odoo.models",
    "odoo.models.unlink",
    "odoo.addons.base.models.ir_rule",
    "odoo.addons.base.models.ir_model",
    "odoo.http",
    "odoo.addons.huatai_complaints.controllers.portal",
    "odoo.addons.huatai_complaints.models.survey_user_input",
)
CALLBACK_TYPE = "huatai_complaints.mail_activity_type_callback"


def refused(call):
    """Whether ``call()`` raises AccessError/UserError (what an RPC client
    sees); the effects of a refused call are rolled back by the caller's
    savepoint."""
    try:
        call()
    except REFUSED:
        return True
    return False


class ItemsCase(AdversarialWorld, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_world()
        cls.compliance_users = cls.env.ref(
            "huatai_complaints.group_complaint_compliance"
        ).users

    def attempt(self, call):
        """Run ``call`` in a savepoint, as an RPC call in its transaction:
        True when it was refused (and rolled back)."""
        try:
            with self.env.cr.savepoint():
                call()
        except REFUSED:
            return True
        return False

    def _ordinary(self, **values):
        """A complaint of the Nanjing sales department (superuser-made)."""
        return self.env["huatai.complaint"].create(
            {
                "channel": "email",
                "category_id": self.category_service.id,
                "accepting_unit_id": self.nanjing.id,
                "complainant_name": "李雷",
                "complainant_phone": "13900000000",
                "description": "营业部员工推荐产品时未揭示风险",
                **values,
            }
        )

    def _replied(self, complaint):
        complaint.action_accept()
        give_required_reviews(complaint)
        self.env["huatai.complaint.reply.wizard"].create(
            {
                "complaint_id": complaint.id,
                "reply_text": "<p>已答复</p>",
                "reply_method": "phone",
                "replied_date": fields.Datetime.now(),
            }
        ).action_record_reply()
        return complaint


@tagged("post_install", "-at_install", "huatai_adversarial")
class TestAdversarialItems(ItemsCase):
    # ------------------------------------------------------------------
    # confidentiality
    # ------------------------------------------------------------------
    @mute_logger(*MUTED)
    def test_item_01_callbacks_of_other_units_hidden(self):
        nanjing = self._replied(self._ordinary())
        self.env["huatai.complaint.callback.wizard"].create(
            {
                "complaint_id": nanjing.id,
                "reached": "reached",
                "satisfaction": "dissatisfied",
                "remarks": "客户仍不满意",
            }
        ).action_record()
        self.assertTrue(nanjing.callback_ids)
        for user in (
            self.staff_other,
            self.staff,
            self.head,
            self.hq,
            self.csc,
            self.cadmin,
        ):
            with self.subTest(user=user.login):
                for model in ("huatai.complaint.callback", "huatai.complaint.dispatch"):
                    Model = self.env[model].with_user(user)
                    rows = (
                        Model.search_read([], ["complaint_id"])
                        if Model.has_access("read")
                        else []
                    )
                    self.assertNotIn(
                        self.W.id,
                        [row["complaint_id"][0] for row in rows if row["complaint_id"]],
                        f"{user.login} reads {model} of the whistleblowing report",
                    )
                    self.assertFalse(self.find_markers(serialize(rows)))
        # the Hangzhou staff does not read the Nanjing callback either
        callbacks = (
            self.env["huatai.complaint.callback"]
            .with_user(self.staff_other)
            .search([("complaint_id", "=", nanjing.id)])
        )
        self.assertFalse(callbacks)

    @mute_logger(*MUTED)
    def test_item_02_callback_wizard_gives_no_reporter(self):
        Wizard = self.env["huatai.complaint.callback.wizard"]
        spec = {"complaint_id": {}, "complainant_name": {}, "complainant_phone": {}}
        for user in (
            self.staff,
            self.staff_other,
            self.head,
            self.hq,
            self.csc,
            self.cadmin,
        ):
            with self.subTest(user=user.login):
                obtained = []

                def create_and_read(user=user, obtained=obtained):
                    wizard = Wizard.with_user(user).create(
                        {"complaint_id": self.W.id, "reached": "reached"}
                    )
                    obtained.append(
                        wizard.read(["complainant_name", "complainant_phone"])
                    )

                def onchange(user=user, obtained=obtained):
                    obtained.append(
                        Wizard.with_user(user).onchange(
                            {"complaint_id": self.W.id}, ["complaint_id"], spec
                        )
                    )

                self.attempt(create_and_read)
                self.attempt(onchange)
                self.assertFalse(
                    self.find_markers(serialize(obtained)),
                    f"{user.login} obtains the reporter through the callback wizard",
                )

    def test_item_03_token_revoked_at_hand_over(self):
        self.assertTrue(self.C.is_confidential)
        self.assertNotEqual(
            self.C.access_token or False,
            self.C_old_token,
            "the hand-over keeps the token mailed to the complainant",
        )
        # the portal check of a token fails for the old token
        # the portal's check of a token, as the public user opening the link
        self.assertFalse(
            self.env["huatai.complaint"]
            .with_user(self.public)
            ._get_thread_with_access(self.C.id, token=self.C_old_token),
            "the old token still opens the handed-over complaint",
        )

    @mute_logger(*MUTED)
    def test_item_03_token_revoked_when_reclassified(self):
        complaint = self._ordinary(
            partner_id=self.portal_d.partner_id.id,
            complainant_email="client.d@example.cn",
        )
        old_token = complaint.sudo()._portal_ensure_token()
        self.assertTrue(complaint.with_user(self.portal_d).has_access("read"))
        # HQ reclassifies it as whistleblowing by writing the category
        complaint.with_user(self.hq).write({"category_id": self.category_whistle.id})
        self.assertTrue(complaint.is_confidential)
        self.assertNotEqual(complaint.access_token or False, old_token)
        self.assertFalse(
            self.env["huatai.complaint"]
            .with_user(self.public)
            ._get_thread_with_access(complaint.id, token=old_token),
            "the old token still opens the reclassified complaint",
        )
        for user in (self.portal_d, self.hq, self.staff):
            with self.subTest(user=user.login):
                self.assertFalse(complaint.with_user(user).has_access("read"))

    @mute_logger(*MUTED)
    def test_item_04_only_compliance_around_a_report(self):
        outsiders = self.staff | self.hq | self.head
        Rule = self.env["huatai.complaint.routing.rule"]
        Rule.create(
            {
                "name": "Whistleblowing to HQ (wrong)",
                "sequence": 0,
                "domain": f"[('category_id', '=', {self.category_whistle.id})]",
                "handling_unit_id": self.unit_retail.id,
                "owner_mode": "user",
                "user_id": self.hq.id,
                "follower_user_ids": [(6, 0, (self.head | self.hq).ids)],
            }
        )
        self.attempt(
            lambda: (
                self.env["huatai.whistleblowing.wizard"]
                .with_user(self.staff)
                .create(
                    {
                        "channel": "email",
                        "accepting_unit_id": self.nanjing.id,
                        "complainant_name": self.M("W2NAME"),
                        "description": self.M("W2DESC"),
                    }
                )
                .action_hand_over()
            )
        )
        # registered with the rule filtered, or refused: either holds the line
        reports = self.W | self.env["huatai.complaint"].search(
            [("complainant_name", "=", self.M("W2NAME"))]
        )
        W = self.W.with_user(self.compliance)
        attacks = {
            "dispatch to Nanjing staff": lambda: (
                self.env["huatai.complaint.dispatch.wizard"]
                .with_user(self.compliance)
                .create(
                    {
                        "complaint_id": W.id,
                        "to_unit_id": self.nanjing.id,
                        "to_user_id": self.staff.id,
                        "reason": "转营业部核实",
                    }
                )
                .action_dispatch()
            ),
            "owner change": lambda: W.write({"user_id": self.hq.id}),
            "message_subscribe": lambda: W.message_subscribe(
                partner_ids=outsiders.partner_id.ids
            ),
            "activity_schedule": lambda: W.activity_schedule(
                "mail.mail_activity_data_todo", summary="核实", user_id=self.staff.id
            ),
            "mail.activity.create": lambda: (
                self.env["mail.activity"]
                .with_user(self.compliance)
                .create(
                    {
                        "res_model_id": self.env["ir.model"]._get_id(W._name),
                        "res_id": W.id,
                        "activity_type_id": self.env.ref(
                            "mail.mail_activity_data_todo"
                        ).id,
                        "summary": "核实",
                        "user_id": self.head.id,
                    }
                )
            ),
            "mention": lambda: W.message_post(
                body="请协助核实",
                partner_ids=outsiders.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            ),
        }
        for what, attack in attacks.items():
            with self.subTest(attack=what):
                self.attempt(attack)
        W.message_post(
            body="合规部调查进展",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.env.flush_all()
        for report in reports:
            with self.subTest(report=report.name):
                self.assertFalse(report.user_id - self.compliance_users, "owner")
                self.assertFalse(
                    report.message_partner_ids & outsiders.partner_id, "followers"
                )
                activities = self.env["mail.activity"].search(
                    [("res_model", "=", report._name), ("res_id", "=", report.id)]
                )
                self.assertFalse(
                    activities.user_id - self.compliance_users, "assignees"
                )
                messages = self.env["mail.message"].search(
                    [("model", "=", report._name), ("res_id", "=", report.id)]
                )
                self.assertFalse(
                    messages.partner_ids & outsiders.partner_id, "message recipients"
                )
                self.assertFalse(
                    self.env["mail.notification"].search(
                        [
                            ("mail_message_id", "in", messages.ids),
                            ("res_partner_id", "in", outsiders.partner_id.ids),
                        ]
                    ),
                    "notifications",
                )

    @mute_logger(*MUTED)
    def test_item_05_authors_lose_their_messages_at_hand_over(self):
        Message = self.env["mail.message"]
        thread = [("model", "=", self.C._name), ("res_id", "=", self.C.id)]
        authored = Message.search(
            thread + [("author_id", "in", (self.staff | self.portal_c).partner_id.ids)]
        )
        self.assertTrue(authored, "the staff and the client wrote on C")
        tracked = Message.search(thread).tracking_value_ids
        self.assertTrue(tracked, "C has tracking values")
        tracking_fields = [
            fname
            for fname in (
                "old_value_char",
                "new_value_char",
                "old_value_text",
                "new_value_text",
            )
            if fname in tracked._fields
        ]
        for user in (self.staff, self.portal_c):
            with self.subTest(user=user.login):
                readable = Message.with_user(user).search(thread)
                obtained = []
                self.attempt(
                    lambda u=user, out=obtained: out.append(
                        authored.with_user(u).read(
                            ["body", "tracking_value_ids", "attachment_ids"]
                        )
                    )
                )
                if self.env["mail.tracking.value"].with_user(user).has_access("read"):
                    self.attempt(
                        lambda u=user, out=obtained: out.append(
                            tracked.with_user(u).read(tracking_fields)
                        )
                    )
                self.assertFalse(readable, f"{user.login} still finds C's messages")
                self.assertFalse(
                    self.find_markers(serialize(obtained)),
                    f"{user.login} still reads C's messages or tracking",
                )

    @mute_logger(*MUTED)
    def test_item_06_survey_answer_link_not_handed_out(self):
        complaint = self._ordinary(
            partner_id=self.portal_d.partner_id.id,
            complainant_email="client.d@example.cn",
        )
        answer = complaint.sudo()._create_survey_answer()
        answer.sudo().state = "done"
        for user in (self.staff_other, self.portal_c, self.portal_w):
            with self.subTest(user=user.login):
                self.assertFalse(complaint.with_user(user).has_access("read"))
                self.assertTrue(
                    self.attempt(complaint.with_user(user).action_view_survey_answer),
                    f"{user.login} obtains the answer link of a complaint they "
                    "cannot read",
                )

    # ------------------------------------------------------------------
    # integrity
    # ------------------------------------------------------------------
    @mute_logger(*MUTED)
    def test_item_08_deadlines_and_dates_not_writable(self):
        complaint = self._ordinary()
        complaint.action_accept()
        as_staff = complaint.with_user(self.staff)
        before = complaint.read(
            [
                "reply_deadline",
                "paused_days",
                "accepted_date",
                "acknowledged_date",
                "replied_date",
            ]
        )[0]
        for fname, value in {
            "reply_deadline": "2030-01-01",
            "paused_days": 60,
            "accepted_date": fields.Datetime.now(),
            "acknowledged_date": fields.Datetime.now(),
            "replied_date": fields.Datetime.now(),
        }.items():
            with self.subTest(field=fname):
                self.assertTrue(
                    self.attempt(lambda f=fname, v=value: as_staff.write({f: v})),
                    f"staff writes {fname}",
                )
        self.env.invalidate_all()
        self.assertEqual(complaint.read(list(before)[1:])[0], before)

    @mute_logger(*MUTED)
    def test_item_09_replied_date_does_not_bypass_the_gate(self):
        complaint = self._ordinary(is_major=True)
        complaint.with_user(self.staff).action_accept()
        self.assertTrue(complaint.compliance_required)
        stage = complaint.stage_id
        self.assertTrue(
            self.attempt(
                lambda: complaint.with_user(self.staff).write(
                    {"replied_date": fields.Datetime.now()}
                )
            ),
            "replied_date accepted without the compliance opinion",
        )
        self.env.invalidate_all()
        self.assertFalse(complaint.replied_date)
        self.assertEqual(complaint.stage_id, stage)
        self.assertFalse(
            complaint.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref(CALLBACK_TYPE)
            ),
            "a callback was scheduled",
        )

    @mute_logger(*MUTED)
    def test_item_10_evidence_cannot_be_overwritten_or_deleted(self):
        complaint = self._ordinary()
        evidence = (
            self.env["ir.attachment"]
            .with_user(self.staff)
            .create(
                {
                    "name": "录音.mp3",
                    "res_model": complaint._name,
                    "res_id": complaint.id,
                    "mimetype": "audio/mpeg",
                    "datas": base64.b64encode(b"ID3 original recording"),
                }
            )
        )
        checksum = evidence.checksum
        as_staff = evidence.with_user(self.staff)
        self.assertTrue(
            self.attempt(
                lambda: as_staff.write({"datas": base64.b64encode(b"forged")})
            ),
            "the recording was overwritten",
        )

        def detach_and_delete():
            as_staff.write({"res_model": False, "res_id": False})
            as_staff.unlink()

        self.assertTrue(self.attempt(detach_and_delete), "the recording was detached")
        self.env.invalidate_all()
        self.assertTrue(evidence.exists())
        self.assertEqual(
            (evidence.res_model, evidence.res_id, evidence.checksum),
            (complaint._name, complaint.id, checksum),
        )

    @mute_logger(*MUTED)
    def test_item_11_plain_staff_cannot_reopen(self):
        complaint = self._replied(self._ordinary())
        complaint.action_close()
        self.assertTrue(complaint.is_closed)

        def reopen_edit_close():
            as_staff = complaint.with_user(self.staff)
            as_staff.action_reopen()
            as_staff.write({"description": "事实已被改写"})
            as_staff.action_close()

        self.assertTrue(self.attempt(reopen_edit_close), "staff reopened the complaint")
        self.env.invalidate_all()
        self.assertTrue(complaint.is_closed)
        self.assertEqual(complaint.description, "营业部员工推荐产品时未揭示风险")

    @mute_logger(*MUTED)
    def test_item_12_follow_up_records_cannot_be_forged(self):
        targets = (self.W, self._replied(self._ordinary()))
        for complaint in targets:
            for model, values in {
                "huatai.complaint.callback": {
                    "complaint_id": complaint.id,
                    "reached": True,
                    "satisfied": True,
                    "remarks": "客户满意",
                },
                "huatai.complaint.dispatch": {
                    "complaint_id": complaint.id,
                    "to_unit_id": self.hangzhou.id,
                    "reason": "伪造",
                },
            }.items():
                with self.subTest(complaint=complaint.name, model=model):
                    before = self.env[model].search_count(
                        [("complaint_id", "=", complaint.id)]
                    )
                    self.assertTrue(
                        self.attempt(
                            lambda m=model, v=values: (
                                self.env[m].with_user(self.staff).create(v)
                            )
                        ),
                        f"staff forges a {model}",
                    )
                    self.assertEqual(
                        self.env[model].search_count(
                            [("complaint_id", "=", complaint.id)]
                        ),
                        before,
                    )

    @mute_logger(*MUTED)
    def test_item_13_xlsx_writers_are_not_rpc_endpoints(self):
        Xlsx = self.env["huatai.complaint.xlsx"].with_user(self.head)
        with tempfile.TemporaryDirectory() as folder:
            target = os.path.join(folder, "x.xlsx")
            for method in (
                "write_register",
                "write_statistics",
                "write_regulator_summary",
            ):
                with self.subTest(method=method):
                    if not hasattr(Xlsx, method):
                        continue

                    def rpc(method=method):
                        get_public_method(Xlsx, method)
                        args = {
                            "write_register": [target],
                            "write_statistics": [target, "2026-01-01", "2026-01-31"],
                            "write_regulator_summary": [target, 2025],
                        }[method]
                        getattr(Xlsx, method)(*args)

                    self.assertTrue(self.attempt(rpc), f"{method} is an RPC endpoint")
            self.assertFalse(os.path.exists(target), "a file was written on the server")

    @mute_logger(*MUTED)
    def test_item_14_rebuild_workdays_is_for_admins(self):
        Schedule = self.env["huatai.holiday.schedule"]
        for user in (self.head, self.staff, self.hq):
            with self.subTest(user=user.login):
                self.assertTrue(
                    self.attempt(Schedule.with_user(user).action_rebuild_workdays),
                    f"{user.login} rebuilds the working days",
                )


@tagged("post_install", "-at_install", "huatai_adversarial")
class TestAdversarialItemsHttp(AdversarialWorld, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_world()

    @mute_logger(*MUTED)
    def test_item_13_write_register_over_json_rpc(self):
        """A unit head calls the xlsx writers with a server path over
        /web/dataset/call_kw: refused, and no file appears."""
        self.authenticate(self.head.login, self.head.login)
        with tempfile.TemporaryDirectory() as folder:
            for method, extra in (
                ("write_register", []),
                ("write_statistics", ["2026-01-01", "2026-01-31"]),
                ("write_regulator_summary", [2025]),
            ):
                with self.subTest(method=method):
                    target = os.path.join(folder, f"{method}.xlsx")
                    try:
                        self.make_jsonrpc_request(
                            "/web/dataset/call_kw",
                            {
                                "model": "huatai.complaint.xlsx",
                                "method": method,
                                "args": [target, *extra],
                                "kwargs": {},
                            },
                        )
                        answered = True
                    except JsonRpcException:
                        answered = False
                    self.assertFalse(answered, f"{method} is an RPC endpoint")
                    self.assertFalse(os.path.exists(target), "a file was written")

    @mute_logger(*MUTED)
    def test_item_03_old_portal_link_opens_nothing(self):
        urls = [f"/my/complaints/{self.C.id}?access_token={self.C_old_token}"]
        for report in (self.C, self.W):
            token = report.sudo()._portal_ensure_token()
            urls.append(f"/my/complaints/{report.id}?access_token={token}")
        for url in urls:
            with self.subTest(url=url):
                self.authenticate(None, None)
                response = self.url_open(url)
                self.assertFalse(
                    self.find_markers(response.text.lower()),
                    f"{url} shows the confidential complaint without login",
                )
        # the portal chatter with the old token
        self.authenticate(None, None)
        try:
            chatter = self.make_jsonrpc_request(
                "/mail/chatter_fetch",
                {
                    "thread_model": self.C._name,
                    "thread_id": self.C.id,
                    "token": self.C_old_token,
                },
            )
        except Exception as error:  # noqa: BLE001 - refused: nothing leaks
            chatter = str(error)
        self.assertFalse(
            self.find_markers(serialize(chatter)),
            "the old token still fetches the complaint's messages",
        )
