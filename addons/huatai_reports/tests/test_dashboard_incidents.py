"""The HQ dashboard's section on what no single complaint shows (issue 16):
incidents (open, complaints per incident, time to the first coordinated
reply), pattern alerts per type, improvement actions by status."""

import re
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.huatai_complaints.tools.workdays import CN_OFFSET, china_date

from .common import ReportCase
from .test_dashboards import (
    DASHBOARDS,
    aggregate,
    dashboard_charts,
    dashboard_data,
    filter_defaults,
    load_dashboard,
    measure_id,
    measure_spec,
    spec_domain,
)

PERIOD = "c0a1d5e2-1b7f-4f7e-9a51-0d3c2e6b7a01"
BRANCH = "c0a1d5e2-1b7f-4f7e-9a51-0d3c2e6b7a02"
CATEGORY = "c0a1d5e2-1b7f-4f7e-9a51-0d3c2e6b7a04"
INCIDENT = "huatai.complaint.incident"
ALERT = "huatai.pattern.alert"
IMPROVEMENT = "huatai.complaint.improvement"
FORMULA = re.compile(r"(PIVOT\.VALUE|PIVOT\.HEADER|ODOO\.LIST)\((\d+),([^)]*)\)")


@tagged("post_install", "-at_install")
class TestHqDashboardIncidents(ReportCase):
    """Incidents of this week (received at 09:40 China time, three days ago):

      confirmed  南京 苏州 杭州        coordinated reply after 6 hours (南京 and
                                      苏州 replied, 杭州 not yet)
      proposed   杭州 杭州             no reply yet
      closed     南京 南京 苏州 苏州    coordinated reply after 10 hours, closed
      dismissed  (no complaint left)
      old        南京, 400 days ago, closed, replied after 2 hours: outside
                 the dashboard's default period (the last year)

    Pattern alerts: 2 repeat complainants, 1 staff member named (Compliance
    only), 3 units above their baseline (2 in Jiangsu). Improvement actions:
    1 draft, 2 in progress, 1 done, 1 cancelled, and 1 in progress naming a
    whistleblowing report (Compliance only).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Incident = cls.env[INCIDENT].sudo()
        morning = fields.Datetime.now().replace(
            hour=1, minute=40, second=0, microsecond=0
        ) - timedelta(days=3)  # 09:40 in China
        cls.morning = morning
        # the incidents' type is below "System": the type filter is on roots
        cls.login_type = cls.env["huatai.complaint.category"].create(
            {
                "name": "交易系统登录",
                "code": "t_login",
                "parent_id": cls.cat["system"].id,
            }
        )

        def incident(name, state, units, reply_after=None, replied=0, **kw):
            """An incident of complaints at ``units`` from ``start``; the
            first ``replied`` of them replied ``reply_after`` hours later
            (closed the next day if the incident is)."""
            start = kw.get("start", morning)
            record = Incident.create(
                {"name": name, "state": state, "category_id": cls.login_type.id}
            )
            complaints = cls.Complaint
            for k, unit in enumerate(units):
                received = start + timedelta(minutes=k)
                dates = {}
                stage = "in_progress"
                if k < replied:
                    reply = start + timedelta(hours=reply_after)
                    stage = "closed" if state == "closed" else "replied"
                    dates = {"accepted_date": received, "replied_date": reply}
                    if stage == "closed":
                        dates["closed_date"] = reply + timedelta(days=1)
                complaints |= cls._make(
                    unit,
                    china_date(received),
                    stage,
                    category_id=cls.login_type.id,
                    description="交易系统无法登录，一直提示网络异常。",
                    received_date=received,
                    acknowledged_date=received,
                    **dates,
                )
            complaints.sudo().write({"incident_id": record.id})
            if reply_after is not None:
                record.first_reply_date = start + timedelta(hours=reply_after)
            return record

        nj, sz, hz = cls.nanjing, cls.suzhou, cls.hangzhou
        cls.confirmed = incident(
            "交易系统无法登录", "confirmed", (nj, sz, hz), 6, replied=2
        )
        cls.proposed = incident(
            "行情卡顿", "proposed", (hz, hz), start=morning + timedelta(minutes=30)
        )
        cls.closed = incident(
            "委托下单无响应", "closed", (nj, nj, sz, sz), 10, replied=4
        )
        cls.dismissed = Incident.create({"name": "不是同一事件", "state": "dismissed"})
        cls.old = incident(
            "去年的系统故障",
            "closed",
            (nj,),
            2,
            replied=1,
            start=morning - timedelta(days=400),
        )

        Alert = cls.env[ALERT].sudo()
        period = fields.Datetime.now().strftime("%Y-%m")

        def alert(kind, key, unit=None, **values):
            return Alert.create(
                {
                    "name": key,
                    "kind": kind,
                    "key": key,
                    "period": period,
                    "count": 3,
                    "unit_id": unit.id if unit else False,
                    **values,
                }
            )

        alert("complainant", "account:1001")
        alert("complainant", "partner:7")
        cls.staff_alert = alert("respondent", f"respondent:{nj.id}:李四", nj)
        for unit in (nj, sz, hz):
            alert(
                "unit_rate",
                f"unit:{unit.id}:{cls.cat['service'].id}",
                unit,
                category_id=cls.cat["service"].id,
                baseline=1.0,
            )

        Improvement = cls.env[IMPROVEMENT].sudo()

        def improvement(name, states, proposer=None, **values):
            action = Improvement.create(
                {
                    "name": name,
                    "proposal": "统一交易系统应急预案并演练",
                    "proposing_unit_id": (proposer or cls.retail_hq).id,
                    "unit_id": cls.retail_hq.id,
                    "user_id": cls.hq_user.id,
                    "due_date": fields.Date.today() + timedelta(days=30),
                    **values,
                }
            )
            for state in states:
                action._transition({"state": state})
            return action

        improvement("草稿", ())
        improvement("进行中一", ("open",), proposer=cls.jiangsu)
        improvement("进行中二", ("open",))
        improvement("已完成", ("open", "done"))
        improvement("已取消", ("cancelled",))
        cls.confidential_action = improvement(
            "举报整改",
            ("open",),
            complaint_ids=[fields.Command.set(cls.hq_whistle.ids)],
        )
        cls.env.flush_all()

    # ------------------------------------------------------------------
    # helpers: what the client of the dashboard reads
    # ------------------------------------------------------------------
    def data(self, user, key="hq"):
        return dashboard_data(self.env.ref(DASHBOARDS[key]).with_user(user))

    def pivot_of(self, data, name):
        (pivot,) = [p for p in data["pivots"].values() if p["name"] == name]
        return pivot

    def chart_of(self, data, model):
        (chart,) = [
            c for c in dashboard_charts(data) if c["metaData"]["resModel"] == model
        ]
        return chart

    def read_pivot(self, user, name, filters=None):
        """{row value (None: the total): {measure id: value}} of the pivot
        ``name`` as ``user`` reads it, the global filters at their defaults
        but for ``filters`` ({filter id: domain terms})."""
        data = self.data(user)
        pivot = self.pivot_of(data, name)
        Model = self.env[pivot["model"]].with_user(user)
        defaults = filter_defaults(self.Report.with_user(user), data)
        defaults.update(filters or {})
        domain = spec_domain(pivot, defaults)
        specs = [measure_spec(Model, m) for m in pivot["measures"]]
        ids = {m["id"]: measure_id(m) for m in pivot["measures"]}
        rows = [r["fieldName"] for r in pivot["rows"]]
        values = {}
        for group in Model.read_group(domain, specs, rows, lazy=False) if rows else ():
            values[group[rows[0]]] = {m: group[key] for m, key in ids.items()}
        (total,) = Model.read_group(domain, specs, [], lazy=False)
        values[None] = {m: total[key] for m, key in ids.items()}
        return values

    def read_chart(self, user, model, filters=None):
        """{group: count} of the chart on ``model`` as ``user`` reads it."""
        data = self.data(user)
        chart = self.chart_of(data, model)
        meta = chart["metaData"]
        Model = self.env[model].with_user(user)
        defaults = filter_defaults(self.Report.with_user(user), data)
        defaults.update(filters or {})
        search = {
            "domain": chart["searchParams"]["domain"],
            "fieldMatching": chart["fieldMatching"],
        }
        (groupby,) = meta["groupBy"]
        groups = Model.read_group(
            spec_domain(search, defaults),
            [aggregate(Model, meta["measure"])],
            [groupby],
            lazy=False,
        )
        return {g[groupby]: g["__count"] for g in groups if g["__count"]}

    # ------------------------------------------------------------------
    # incidents
    # ------------------------------------------------------------------
    def test_incidents_by_status(self):
        """Open incidents, complaints per incident: the dismissed ones and
        those before the period are not counted."""
        values = self.read_pivot(self.hq_user, "Incidents by status")
        self.assertEqual(
            values,
            {
                "proposed": {"__count": 1, "complaint_count": 2},
                "confirmed": {"__count": 1, "complaint_count": 3},
                "closed": {"__count": 1, "complaint_count": 4},
                None: {"__count": 3, "complaint_count": 9},
            },
        )
        self.assertEqual(
            self.read_pivot(self.hq_user, "Complaints per incident"),
            {
                "proposed": {"complaint_count:avg": 2.0},
                "confirmed": {"complaint_count:avg": 3.0},
                "closed": {"complaint_count:avg": 4.0},
                None: {"complaint_count:avg": 3.0},
            },
        )
        # the scorecards: open incidents; their complaints not replied yet
        self.assertEqual(
            self.read_pivot(self.hq_user, "Open incidents"), {None: {"__count": 2}}
        )
        self.assertEqual(
            self.read_pivot(self.hq_user, "Complaints of open incidents not replied"),
            {None: {"__count": 3}},
        )

    def test_time_to_first_coordinated_reply(self):
        values = self.read_pivot(self.hq_user, "Incidents with a coordinated reply")
        self.assertEqual(
            values,
            {
                "confirmed": {"__count": 1, "reply_hours": 6.0},
                "closed": {"__count": 1, "reply_hours": 10.0},
                None: {"__count": 2, "reply_hours": 8.0},
            },
        )
        self.assertEqual(self.confirmed.reply_hours, 6.0)
        self.assertFalse(self.proposed.first_reply_date)

    def test_open_incidents_list(self):
        data = self.data(self.hq_user)
        (spec,) = [s for s in data["lists"].values() if s["model"] == INCIDENT]
        defaults = filter_defaults(self.Report.with_user(self.hq_user), data)
        order = ", ".join(
            f"{o['name']} {'ASC' if o['asc'] else 'DESC'}" for o in spec["orderBy"]
        )
        rows = (
            self.env[INCIDENT]
            .with_user(self.hq_user)
            .search_read(spec_domain(spec, defaults), spec["columns"], order=order)
        )
        self.assertEqual(
            [
                (r["name"], r["state"], r["complaint_count"], r["unit_count"])
                for r in rows
            ],
            [("行情卡顿", "proposed", 2, 1), ("交易系统无法登录", "confirmed", 3, 3)],
        )

    def test_the_filters_reach_the_incidents(self):
        """The branch company filter keeps the incidents with a complaint of
        that branch; the type filter the incidents of that type or below."""
        branch = {BRANCH: [("in", self.jiangsu.ids)]}
        values = self.read_pivot(self.hq_user, "Incidents by status", branch)
        self.assertEqual(values[None], {"__count": 2, "complaint_count": 7})
        self.assertEqual(set(values) - {None}, {"confirmed", "closed"})
        system = self.cat["system"]
        for category, count in (
            (system, 3),
            (self.login_type, 3),
            (self.cat["service"], 0),
        ):
            values = self.read_pivot(
                self.hq_user,
                "Incidents by status",
                {CATEGORY: [("child_of", category.ids)]},
            )
            self.assertEqual(values[None]["__count"], count, category.name)
        # the analysis keeps its figures: the root type matched with its children
        Report = self.Report.with_user(self.hq_user)
        self.assertEqual(
            Report.search_count([("category_root_id", "child_of", system.ids)]),
            Report.search_count([("category_root_id", "in", system.ids)]),
        )
        self.assertEqual(
            Report.search_count([("category_root_id", "child_of", system.ids)]), 11
        )

    # ------------------------------------------------------------------
    # pattern alerts
    # ------------------------------------------------------------------
    def test_alerts_per_type_hide_staff_alerts_from_hq(self):
        """Alerts on staff named as respondents are Compliance's: an HQ user
        who is not Compliance does not count them."""
        self.assertFalse(
            self.hq_user.has_group("huatai_complaints.group_complaint_compliance")
        )
        self.assertEqual(
            self.read_chart(self.hq_user, ALERT), {"complainant": 2, "unit_rate": 3}
        )
        self.assertEqual(
            self.read_chart(self.compliance_user, ALERT),
            {"complainant": 2, "respondent": 1, "unit_rate": 3},
        )
        # nor does the whole first load of the dashboard, read as that user
        reads = load_dashboard(
            self.Report.with_user(self.hq_user), self.env.ref(DASHBOARDS["hq"]).id
        )
        data = self.data(self.hq_user)
        charts = dashboard_charts(data)
        position = sum(len(p["rows"]) + 1 for p in data["pivots"].values())
        position += [c["metaData"]["resModel"] for c in charts].index(ALERT)
        self.assertEqual(reads[position], 2)

    def test_alerts_by_branch(self):
        branch = {BRANCH: [("in", self.jiangsu.ids)]}
        self.assertEqual(self.read_chart(self.hq_user, ALERT, branch), {"unit_rate": 2})
        self.assertEqual(
            self.read_chart(self.compliance_user, ALERT, branch),
            {"respondent": 1, "unit_rate": 2},
        )

    # ------------------------------------------------------------------
    # improvement actions
    # ------------------------------------------------------------------
    def test_improvement_actions_by_status(self):
        self.assertTrue(self.confidential_action.is_confidential)
        self.assertEqual(
            self.read_chart(self.hq_user, IMPROVEMENT),
            {"draft": 1, "open": 2, "done": 1, "cancelled": 1},
        )
        self.assertEqual(
            self.read_chart(self.compliance_user, IMPROVEMENT),
            {"draft": 1, "open": 3, "done": 1, "cancelled": 1},
        )
        branch = {BRANCH: [("in", self.jiangsu.ids)]}
        self.assertEqual(
            self.read_chart(self.hq_user, IMPROVEMENT, branch), {"open": 1}
        )

    # ------------------------------------------------------------------
    # the spreadsheet itself
    # ------------------------------------------------------------------
    def test_formulas_name_what_their_pivot_or_list_reads(self):
        """Each PIVOT.VALUE / PIVOT.HEADER / ODOO.LIST of both dashboards
        names a pivot or list of the spreadsheet, and a measure, row field
        or column it reads; every scorecard shows a cell of the Data sheet
        that has a formula."""
        for key in DASHBOARDS:
            data = self.data(self.hq_user, key)
            cells = {
                (sheet["name"], ref): cell.get("content", "")
                for sheet in data["sheets"]
                for ref, cell in sheet["cells"].items()
            }
            for (sheet, ref), content in cells.items():
                for function, number, args in FORMULA.findall(content):
                    where = f"{key} {sheet}!{ref}"
                    name = args.split(",")[1 if function == "ODOO.LIST" else 0]
                    name = name.strip('"').lstrip("#")
                    if function == "ODOO.LIST":
                        self.assertIn(name, data["lists"][number]["columns"], where)
                        continue
                    pivot = data["pivots"][number]
                    if function == "PIVOT.VALUE":
                        known = [m["id"] for m in pivot["measures"]]
                    else:
                        known = [r["fieldName"] for r in pivot["rows"]]
                    self.assertIn(name, known, where)
            for sheet in data["sheets"]:
                for figure in sheet["figures"]:
                    if figure["data"]["type"] == "scorecard":
                        target = figure["data"]["keyValue"].split("!")
                        self.assertTrue(cells.get(tuple(target), "").startswith("="))

    def test_the_units_dashboard_and_unit_heads_are_unaffected(self):
        """The unit heads' dashboard reads the analysis only; a unit head
        does not get the HQ dashboard and its incidents' figures."""
        data = self.data(self.head_jiangsu, "units")
        read = {p["model"] for p in data["pivots"].values()}
        read |= {c["metaData"]["resModel"] for c in dashboard_charts(data)}
        read |= {s["model"] for s in data["lists"].values()}
        self.assertEqual(read, {"huatai.complaint.report"})
        self.assertNotIn(
            self.env.ref(DASHBOARDS["hq"]),
            self.env["spreadsheet.dashboard"].with_user(self.head_jiangsu).search([]),
        )

    def test_time_is_measured_from_the_first_complaint(self):
        """reply_hours: from the incident's first complaint (09:40 China
        time) to its first coordinated reply."""
        first = self.closed.first_received
        self.assertEqual(first, self.morning)
        self.assertEqual((first + CN_OFFSET).hour, 9)
        self.assertEqual(self.closed.reply_hours, 10.0)
