"""The demo looks like an ordinary month at a brokerage (issue 17).

On a database without demo data (the suite's), the demo file of
huatai_complaints is loaded here as the demo install would (its org tree, its
users, and the sample built by ``huatai.complaint.demo``); on a demo database
the demo as it is gets checked.
"""

import json
import re
from datetime import timedelta

from odoo import fields
from odoo.osv import expression
from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file

DEMO = "huatai_complaints.demo_user_staff"
DASHBOARDS = {
    # dashboard -> the demo login that opens it
    "huatai_reports.spreadsheet_dashboard_complaints_hq": "hq",
    "huatai_reports.spreadsheet_dashboard_complaints_units": "head",
}
PERIOD_DAYS = {
    "last_week": 7,
    "last_month": 30,
    "last_three_months": 90,
    "last_six_months": 180,
    "last_year": 365,
}
PIVOT_VALUE = re.compile(r'^=PIVOT\.VALUE\((\d+),"([\w:]+)"\)$')
README_LOGINS = {
    "admin": "base.group_system",
    "staff": "huatai_complaints.group_complaint_user",
    "staff_hz": "huatai_complaints.group_complaint_user",
    "head": "huatai_complaints.group_complaint_manager",
    "head_zj": "huatai_complaints.group_complaint_manager",
    "head_gd": "huatai_complaints.group_complaint_manager",
    "head_bj": "huatai_complaints.group_complaint_manager",
    "hq": "huatai_complaints.group_complaint_hq",
    "csc": "huatai_complaints.group_complaint_hq",
    "compliance": "huatai_complaints.group_complaint_compliance",
    "cadmin": "huatai_complaints.group_complaint_admin",
    "client": "base.group_portal",
}


@tagged("post_install", "-at_install")
class TestDemoLooksLikeAnOrdinaryMonth(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref(DEMO, raise_if_not_found=False):
            cls.env["res.lang"]._activate_lang("zh_CN")
            for demo_file in (
                "demo/huatai_complaint_demo.xml",
                "demo/huatai_complaint_demo_closing.xml",
                "demo/huatai_complaint_improvement_demo.xml",
                "demo/huatai_complaint_incident_demo.xml",
            ):
                convert_file(
                    cls.env,
                    "huatai_complaints",
                    demo_file,
                    {},
                    mode="init",
                    noupdate=True,
                    kind="demo",
                )
        cls.env.flush_all()
        cls.Complaint = cls.env["huatai.complaint"].with_context(active_test=False)
        cls.complaints = cls.Complaint.search([])
        cls.open = cls.complaints.filtered(lambda c: not c.is_closed)
        cls.Report = cls.env["huatai.complaint.report"]

    def demo_user(self, login):
        return self.env["res.users"].search([("login", "=", login)])

    def test_most_open_complaints_are_on_time(self):
        states = self.open.mapped("deadline_state")
        overdue = states.count("overdue")
        self.assertGreaterEqual(len(self.open), 20)
        self.assertIn(overdue, (1, 2), "one or two overdue complaints")
        self.assertLess(overdue / len(self.open), 0.15)
        self.assertGreaterEqual(states.count("due_soon"), 1)
        self.assertLessEqual(states.count("due_soon"), len(self.open) // 4)
        self.assertGreater(states.count("on_track"), len(self.open) / 2)

    def test_one_outage_incident_and_no_spurious_one(self):
        """The morning's outage is the demo's one incident; the proposal
        job, run over the whole sample, finds no other."""
        incidents = self.env["huatai.complaint.incident"].search([])
        self.assertEqual(len(incidents), 1)
        self.assertEqual(incidents.state, "confirmed")
        self.assertEqual(incidents.complaint_count, 4)
        self.assertEqual(incidents.user_id, self.demo_user("hq"))
        self.assertTrue(incidents.reply_text)
        self.env["huatai.complaint"].sudo().search([]).write(
            {"incident_scan_pending": True}
        )
        self.env["huatai.complaint.incident"]._cron_propose_incidents()
        self.assertEqual(self.env["huatai.complaint.incident"].search([]), incidents)
        self.assertEqual(incidents.complaint_count, 4)

    def test_the_outage_has_its_first_coordinated_reply_and_alert(self):
        """Nanjing replied with the coordinated reply 40 minutes after the
        first call (the HQ dashboard's time to it), the other units' complaints
        await it; the portal's client, at his third complaint, is a pattern
        alert for Retail HQ."""
        incident = self.env["huatai.complaint.incident"].search([])
        replied = incident.complaint_ids.filtered("replied_date")
        self.assertEqual(len(replied), 1)
        self.assertEqual(incident.first_reply_date, replied.replied_date)
        self.assertAlmostEqual(incident.reply_hours, 0.67)
        alerts = self.env["huatai.pattern.alert"].search([("kind", "=", "complainant")])
        self.assertEqual(len(alerts), 1)
        client = self.env.ref("huatai_complaints.demo_partner_client")
        self.assertEqual(alerts.complaint_ids.partner_id, client)
        self.assertEqual(alerts.count, 3)

    def test_open_complaints_are_in_every_stage(self):
        self.assertLessEqual(
            {"new", "accepted", "in_progress", "compliance", "replied", "callback"},
            set(self.open.mapped("stage_state")),
        )

    def test_dates_are_relative_to_the_day_the_database_is_made(self):
        now = fields.Datetime.now()
        newest = max(self.complaints.mapped("received_date"))
        self.assertLess(now - newest, timedelta(days=5))
        for fname in (
            "received_date",
            "acknowledged_date",
            "accepted_date",
            "replied_date",
            "closed_date",
        ):
            dates = [d for d in self.complaints.mapped(fname) if d]
            self.assertLessEqual(max(dates), now, fname)
        messages = self.env["mail.message"].search(
            [("model", "=", "huatai.complaint"), ("res_id", "in", self.complaints.ids)]
        )
        self.assertLessEqual(max(messages.mapped("date")), now)
        for complaint in self.complaints.filtered("replied_date"):
            self.assertLessEqual(complaint.received_date, complaint.replied_date)
            if complaint.closed_date:
                self.assertLessEqual(complaint.replied_date, complaint.closed_date)

    def test_a_year_of_history_by_month(self):
        start = fields.Date.today() - timedelta(days=365)
        months = {
            d.strftime("%Y-%m")
            for d in self.complaints.mapped("received_date")
            if d.date() >= start
        }
        self.assertGreaterEqual(len(months), 12)
        finished = self.complaints - self.open
        self.assertGreater(len(finished), len(self.open))
        self.assertTrue(finished.filtered(lambda c: c.stage_state == "rejected"))

    def test_regulator_forwarded_major_and_confidential(self):
        regulator = self.complaints.filtered(lambda c: c.channel == "regulator")
        self.assertGreaterEqual(len(regulator), 2)
        self.assertGreaterEqual(len(regulator & self.open), 1)
        for complaint in regulator:
            self.assertTrue(complaint.regulator_reference)
            self.assertLessEqual(complaint.reply_deadline, complaint.regulator_deadline)
        self.assertGreaterEqual(len(self.complaints.filtered("is_major")), 1)
        self.assertTrue(self.open.filtered("is_major"))
        self.assertTrue(self.open.filtered("is_confidential"))
        # the reply waited for Compliance where it had to
        for complaint in self.complaints.filtered(
            lambda c: c.compliance_required and c.replied_date
        ):
            self.assertTrue(complaint.compliance_opinion_date, complaint.name)

    def test_callbacks_and_survey_answers(self):
        callbacks = self.env["huatai.complaint.callback"].search(
            [("complaint_id", "in", self.complaints.ids)]
        )
        self.assertEqual(
            set(callbacks.mapped("result")), {"satisfied", "dissatisfied", "unreached"}
        )
        answers = self.env["survey.user_input"].search(
            [("complaint_id", "in", self.complaints.ids), ("state", "=", "done")]
        )
        self.assertGreaterEqual(len(answers), 10)
        scores = answers.mapped("complaint_score")
        self.assertTrue(all(1 <= s <= 5 for s in scores))
        self.assertGreater(sum(scores) / len(scores), 3.5)
        closed = self.complaints.filtered(lambda c: c.stage_state == "closed")
        self.assertFalse(closed.activity_ids, "finished complaints have no to-do")

    def test_a_held_complaint_and_a_dissatisfied_client(self):
        """Issue 15: a finished regulator-forwarded complaint on legal hold; a
        callback that sent a complaint back to handling, its unit head told."""
        held = self.complaints.filtered("legal_hold")
        self.assertEqual(len(held), 1)
        self.assertEqual(held.channel, "regulator")
        self.assertTrue(held.is_closed and held.legal_hold_reason)
        self.assertEqual(held.legal_hold_user_id, self.demo_user("compliance"))
        returned = self.open.filtered("returned_after_callback")
        self.assertEqual(len(returned), 1)
        self.assertEqual(returned.stage_state, "in_progress")
        dissatisfied = self.env.ref(
            "huatai_complaints.mail_activity_type_dissatisfied_callback"
        )
        head = returned.activity_ids.filtered(
            lambda a: a.activity_type_id == dissatisfied
        ).user_id
        unit = returned.handling_unit_id
        # the unit's head, or its first member where it has none
        self.assertEqual(head, unit.manager_id or unit.member_ids[:1])

    def test_the_portal_client_has_complaints(self):
        client = self.demo_user("client")
        mine = self.Complaint.with_user(client).search([])
        self.assertGreaterEqual(len(mine), 2)
        self.assertTrue(mine.filtered("replied_date"))

    def test_readme_logins_and_time_zone(self):
        for login, group in README_LOGINS.items():
            user = self.demo_user(login)
            self.assertTrue(user, login)
            self.assertTrue(user.has_group(group), login)
            self.assertEqual(user.tz, "Asia/Shanghai", login)
        company = self.env.ref("base.main_company")
        self.assertEqual(company.name, "华泰证券股份有限公司")
        self.assertFalse(company.uses_default_logo)
        self.assertTrue(company.street and company.city and company.country_id)
        self.assertEqual(company.partner_id.tz, "Asia/Shanghai")

    # ------------------------------------------------------------------
    # Dashboards: every card of their first display has a value
    # ------------------------------------------------------------------
    def filter_domains(self, data, spec):
        """The domain of a pivot, chart or list with the dashboard's global
        filters at their default values (and the spec's period offset)."""
        today = fields.Date.context_today(self.Report)
        domain = list(spec.get("domain") or [])
        filters = {f["id"]: f for f in data["globalFilters"]}
        for filter_id, match in (spec.get("fieldMatching") or {}).items():
            flt = filters[filter_id]
            if flt["type"] != "date" or flt.get("defaultValue") not in PERIOD_DAYS:
                self.assertFalse(flt.get("defaultValue"), flt["label"])
                continue
            days = PERIOD_DAYS[flt["defaultValue"]]
            end = today + timedelta(days=days * match.get("offset", 0))
            start = end - timedelta(days=days - 1)
            domain = expression.AND(
                [domain, self.Report._period_domain(start, end, match["chain"])]
            )
        return domain

    @staticmethod
    def measure_spec(Model, measure):
        """What a pivot's client asks read_group for ``measure`` (the
        field's aggregator or the measure's own, under an alias), and the
        key of its value in a group."""
        name = measure["fieldName"]
        if name == "__count":
            return name, name
        if measure.get("aggregator"):
            key = f"{name}_{measure['aggregator']}_id"
            return f"{key}:{measure['aggregator']}({name})", key
        return f"{name}:{Model._fields[name].aggregator}", name

    def pivot_value(self, user, data, pivot_id, measure_id):
        pivot = data["pivots"][pivot_id]
        Model = self.env[pivot["model"]].with_user(user)
        (measure,) = [m for m in pivot["measures"] if m["id"] == measure_id]
        spec, key = self.measure_spec(Model, measure)
        groups = Model.read_group(self.filter_domains(data, pivot), [spec], [])
        return groups[0][key] if groups else None

    def test_every_dashboard_card_has_a_value(self):
        for xmlid, login in DASHBOARDS.items():
            user = self.demo_user(login)
            dashboard = self.env.ref(xmlid).with_user(user)
            data = json.loads(dashboard.spreadsheet_data)
            cells = {
                sheet["name"]: {
                    ref: cell.get("content", "") for ref, cell in sheet["cells"].items()
                }
                for sheet in data["sheets"]
            }
            figures = [f["data"] for s in data["sheets"] for f in s["figures"]]
            for card in (f for f in figures if f["type"] == "scorecard"):
                for key in ("keyValue", "baseline"):
                    if not card.get(key):
                        continue
                    sheet, ref = card[key].split("!")
                    pivot_id, measure = PIVOT_VALUE.match(cells[sheet][ref]).groups()
                    value = self.pivot_value(user, data, pivot_id, measure)
                    with self.subTest(dashboard=xmlid, card=card["title"]["text"]):
                        self.assertTrue(value, f"{key} {measure} of pivot {pivot_id}")
            for chart in (f for f in figures if f["type"].startswith("odoo_")):
                meta = chart["metaData"]
                Model = self.env[meta["resModel"]].with_user(user)
                measure = meta["measure"]
                spec, key = self.measure_spec(Model, {"fieldName": measure})
                search = dict(
                    chart["searchParams"], fieldMatching=chart["fieldMatching"]
                )
                groups = Model.read_group(
                    self.filter_domains(data, search),
                    [spec],
                    meta["groupBy"],
                    lazy=False,
                )
                with self.subTest(dashboard=xmlid, chart=chart["title"]["text"]):
                    self.assertTrue(any(g[key] for g in groups))
            for spec in data["lists"].values():
                records = (
                    self.env[spec["model"]]
                    .with_user(user)
                    .search(self.filter_domains(data, spec), limit=1)
                )
                with self.subTest(dashboard=xmlid, list=spec["name"]):
                    self.assertTrue(records)
            for pivot in data["pivots"].values():
                Model = self.env[pivot["model"]].with_user(user)
                rows = [r["fieldName"] for r in pivot["rows"]]
                spec, key = self.measure_spec(Model, pivot["measures"][0])
                groups = Model.read_group(
                    self.filter_domains(data, pivot), [spec], rows, lazy=False
                )
                with self.subTest(dashboard=xmlid, pivot=pivot["name"]):
                    self.assertTrue(groups and any(g[key] for g in groups))

    def test_the_analysis_opens_on_twelve_months_by_month_and_type(self):
        action = self.env.ref("huatai_reports.huatai_complaint_report_action")
        self.assertTrue(action.view_mode.startswith("graph,pivot"))
        self.assertIn("search_default_last_12_months", action.context)
        search = self.env.ref("huatai_reports.huatai_complaint_report_view_search")
        self.assertIn('name="last_12_months"', search.arch)
        graph = self.Report.get_views([(False, "graph")])["views"]["graph"]["arch"]
        self.assertIn('type="bar"', graph)
        self.assertIn('stacked="True"', graph)
        self.assertIn('interval="month"', graph)
        self.assertIn('name="category_root_id"', graph)

    def test_each_step_of_the_review_chain_is_shown(self):
        """The demo shows the review chain of handling plans (issue 15)."""
        Opinion = self.env["huatai.complaint.opinion"]
        plans = self.env["huatai.complaint"].search(
            [("plan_state", "!=", "draft"), ("is_closed", "=", False)]
        )
        self.assertEqual(
            set(plans.mapped("plan_state")), {"in_review", "revise", "approved"}
        )
        orders = Opinion.search([("kind", "=", "order")])
        self.assertTrue(orders.filtered(lambda o: o.state == "open"))
        approved = self.env["huatai.complaint"].search(
            [("compensation_approval_level", "=", "branch")]
        )
        self.assertEqual(approved.compensation_paid, 60000)
        self.assertEqual(
            set(approved.opinion_ids.mapped("kind")),
            {"branch_review", "hq_advice", "compliance"},
        )
        reported = self.env["huatai.complaint"].search(
            [("regulator_reply_state", "=", "done")]
        )
        self.assertTrue(reported)
        # the finished complaints carry the reviews their rules required
        finished = self.env["huatai.complaint"].search(
            [("is_closed", "=", True), ("replied_date", "!=", False)]
        )
        for complaint in finished:
            self.assertFalse(complaint._missing_review_kinds(), complaint.name)
        # Art. 6: the replied complaints of sales departments show the branch
        # review, given by the head of their branch company
        replied = self.env["huatai.complaint"].search(
            [
                ("replied_date", "!=", False),
                ("handling_unit_id.kind", "=", "sales_department"),
                ("is_confidential", "=", False),
            ]
        )
        self.assertGreaterEqual(len(replied), 10)
        heads = set()
        for complaint in replied:
            review = complaint.opinion_ids.filtered(lambda o: o.kind == "branch_review")
            branch = complaint.handling_unit_id.branch_id
            self.assertEqual(review.mapped("decision"), ["approve"], complaint.name)
            self.assertEqual(review.unit_id, branch, complaint.name)
            self.assertEqual(review.user_id, branch.manager_id, complaint.name)
            heads.add(review.user_id.login)
        self.assertEqual(heads, {"head", "head_zj", "head_gd", "head_bj"})
