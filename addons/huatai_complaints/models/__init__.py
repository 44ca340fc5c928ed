from . import huatai_org_unit
from . import res_partner
from . import res_users
from . import huatai_complaint_category
from . import huatai_complaint_stage
from . import huatai_complaint
from . import huatai_complaint_dispatch
