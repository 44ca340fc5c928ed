"""A submission retried by its client is stored once (issue 12, "Bad input").

An integration (e.g. the hotline's telephony system) that gets no answer to
``create`` cannot tell a lost request from a lost answer. It may send its own
identifier of the submission (the call id) as ``external_reference``: unique
when set, and ``create`` given a reference already stored returns that
complaint instead of creating another one. Two retries at the same instant:
one is stored, the other refused by the unique index (the client retries
again and gets the stored one).

Looking the references up is the first step of ``create``
(``huatai_complaint.py``): nothing of a creation (contact, acknowledgement,
routing) runs again for a retried one.
"""

from odoo import api, fields, models


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    external_reference = fields.Char(
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="The submitting system's own identifier of this submission "
        "(e.g. the hotline's call id): a creation retried with the same "
        "reference returns the complaint already stored.",
    )

    _sql_constraints = [
        (
            "external_reference_unique",
            "unique(external_reference)",
            "A complaint with this external reference already exists.",
        ),
    ]

    @api.model
    def _find_retried_submissions(self, vals_list):
        """{external reference: id} of the complaints already stored with a
        reference of ``vals_list`` (first step of ``create``). The caller
        gets back only a complaint they may read (a retry of their own
        submission): no id of anyone else's, nor of a report."""
        refs = {vals.get("external_reference") for vals in vals_list} - {None, False}
        if not refs:
            return {}
        stored = {
            complaint.external_reference: complaint.id
            for complaint in self.sudo()
            .with_context(active_test=False)
            .search([("external_reference", "in", list(refs))])
        }
        if stored:
            self.browse(stored.values()).check_access("read")
        return stored

    @api.model
    def _with_retried_submissions(self, vals_list, stored, created):
        """The complaints of ``vals_list`` in its order: the ``stored`` ones
        of retried submissions, the ``created`` ones of the others."""
        if not stored:
            return created
        created = iter(created.ids)
        return self.browse(
            [
                stored[vals["external_reference"]]
                if vals.get("external_reference") in stored
                else next(created)
                for vals in vals_list
            ]
        )
