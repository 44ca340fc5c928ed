from . import actions
from . import settings
from . import workdays
