from . import test_callback
from . import test_mail_gateway
from . import test_portal
from . import test_survey
from . import test_web_form
