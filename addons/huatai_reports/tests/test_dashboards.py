import json

from odoo.osv import expression
from odoo.tests import HttpCase, tagged

from .common import ReportCase

DASHBOARDS = {
    "hq": "huatai_reports.spreadsheet_dashboard_complaints_hq",
    "units": "huatai_reports.spreadsheet_dashboard_complaints_units",
}


def load_dashboard(Report, dashboard_id):
    """Read what a dashboard's first display reads, the way its client does.

    For each pivot, chart and list of the spreadsheet dashboard
    ``dashboard_id`` (on the analysis ``Report``), with its global filters
    at their default values: the grouped reads of the pivot (totals and
    rows), of the chart, and the first records of the list. Returns the
    number of groups or records each read gave, in that order.
    """
    dashboard = Report.env["spreadsheet.dashboard"].browse(dashboard_id)
    dashboard.get_readonly_dashboard()
    data = json.loads(dashboard.spreadsheet_data)
    defaults = {
        flt["id"]: Report._dashboard_filter_domain(flt)
        for flt in data.get("globalFilters", [])
    }

    def domain_of(spec):
        domain = list(spec.get("domain") or [])
        for filter_id, match in (spec.get("fieldMatching") or {}).items():
            filter_domain = defaults.get(filter_id)
            if filter_domain and match.get("chain"):
                domain = expression.AND(
                    [domain, [(match["chain"], *term) for term in filter_domain]]
                )
        return domain

    reads = []
    for pivot in data.get("pivots", {}).values():
        if pivot.get("model") != Report._name:
            continue
        measures = [
            f"{m['fieldName']}:{Report._fields[m['fieldName']].aggregator}"
            if m["fieldName"] != "__count"
            else "__count"
            for m in pivot["measures"]
        ]
        rows = [r["fieldName"] for r in pivot.get("rows", [])]
        for depth in range(len(rows) + 1):
            reads.append(
                len(Report._read_group(domain_of(pivot), rows[:depth], measures))
            )
    for sheet in data.get("sheets", []):
        for figure in sheet.get("figures", []):
            chart = figure.get("data", {})
            meta = chart.get("metaData") or {}
            if meta.get("resModel") != Report._name:
                continue
            measure = meta["measure"]
            aggregate = (
                "__count"
                if measure == "__count"
                else f"{measure}:{Report._fields[measure].aggregator}"
            )
            search = {
                "domain": (chart.get("searchParams") or {}).get("domain"),
                "fieldMatching": chart.get("fieldMatching"),
            }
            reads.append(
                len(Report._read_group(domain_of(search), meta["groupBy"], [aggregate]))
            )
    for spec in data.get("lists", {}).values():
        if spec.get("model") != Report._name:
            continue
        order = ", ".join(
            f"{o['name']} {'ASC' if o.get('asc', True) else 'DESC'}"
            for o in spec.get("orderBy", [])
        )
        reads.append(
            len(
                Report.search_read(
                    domain_of(spec), spec["columns"], limit=20, order=order or None
                )
            )
        )
    return reads


@tagged("post_install", "-at_install")
class TestDashboards(ReportCase):
    def dashboards(self, user):
        return (
            self.env["spreadsheet.dashboard"]
            .with_user(user)
            .search(
                [
                    (
                        "dashboard_group_id",
                        "=",
                        self.env.ref(
                            "huatai_reports.spreadsheet_dashboard_group_complaints"
                        ).id,
                    )
                ]
            )
        )

    def test_who_sees_which_dashboard(self):
        hq = self.env.ref(DASHBOARDS["hq"])
        units = self.env.ref(DASHBOARDS["units"])
        self.assertEqual(
            self.dashboards(self.staff_nanjing), self.env["spreadsheet.dashboard"]
        )
        self.assertEqual(self.dashboards(self.head_jiangsu), units)
        self.assertEqual(self.dashboards(self.hq_user), hq | units)

    def test_dashboard_data_reads_the_analysis(self):
        """Every pivot, chart and list of the dashboards reads existing
        fields of the analysis, and reading them follows the user's rights."""
        Report = self.env["huatai.complaint.report"]
        fields = Report._fields
        for key, xmlid in DASHBOARDS.items():
            user = self.hq_user if key == "hq" else self.head_jiangsu
            dashboard = self.env.ref(xmlid).with_user(user)
            self.assertTrue(dashboard.get_readonly_dashboard()["snapshot"])
            data = json.loads(dashboard.spreadsheet_data)
            filter_ids = {f["id"] for f in data["globalFilters"]}
            for pivot in data["pivots"].values():
                self.assertEqual(pivot["model"], Report._name)
                measures = [m["fieldName"] for m in pivot["measures"]]
                rows = [r["fieldName"] for r in pivot["rows"]]
                for name in measures:
                    self.assertTrue(fields[name].aggregator, name)
                for name in rows:
                    self.assertTrue(fields[name].store, name)
                self.assertLessEqual(set(pivot["fieldMatching"]), filter_ids)
                for match in pivot["fieldMatching"].values():
                    self.assertIn(match["chain"], fields)
                groups = Report.with_user(user).read_group(
                    pivot["domain"],
                    [f"{m}:{fields[m].aggregator}" for m in measures],
                    rows,
                )
                self.assertTrue(groups)
            charts = [
                figure["data"]
                for sheet in data["sheets"]
                for figure in sheet["figures"]
                if figure["data"]["type"].startswith("odoo_")
            ]
            self.assertTrue(charts)
            for chart in charts:
                meta = chart["metaData"]
                measure = meta["measure"]
                self.assertIn(measure, fields)
                groupby = meta["groupBy"]
                for spec in groupby:
                    self.assertIn(spec.split(":")[0], fields)
                Report.with_user(user).read_group(
                    chart["searchParams"]["domain"],
                    [f"{measure}:{fields[measure].aggregator}"],
                    groupby,
                    lazy=False,
                )
            for spec in data["lists"].values():
                for name in spec["columns"]:
                    self.assertIn(name, fields)
                Report.with_user(user).search_read(
                    spec["domain"], spec["columns"], limit=15
                )

    def test_first_load(self):
        """The server side of a dashboard's first display works per role:
        every level of every pivot, every chart and every list is read."""
        for user, key in (
            (self.hq_user, "hq"),
            (self.hq_user, "units"),
            (self.head_jiangsu, "units"),
        ):
            dashboard = self.env.ref(DASHBOARDS[key]).with_user(user)
            data = json.loads(dashboard.spreadsheet_data)
            expected = (
                sum(len(pivot["rows"]) + 1 for pivot in data["pivots"].values())
                + sum(
                    1
                    for sheet in data["sheets"]
                    for figure in sheet["figures"]
                    if (figure["data"].get("metaData") or {}).get("resModel")
                    == self.Report._name
                )
                + len(data["lists"])
            )
            reads = load_dashboard(self.Report.with_user(user), dashboard.id)
            self.assertEqual(len(reads), expected, key)

    def test_unit_head_reads_only_their_subtree(self):
        groups = self.Report.with_user(self.head_jiangsu).read_group(
            [], ["nbr_complaints:sum"], ["accepting_branch_id"]
        )
        self.assertEqual(
            {g["accepting_branch_id"][0] for g in groups}, {self.jiangsu.id}
        )


@tagged("post_install", "-at_install")
class TestDashboardsTour(HttpCase):
    def test_dashboards_render(self):
        hq = self.env["res.users"].create(
            {
                "name": "Dashboard HQ",
                "login": "r_dash_hq",
                "password": "r_dash_hq",
                "groups_id": [
                    (6, 0, [self.env.ref("huatai_complaints.group_complaint_hq").id])
                ],
            }
        )
        self.start_tour("/odoo/dashboards", "huatai_reports_dashboards", login=hq.login)
