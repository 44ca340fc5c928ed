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
        "security/ir.model.access.csv",
    ],
    "demo": [],
    "application": True,
    "installable": True,
}
