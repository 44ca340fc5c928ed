"""Incidents (issue 16): complaints of several units about one event are
proposed as one incident by the job, confirmed and worked by Retail Client
Service HQ; bulk actions go through each complaint's own workflow."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import BaseCase, tagged

from ..tools import text_similarity as similarity
from .common import ComplaintCase, give_required_reviews

LOGIN = [
    "今天上午开盘后交易系统无法登录，一直提示网络异常。",
    "网上交易登录不上，输入密码后页面一直转圈，交易系统无法登录。",
    "手机APP登录失败，交易系统无法登录，反复提示系统繁忙。",
]
ORDER = [
    "委托下单没有响应，点了买入没有任何反应。",
    "下单后委托一直显示未报，委托下单无响应，也撤不了单。",
    "提交委托无响应，委托下单没有回报。",
]
# said of failed orders in the words of the login failures ("系统提示",
# "失败", "不上去"): the key word is 委托
ORDER_LIKE_LOGIN = [
    "买卖委托提交不上去，系统提示委托失败。",
    "刚才买卖委托提交不上去，系统提示委托失败。",
    "今天早上买卖委托提交不上去，系统提示委托失败，影响了正常交易。",
]
LOGIN_FAILED = [
    "手机APP登录失败，反复提示系统繁忙请稍后再试。",
    "APP登录一直失败，提示登录超时。",
    "交易系统无法登录，一直提示网络异常。",
    "交易软件登不上去，账户无法登录，系统提示失败。",
]
BACKGROUND = [
    "营业部大厅空调故障，等候时间过长且环境闷热。",
    "柜台工作人员态度冷淡，办理业务时不耐烦。",
]


@tagged("post_install", "-at_install")
class IncidentCase(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Incident = cls.env["huatai.complaint.incident"]
        cls.retail_hq.manager_id = cls.hq_user
        cls.compliance_unit.manager_id = cls.compliance_user
        cls.start = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=2)
        cls.units = (cls.nanjing, cls.suzhou, cls.hangzhou)

    @classmethod
    def _burst(cls, texts, minutes=0, category=None, **values):
        complaints = cls.Complaint
        for k, text in enumerate(texts):
            complaints |= cls._make(
                cls.units[k % 3],
                category_id=(category or cls.category_system).id,
                description=text,
                received_date=cls.start + timedelta(minutes=minutes + k),
                **values,
            )
        return complaints

    def _run_job(self):
        self.env["huatai.complaint.incident"]._cron_propose_incidents()


class TestIncidentProposals(IncidentCase):
    def test_the_job_groups_each_event_and_nothing_else(self):
        login = self._burst(LOGIN)
        order = self._burst(ORDER, minutes=5)
        background = self._burst(BACKGROUND, minutes=3, category=self.category_service)
        report = self._make(
            self.nanjing,
            category_id=self.category_whistleblowing.id,
            description=LOGIN[0],
            received_date=self.start,
        )
        self.assertTrue(all(login.mapped("incident_scan_pending")))
        self._run_job()
        incidents = self.Incident.search([("complaint_ids", "in", login.ids)])
        self.assertEqual(len(incidents), 1)
        self.assertEqual(incidents.complaint_ids, login)
        self.assertEqual(incidents.state, "proposed")
        self.assertEqual(incidents.unit_count, 3)
        self.assertEqual(incidents.first_received, login[0].received_date)
        self.assertEqual(incidents.last_received, login[-1].received_date)
        self.assertIn("登录", incidents.name)
        self.assertEqual(
            self.Incident.search([("complaint_ids", "in", order.ids)]).complaint_ids,
            order,
        )
        self.assertFalse(background.incident_id)
        self.assertFalse(report.sudo().incident_id)
        self.assertFalse(
            any((login | order | background).mapped("incident_scan_pending"))
        )

    def test_the_job_writes_in_the_firms_language(self):
        """The cron's user reads English; the firm's people read Chinese."""
        self._load_chinese()
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.group_threshold", "3"
        )
        login = self._burst(LOGIN)
        self.env["huatai.complaint.incident"].with_context(
            lang="en_US"
        )._cron_propose_incidents()
        incident = login.incident_id
        bodies = incident.message_ids.mapped("body")
        self.assertTrue(any("归集任务提出" in body for body in bodies), bodies)
        self.assertFalse(any("Proposed by the job" in body for body in bodies))
        alert_type = self.env.ref("huatai_complaints.mail_activity_type_incident_alert")
        alerts = incident.activity_ids.filtered(
            lambda a: a.activity_type_id == alert_type
        )
        self.assertEqual(len(alerts), 2)
        for alert in alerts:
            self.assertIn("群体事件", alert.summary)
            self.assertNotIn("complaints of", alert.note)

    def test_a_later_complaint_joins_the_open_incident(self):
        login = self._burst(LOGIN)
        self._run_job()
        incident = login.incident_id
        late = self._make(
            self.suzhou,
            category_id=self.category_system.id,
            description="交易系统无法登录，APP登录一直失败。",
            received_date=self.start + timedelta(minutes=30),
        )
        self._run_job()
        self.assertEqual(late.incident_id, incident)
        self.assertEqual(incident.complaint_count, 4)

    def test_paraphrases_go_to_the_event_whose_key_words_they_use(self):
        login = self._burst(LOGIN_FAILED)
        order = self._burst(ORDER, minutes=5)
        order_like_login = self._burst(ORDER_LIKE_LOGIN, minutes=8)
        self._run_job()
        self.assertEqual(login.incident_id.complaint_ids, login)
        self.assertEqual(order.incident_id.complaint_ids, order | order_like_login)

    def test_a_cluster_too_small_leaves_its_proposal(self):
        login = self._burst(LOGIN)
        self._run_job()
        incident = login.incident_id
        self.assertEqual(len(incident), 1)
        # HQ takes two of them out: the last one alone is no incident
        incident.with_user(self.hq_user)._remove(login[:2])
        self._make(
            self.nanjing,
            category_id=self.category_service.id,
            description="柜台工作人员态度冷淡，办理业务时不耐烦。",
            received_date=self.start,
        )
        self._run_job()
        self.assertFalse(login[2].incident_id)
        self.assertFalse(incident.exists())

    def test_short_or_empty_texts_propose_nothing(self):
        short = self._burst(["卡了", "登不上", "无法登录"])
        noise = self._burst(["？？？", "……", "!!!"], minutes=1)
        self._run_job()
        self.assertFalse((short | noise).incident_id)
        self.assertFalse(
            self.Incident.search([("complaint_ids", "in", (short | noise).ids)])
        )

    def test_dismissed_complaints_are_not_proposed_again(self):
        login = self._burst(LOGIN)
        self._run_job()
        incident = login.incident_id
        incident.with_user(self.hq_user).action_dismiss()
        self.assertEqual(incident.state, "dismissed")
        self.assertFalse(login.incident_id)
        more = self._burst(LOGIN, minutes=10)
        self._run_job()
        self.assertFalse(more.incident_id & incident)
        self.assertFalse(login.incident_id)

    def test_group_incident_alerts_hq_and_compliance_once_and_flags_on_confirm(self):
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.group_threshold", "3"
        )
        login = self._burst(LOGIN)
        self._run_job()
        incident = login.incident_id
        self.assertTrue(incident.is_group)
        alert_type = self.env.ref("huatai_complaints.mail_activity_type_incident_alert")
        activities = incident.activity_ids.filtered(
            lambda a: a.activity_type_id == alert_type
        )
        self.assertEqual(activities.user_id, self.hq_user | self.compliance_user)
        # figures, not other units' complaints
        self.assertIn("3", activities[0].note)
        self.assertNotIn(login[0].name, activities[0].note)
        # proposed only: not group complaints yet
        self.assertFalse(any(login.mapped("is_group")))
        incident.with_user(self.hq_user).action_confirm()
        self.assertTrue(all(login.mapped("is_group")))
        self.assertTrue(all(login.mapped("compliance_required")))
        # a later run raises nothing twice
        self._burst(LOGIN[:1], minutes=20)
        self._run_job()
        self.assertEqual(
            len(
                incident.activity_ids.filtered(
                    lambda a: a.activity_type_id == alert_type
                )
            ),
            2,
        )


class TestIncidentWork(IncidentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.login = cls._burst(LOGIN)
        cls.env["huatai.complaint.incident"]._cron_propose_incidents()
        cls.incident = cls.login.incident_id
        cls.incident.with_user(cls.hq_user).action_confirm()
        cls.incident.reply_text = (
            "<p>系统故障已于10:05修复，由此造成的损失请联系营业部核实。</p>"
        )

    def test_only_hq_confirms_and_works_incidents(self):
        incident = self.incident.with_user(self.staff_nanjing)
        for method in ("action_confirm", "action_dismiss", "action_close"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(incident, method)()
        with self.assertRaises(AccessError):
            incident._bulk_reply()

    def test_bulk_reply_respects_each_gate_and_reports_refusals(self):
        major = self.login[1]
        major.is_major = True
        self.assertTrue(major.compliance_required)
        # the others' plans reviewed (their branch companies, issue 15)
        for complaint in self.login - major:
            give_required_reviews(complaint)
        done, refused = self.incident.with_user(self.hq_user)._bulk_reply("phone")
        self.assertEqual(done, self.login - major)
        self.assertEqual([c for c, _reason in refused], [major])
        self.assertFalse(major.replied_date)
        self.assertEqual(set((self.login - major).mapped("stage_state")), {"replied"})
        self.assertIn("系统故障已于10:05修复", (self.login - major)[0].reply_text)
        self.assertTrue(self.incident.first_reply_date)
        self.assertIn(major.name, self.incident.note)
        done, refused = self.incident.with_user(self.hq_user)._bulk_close()
        self.assertEqual(done, self.login - major)
        self.assertEqual([c for c, _reason in refused], [major])
        self.assertFalse(major.is_closed)

    def test_a_unit_replying_one_complaint_sends_the_first_coordinated_reply(self):
        """The first coordinated reply is the first reply of a complaint of
        the incident once its coordinated reply is written, also one by one
        at a unit: the time to it is the HQ dashboard's (hours from the
        incident's first complaint), and a later reply keeps it."""
        first, second = self.login.sorted("received_date")[:2]
        give_required_reviews(first)
        give_required_reviews(second)
        replied = self.incident.first_received + timedelta(minutes=90)
        Wizard = self.env["huatai.complaint.reply.wizard"]
        Wizard.with_user(self.hq_user).create(
            {
                "complaint_id": first.id,
                "reply_text": self.incident.reply_text,
                "replied_date": replied,
            }
        ).action_record_reply()
        self.assertEqual(self.incident.first_reply_date, replied)
        self.assertEqual(self.incident.reply_hours, 1.5)
        Wizard.with_user(self.hq_user).create(
            {
                "complaint_id": second.id,
                "reply_text": self.incident.reply_text,
                "replied_date": replied + timedelta(minutes=20),
            }
        ).action_record_reply()
        self.assertEqual(self.incident.first_reply_date, replied)

    def test_a_reply_before_the_coordinated_reply_is_not_one(self):
        self.incident.reply_text = False
        give_required_reviews(self.login[0])
        self.env["huatai.complaint.reply.wizard"].with_user(self.hq_user).create(
            {"complaint_id": self.login[0].id, "reply_text": "<p>已核实。</p>"}
        ).action_record_reply()
        self.assertFalse(self.incident.first_reply_date)
        self.assertEqual(self.incident.reply_hours, 0.0)

    def test_reply_wizard_starts_from_the_coordinated_reply(self):
        wizard = (
            self.env["huatai.complaint.reply.wizard"]
            .with_user(self.staff_nanjing)
            .with_context(default_complaint_id=self.login[0].id)
            .new({})
        )
        values = wizard.default_get(["reply_text", "complaint_id"])
        self.assertIn("系统故障已于10:05修复", values["reply_text"])

    def test_what_a_unit_sees_of_an_incident_follows_the_complaint_rules(self):
        nanjing = self.login.filtered(lambda c: c.accepting_unit_id == self.nanjing)
        # as in a request of that user: nothing read by others in the cache
        self.env.invalidate_all()
        incident = self.incident.with_user(self.staff_nanjing)
        self.assertEqual(incident.complaint_ids.ids, nanjing.ids)
        self.assertEqual(
            incident.web_read({"complaint_ids": {"fields": {"name": {}}}})[0][
                "complaint_ids"
            ],
            [{"id": nanjing.id, "name": nanjing.name}],
        )
        self.assertEqual(incident.complaint_count, 3)
        self.env.invalidate_all()
        head = self.incident.with_user(self.head_jiangsu)
        jiangsu = self.login.filtered(
            lambda c: c.accepting_unit_id in (self.nanjing | self.suzhou)
        )
        self.assertEqual(set(head.complaint_ids.ids), set(jiangsu.ids))
        self.env.invalidate_all()
        self.assertEqual(
            self.incident.with_user(self.hq_user).complaint_ids, self.login
        )
        # a unit with no complaint in it does not see the incident
        other_unit = self.Unit.create(
            {
                "name": "其他营业部",
                "code": "T-OTHER",
                "kind": "sales_department",
                "parent_id": self.zhejiang.id,
            }
        )
        outsider = self._user("t_staff_other", "user", other_unit)
        self.assertFalse(
            self.Incident.with_user(outsider).search([("id", "=", self.incident.id)])
        )
        with self.assertRaises(AccessError):
            self.incident.with_user(outsider).read(["name"])

    def test_incident_fields_are_written_by_the_workflow_only(self):
        other = self._make(self.nanjing, description="柜台工作人员态度冷淡。")
        with self.assertRaises(AccessError):
            other.with_user(self.staff_nanjing).write({"incident_id": self.incident.id})
        with self.assertRaises(AccessError):
            other.with_user(self.hq_user).write({"duplicate_of_id": self.login[0].id})

    def test_a_report_handed_over_leaves_its_incident(self):
        complaint = self.login[0]
        complaint.with_user(self.hq_user).with_context(
            huatai_handover_reason="举报"
        ).write({"category_id": self.category_whistleblowing.id})
        self.assertFalse(complaint.sudo().incident_id)
        self.assertNotIn(complaint, self.incident.complaint_ids)

    def test_split_and_merge(self):
        hq_incident = self.incident.with_user(self.hq_user)
        part = self.login[2]
        new = hq_incident._split(part, "委托问题")
        self.assertEqual(new.complaint_ids, part)
        self.assertEqual(new.state, "confirmed")
        self.assertEqual(self.incident.complaint_count, 2)
        (hq_incident | new.with_user(self.hq_user)).action_merge()
        self.assertEqual(self.incident.complaint_ids, self.login)
        self.assertEqual(new.state, "dismissed")


@tagged("post_install", "-at_install")
class TestClustering(BaseCase):
    """The clustering itself, on vectors made by hand."""

    A = {"x": 0.8, "s": 0.6}
    B = {"y": 0.8, "s": 0.6}

    def _clusters(self, **options):
        vectors = [self.A, self.A, self.B, self.B]
        clusters = similarity.average_linkage(
            vectors, lambda i, j: True, 0.3, **options
        )
        return sorted(sorted(c) for c in clusters)

    def test_two_events_linked_above_the_threshold_stay_two_when_cohesive(self):
        # A and B resemble each other at 0.36 (their shared "s")
        self.assertEqual(self._clusters(), [[0, 1, 2, 3]])
        # together, their complaints resemble one another at 0.57 on average
        self.assertEqual(self._clusters(cohesion=0.6), [[0, 1], [2, 3]])
        self.assertEqual(self._clusters(cohesion=0.5), [[0, 1, 2, 3]])
        # a confirmed incident, as HQ shaped it, takes in what resembles it
        self.assertEqual(self._clusters(cohesion=0.6, locked=[[0, 1]]), [[0, 1, 2, 3]])

    def test_an_item_moves_to_the_cluster_whose_shared_terms_it_uses(self):
        key_a = {"a": 1.0}
        key_b = {"b": 1.0}
        # the odd one shares little with A's key word, more with what one
        # of A's items adds, and B's key word
        odd = {"b": 0.5, "noise": 0.8, "a": 0.33}
        unit = [
            {g: x / sum(y * y for y in v.values()) ** 0.5 for g, x in v.items()}
            for v in (
                key_a,
                key_a,
                {"a": 0.6, "noise": 0.8},
                odd,
                key_b,
                key_b,
                key_b,
            )
        ]
        clusters = similarity.reassign(
            unit, [[0, 1, 2, 3], [4, 5, 6]], lambda i, j: True, 0.1
        )
        self.assertEqual(sorted(sorted(c) for c in clusters), [[0, 1, 2], [3, 4, 5, 6]])
        # an item of a confirmed incident stays
        clusters = similarity.reassign(
            unit,
            [[0, 1, 2, 3], [4, 5, 6]],
            lambda i, j: True,
            0.1,
            locked=[[0, 1, 2, 3]],
        )
        self.assertEqual(sorted(sorted(c) for c in clusters), [[0, 1, 2, 3], [4, 5, 6]])
