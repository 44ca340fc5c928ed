"""Uninstalling the reports leaves none of their database objects behind.

On its own database (a copy of the test database, made with `dev.py backup`
and `dev.py restore`): every object of ``database_objects.OBJECTS`` exists
after the install; ``button_immediate_uninstall`` of huatai_reports drops
them all (tables, functions, triggers), the complaints stay. Odoo refuses
module operations in a test's thread: the uninstall runs in a process of its
own, as an administrator would run it. The copy is dropped at the end.
"""

import os
import subprocess
import sys

from odoo.tools import config

from odoo.addons.huatai_reports.report.database_objects import OBJECTS

from .test_backup import cleanup, dev, query

COPY = f"huatai_reports_uninstall_{os.getpid()}"
UNINSTALL = """
import sys
import odoo
from odoo.tools import config
config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2]])
registry = odoo.modules.registry.Registry(sys.argv[2])
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    env.ref("base.module_huatai_reports").button_immediate_uninstall()
"""


def remaining(db):
    """The objects of ``OBJECTS`` found in ``db``, as (kind, name)."""
    names = {
        kind: [obj.name.partition("(")[0] for obj in OBJECTS if obj.kind == kind]
        for kind in ("TABLE", "FUNCTION", "TRIGGER")
    }
    found = query(
        db,
        "SELECT 'TABLE', relname FROM pg_class WHERE relname = ANY(%s) "
        "UNION ALL SELECT 'FUNCTION', proname FROM pg_proc WHERE proname = ANY(%s) "
        "UNION ALL SELECT 'TRIGGER', tgname FROM pg_trigger WHERE tgname = ANY(%s)",
        (names["TABLE"], names["FUNCTION"], names["TRIGGER"]),
    )
    return set(found)


def test_uninstall_drops_every_database_object(tmp_path):
    expected = {(obj.kind, obj.name.partition("(")[0]) for obj in OBJECTS}
    cleanup(COPY)
    try:
        dev("backup", config["db_name"], "-o", tmp_path / "installed.tar")
        dev("restore", tmp_path / "installed.tar", COPY)
        assert remaining(COPY) == expected
        complaints = query(COPY, "SELECT count(*) FROM huatai_complaint")
        res = subprocess.run(
            [sys.executable, "-c", UNINSTALL, config.rcfile, COPY],
            capture_output=True,
            text=True,
        )
        assert res.returncode == 0, res.stderr[-3000:]
        states = query(
            COPY,
            "SELECT name, state FROM ir_module_module "
            "WHERE name IN ('huatai_reports', 'huatai_complaints') ORDER BY name",
        )
        assert states == [
            ("huatai_complaints", "installed"),
            ("huatai_reports", "uninstalled"),
        ]
        assert remaining(COPY) == set()
        assert query(COPY, "SELECT to_regclass('huatai_complaint_report')") == [(None,)]
        assert query(COPY, "SELECT count(*) FROM huatai_complaint") == complaints
    finally:
        cleanup(COPY)
