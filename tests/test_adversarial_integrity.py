"""Integrity matrix: the complaint record cannot be bent (issue 11, SPEC §6,
§11). Every cell is a ``subTest`` role × protected field or action; each
attempt is made as that role, must be refused with ``AccessError`` or
``UserError`` (``ValidationError`` is one) carrying a message, and the
complaint (with its attachments, callbacks and dispatches) read back as
superuser once the refused call is rolled back — as its RPC transaction
would be — is unchanged. An attempt that is accepted is reported with
everything it changed on the complaint.

What the tests prove:

* ``test_workflow_fields_are_written_by_the_workflow_only``: a plain
  ``write`` of each of the guard's ``WORKFLOW_FIELDS`` is refused for every
  role — registering staff, unit head, HQ, Customer Service Center,
  configuration admin and Compliance; ``test_the_guard_keeps_the_essential_fields``:
  the received date (after creation), the lifecycle dates, the
  acknowledgement, the replier, every deadline, the pause clock, the
  compliance opinion and the deadline state are among them (a field dropped
  from the guard fails it).
* ``test_compliance_gate_holds_on_the_state``: a major complaint without the
  compliance opinion reaches neither replied, callback, closed nor rejected,
  whatever the path: stage write, reply wizard, reject wizard, ``replied_date``
  write.
* ``test_evidence_is_append_only_for_staff``: on a complaint's attachment,
  writes of ``datas``, ``raw``, ``res_model``, ``res_id``, ``public``,
  ``type``, ``url`` and ``unlink`` are refused for staff, unit head, HQ and
  CSC; ``test_staff_can_still_add_evidence``: a new attachment is accepted.
* ``test_plain_staff_cannot_reopen``: on a closed and on a rejected complaint,
  ``action_reopen`` and a write of a non-closed stage are refused for staff
  (registering unit and CSC); ``test_reopen_wizard_needs_head_and_reason``
  (only once ``huatai.complaint.reopen.wizard`` exists): staff are refused,
  a unit head without a reason too, a unit head with one reopens and the
  reason is in the history.
* ``test_follow_up_records_are_created_by_the_workflow_only``:
  ``create`` of callbacks, dispatches and hand-over receipts is refused for
  every role.
* ``test_rpc_surface``: the xlsx writers are not public methods (not
  callable over RPC, and no file appears at the path given), and
  ``huatai.holiday.schedule.action_rebuild_workdays`` is refused for every
  role but the configuration admin.
* ``test_correction_wizard_needs_admin_and_reason`` (only once
  ``huatai.complaint.correction.wizard`` exists): without a reason, or by
  anyone but a complaint administrator, a correction is refused; with one,
  the administrator's correction applies.
"""

import base64
import os
import tempfile
from datetime import timedelta

from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.huatai_complaints.models.huatai_complaint_guard import (
    WORKFLOW_FIELDS,
)
from odoo.addons.huatai_complaints.tests.common import (
    ComplaintCase,
    give_required_reviews,
)

REFUSED = (AccessError, UserError)
MUTED = ("odoo.models", "odoo.models.unlink", "odoo.addons.base.models.ir_rule")
SNAPSHOT_FIELDS = [
    "stage_id",
    *sorted(WORKFLOW_FIELDS),
    "rejection_reason",
    "description",
    "callback_ids",
    "dispatch_ids",
    "message_attachment_count",
]


class _RollBack(Exception):
    """Undo an attempt (the RPC transaction of a refused call rolls back)."""


class IntegrityCase(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.csc_user = cls._user("t_csc_staff", "user", cls.csc)
        cls.csc.manager_id = cls.env["res.users"]
        cls.compliance_unit.write(
            {
                "manager_id": cls.compliance_user.id,
                "member_ids": [Command.link(cls.compliance_user.id)],
            }
        )
        # keep complaints with their accepting unit: routing is not under test
        cls.env["huatai.complaint.routing.rule"].search([]).active = False
        cls.roles = {
            "registering staff": cls.staff_nanjing,
            "unit head": cls.head_jiangsu,
            "HQ process owner": cls.hq_user,
            "Customer Service Center": cls.csc_user,
            "configuration admin": cls.admin_user,
            "Compliance": cls.compliance_user,
        }

    def _complaint_for(self, user, **values):
        unit = self.csc if user == self.csc_user else self.nanjing
        return self._make(unit, **values)

    def _snapshot(self, complaint):
        self.env.invalidate_all()
        record = complaint.sudo().with_context(active_test=False)
        values = record.read(SNAPSHOT_FIELDS)[0]
        values["attachments"] = sorted(
            (a.id, a.res_model, a.res_id, a.checksum, a.public, a.type, a.url)
            for a in self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    "|",
                    ("res_model", "=", complaint._name),
                    ("id", "in", self.evidence_ids),
                ]
            )
        )
        return values

    evidence_ids = ()

    def assertRefused(self, complaint, attempt, what):
        """``attempt()`` raises AccessError/UserError with a message, and
        ``complaint`` is unchanged once the refused call is rolled back, as
        its RPC transaction would be. An accepted attempt is reported with
        what it changed."""
        before = self._snapshot(complaint)
        error = changed = None
        try:
            with self.env.cr.savepoint():
                try:
                    attempt()
                except REFUSED as caught:
                    error = caught
                    raise _RollBack from None
                try:
                    changed = {
                        key: value
                        for key, value in self._snapshot(complaint).items()
                        if value != before[key]
                    }
                except Exception as failure:  # noqa: BLE001 - reported below
                    changed = repr(failure)
                raise _RollBack
        except _RollBack:
            pass
        after = self._snapshot(complaint)
        self.assertIsNotNone(
            error, f"{what}: accepted, should be refused (changed: {changed})"
        )
        self.assertTrue(
            str(error.args[0] if error.args else "").strip(), f"{what}: no message"
        )
        self.assertEqual(after, before, f"{what}: the complaint changed")


@tagged("post_install", "-at_install", "huatai_adversarial")
class TestIntegrityMatrix(IntegrityCase):
    def _essential_values(self, complaint):
        """A value for each workflow field the guard must keep protecting."""
        received = complaint.received_date
        day = fields.Date.to_date("2030-01-01")
        return {
            "received_date": received - timedelta(days=2),
            "accepted_date": received + timedelta(hours=1),
            "acknowledged_date": received + timedelta(hours=1),
            "acknowledgement_method": "phone",
            "replied_date": received + timedelta(hours=2),
            "replied_by_id": self.staff_nanjing.id,
            "replied_unit_id": self.nanjing.id,
            "closed_date": received + timedelta(hours=3),
            "acknowledgement_deadline": day,
            "accept_deadline": day,
            "reply_deadline": day,
            "callback_deadline": day,
            "paused_days": 30,
            "clock_paused_since": fields.Date.to_date(received),
            "compliance_opinion": "同意",
            "compliance_opinion_user_id": self.compliance_user.id,
            "compliance_opinion_date": received + timedelta(hours=1),
            "deadline_state": "on_track",
            "next_deadline": day,
        }

    def _workflow_values(self, complaint):
        """A value for each of the guard's fields: the essential ones as
        above, the others one of their type (never empty: a form's empty
        clocks are dropped, not refused)."""
        values = self._essential_values(complaint)
        for fname in sorted(WORKFLOW_FIELDS - set(values)):
            field = complaint._fields[fname]
            if field.type == "many2one":
                comodel = self.env[field.comodel_name].sudo()
                values[fname] = comodel.search([], limit=1, order="id").id
            elif field.type == "selection":
                values[fname] = field.get_values(self.env)[0]
            else:
                values[fname] = {
                    "boolean": True,
                    "char": "2030-01-01",
                    "text": "同意",
                    "integer": 30,
                    "monetary": 1000.0,
                    "date": fields.Date.to_date("2030-01-01"),
                    "datetime": complaint.received_date + timedelta(hours=4),
                }[field.type]
        return values

    def test_the_guard_keeps_the_essential_fields(self):
        complaint = self._complaint_for(self.staff_nanjing)
        essential = set(self._essential_values(complaint))
        self.assertEqual(
            essential - WORKFLOW_FIELDS,
            set(),
            "WORKFLOW_FIELDS (huatai_complaint_guard.py) no longer protects these",
        )

    @mute_logger(*MUTED)
    def test_workflow_fields_are_written_by_the_workflow_only(self):
        for label, user in self.roles.items():
            complaint = self._complaint_for(user)
            complaint.with_user(user).read(["name"])  # the role works it
            for fname, value in self._workflow_values(complaint).items():
                with self.subTest(role=label, field=fname):
                    self.assertRefused(
                        complaint,
                        lambda c=complaint, u=user, f=fname, v=value: c.with_user(
                            u
                        ).write({f: v}),
                        f"{label} writes {fname}",
                    )

    @mute_logger(*MUTED)
    def test_compliance_gate_holds_on_the_state(self):
        now = fields.Datetime.now()
        for label, user in self.roles.items():
            complaint = self._complaint_for(user, is_major=True)
            complaint.with_user(user).action_accept()
            self.assertTrue(complaint.compliance_required)
            self.assertFalse(complaint.compliance_opinion_date)
            as_user = complaint.with_user(user)
            attempts = {
                "stage replied": lambda c=as_user: c.write(
                    {"stage_id": self.stage["replied"].id}
                ),
                "stage callback": lambda c=as_user: c.write(
                    {"stage_id": self.stage["callback"].id}
                ),
                "stage closed": lambda c=as_user: c.write(
                    {"stage_id": self.stage["closed"].id}
                ),
                "stage rejected": lambda c=as_user: c.write(
                    {
                        "stage_id": self.stage["rejected"].id,
                        "rejection_reason": "不受理",
                    }
                ),
                "replied_date": lambda c=as_user: c.write({"replied_date": now}),
                "replied_date and stage": lambda c=as_user: c.write(
                    {"replied_date": now, "stage_id": self.stage["replied"].id}
                ),
                "reply wizard": lambda c=complaint, u=user: (
                    self.env["huatai.complaint.reply.wizard"]
                    .with_user(u)
                    .create(
                        {
                            "complaint_id": c.id,
                            "reply_text": "<p>已答复</p>",
                            "reply_method": "phone",
                            "replied_date": now,
                        }
                    )
                    .action_record_reply()
                ),
                "reject wizard": lambda c=complaint, u=user: (
                    self.env["huatai.complaint.reject.wizard"]
                    .with_user(u)
                    .create({"complaint_id": c.id, "rejection_reason": "不受理"})
                    .action_reject()
                ),
            }
            for what, attempt in attempts.items():
                with self.subTest(role=label, path=what):
                    self.assertRefused(complaint, attempt, f"{label}: {what}")
                    self.assertFalse(
                        self.env["mail.activity"].search(
                            [
                                ("res_model", "=", complaint._name),
                                ("res_id", "=", complaint.id),
                                (
                                    "activity_type_id",
                                    "=",
                                    self.env.ref(
                                        "huatai_complaints.mail_activity_type_callback"
                                    ).id,
                                ),
                            ]
                        ),
                        "a callback was scheduled",
                    )

    def _evidence(self, complaint, user):
        attachment = self._attach(complaint).with_user(user)
        self.evidence_ids = [attachment.id]
        return attachment

    @mute_logger(*MUTED)
    def test_evidence_is_append_only_for_staff(self):
        other = self._make(self.hangzhou)
        operations = {
            "datas": lambda a: a.write({"datas": base64.b64encode(b"forged")}),
            "raw": lambda a: a.write({"raw": b"forged"}),
            "res_model": lambda a: a.write({"res_model": False}),
            "res_model then unlink": lambda a: (
                a.write({"res_model": False, "res_id": False}),
                a.unlink(),
            ),
            "res_id": lambda a, o=other: a.write({"res_id": o.id}),
            "public": lambda a: a.write({"public": True}),
            "type": lambda a: a.write({"type": "url", "url": "https://example.org/x"}),
            "url": lambda a: a.write({"url": "https://example.org/x"}),
            "unlink": lambda a: a.unlink(),
        }
        for label in (
            "registering staff",
            "unit head",
            "HQ process owner",
            "Customer Service Center",
        ):
            user = self.roles[label]
            complaint = self._complaint_for(user)
            attachment = self._evidence(complaint, user)
            for what, operation in operations.items():
                with self.subTest(role=label, operation=what):
                    self.assertRefused(
                        complaint,
                        lambda a=attachment, op=operation: op(a),
                        f"{label}: attachment {what}",
                    )

    def test_staff_can_still_add_evidence(self):
        for label in ("registering staff", "Customer Service Center"):
            with self.subTest(role=label):
                user = self.roles[label]
                complaint = self._complaint_for(user)
                self._attach(complaint.with_user(user), name="corrected.pdf")
                self.assertEqual(complaint.message_attachment_count, 1)

    def _finished(self, user, state):
        complaint = self._complaint_for(user)
        complaint.action_accept()
        if state == "closed":
            give_required_reviews(complaint)
            complaint.sudo().write(
                {"replied_date": fields.Datetime.now(), "reply_text": "<p>答复</p>"}
            )
            complaint.sudo().write({"stage_id": self.stage["closed"].id})
        else:
            complaint.sudo().write(
                {"rejection_reason": "不受理", "stage_id": self.stage["rejected"].id}
            )
        self.assertTrue(complaint.is_closed)
        return complaint

    @mute_logger(*MUTED)
    def test_plain_staff_cannot_reopen(self):
        for label in ("registering staff", "Customer Service Center"):
            user = self.roles[label]
            for state in ("closed", "rejected"):
                complaint = self._finished(user, state)
                as_user = complaint.with_user(user)
                for what, attempt in {
                    "action_reopen": as_user.action_reopen,
                    "stage in progress": lambda c=as_user: c.write(
                        {"stage_id": self.stage["in_progress"].id}
                    ),
                    "stage new": lambda c=as_user: c.write(
                        {"stage_id": self.stage["new"].id}
                    ),
                }.items():
                    with self.subTest(role=label, state=state, path=what):
                        self.assertRefused(complaint, attempt, f"{label}: {what}")

    @staticmethod
    def _wizard_actions(Wizard):
        """The buttons of a wizard (its own ``action_*`` methods)."""
        return sorted(
            name
            for name in dir(type(Wizard))
            if name.startswith("action_") and not hasattr(models.BaseModel, name)
        )

    def _wizard_or_skip(self, model):
        if model not in self.env:
            self.skipTest(f"{model} is not on this branch yet")
        Wizard = self.env[model]
        if "reason" not in Wizard._fields:
            self.skipTest(f"{model} has no reason")
        if not {"complaint_id", "complaint_ids"} & set(Wizard._fields):
            self.skipTest(f"{model} has no complaint field")
        actions = self._wizard_actions(Wizard)
        if not actions:
            self.skipTest(f"{model} has no action")
        return Wizard, actions

    @staticmethod
    def _on(Wizard, complaint, **values):
        """Wizard values opening it on ``complaint`` (one or many)."""
        if "complaint_id" in Wizard._fields:
            values["complaint_id"] = complaint.id
        else:
            values["complaint_ids"] = [Command.set(complaint.ids)]
        return values

    @mute_logger(*MUTED)
    def test_reopen_wizard_needs_head_and_reason(self):
        Wizard, actions = self._wizard_or_skip("huatai.complaint.reopen.wizard")
        action = "action_reopen" if "action_reopen" in actions else actions[0]
        complaint = self._finished(self.staff_nanjing, "closed")

        def reopen(user, reason):
            wizard = Wizard.with_user(user).create(
                self._on(Wizard, complaint, reason=reason)
            )
            getattr(wizard, action)()

        with self.subTest(role="registering staff", path="wizard"):
            self.assertRefused(
                complaint,
                lambda: reopen(self.staff_nanjing, "客户补充材料"),
                "staff reopens through the wizard",
            )
        with self.subTest(role="unit head", path="no reason"):
            self.assertRefused(
                complaint,
                lambda: reopen(self.head_jiangsu, "  "),
                "reopened without a reason",
            )
        reopen(self.head_jiangsu, "客户补充材料")
        self.assertFalse(complaint.is_closed)
        notes = complaint.message_ids.mapped("body")
        self.assertTrue(
            any("客户补充材料" in (body or "") for body in notes),
            "the reason is not in the complaint's history",
        )

    def _correction_values(self, Wizard, complaint, reason):
        values = self._on(Wizard, complaint, reason=reason)
        if "field_name" in Wizard._fields:
            values.update(field_name="reply_deadline", new_date="2030-01-01")
        elif "reply_deadline" in Wizard._fields:
            values["reply_deadline"] = "2030-01-01"
        return values

    @mute_logger(*MUTED)
    def test_correction_wizard_needs_admin_and_reason(self):
        Wizard, actions = self._wizard_or_skip("huatai.complaint.correction.wizard")
        complaint = self._make(self.nanjing)
        for action in actions:
            with self.subTest(role="configuration admin", action=action):

                def no_reason(action=action):
                    wizard = Wizard.with_user(self.admin_user).create(
                        self._correction_values(Wizard, complaint, "  ")
                    )
                    getattr(wizard, action)()

                self.assertRefused(complaint, no_reason, f"{action} without a reason")
            for label in ("registering staff", "unit head", "HQ process owner"):
                with self.subTest(role=label, action=action):

                    def not_admin(action=action, user=self.roles[label]):
                        wizard = Wizard.with_user(user).create(
                            self._correction_values(Wizard, complaint, "更正")
                        )
                        getattr(wizard, action)()

                    self.assertRefused(complaint, not_admin, f"{label} corrects")
        if "field_name" in Wizard._fields and len(actions) == 1:
            wizard = Wizard.with_user(self.admin_user).create(
                self._correction_values(Wizard, complaint, "监管机构批准延期")
            )
            getattr(wizard, actions[0])()
            corrected = fields.Date.to_date("2030-01-01")
            self.assertEqual(complaint.reply_deadline, corrected)

    @mute_logger(*MUTED)
    def test_follow_up_records_are_created_by_the_workflow_only(self):
        for label, user in self.roles.items():
            complaint = self._complaint_for(user)
            complaint.action_accept()
            complaint.sudo().write({"replied_date": fields.Datetime.now()})
            records = {
                "huatai.complaint.callback": {
                    "complaint_id": complaint.id,
                    "reached": True,
                    "satisfied": True,
                    "remarks": "客户满意",
                },
                "huatai.complaint.dispatch": {
                    "complaint_id": complaint.id,
                    "to_unit_id": self.hangzhou.id,
                    "reason": "伪造的转派记录",
                },
                "huatai.complaint.handover": {
                    "name": complaint.name,
                    "registered_by_id": user.id,
                    "complaint_id": complaint.id,
                },
            }
            for model, values in records.items():
                with self.subTest(role=label, model=model):
                    self.assertRefused(
                        complaint,
                        lambda m=model, v=values, u=user: (
                            self.env[m].with_user(u).create(v)
                        ),
                        f"{label} creates {model}",
                    )

    def _refused(self, call):
        """Whether ``call()`` is refused (its effects rolled back)."""
        try:
            with self.env.cr.savepoint():
                call()
        except REFUSED:
            return True
        return False

    @mute_logger(*MUTED)
    def test_rpc_surface(self):
        Xlsx = self.env["huatai.complaint.xlsx"]
        with tempfile.TemporaryDirectory() as folder:
            for label, user in self.roles.items():
                for method in (
                    "write_register",
                    "write_statistics",
                    "write_regulator_summary",
                ):
                    with self.subTest(role=label, method=method):
                        target = os.path.join(folder, f"{user.login}-{method}.xlsx")
                        model = Xlsx.with_user(user)
                        args = {
                            "write_register": [target],
                            "write_statistics": [target, "2026-01-01", "2026-01-31"],
                            "write_regulator_summary": [target, 2025],
                        }[method]

                        def rpc(model=model, method=method, args=args):
                            # what /web/dataset/call_kw and execute_kw do
                            get_public_method(model, method)
                            getattr(model, method)(*args)

                        if hasattr(model, method):
                            self.assertTrue(
                                self._refused(rpc), f"{method} is callable over RPC"
                            )
                        self.assertFalse(os.path.exists(target), "a file was written")
        Schedule = self.env["huatai.holiday.schedule"]
        for label, user in self.roles.items():
            if label == "configuration admin":
                continue
            with self.subTest(role=label, method="action_rebuild_workdays"):
                self.assertTrue(
                    self._refused(Schedule.with_user(user).action_rebuild_workdays),
                    f"{label} rebuilds every working day and deadline",
                )


@tagged("post_install", "-at_install", "huatai_adversarial")
class TestIntegrityStillWorks(IntegrityCase):
    """The workflow itself still writes what users may not write by hand."""

    def test_workflow_paths_still_work(self):
        complaint = self._make(self.nanjing, is_major=True)
        as_staff = complaint.with_user(self.staff_nanjing)
        as_staff.action_accept()
        self.assertTrue(complaint.accepted_date)
        # the reviews of its handling plan, in the rules' order (issue 15):
        # the branch company, Retail HQ, then Compliance's opinion
        as_staff.handling_plan = "<p>退还多收手续费</p>"
        as_staff.action_submit_plan()
        complaint.with_user(self.head_jiangsu)._give_review(
            "branch_review", "同意", "approve"
        )
        complaint.with_user(self.hq_user)._give_review("hq_advice", "同意", "approve")
        self.env["huatai.complaint.compliance.wizard"].with_user(
            self.compliance_user
        ).create(
            {"complaint_id": complaint.id, "opinion": "同意处理方案"}
        ).action_give_opinion()
        self.assertTrue(complaint.compliance_opinion_date)
        self.assertEqual(complaint.plan_state, "approved")
        self.env["huatai.complaint.reply.wizard"].with_user(self.staff_nanjing).create(
            {
                "complaint_id": complaint.id,
                "reply_text": "<p>已答复客户</p>",
                "reply_method": "phone",
                "replied_date": fields.Datetime.now(),
            }
        ).action_record_reply()
        self.assertTrue(complaint.replied_date)
        self.assertEqual(complaint.replied_by_id, self.staff_nanjing)
        self.assertEqual(complaint.stage_state, "replied")
