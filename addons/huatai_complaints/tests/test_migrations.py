"""The data migrations of ``migrations/`` on a database as the previous
version left it: the migration scripts run inside the test's transaction
(PostgreSQL's DDL is transactional), on columns dropped as they were before
the version that brings them. (The upgrade of a database made by main's
previous version: ``dev.py test --keep-db --update``, see
docs/architecture.md.)"""

import importlib.util
import os

from odoo.tests import tagged

from .common import DeadlineCase, cn, day

MIGRATIONS = os.path.join(os.path.dirname(__file__), os.pardir, "migrations")


def migration(version, name):
    """The module of the migration script ``name`` of ``version``."""
    path = os.path.join(MIGRATIONS, version, f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestAcknowledgementClockMigration(DeadlineCase):
    """18.0.1.1.0, the update that brings the acknowledgement clock, fills
    its columns in SQL: a million complaints are not computed one by one by
    the ORM."""

    def test_update_fills_the_columns_in_sql(self):
        Complaint = self.Complaint.with_context(huatai_skip_acknowledgement=True)
        received = cn("2026-09-30 10:00")
        waiting, emailed, accepted, rejected = Complaint.create(
            [
                self._complaint_vals(self.nanjing, received_date=received)
                for _i in range(4)
            ]
        )
        emailed.complainant_email = "client@example.cn"
        accepted.stage_id = self.stage["accepted"]
        rejected.write(
            {"rejection_reason": "无效", "stage_id": self.stage["rejected"].id}
        )
        self.env.flush_all()
        # the database before the update
        self.env.cr.execute(
            "ALTER TABLE huatai_complaint DROP COLUMN acknowledgement_deadline, "
            "DROP COLUMN acknowledged_date, DROP COLUMN acknowledgement_method"
        )
        self.env.invalidate_all()
        # the update to 18.0.1.1.0, around the ORM's own column checks
        migration("18.0.1.1.0", "pre-migrate").migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        migration("18.0.1.1.0", "post-migrate").mark_for_computation(self.env)
        # marked for the ORM: the complaints still waiting for the clock
        # only, for their next deadline
        todo = self.env.transaction.tocompute
        self.assertEqual(todo.get(Complaint._fields["next_deadline"]), {waiting.id})
        self.assertNotIn(Complaint._fields["acknowledgement_deadline"], todo)
        self.env.flush_all()
        complaints = waiting | emailed | accepted | rejected
        self.assertEqual(
            set(complaints.mapped("acknowledgement_deadline")), {day("2026-10-08")}
        )
        self.assertFalse(waiting.acknowledged_date)
        self.assertEqual(waiting.deadline_clock, "acknowledgement")
        self.assertEqual(emailed.acknowledgement_method, "email")
        self.assertTrue(accepted.acknowledged_date)
        self.assertFalse(accepted.acknowledgement_method, "how is not known")
        self.assertTrue(rejected.acknowledged_date)


@tagged("post_install", "-at_install")
class TestBranchReviewMigration(DeadlineCase):
    """18.0.1.3.0: the branch review of every complaint of a sales department
    (Art. 6) is switched on, unless an administrator decided about it."""

    def _as_shipped_by_the_previous_version(self, rule):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE huatai_complaint_review_rule SET active = FALSE, "
            "write_date = create_date WHERE id = %s",
            [rule.id],
        )
        self.env.invalidate_all()

    def test_update_activates_the_rule_unless_an_administrator_changed_it(self):
        rule = self.env.ref("huatai_complaints.review_rule_branch_all")
        self.assertTrue(rule.active, "shipped active")
        post = migration("18.0.1.3.0", "post-migrate")
        self._make(self.nanjing)  # open, handled at a sales department
        open_count = self.Complaint.search_count(
            [
                ("handling_unit_id.kind", "=", "sales_department"),
                ("replied_date", "=", False),
                ("is_closed", "=", False),
            ]
        )
        self.assertGreaterEqual(open_count, 1)
        # a new database: nothing to migrate
        self._as_shipped_by_the_previous_version(rule)
        post.migrate(self.env.cr, None)
        self.env.invalidate_all()
        self.assertFalse(rule.active)
        # as 18.0.1.2.0 left it: switched on, the open complaints counted
        self.assertEqual(post.activate_branch_review(self.env.cr), open_count)
        self.env.invalidate_all()
        self.assertTrue(rule.active)
        self._as_shipped_by_the_previous_version(rule)
        post.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertTrue(rule.active)
        # active already: nothing to do
        self.assertIsNone(post.activate_branch_review(self.env.cr))
        # archived again by an administrator after a try: left archived
        rule.active = False
        self.env.flush_all()
        self.assertIsNone(post.activate_branch_review(self.env.cr))
        self.env.invalidate_all()
        self.assertFalse(rule.active)
