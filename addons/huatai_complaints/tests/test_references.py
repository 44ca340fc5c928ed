from datetime import date

from odoo.tests import tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestReferences(ComplaintCase):
    def test_next_year_numbering_is_prepared_ahead(self):
        """The yearly numbering of the references exists before the year's
        first intake: intakes never create it (two at once would number
        from 1 twice)."""
        sequence = self.env.ref("huatai_complaints.seq_huatai_complaint")
        Range = self.env["ir.sequence.date_range"]
        next_year = date(date.today().year + 1, 1, 1)
        Range.search(
            [("sequence_id", "=", sequence.id), ("date_to", ">=", next_year)]
        ).unlink()
        self.env["ir.sequence"]._cron_prepare_complaint_references()
        ranges = Range.search(
            [("sequence_id", "=", sequence.id), ("date_to", ">=", date.today())]
        )
        self.assertEqual(
            sorted((r.date_from, r.date_to) for r in ranges if r.date_to >= next_year),
            [(next_year, date(next_year.year, 12, 31))],
        )
        # once: a second run adds nothing
        self.env["ir.sequence"]._cron_prepare_complaint_references()
        self.assertEqual(
            Range.search_count(
                [("sequence_id", "=", sequence.id), ("date_to", ">=", date.today())]
            ),
            len(ranges),
        )
        # the year's intakes draw from the prepared range
        complaint = self._make(self.nanjing, channel="email")
        self.assertTrue(complaint.name.startswith(f"TS{date.today().year}-"))
        self.assertEqual(
            Range.search_count(
                [("sequence_id", "=", sequence.id), ("date_to", ">=", date.today())]
            ),
            len(ranges),
        )
