from datetime import date

from odoo import api, models

COMPLAINT_SEQUENCE = "huatai_complaints.seq_huatai_complaint"


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    @api.model
    def _cron_prepare_complaint_references(self):
        """Create the complaint references' numbering of this year and the
        next ahead of time.

        The reference sequence restarts every year (``use_date_range``): its
        first use in a year creates that year's range and its PostgreSQL
        sequence. Two intakes doing so at once (a burst at New Year) would
        create two ranges both numbering from 1, and give out the same
        reference twice; created here by one job, beforehand, intakes only
        read the range and draw from its sequence (``nextval``: no row lock).
        """
        sequence = self.env.ref(COMPLAINT_SEQUENCE, raise_if_not_found=False)
        if not sequence or not sequence.use_date_range:
            return
        sequence = sequence.sudo()
        Range = self.env["ir.sequence.date_range"].sudo()
        today = date.today()
        # the days whose range intakes look up, as ir.sequence._next() does
        for day in (today, date(today.year + 1, 1, 1)):
            if not Range.search_count(
                [
                    ("sequence_id", "=", sequence.id),
                    ("date_from", "<=", day),
                    ("date_to", ">=", day),
                ],
                limit=1,
            ):
                sequence._create_date_range_seq(day)
