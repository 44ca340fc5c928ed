"""The order of the reviews of a handling plan (SPEC §14, Art. 6-10): they
are asked in the rules' order (branch company, Retail Client Service HQ,
Institutional Client Service HQ, Compliance) and given in it: a review waits
until every review before it is approved, and no review is given while the
plan is sent back to be revised.

A ``revise`` sends the plan back to the handling unit; once submitted again,
the chain restarts at the first review not approved: the one that asked to
revise (the approvals given before it stand).
"""

from odoo import models
from odoo.exceptions import UserError


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    def _awaited_review(self, kind, required=None):
        """The review that comes before ``kind`` in the rules' order and is
        not approved yet (False when none): ``kind`` waits for it."""
        self.ensure_one()
        required = self._required_review_kinds() if required is None else required
        if kind not in required:
            return False
        missing = self._missing_review_kinds(required)
        earlier = required[: required.index(kind)]
        return next((k for k in earlier if k in missing), False)

    def _reviews_open_to(self, user, rules=None):
        """The reviews ``user`` may give now: theirs by role, the plan not
        sent back to be revised, every review before them approved."""
        self.ensure_one()
        if self.sudo().plan_state == "revise":
            return []
        required = self._required_review_kinds(rules)
        missing = self._missing_review_kinds(required)
        mine = []
        for kind in required:
            if self._may_give_review(kind, user):
                mine.append(kind)
            if kind in missing:
                break  # the reviews after it wait for it
        return mine

    def _check_review_order(self, kind):
        """Refuse the review ``kind`` out of turn: while the plan is sent
        back to be revised, or before the reviews that come first are
        approved (the rules' order: branch company, Retail Client Service
        HQ, Institutional Client Service HQ, Compliance)."""
        self.ensure_one()
        if self.sudo().plan_state == "revise":
            raise UserError(
                self.env._(
                    "%(ref)s: the handling plan was sent back to be revised; "
                    "%(review)s is given once the handling unit submits it again.",
                    ref=self.name,
                    review=self._review_label(kind),
                )
            )
        awaited = self._awaited_review(kind)
        if awaited:
            raise UserError(
                self.env._(
                    "%(ref)s: %(review)s is given after %(awaited)s, still awaited "
                    "from %(unit)s.",
                    ref=self.name,
                    review=self._review_label(kind),
                    awaited=self._review_label(awaited),
                    unit=self._review_from(awaited),
                )
            )

    def _check_review_turn_of(self, user):
        """Say why ``user`` cannot review now when a review of theirs waits
        for its turn (the review wizard and its button)."""
        self.ensure_one()
        for kind in self._required_review_kinds():
            if self._may_give_review(kind, user):
                self._check_review_order(kind)
