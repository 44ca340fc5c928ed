from datetime import date

from odoo import api, models, tools

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

    # ------------------------------------------------------------------
    # The sequence of a code, cached: every intake draws a reference
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        sequences = super().create(vals_list)
        self.env.registry.clear_cache()  # _sequence_id_by_code
        return sequences

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()  # _sequence_id_by_code
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()  # _sequence_id_by_code
        return res

    @api.model
    def _next_by_code_cached(self, sequence_code, sequence_date=None):
        """``next_by_code``: the same sequence (the current company's, else a
        shared one, among those the user may read), its id cached per
        registry instead of searched on every call (cleared by the
        sequences' create, write and unlink)."""
        self.browse().check_access("read")
        sequence = self.browse(
            self._sequence_id_by_code(
                sequence_code,
                self.env.company.id,
                self.env.uid,
                bool(self.env.context.get("active_test", True)),
            )
        )
        return sequence._next(sequence_date=sequence_date) if sequence else False

    @tools.ormcache("sequence_code", "company_id", "uid", "active_test")
    def _sequence_id_by_code(self, sequence_code, company_id, uid, active_test):
        sequence = self.with_context(active_test=active_test).search(
            [("code", "=", sequence_code), ("company_id", "in", [company_id, False])],
            order="company_id",
            limit=1,
        )
        return sequence.id
