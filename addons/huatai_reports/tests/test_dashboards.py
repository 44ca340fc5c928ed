import json

from odoo.osv import expression
from odoo.tests import HttpCase, tagged

from .common import ReportCase

DASHBOARDS = {
    "hq": "huatai_reports.spreadsheet_dashboard_complaints_hq",
    "units": "huatai_reports.spreadsheet_dashboard_complaints_units",
}


def aggregate(Model, name):
    """The aggregate a chart of the client asks for ``name``."""
    if name == "__count":
        return name
    return f"{name}:{Model._fields[name].aggregator}"


def measure_id(measure):
    """Where the pivot's client finds the value of ``measure`` (one of the
    pivot's measures) in a group read by :func:`measure_spec`."""
    if measure["fieldName"] == "__count":
        return "__count"
    if measure.get("aggregator"):
        return f"{measure['fieldName']}_{measure['aggregator']}_id"
    return measure["fieldName"]


def measure_spec(Model, measure):
    """What the pivot's client asks ``read_group`` for ``measure``: the
    field's own aggregator, or the one the measure names (under an alias)."""
    name = measure["fieldName"]
    if name == "__count":
        return name
    if measure.get("aggregator"):
        return f"{measure_id(measure)}:{measure['aggregator']}({name})"
    return f"{name}:{Model._fields[name].aggregator}"


def dashboard_data(dashboard):
    """The spreadsheet of ``dashboard`` as its reader gets it."""
    dashboard.get_readonly_dashboard()
    return json.loads(dashboard.spreadsheet_data)


def filter_defaults(Report, data):
    """Domain terms (without field) of each global filter at its default."""
    return {
        flt["id"]: Report._dashboard_filter_domain(flt)
        for flt in data.get("globalFilters", [])
    }


def spec_domain(spec, defaults):
    """The domain a pivot, chart (its ``searchParams`` domain) or list of the
    dashboard reads with the global filters at their defaults."""
    domain = list(spec.get("domain") or [])
    for filter_id, match in (spec.get("fieldMatching") or {}).items():
        filter_domain = defaults.get(filter_id)
        if filter_domain and match.get("chain"):
            domain = expression.AND(
                [domain, [(match["chain"], *term) for term in filter_domain]]
            )
    return domain


def dashboard_charts(data):
    """The charts of the dashboard that read a model (not the scorecards)."""
    return [
        figure["data"]
        for sheet in data.get("sheets", [])
        for figure in sheet.get("figures", [])
        if (figure.get("data", {}).get("metaData") or {}).get("resModel")
    ]


def load_dashboard(Report, dashboard_id):
    """Read what a dashboard's first display reads, the way its client does.

    For each pivot, chart and list of the spreadsheet dashboard
    ``dashboard_id`` (read by the user of the analysis ``Report``), with its
    global filters at their default values: the grouped reads of the pivot
    (totals and rows), of the chart, and the first records of the list — on
    whichever model each reads. Returns the number of groups or records each
    read gave, in that order.
    """
    env = Report.env
    data = dashboard_data(env["spreadsheet.dashboard"].browse(dashboard_id))
    defaults = filter_defaults(Report, data)
    reads = []
    for pivot in data.get("pivots", {}).values():
        Model = env[pivot["model"]]
        measures = [measure_spec(Model, m) for m in pivot["measures"]]
        rows = [r["fieldName"] for r in pivot.get("rows", [])]
        for depth in range(len(rows) + 1):
            reads.append(
                len(
                    Model.read_group(
                        spec_domain(pivot, defaults),
                        measures,
                        rows[:depth],
                        lazy=False,
                    )
                )
            )
    for chart in dashboard_charts(data):
        meta = chart["metaData"]
        Model = env[meta["resModel"]]
        search = {
            "domain": (chart.get("searchParams") or {}).get("domain"),
            "fieldMatching": chart.get("fieldMatching"),
        }
        reads.append(
            len(
                Model._read_group(
                    spec_domain(search, defaults),
                    meta["groupBy"],
                    [aggregate(Model, meta["measure"])],
                )
            )
        )
    for spec in data.get("lists", {}).values():
        order = ", ".join(
            f"{o['name']} {'ASC' if o.get('asc', True) else 'DESC'}"
            for o in spec.get("orderBy", [])
        )
        reads.append(
            len(
                env[spec["model"]].search_read(
                    spec_domain(spec, defaults),
                    spec["columns"],
                    limit=20,
                    order=order or None,
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
        fields (of the analysis, and on the HQ dashboard of the incidents,
        pattern alerts and improvement actions), and reading them follows the
        user's rights."""
        models = {
            "hq": {
                "huatai.complaint.report",
                "huatai.complaint",
                "huatai.complaint.incident",
                "huatai.pattern.alert",
                "huatai.complaint.improvement",
            },
            "units": {"huatai.complaint.report"},
        }
        for key, xmlid in DASHBOARDS.items():
            user = self.hq_user if key == "hq" else self.head_jiangsu
            dashboard = self.env.ref(xmlid).with_user(user)
            self.assertTrue(dashboard.get_readonly_dashboard()["snapshot"])
            data = json.loads(dashboard.spreadsheet_data)
            filter_ids = {f["id"] for f in data["globalFilters"]}
            charts = dashboard_charts(data)
            self.assertTrue(charts)
            read = {pivot["model"] for pivot in data["pivots"].values()}
            read |= {chart["metaData"]["resModel"] for chart in charts}
            read |= {spec["model"] for spec in data["lists"].values()}
            self.assertEqual(read, models[key])
            for pivot in data["pivots"].values():
                Model = self.env[pivot["model"]].with_user(user)
                fields = Model._fields
                rows = [r["fieldName"] for r in pivot["rows"]]
                for measure in pivot["measures"]:
                    name = measure["fieldName"]
                    self.assertTrue(
                        name == "__count"
                        or measure.get("aggregator")
                        or fields[name].aggregator,
                        name,
                    )
                    if name != "__count":
                        self.assertIn(name, fields)
                # the client finds a measure's value by its field
                names = [m["fieldName"] for m in pivot["measures"]]
                self.assertEqual(len(names), len(set(names)), pivot["name"])
                for name in rows:
                    self.assertTrue(fields[name].store, name)
                self.assertLessEqual(set(pivot["fieldMatching"]), filter_ids)
                for match in pivot["fieldMatching"].values():
                    self.assertIn(match["chain"].split(".")[0], fields)
                groups = Model.read_group(
                    pivot["domain"],
                    [measure_spec(Model, m) for m in pivot["measures"]],
                    rows,
                )
                if Model._name == self.Report._name:
                    self.assertTrue(groups)
            for chart in charts:
                meta = chart["metaData"]
                Model = self.env[meta["resModel"]].with_user(user)
                measure = meta["measure"]
                self.assertTrue(measure == "__count" or measure in Model._fields)
                groupby = meta["groupBy"]
                for spec in groupby:
                    self.assertIn(spec.split(":")[0], Model._fields)
                self.assertLessEqual(set(chart["fieldMatching"]), filter_ids)
                Model.read_group(
                    chart["searchParams"]["domain"],
                    [aggregate(Model, measure)],
                    groupby,
                    lazy=False,
                )
            for spec in data["lists"].values():
                Model = self.env[spec["model"]].with_user(user)
                for name in spec["columns"]:
                    self.assertIn(name, Model._fields)
                Model.search_read(spec["domain"], spec["columns"], limit=15)

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
                + len(dashboard_charts(data))
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
