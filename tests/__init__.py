# Cross-module tests of the Huatai addons, run by pytest-odoo (scripts/dev.py test)
# against the test database in which both addons are installed.
