from markupsafe import Markup

from odoo import api, fields, models

DISSATISFIED_TYPE = "huatai_complaints.mail_activity_type_dissatisfied_callback"


class HuataiComplaint(models.Model):
    """A callback that finds the client dissatisfied sends the complaint back
    to handling and informs the head of the handling unit (Art. 5, 7)."""

    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    dissatisfied_callback_count = fields.Integer(
        string="Dissatisfied Callbacks",
        compute="_compute_dissatisfied_callback_count",
        store=True,
        groups="base.group_user",
        help="Callbacks in which the client was reached and said they were "
        "not satisfied: each sent the complaint back to handling.",
    )
    returned_after_callback = fields.Boolean(
        string="Back to Handling After Callback",
        compute="_compute_dissatisfied_callback_count",
        store=True,
        index=True,
        groups="base.group_user",
        help="A callback found the client dissatisfied and sent the complaint "
        "back to handling.",
    )

    @api.depends("callback_ids.result")
    def _compute_dissatisfied_callback_count(self):
        groups = (
            self.env["huatai.complaint.callback"]
            .sudo()
            ._read_group(
                [("complaint_id", "in", self.ids), ("result", "=", "dissatisfied")],
                ["complaint_id"],
                ["__count"],
            )
        )
        counts = {complaint.id: count for complaint, count in groups}
        for complaint in self:
            complaint.dissatisfied_callback_count = counts.get(complaint.id, 0)
            complaint.returned_after_callback = bool(
                complaint.dissatisfied_callback_count
            )

    def _return_to_handling_after_callback(self, callback):
        """The client is not satisfied with the reply: the complaint goes back
        to In Progress and the head of the handling unit gets an activity
        (the caller already checked that the user may work the complaint)."""
        self.ensure_one()
        if self.is_closed:
            # finished: reopening is the unit head's decision, with a reason
            body = self.env._(
                "The client is not satisfied with the reply (callback %(n)s); "
                "the complaint is finished: the head of the handling unit "
                "decides whether to reopen it. Remarks: %(remarks)s",
                n=callback.attempt,
                remarks=callback.remarks or "-",
            )
        else:
            if self.stage_state != "in_progress":
                self._move_to_state("in_progress")
            body = self.env._(
                "The client is not satisfied with the reply (callback %(n)s): the "
                "complaint is back in handling. Remarks: %(remarks)s",
                n=callback.attempt,
                remarks=callback.remarks or "-",
            )
        unit = self.handling_unit_id or self.accepting_unit_id
        head = self._unit_contact(unit) if unit else self.env["res.users"]
        self.message_post(body=Markup("<p>%s</p>") % body, subtype_xmlid="mail.mt_note")
        if head:
            self._schedule_unit_activity(
                DISSATISFIED_TYPE,
                head,
                lambda env, c: env._(
                    "%(ref)s: the client is not satisfied with the reply, review "
                    "the handling",
                    ref=c.name,
                ),
            )
        return head
