from . import huatai_complaint_dispatch_wizard
from . import huatai_complaint_reply_wizard
from . import huatai_complaint_reject_wizard
from . import huatai_whistleblowing_wizard
from . import huatai_complaint_compliance_wizard
from . import huatai_holiday_import_wizard
from . import huatai_complaint_callback_wizard
from . import huatai_callback_spot_check_wizard
