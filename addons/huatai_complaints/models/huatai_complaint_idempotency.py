"""A submission retried by its client is stored once (issue 12, "Bad input").

An integration (e.g. the hotline's telephony system) that gets no answer to
``create`` cannot tell a lost request from a lost answer. It may send its own
identifier of the submission (the call id) as ``external_reference``: unique
when set, and ``create`` given a reference already stored returns that
complaint instead of creating another one. Two retries at the same instant:
one is stored, the other refused by the unique index (the client retries
again and gets the stored one).

This class is loaded after the other ``huatai.complaint`` classes of the
module, so that nothing of a creation (contact, acknowledgement, routing)
runs again for a retried one.
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

    @api.model_create_multi
    def create(self, vals_list):
        refs = {vals.get("external_reference") for vals in vals_list} - {None, False}
        if not refs:
            return super().create(vals_list)
        stored = {
            complaint.external_reference: complaint.id
            for complaint in self.sudo()
            .with_context(active_test=False)
            .search([("external_reference", "in", list(refs))])
        }
        if stored:
            # the caller gets back only a complaint they may read (a retry of
            # their own submission): no id of anyone else's, nor of a report
            self.browse(stored.values()).check_access("read")
        todo = [v for v in vals_list if v.get("external_reference") not in stored]
        created = iter(super().create(todo).ids if todo else [])
        return self.browse(
            [
                stored[vals["external_reference"]]
                if vals.get("external_reference") in stored
                else next(created)
                for vals in vals_list
            ]
        )
