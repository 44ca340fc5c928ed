from . import models
from . import report
from . import wizard
from .report import database_objects


def uninstall_hook(env):
    """Drop what the analysis keeps outside Odoo's models: every object of
    ``database_objects.OBJECTS`` (fact table, monthly totals and their
    deltas, working-day snapshot, their functions and triggers)."""
    database_objects.uninstall(env.cr)
