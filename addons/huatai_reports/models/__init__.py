from . import huatai_complaint
from . import huatai_report_schedule
from . import res_config_settings
from . import huatai_register_import
