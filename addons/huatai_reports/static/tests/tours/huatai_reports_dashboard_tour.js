import { registry } from "@web/core/registry";

function openDashboard(name) {
    return [
        {
            content: `Open the dashboard ${name}`,
            trigger: `.o_search_panel_category_value:contains("${name}")`,
            run: "click",
        },
        {
            content: "The spreadsheet is rendered",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-grid",
        },
        {
            content: "Its figures are drawn",
            trigger: ".o_spreadsheet_dashboard_action .o-figure canvas",
        },
        {
            content: "No data is still loading",
            trigger: ".o_spreadsheet_dashboard_action:not(:has(.o_spreadsheet_loading))",
        },
    ];
}

registry.category("web_tour.tours").add("huatai_reports_dashboards", {
    url: "/odoo/dashboards",
    steps: () => [
        ...openDashboard("Complaints: the whole firm"),
        ...openDashboard("Complaints: my units"),
    ],
});
