from . import attachment
from . import web_form
from . import portal
from . import survey
