from . import huatai_complaint
from . import huatai_report_schedule
