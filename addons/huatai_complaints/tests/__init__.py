from . import test_mail_gateway
from . import test_web_form
