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
    "data": [],
    "installable": True,
}
