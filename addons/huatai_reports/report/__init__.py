from . import huatai_complaint_report
from . import huatai_complaint_report_scope
from . import huatai_complaint_xlsx
