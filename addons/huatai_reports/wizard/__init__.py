from . import huatai_report_export_wizard
from . import huatai_register_import_wizard
