from . import huatai_complaint_report
from . import huatai_complaint_xlsx
