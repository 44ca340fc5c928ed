"""A creation retried by its client with the same ``external_reference`` is
stored once (issue 12, "Bad input": the hotline's call id)."""

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestExternalReference(ComplaintCase):
    def test_retried_creation_returns_the_stored_complaint(self):
        Complaint = self.Complaint.with_user(self.staff_nanjing)
        vals = self._complaint_vals(self.nanjing, external_reference="CALL-0001")
        first = Complaint.create(dict(vals))
        partners = self.env["res.partner"].search_count([])
        again = Complaint.create(dict(vals))
        self.assertEqual(again, first)
        self.assertEqual(
            self.Complaint.search_count([("external_reference", "=", "CALL-0001")]), 1
        )
        # nothing of the creation ran again (no second contact)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        # a batch mixing a retry and new submissions keeps its order
        batch = Complaint.create(
            [
                self._complaint_vals(self.nanjing, external_reference="CALL-0002"),
                dict(vals),
                self._complaint_vals(self.nanjing),
            ]
        )
        self.assertEqual(len(batch), 3)
        self.assertEqual(batch[1], first)
        self.assertEqual(batch[0].external_reference, "CALL-0002")
        self.assertFalse(batch[2].external_reference)

    def test_without_reference_every_creation_is_stored(self):
        one = self._make(self.nanjing)
        two = self._make(self.nanjing)
        self.assertNotEqual(one, two)

    def test_reference_unique_when_set(self):
        self._make(self.nanjing, external_reference="CALL-0003")
        other = self._make(self.nanjing)
        self.env.flush_all()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE huatai_complaint SET external_reference = 'CALL-0003' "
                    "WHERE id = %s",
                    [other.id],
                )

    def test_a_reference_of_another_unit_gives_nothing_away(self):
        """Retrying someone else's reference (or a whistleblowing report's)
        does not hand its id over: refused, nothing created."""
        self.Complaint.create(
            self._complaint_vals(
                self.hangzhou,
                channel="phone",
                external_reference="CALL-HZ-1",
                category_id=self.category_whistleblowing.id,
            )
        )
        before = self.Complaint.search_count([])
        with self.assertRaises(AccessError):
            self.Complaint.with_user(self.staff_nanjing).create(
                self._complaint_vals(
                    self.nanjing, channel="phone", external_reference="CALL-HZ-1"
                )
            )
        self.assertEqual(self.Complaint.search_count([]), before)
