"""Whistleblowing reports handed over to Compliance (SPEC §11): a new report,
or an existing complaint reclassified as one, leaves everyone outside
Compliance; its registrant keeps a receipt (``huatai.complaint.handover``).
Sealing its messages and links is in ``huatai_complaint_guard.py``."""

import logging

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import UserError

from ..tools.actions import wizard_action
from .huatai_complaint import (
    COMPLIANCE_GROUP,
)

_logger = logging.getLogger(__name__)


WHISTLEBLOWING_CATEGORY = "huatai_complaints.category_whistleblowing"

HANDOVER_ACTIVITY = "huatai_complaints.mail_activity_type_whistleblowing_handover"


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Hand-over to Compliance
    # ------------------------------------------------------------------
    def _seal_new_reports(self):
        """New whistleblowing reports: sealed, and handed over to Compliance."""
        if self:
            self._seal_confidential()
            self._hand_over_to_compliance()

    def _confidentiality_before_write(self, vals):
        """Before a change of category: (complaints becoming confidential
        if the new category is, complaints that were)."""
        if "category_id" not in vals:
            return None
        becoming_confidential = self.sudo().filtered(lambda c: not c.is_confidential)
        return becoming_confidential, self.sudo() - becoming_confidential

    def _apply_confidentiality_change(self, becoming_confidential, was_confidential):
        """After a change of category: reports sealed, former reports
        unsealed, complaints that became reports handed over to Compliance
        (whoever wrote it may not read the record any more)."""
        confidential = self.sudo().filtered("is_confidential")
        confidential._seal_confidential()
        (was_confidential - confidential)._unseal()
        handed_over = becoming_confidential & confidential
        if handed_over:
            handed_over._drop_reporter_contacts()
            handed_over.with_env(self.env)._hand_over_existing_to_compliance(
                self.env.context.get("huatai_handover_reason")
            )

    def action_open_handover_wizard(self):
        """Hand a complaint that turns out to be a whistleblowing report over
        to Compliance."""
        self.ensure_one()
        self._check_can_hand_over()
        return wizard_action(
            self.env._("Hand Over to Compliance"),
            "huatai.complaint.handover.wizard",
            {"default_complaint_id": self.id},
        )

    def _restrict_confidential_followers(self):
        """Whistleblowing reports: only Compliance may follow them."""
        compliance_users = self.env.ref(COMPLIANCE_GROUP).sudo().users
        for complaint in self.sudo():
            outsiders = complaint.message_partner_ids.filtered(
                lambda p, cu=compliance_users: p not in cu.partner_id
            )
            if outsiders:
                complaint.message_unsubscribe(partner_ids=outsiders.ids)

    def _hand_over_to_compliance(self, reason=False):
        """Leave the registering staff a receipt of the reports they handed over."""
        if self.env.su or self.env.user.has_group(COMPLIANCE_GROUP):
            return
        user = self.env.user
        self.env["huatai.complaint.handover"].sudo().create(
            [
                {
                    "name": complaint.name,
                    "registered_by_id": user.id,
                    "unit_id": complaint.accepting_unit_id.id,
                    "complaint_id": complaint.id,
                    "reason": reason or False,
                }
                for complaint in self.sudo()
            ]
        )

    @api.model
    def _handover_notification(self, message, next_action):
        """The sticky notice shown after a report went to Compliance (the
        user can no longer open it), then ``next_action``."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Handed over to Compliance"),
                "message": message,
                "sticky": True,
                "next": next_action,
            },
        }

    def _check_can_hand_over(self):
        """Only a complaint the user works (may write) and that is not already
        a whistleblowing report can be handed over to Compliance."""
        self.check_access("write")
        for complaint in self:
            if complaint.is_confidential:
                raise UserError(
                    self.env._(
                        "%(ref)s is already a whistleblowing report: Compliance "
                        "handles it.",
                        ref=complaint.name,
                    )
                )

    def _reclassify_as_whistleblowing(self, reason):
        """Make these complaints whistleblowing reports, handed over to
        Compliance (see :meth:`_hand_over_existing_to_compliance`)."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Say why the complaint is a whistleblowing report before "
                    "handing it over to Compliance."
                )
            )
        self._check_can_hand_over()
        category = self.env.ref(WHISTLEBLOWING_CATEGORY, raise_if_not_found=False)
        category = category and category.sudo()
        if not category or not category.active or not category.is_confidential:
            raise UserError(
                self.env._(
                    "The confidential complaint type Whistleblowing is missing "
                    "or archived: ask an administrator to restore it."
                )
            )
        self.with_context(huatai_handover_reason=reason).write(
            {"category_id": category.id}
        )

    def _hand_over_existing_to_compliance(self, reason=False):
        """Existing complaints just became whistleblowing reports.

        The person who reclassified them keeps a receipt; Compliance takes the
        handling (routing again, owner in Compliance) with an activity; nobody
        else keeps a way to the report: followers, the activities assigned to
        them and their notifications of its messages are withdrawn.
        """
        self._hand_over_to_compliance(reason=reason)
        user = self.env.user
        # done by the system, not in the name of the staff member: they would
        # keep reading what they author (notes, activity notifications)
        reports = self.with_user(SUPERUSER_ID)
        reports._apply_routing(reroute=True)
        compliance_unit = self.env.ref(
            "huatai_complaints.unit_compliance", raise_if_not_found=False
        )
        compliance_users = (
            self.env.ref(COMPLIANCE_GROUP).sudo().users.filtered("active")
        )
        for report in reports:
            if report.user_id in compliance_users:
                continue
            contact = report._unit_contact(compliance_unit) if compliance_unit else None
            report.write(
                {
                    "handling_unit_id": (compliance_unit or report.handling_unit_id).id,
                    "user_id": contact.id if contact else False,
                }
            )
        reports._withdraw_from_outsiders(compliance_users)
        activity_type = self.env.ref(HANDOVER_ACTIVITY, raise_if_not_found=False)
        fallback = compliance_users.filtered(lambda u: not u.share)[:1]
        for report in reports:
            assignee = report.user_id or fallback
            body = self.env._(
                "Handed over to Compliance as a whistleblowing report by "
                "%(user)s. Reason: %(reason)s",
                user=user.name,
                reason=reason or "-",
            )
            if assignee:
                env = report._env_in_lang(assignee)
                report.activity_schedule(
                    act_type_xmlid=HANDOVER_ACTIVITY
                    if activity_type
                    else "mail.mail_activity_data_todo",
                    summary=env._(
                        "Take over the whistleblowing report %(ref)s", ref=report.name
                    ),
                    note=body,
                    user_id=assignee.id,
                )
            report.message_post(body=body, subtype_xmlid="mail.mt_note")
        reports._restrict_confidential_followers()
        reports._withdraw_opinions_from_outsiders()  # huatai_complaint_review.py

    def _withdraw_from_outsiders(self, compliance_users):
        """Take back from everyone outside Compliance what still leads them to
        these reports: their activities on them (given to the report's owner
        in Compliance) and their notifications of the reports' messages, which
        would keep those messages readable to them."""
        Activity = self.env["mail.activity"].sudo()
        activities = Activity.search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("user_id", "not in", compliance_users.ids),
            ]
        )
        for report in self:
            mine = activities.filtered(lambda a, r=report: a.res_id == r.id)
            if not mine:
                continue
            if report.user_id:
                mine.write({"user_id": report.user_id.id})
            else:
                mine.unlink()
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", self._name), ("res_id", "in", self.ids)])
        )
        if not messages:
            return
        insiders = compliance_users.partner_id
        self.env["mail.notification"].sudo().search(
            [
                ("mail_message_id", "in", messages.ids),
                ("res_partner_id.user_ids", "!=", False),
                ("res_partner_id", "not in", insiders.ids),
            ]
        ).unlink()
        for message in messages:
            outsiders = message.partner_ids.filtered(
                lambda p: p.user_ids and p not in insiders
            )
            if outsiders:
                message.partner_ids -= outsiders
