{
    "name": "Huatai Complaint Reports",
    "summary": "Complaint analysis, managers' dashboards, xlsx registers "
    "and regulator reports",
    "version": "18.0.1.0.0",
    "category": "Services/Complaints",
    "author": "Huatai Complaints Team",
    "website": "https://github.com/huatai-complaints/huatai-complaints",
    "license": "LGPL-3",
    "depends": ["huatai_complaints", "spreadsheet_dashboard"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/huatai_reports_security.xml",
        "data/mail_template_data.xml",
        "data/huatai_report_schedule_data.xml",
        "data/ir_cron_data.xml",
        "report/huatai_complaint_report_views.xml",
        "wizard/huatai_report_export_wizard_views.xml",
        "views/huatai_report_schedule_views.xml",
        "views/res_config_settings_views.xml",
        "views/huatai_reports_menus.xml",
        "wizard/huatai_register_import_wizard_views.xml",
        "views/huatai_complaint_improvement_report_views.xml",
        # the dashboards' chart links name the analysis menu
        "data/spreadsheet_dashboard_data.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "huatai_reports/static/tests/tours/*.js",
        ],
    },
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
