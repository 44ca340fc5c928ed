"""The complaint's promises, enforced where every path goes through (SPEC §11).

- **Confidentiality.** A whistleblowing report (``is_confidential``) and its
  reporter are for Compliance only. Whoever or whatever adds a follower, a
  notified partner, an activity assignee or an owner to a complaint, the
  decision is taken here (:meth:`HuataiComplaint._huatai_insider_partners`);
  its messages carry a flag that the record rules of ``mail.message`` and
  ``mail.notification`` read, so that past authors and recipients lose
  access when a complaint becomes confidential; its portal links are revoked
  then, and no link is issued for it any more.
- **Integrity.** The lifecycle dates, the deadlines and their pauses, the
  compliance opinion and the jobs' bookkeeping are written by the workflow
  only (:data:`WORKFLOW_FIELDS`): the wizards and jobs that own them write
  them through :meth:`HuataiComplaint._as_workflow`, a context marker that
  cannot come from a client (it is a Python object, not JSON). Complaint
  administrators correct them with the correction wizard, which records the
  reason.

Its checks are the first and last steps of ``create`` and ``write``
(``huatai_complaint.py``).
"""

import logging

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import AccessError

from ..tools.actions import wizard_action
from .huatai_complaint import COMPLIANCE_GROUP
from .mail_message import flag_confidential_messages

_logger = logging.getLogger(__name__)

COMPLAINT = "huatai.complaint"

# what only the workflow writes once the complaint exists
WORKFLOW_FIELDS = frozenset(
    {
        "received_date",
        "accepted_date",
        "acknowledged_date",
        "acknowledgement_method",
        "replied_date",
        "replied_by_id",
        "replied_unit_id",
        "closed_date",
        "acknowledgement_deadline",
        "accept_deadline",
        "reply_deadline",
        "callback_deadline",
        "paused_days",
        "clock_paused_since",
        "next_deadline",
        "deadline_clock",
        "deadline_state",
        "deadline_fallback_years",
        "deadline_policy_id",
        "compliance_opinion",
        "compliance_opinion_user_id",
        "compliance_opinion_date",
        "compliance_required",
        "escalation_notified",
        "media_escalated",
        "alert_due_soon_key",
        "alert_overdue_key",
        "acknowledgement_pending",
        "callback_unit_id",
        "routing_rule_id",
        "records_erased_date",
        # set and lifted by Compliance (huatai.complaint.legal.hold.wizard)
        "legal_hold",
        "legal_hold_reason",
        "legal_hold_user_id",
        "legal_hold_date",
        "is_confidential",
        "stage_state",
        "is_closed",
        "name",
        # the review chain and the outcome (huatai_complaint_review.py,
        # huatai_complaint_outcome.py)
        "plan_state",
        "plan_submitted_date",
        "compensation_paid",
        "compensation_date",
        "compensation_approved_by_id",
        "compensation_approved_date",
        "compensation_approval_level",
        "regulator_replied_date",
        "regulator_reply_reference",
        "regulator_reply_text",
        "regulator_reply_attachment_id",
        "regulator_reply_deadline",
        # cross-complaint analysis (huatai_complaint_incident_link.py)
        "incident_id",
        "incident_scan_pending",
        "incident_excluded",
        "duplicate_of_id",
        "duplicate_candidate_id",
    }
)
# what a registration may give (a hotline integration gives the time of the
# call, a bulk import its reference)
CREATE_ALLOWED = frozenset({"received_date", "name"})


class _Workflow:
    """The marker of the workflow's own writes. Contexts that come from a
    client are JSON: they can never hold this object."""

    __slots__ = ()

    def __repr__(self):
        return "<huatai workflow>"


WORKFLOW = _Workflow()
WORKFLOW_KEY = "huatai_workflow"


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Who may know about a confidential complaint
    # ------------------------------------------------------------------
    @api.model
    def _huatai_insider_users(self):
        """The users who may know about whistleblowing reports: Compliance."""
        group = self.env.ref(COMPLIANCE_GROUP, raise_if_not_found=False)
        return group.sudo().users if group else self.env["res.users"]

    @api.model
    def _huatai_insider_partners(self):
        return self._huatai_insider_users().partner_id

    @api.model
    def _huatai_confidential_ids(self, ids):
        """The confidential complaints among ``ids`` (no access check)."""
        ids = {i for i in ids if isinstance(i, int) and i}
        if not ids:
            return set()
        complaints = self.sudo().with_context(active_test=False).browse(ids)
        # a complaint whose flag is in the cache (just created, or read in
        # this transaction) exists: only the others are looked up, which
        # spares the intake a query per message and follower it creates
        field = self._fields["is_confidential"]
        cached = complaints.filtered(lambda c: self.env.cache.contains(c, field))
        complaints = cached | (complaints - cached).exists()
        return set(complaints.filtered("is_confidential").ids)

    @api.model
    def _huatai_user_is_insider(self):
        return self.env.su or self.env.user.has_group(COMPLIANCE_GROUP)

    # ------------------------------------------------------------------
    # Integrity: the workflow's fields
    # ------------------------------------------------------------------
    def _as_workflow(self):
        """These complaints, for a write of the workflow's own fields. Only
        server code that checked the caller's rights calls it."""
        return self.with_context(**{WORKFLOW_KEY: WORKFLOW})

    @api.model
    def _is_workflow(self):
        return self.env.su or self.env.context.get(WORKFLOW_KEY) is WORKFLOW

    @api.model
    def _without_empty_clocks(self, vals):
        """A form sends the computed deadlines it shows, empty before the
        complaint exists: the server computes them (a copy of ``vals``)."""
        empty = [
            fname
            for fname, value in vals.items()
            if not value
            and fname in WORKFLOW_FIELDS
            and fname in self._fields
            and self._fields[fname].compute
        ]
        if not empty:
            return vals
        return {k: v for k, v in vals.items() if k not in empty}

    @api.model
    def _check_workflow_fields(self, fnames, creating=False):
        if self._is_workflow():
            return
        protected = set(fnames) & WORKFLOW_FIELDS
        if creating:
            protected -= CREATE_ALLOWED
        if not protected:
            return
        labels = ", ".join(
            sorted(self._fields[f]._description_string(self.env) for f in protected)
        )
        raise AccessError(
            self.env._(
                "%(fields)s of a complaint are set by the workflow only (accepting, "
                "replying, the deadline job...). A complaint administrator can "
                "correct them with Correct Dates, giving the reason.",
                fields=labels,
            )
        )

    def _check_confidential_owner(self):
        """A whistleblowing report is owned by a Compliance member, or by
        nobody yet. The system's routing drops another owner; a person
        assigning one is refused."""
        reports = self.sudo().filtered(lambda c: c.is_confidential and c.user_id)
        if not reports:
            return
        insiders = self._huatai_insider_users()
        wrong = reports.filtered(lambda c: c.user_id not in insiders)
        if not wrong:
            return
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "%(user)s cannot own the whistleblowing report %(ref)s: only "
                    "Compliance members may know about it.",
                    user=wrong[:1].user_id.name,
                    ref=wrong[:1].name,
                )
            )
        _logger.info(
            "Whistleblowing reports %s: owner outside Compliance dropped", wrong.ids
        )
        wrong.write({"user_id": False})

    # ------------------------------------------------------------------
    # Sealing a confidential complaint
    # ------------------------------------------------------------------
    def _seal_confidential(self):
        """These complaints are (or just became) whistleblowing reports:
        nobody outside Compliance keeps a way to them. Followers go, their
        messages are flagged for the record rules, the portal links (of the
        complaint and of its files) are revoked."""
        reports = self.sudo().with_context(active_test=False)
        if not reports:
            return
        reports._restrict_confidential_followers()
        reports._leave_shared_analysis()
        # hook (issue 16): the improvement actions naming them are sealed too
        self.env["huatai.complaint.improvement"]._seal_for_complaints(reports)
        reports.with_user(SUPERUSER_ID).write({"access_token": False})
        flag_confidential_messages(reports)
        self.env.cr.execute(
            "UPDATE ir_attachment SET access_token = NULL, public = FALSE "
            "WHERE res_model = %s AND res_id = ANY(%s) "
            "AND (access_token IS NOT NULL OR public)",
            [COMPLAINT, reports.ids],
        )
        self.env["ir.attachment"].invalidate_model(["access_token", "public"])

    def _unseal(self):
        """No longer confidential (Compliance corrected the type): its
        messages follow the complaint's ordinary visibility again."""
        if not self:
            return
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET huatai_confidential = FALSE "
            "WHERE model = %s AND res_id = ANY(%s) AND huatai_confidential",
            [COMPLAINT, self.ids],
        )
        self.env["mail.message"].invalidate_model(["huatai_confidential"])

    # ------------------------------------------------------------------
    # Portal and mail entry points
    # ------------------------------------------------------------------
    def _portal_ensure_token(self):
        """No portal link for a whistleblowing report."""
        if any(self.sudo().mapped("is_confidential")):
            return ""
        return super()._portal_ensure_token()

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        """Every mail and portal route (messages, uploads, reactions, posts)
        asks this: whatever token or hash is given, a whistleblowing report
        opens for Compliance only."""
        if (kwargs.get("token") or kwargs.get("hash")) and not (
            self.browse(thread_id).sudo().exists().access_token
        ):
            # a revoked link (Odoo would compare the token with an empty one)
            kwargs = {k: v for k, v in kwargs.items() if k not in ("token", "hash")}
        thread = super()._get_thread_with_access(thread_id, mode=mode, **kwargs)
        if (
            thread
            and thread.sudo().is_confidential
            and not self._huatai_user_is_insider()
        ):
            return self.browse()
        return thread

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        if not self or not self.sudo().filtered("is_confidential"):
            return recipients
        insiders = set(self._huatai_insider_partners().ids)
        kept = [r for r in recipients if r.get("id") in insiders]
        if len(kept) != len(recipients):
            _logger.info(
                "Whistleblowing report %s: %s recipients outside Compliance left out",
                self.ids,
                len(recipients) - len(kept),
            )
        return kept

    def _message_get_suggested_recipients(self):
        if any(self.sudo().mapped("is_confidential")):
            return []
        return super()._message_get_suggested_recipients()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_correction_wizard(self):
        """Correct a date or a deadline (complaint administrators)."""
        self.ensure_one()
        self.check_access("write")
        self.env["huatai.complaint.correction.wizard"]._check_correction_rights()
        return wizard_action(
            self.env._("Correct Dates"),
            "huatai.complaint.correction.wizard",
            {"default_complaint_id": self.id},
        )
