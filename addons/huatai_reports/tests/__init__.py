from . import test_analysis
from . import test_dashboards
from . import test_schedule
from . import test_xlsx
from . import test_dashboard_incidents
