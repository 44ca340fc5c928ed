from . import test_org_unit
from . import test_intake
from . import test_access
from . import test_workflow
from . import test_jsonrpc
from . import test_ui
