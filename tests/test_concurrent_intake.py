"""Concurrent intakes and stage moves on real connections (committed).

Odoo's ``TransactionCase`` runs everything in one transaction and cannot see
what other connections do; this test opens its own cursors on the test
database, one per thread and user, the way a multi-worker server would, and
commits. What it creates is deleted at the end.

Every complaint of the burst is of the same sales department, type and month:
before the monthly totals took their changes as appended deltas, each
transaction rewrote the same totals row, and the concurrent ones failed with
"could not serialize access due to concurrent update" (REPEATABLE READ).
"""

import threading
import uuid
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import common, tagged
from odoo.tools import SQL

from odoo.addons.huatai_reports.report.complaint_facts import MONTH_KEYS, MONTH_SUMS
from odoo.addons.huatai_reports.report.database_objects import (
    FACT_TABLE,
    MONTH_DELTA_TABLE,
    MONTH_TABLE,
)

THREADS = 4
ROUNDS = 5


@tagged("post_install", "-at_install")
class TestConcurrentIntake(common.BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(common.get_db_name())

    def _env(self, cr, uid=SUPERUSER_ID):
        return api.Environment(cr, uid, {"lang": "en_US", "tz": "Asia/Shanghai"})

    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = self._env(cr)
            self.category_id = env.ref("huatai_complaints.category_service").id
            hq = env.ref("huatai_complaints.unit_company")
            branch = env["huatai.org.unit"].create(
                {
                    "name": f"并发测试分公司 {tag}",
                    "code": f"BURST-{tag}",
                    "kind": "branch",
                    "parent_id": hq.id,
                }
            )
            unit = env["huatai.org.unit"].create(
                {
                    "name": f"并发测试营业部 {tag}",
                    "code": f"BURST-{tag}-1",
                    "kind": "sales_department",
                    "parent_id": branch.id,
                }
            )
            groups = env.ref("base.group_user") | env.ref(
                "huatai_complaints.group_complaint_user"
            )
            users = env["res.users"].with_context(no_reset_password=True)
            users = users.create(
                [
                    {
                        "name": f"burst {tag} {i}",
                        "login": f"burst_{tag}_{i}",
                        "groups_id": [(6, 0, groups.ids)],
                        "notification_type": "inbox",
                        "huatai_unit_ids": [(6, 0, unit.ids)],
                    }
                    for i in range(THREADS)
                ]
            )
            # complaints to move during the burst, ROUNDS per user
            to_move = []
            for user in users:
                to_move.append(
                    env["huatai.complaint"]
                    .with_user(user)
                    .create([self._vals(unit, tag, user, n) for n in range(ROUNDS)])
                    .ids
                )
        self.tag = tag
        self.unit_id = unit.id
        self.branch_id = branch.id
        self.user_ids = users.ids
        self.to_move = to_move
        self.addCleanup(self._cleanup)

    def _vals(self, unit, tag, user, n, burst=False):
        return {
            "channel": "onsite",
            "recording_consent_state": "refused",
            "category_id": self.category_id,
            "complainant_name": f"并发 {tag} {user.id} {n}",
            "complainant_phone": f"139{user.id % 10000:04d}{n:02d}{int(burst)}",
            "description": "交易系统开盘故障，委托无法提交",
            "accepting_unit_id": unit.id,
        }

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            complaints = (
                env["huatai.complaint"]
                .with_context(active_test=False)
                .search([("accepting_unit_id", "=", self.unit_id)])
            )
            partners = complaints.partner_id
            complaints.unlink()
            partners.unlink()
            env["res.users"].browse(self.user_ids).unlink()
            env["huatai.org.unit"].browse([self.unit_id, self.branch_id]).unlink()
            # the totals left at 0 for the deleted unit
            env["huatai.complaint.report"]._cron_fold_monthly_totals()

    def _burst(self, index, barrier, errors, created):
        """One staff member: each round, a new complaint of the unit and a
        stage move of one of their complaints, in one transaction, started
        with the others."""
        uid = self.user_ids[index]
        for n in range(ROUNDS):
            barrier.wait(timeout=60)
            try:
                with self.registry.cursor() as cr:
                    env = self._env(cr, uid)
                    Complaint = env["huatai.complaint"]
                    unit = env["huatai.org.unit"].browse(self.unit_id)
                    new = Complaint.create(
                        self._vals(unit, self.tag, env.user, n, burst=True)
                    )
                    moved = Complaint.browse(self.to_move[index][n])
                    moved.action_accept()
                    if n % 2:
                        moved.action_start()
                created.append(new.id)
            except Exception as exc:  # noqa: BLE001 — every failure is reported
                errors.append(f"user {index} round {n}: {type(exc).__name__}: {exc}")

    def _month_rows(self, cr, source):
        keys = [name for name, _t, _e in MONTH_KEYS]
        sums = [name for name, _t, _e in MONTH_SUMS]
        cr.execute(
            SQL(
                "SELECT %s, %s FROM %s u WHERE accepting_unit_id = %s "
                "GROUP BY %s HAVING SUM(nbr_complaints) <> 0 ORDER BY %s",
                SQL(", ").join(map(SQL.identifier, keys)),
                SQL(", ").join(SQL("SUM(%s)", SQL.identifier(name)) for name in sums),
                source,
                self.unit_id,
                SQL(", ").join(map(SQL.identifier, keys)),
                SQL(", ").join(map(SQL.identifier, keys)),
            )
        )
        return cr.fetchall()

    def _check_totals_against_recount(self):
        with self.registry.cursor() as cr:
            columns = SQL(", ").join(
                SQL.identifier(name) for name, _t, _e in MONTH_KEYS + MONTH_SUMS
            )
            totals = self._month_rows(
                cr,
                SQL(
                    "(SELECT %s FROM %s UNION ALL SELECT %s FROM %s)",
                    columns,
                    SQL.identifier(MONTH_TABLE),
                    columns,
                    SQL.identifier(MONTH_DELTA_TABLE),
                ),
            )
            recount = self._month_rows(
                cr,
                SQL(
                    "(SELECT %s, %s FROM %s f)",
                    SQL(", ").join(
                        SQL("%s AS %s", SQL(expr), SQL.identifier(name))
                        for name, _t, expr in MONTH_KEYS
                    ),
                    SQL(", ").join(
                        SQL("%s AS %s", SQL(expr), SQL.identifier(name))
                        for name, _t, expr in MONTH_SUMS
                    ),
                    SQL.identifier(FACT_TABLE),
                ),
            )
            self.assertTrue(totals)
            self.assertEqual(totals, recount)
            # the fact rows themselves follow the complaints
            cr.execute(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE c.accepted_date IS NOT NULL) "
                "FROM huatai_complaint c WHERE c.accepting_unit_id = %s",
                [self.unit_id],
            )
            count, accepted = cr.fetchone()
            cr.execute(
                SQL(
                    "SELECT COUNT(*), SUM(nbr_accepted) FROM %s "
                    "WHERE accepting_unit_id = %s",
                    SQL.identifier(FACT_TABLE),
                    self.unit_id,
                )
            )
            self.assertEqual(cr.fetchone(), (count, accepted))
            # and the firm-wide statistics read from the totals are those
            # counted from the complaint rows
            Report = self._env(cr)["huatai.complaint.report"]
            first = date.today().replace(day=1, month=1)
            args = (first, None, "month")
            groupby = ("accepting_unit_id", "category_id")
            self.assertTrue(Report._monthly_totals_answer(*args, groupby, None))
            self.assertEqual(
                Report._get_statistics(*args, groupby=groupby),
                Report._get_statistics(
                    *args, groupby=groupby, domain=[("id", "!=", 0)]
                ),
            )
            return count

    def test_concurrent_intakes_and_moves_of_one_unit_and_month(self):
        barrier = threading.Barrier(THREADS)
        errors, created = [], []
        threads = [
            threading.Thread(
                target=self._burst,
                args=(index, barrier, errors, created),
                name=f"burst-{index}",
            )
            for index in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        self.assertFalse(any(thread.is_alive() for thread in threads))
        self.assertEqual(errors, [])
        self.assertEqual(len(created), THREADS * ROUNDS)
        count = self._check_totals_against_recount()
        self.assertEqual(count, 2 * THREADS * ROUNDS)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            complaints = env["huatai.complaint"].search(
                [("accepting_unit_id", "=", self.unit_id)]
            )
            # one reference each, and every moved complaint moved
            self.assertEqual(len(set(complaints.mapped("name"))), len(complaints))
            moved = complaints.browse([i for ids in self.to_move for i in ids])
            self.assertTrue(all(moved.mapped("accepted_date")))
            # folded into the totals, the figures do not move
            env["huatai.complaint.report"]._cron_fold_monthly_totals()
        self._check_totals_against_recount()
