from . import huatai_report_export_wizard
