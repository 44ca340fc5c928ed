from . import attachment
from . import main
from . import portal
from . import survey
