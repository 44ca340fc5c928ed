"""What a user can reach over JSON-RPC besides the complaint itself (issue 11):
bulk rebuilds of the working days, the spot-check draw, helpers that are no
user action."""

from datetime import datetime
from functools import partial

from odoo import Command
from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user, tagged

from ..models.huatai_workday import CALENDAR_XMLID
from .common import ComplaintCase


class ChineseCase(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["huatai_complaints"], ["zh_CN"], overwrite=True
        )


@tagged("post_install", "-at_install")
class TestWorkingDaysAreRebuiltByAdministrators(ChineseCase):
    """Issue 11 #14: any internal user could rebuild the working-day table
    and recompute every open deadline."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Schedule = cls.env["huatai.holiday.schedule"]
        cls.schedule = cls.Schedule.create(
            {
                "year": 2031,
                "day_ids": [
                    Command.create(
                        {
                            "date": "2031-01-01",
                            "kind": "holiday",
                            "festival": "new_years_day",
                        }
                    )
                ],
            }
        )
        cls.schedule.action_confirm()
        cls.day = cls.schedule.day_ids
        cls.sysadmin = new_test_user(
            cls.env, login="t_sysadmin", groups="base.group_user,base.group_system"
        )

    def _stale_table(self):
        """Flip one day of the table, as a rebuild would put it right."""
        self.env.cr.execute(
            "UPDATE huatai_workday SET is_working = NOT is_working "
            "WHERE date = '2031-01-02' RETURNING is_working"
        )
        return self.env.cr.fetchone()[0]

    def _table_day(self):
        self.env.cr.execute(
            "SELECT is_working FROM huatai_workday WHERE date = '2031-01-02'"
        )
        return self.env.cr.fetchone()[0]

    def test_other_roles_are_refused(self):
        stale = self._stale_table()
        users = (
            self.staff_nanjing,
            self.head_jiangsu,
            self.hq_user,
            self.compliance_user,
            self.sysadmin,
        )
        for user in users:
            env = self.env(user=user, context={"lang": "zh_CN"})
            schedule = self.schedule.with_env(env)
            day = self.day.with_env(env)
            calls = {
                "rebuild": env["huatai.holiday.schedule"].action_rebuild_workdays,
                "draft": schedule.action_draft,
                "confirm": schedule.action_confirm,
                "schedule write": partial(schedule.write, {"notice": "x"}),
                "day write": partial(day.write, {"date": "2031-01-03"}),
                "day create": partial(
                    env["huatai.holiday"].create,
                    {"date": "2031-02-03", "schedule_id": self.schedule.id},
                ),
                "day unlink": day.unlink,
            }
            for name, call in calls.items():
                with self.subTest(user=user.login, call=name):
                    with self.assertRaises(AccessError) as caught:
                        call()
                    self.assertIn("投诉管理员", str(caught.exception))
        self.assertEqual(self._table_day(), stale, "nothing was rebuilt")
        self.assertEqual(self.schedule.state, "confirmed")
        self.assertEqual(str(self.day.date), "2031-01-01")

    def test_complaint_administrators_may(self):
        stale = self._stale_table()
        action = self.Schedule.with_user(self.admin_user).action_rebuild_workdays()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self._table_day(), not stale)
        self.schedule.with_user(self.admin_user).action_draft()
        self.assertEqual(self.schedule.state, "draft")

    def test_mirrored_holidays_are_changed_in_their_schedule(self):
        if not self.env.ref(CALENDAR_XMLID, raise_if_not_found=False):
            self.skipTest("no China working-day calendar")
        leave = self.env["resource.calendar.leaves"].search(
            [("huatai_schedule_id", "=", self.schedule.id)]
        )
        self.assertEqual(len(leave), 1)
        date_to = leave.date_to
        Leave = self.env["resource.calendar.leaves"].with_user(self.sysadmin)
        Leave = Leave.with_context(lang="zh_CN")
        leave = leave.with_context(lang="zh_CN")
        for call in (
            lambda: leave.with_user(self.sysadmin).write({"date_to": "2031-01-09"}),
            leave.with_user(self.sysadmin).unlink,
            lambda: Leave.create(
                {
                    "name": "x",
                    "date_from": "2031-03-01",
                    "date_to": "2031-03-02",
                    "huatai_schedule_id": self.schedule.id,
                }
            ),
        ):
            with self.assertRaises(AccessError) as caught:
                call()
            self.assertIn("节假日安排", str(caught.exception))
        self.assertEqual(leave.date_to, date_to)


@tagged("post_install", "-at_install")
class TestSpotChecksLeaveWhistleblowingOut(ComplaintCase):
    """Issue 11 #16: the callback spot checks could draw a whistleblowing
    report's callback, and put its reporter's name and phone in the Customer
    Service Center's activity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.csc_user = cls._user("t_csc", "user", cls.csc)
        cls.csc.manager_id = cls.csc_user
        cls.env["ir.config_parameter"].set_param(
            "huatai_complaints.callback_spot_check_percent", "100"
        )
        ordinary = cls._make(cls.nanjing)
        whistle = cls._make(
            cls.nanjing,
            category_id=cls.category_whistleblowing.id,
            complainant_name="CANARY-REPORTER",
            complainant_phone="13900009009",
        )
        Callback = cls.env["huatai.complaint.callback"]
        cls.callbacks = {
            complaint: Callback.create(
                [
                    {
                        "complaint_id": complaint.id,
                        "unit_id": cls.nanjing.id,
                        "date": datetime(2026, 5, 4 + day, 3, 0),
                        "reached": True,
                        "satisfied": True,
                        "user_id": cls.staff_nanjing.id,
                    }
                    for day in range(2)
                ]
            )
            for complaint in (ordinary, whistle)
        }
        cls.ordinary, cls.whistle = ordinary, whistle

    def test_whistleblowing_callbacks_are_never_drawn(self):
        self.assertTrue(self.whistle.is_confidential)
        wizard = (
            self.env["huatai.callback.spot.check.wizard"]
            .with_user(self.hq_user)
            .create({"date_from": "2026-05-01", "date_to": "2026-05-31"})
        )
        action = wizard.action_sample()
        checks = self.env["huatai.callback.spot.check"].search(action["domain"])
        # every callback of the ordinary complaint (100%), none of the report
        self.assertEqual(checks.callback_id, self.callbacks[self.ordinary])
        notes = " ".join(checks.activity_ids.mapped(lambda a: str(a.note)))
        self.assertNotIn("CANARY-REPORTER", notes)
        self.assertNotIn("13900009009", notes)
        self.assertFalse(
            self.env["huatai.callback.spot.check"].search(
                [("complaint_id", "=", self.whistle.id)]
            )
        )

    def test_only_hq_draws_the_sample(self):
        for user in (self.staff_nanjing, self.head_jiangsu, self.csc_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["huatai.callback.spot.check.wizard"].with_user(user).create(
                    {"date_from": "2026-05-01", "date_to": "2026-05-31"}
                ).action_sample()
        self.assertFalse(self.env["huatai.callback.spot.check"].search([]))


def rpc_endpoints(env, addon):
    """{model: public methods that ``addon``'s own code defines}: what any
    user who can reach the model may call over JSON-RPC."""
    prefix = f"odoo.addons.{addon}."
    endpoints = {}
    for name in env.registry:
        model = env[name]
        for klass in type(model).mro():
            if not klass.__module__.startswith(prefix):
                continue
            for attr, value in vars(klass).items():
                if attr.startswith("_") or not callable(value):
                    continue
                try:
                    get_public_method(model, attr)
                except AccessError:
                    continue  # @api.private somewhere in the chain
                endpoints.setdefault(name, set()).add(attr)
    return endpoints


# Each public method below was audited: a user action that checks the groups
# or the record access server-side (ACL, record rules, explicit checks), or
# the ORM's own CRUD with the model's access rights.
AUDITED_ENDPOINTS = {
    "huatai.callback.spot.check": {
        "action_mark_consistent",
        "action_mark_inconsistent",
        "action_mark_unreachable",
        "create",
        "write",
    },
    "huatai.callback.spot.check.wizard": {"action_sample"},
    # issue 16: Retail HQ's actions check the group and the incident's access
    # (_check_hq); the wizards are HQ's only (ACL) and call those checks
    "huatai.complaint.incident": {
        "action_close",
        "action_confirm",
        "action_dismiss",
        "action_merge",
        "action_open_bulk_wizard",
        "action_open_split_wizard",
        "action_reopen",
        "action_view_complaints",
        # read access checked; the list shows what the actions' rules allow
        "action_view_improvements",
    },
    "huatai.complaint.incident.bulk.wizard": {"action_apply"},
    "huatai.complaint.incident.split.wizard": {"action_apply"},
    # record rules + _check_proposer (open, cancel, draft, proposal fields);
    # action_done: the record's write access (the business department)
    "huatai.complaint.improvement": {
        "action_cancel",
        "action_done",
        "action_draft",
        "action_open",
        "action_view_complaints",
        "create",
        "write",
    },
    # issue 15: each checks the complaint's access and the caller's role
    "huatai.complaint.compensation.wizard": {"action_approve", "create"},
    "huatai.complaint.order.wizard": {"action_give_order", "create"},
    "huatai.complaint.review.wizard": {
        "action_give_review",
        "create",
        "default_get",
    },
    "huatai.complaint.routing.rule": {
        "action_view_complaints",
        "create",
        "unlink",
        "write",
    },
    # the ORM's CRUD (model access rights), clearing the cached ids of the
    # configuration records (huatai.complaint.config.mixin: stages, rules,
    # policies; abstract, no access rights: nobody reaches the mixins) / of
    # a sequence code
    "huatai.complaint.config.mixin": {"create", "unlink", "write"},
    "huatai.complaint.criteria.mixin": {"create", "unlink", "write"},
    "huatai.complaint.review.rule": {"create", "unlink", "write"},
    "huatai.complaint.stage": {"create", "unlink", "write"},
    "huatai.deadline.policy": {"create", "unlink", "write"},
    "huatai.holiday": {"create", "unlink", "write"},
    "huatai.holiday.import.wizard": {"action_import"},
    "huatai.holiday.schedule": {
        "action_confirm",
        "action_draft",
        "action_rebuild_workdays",
        "action_view_days",
        "create",
        "unlink",
        "write",
    },
    "huatai.org.unit": {"action_view_complaints"},
    "huatai.whistleblowing.wizard": {"action_hand_over"},
    "ir.sequence": {"create", "unlink", "write"},
    "res.users": {"write"},
    "resource.calendar.leaves": {"create", "unlink", "write"},
    "survey.user_input": {"write"},
}
# audited with the complaint itself, its follow-up records and its wizards
# (huatai.complaint.wizard.mixin checks the complaints when one is created)
COMPLAINT_ENDPOINTS = {
    "huatai.complaint",
    "huatai.complaint.callback",
    "huatai.complaint.dispatch",
    "huatai.complaint.handover",
    "huatai.complaint.opinion",
    "ir.attachment",
}
# mail.thread's own endpoints, extended by the mail intake
MAIL_THREAD_ENDPOINTS = {"message_parse", "message_process"}


@tagged("post_install", "-at_install")
class TestHelpersAreNotEndpoints(ComplaintCase):
    """Every public method of a model is a JSON-RPC endpoint: read-only
    helpers that only code uses are private."""

    def test_every_endpoint_is_audited(self):
        wizard_mixin = type(self.env["huatai.complaint.wizard.mixin"])
        endpoints = {
            model: methods - MAIL_THREAD_ENDPOINTS
            for model, methods in rpc_endpoints(self.env, "huatai_complaints").items()
            if model not in COMPLAINT_ENDPOINTS
            and not model.startswith("mail.")
            and not isinstance(self.env[model], wizard_mixin)
        }
        endpoints = {model: methods for model, methods in endpoints.items() if methods}
        self.assertEqual(
            endpoints,
            AUDITED_ENDPOINTS,
            "a public method is a JSON-RPC endpoint for every user who can "
            "reach its model: check the caller's rights server-side and list "
            "it here, or make it private",
        )

    def test_org_unit_helpers(self):
        Unit = self.Unit.with_user(self.staff_nanjing)
        with self.assertRaises(AttributeError):
            get_public_method(Unit, "accepts_channel")
        with self.assertRaises(AccessError):
            get_public_method(Unit, "_accepts_channel")
        self.assertTrue(self.nanjing._accepts_channel("onsite"))
        self.assertFalse(self.nanjing._accepts_channel("website"))


@tagged("post_install", "-at_install")
class TestSpotChecksAreDrawnAndRecorded(ChineseCase):
    """Spot checks are created by the draw only and their result is set by
    their buttons: over JSON-RPC a user could create one on any callback
    (its related fields show the complainant's name and phone) or rewrite a
    recorded result."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.csc_user = cls._user("t_csc", "user", cls.csc)
        cls.csc.manager_id = cls.csc_user
        cls.env["ir.config_parameter"].set_param(
            "huatai_complaints.callback_spot_check_percent", "100"
        )
        cls.complaint = cls._make(cls.nanjing, complainant_phone="13900008008")
        cls.callback = cls.env["huatai.complaint.callback"].create(
            {
                "complaint_id": cls.complaint.id,
                "unit_id": cls.nanjing.id,
                "date": datetime(2026, 5, 4, 3, 0),
                "reached": True,
                "satisfied": True,
                "user_id": cls.staff_nanjing.id,
            }
        )
        cls.check = cls.env["huatai.callback.spot.check"]._sample_callbacks(
            "2026-05-01", "2026-05-31"
        )

    def test_created_by_the_draw_only(self):
        self.check.unlink()
        SpotCheck = (
            self.env["huatai.callback.spot.check"]
            .with_user(self.hq_user)
            .with_context(lang="zh_CN")
        )
        with self.assertRaises(AccessError) as caught:
            SpotCheck.create(
                {
                    "callback_id": self.callback.id,
                    "period_start": "2026-05-01",
                    "period_end": "2026-05-31",
                }
            )
        self.assertIn("抽查", str(caught.exception))
        self.assertFalse(self.env["huatai.callback.spot.check"].search([]))

    def test_result_set_by_the_buttons_only(self):
        check = self.check.with_user(self.csc_user).with_context(lang="zh_CN")
        for vals in (
            {"result": "consistent"},
            {"checked_by_id": self.hq_user.id},
            {"callback_id": self.callback.id},
        ):
            with self.assertRaises(AccessError) as caught:
                check.write(vals)
            self.assertIn("抽查", str(caught.exception))
        self.assertEqual(self.check.result, "pending")
        check.notes = "客户确认已接到回访电话。"
        check.action_mark_consistent()
        self.assertEqual(
            (self.check.result, self.check.checked_by_id),
            ("consistent", self.csc_user),
        )

    def test_hidden_once_the_complaint_is_whistleblowing(self):
        self.complaint.category_id = self.category_whistleblowing
        self.assertTrue(self.complaint.is_confidential)
        for user in (self.csc_user, self.hq_user):
            SpotCheck = self.env["huatai.callback.spot.check"].with_user(user)
            self.assertFalse(SpotCheck.search([("id", "=", self.check.id)]))
            with self.assertRaises(AccessError):
                self.check.with_user(user).read(["complainant_phone"])
