{
    "name": "Huatai Customer Complaints",
    "summary": "Customer complaint handling for a securities brokerage: "
    "intake, branch hierarchy, deadlines, routing, callbacks and surveys",
    "version": "18.0.1.0.0",
    "category": "Services/Complaints",
    "author": "Huatai Complaints Team",
    "website": "https://github.com/huatai-complaints/huatai-complaints",
    "license": "LGPL-3",
    "depends": ["mail", "portal", "resource", "survey", "web_hierarchy"],
    "data": [
        "security/huatai_complaints_groups.xml",
        "security/huatai_complaint_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/huatai_complaint_stage_data.xml",
        "data/huatai_complaint_category_data.xml",
        "data/huatai_org_unit_data.xml",
        "views/huatai_complaint_views.xml",
        "views/huatai_org_unit_views.xml",
        "views/huatai_complaint_config_views.xml",
        "wizard/huatai_complaint_wizard_views.xml",
        "views/huatai_complaints_menus.xml",
    ],
    "demo": ["demo/huatai_complaint_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "huatai_complaints/static/tests/tours/*.js",
        ],
    },
    "application": True,
    "installable": True,
}
