"""pytest settings shared by all the tests; run them with `make test` (scripts/dev.py).

This file sits at the repository root so that pytest loads it before pytest-odoo
starts Odoo, whatever test paths are given.
"""

import logging


class _DropTestFrameworkImportError(logging.Filter):
    """pytest-odoo imports odoo.tests before Odoo's test mode is on; Odoo then logs
    a harmless "Importing test framework" error with a long stack trace."""

    def filter(self, record):
        return not str(record.msg).startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_DropTestFrameworkImportError())
