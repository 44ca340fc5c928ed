"""Finished complaints (closed or rejected) are locked; reopening needs a unit
head and a reason; archiving goes through its action (SPEC §10)."""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.actions import wizard_action
from .huatai_complaint import (
    ADMIN_GROUP,
    MANAGER_GROUP,
)

_logger = logging.getLogger(__name__)


# What may still change on a closed (or rejected) complaint besides reopening
# it: bookkeeping that Odoo and the jobs write (mail, portal, alerts, the
# callback unit, the retention stamp). Archiving has its own rules. The
# chatter, followers, activities, callbacks and surveys live in their own
# records and never write the complaint.
CLOSED_WRITABLE_FIELDS = {
    "active",
    "access_token",
    "email_cc",
    "acknowledgement_pending",
    "alert_due_soon_key",
    "alert_overdue_key",
    "escalation_notified",
    "media_escalated",
    "callback_unit_id",
    "clock_paused_since",
    "paused_days",
    "records_erased_date",
}

# fields that stay editable in the views of a closed complaint: the stage bar
# reopens it, the others are the chatter's and the activities'
LOCK_EXEMPT_VIEW_FIELDS = {
    "stage_id",
    "active",
    "activity_ids",
    "message_ids",
    "message_follower_ids",
}


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    # not staff only: it only says what the stage says, and the kanban and list
    # views make their fields read-only with it
    is_locked = fields.Boolean(
        compute="_compute_is_locked",
        help="Closed or rejected: read-only until reopened (complaint "
        "administrators can still correct it).",
    )

    # ------------------------------------------------------------------
    # Finished complaints are locked
    # ------------------------------------------------------------------
    @api.depends("is_closed")
    @api.depends_context("uid")
    def _compute_is_locked(self):
        may_correct = self._may_correct_closed()
        for complaint in self:
            complaint.is_locked = complaint.is_closed and not may_correct

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type in ("form", "list", "kanban"):
            self._lock_view_fields(arch)
        return arch, view

    @api.model
    def _lock_view_fields(self, arch):
        """Make the complaint's fields read-only in the views once it is
        closed (``is_locked``): the stage bar stays clickable to reopen it.
        Done here rather than on each field of the arch, so that fields added
        later (or by other modules) are locked too; write() enforces it."""
        for node in arch.iter("field"):
            fname = node.get("name")
            field = self._fields.get(fname)
            if (
                not field
                or fname in LOCK_EXEMPT_VIEW_FIELDS
                or fname == "is_locked"
                # the fields of an embedded list or form are another model's
                or any(parent.tag == "field" for parent in node.iterancestors())
            ):
                continue
            readonly = (node.get("readonly") or "").strip()
            if readonly in ("1", "True", "true"):
                continue
            if not readonly or readonly in ("0", "False", "false"):
                if field.readonly:
                    continue
                node.set("readonly", "is_locked")
            else:
                node.set("readonly", f"is_locked or ({readonly})")

    def _check_closed_lock(self, vals):
        """Refuse changes to closed or rejected complaints, but reopening
        them; complaint administrators can still correct them, and the
        system's own writes (sudo) go through."""
        if self.env.su:
            return
        if "stage_id" in vals and not self._is_workflow():
            stage = self.env["huatai.complaint.stage"].browse(vals["stage_id"])
            if stage and not stage.is_closed and self.filtered("is_closed"):
                raise UserError(self._reopen_refusal())
        if self._may_correct_closed():
            return
        locked = set(vals) - CLOSED_WRITABLE_FIELDS
        if "stage_id" in vals:
            stage = self.env["huatai.complaint.stage"].browse(vals["stage_id"])
            if stage and not stage.is_closed:
                locked.discard("stage_id")  # reopening, by the workflow
        if vals.get("category_id"):
            category = self.env["huatai.complaint.category"].browse(vals["category_id"])
            if category.sudo().is_confidential:
                # handing a finished complaint over to Compliance as a
                # whistleblowing report stays possible
                locked.discard("category_id")
        if not locked:
            return
        closed = self.filtered("is_closed")
        if closed:
            raise UserError(
                self.env._(
                    "%(refs)s is finished (closed or rejected) and can no longer "
                    "be changed. A unit head can still reopen it (with Reopen, "
                    "giving the reason); you can write messages and notes, "
                    "schedule activities, record callbacks and the satisfaction "
                    "survey. A complaint administrator can correct a closed "
                    "complaint.",
                    refs=", ".join(closed[:5].mapped("name"))
                    + (", …" if len(closed) > 5 else ""),
                )
            )

    @api.model
    def _may_correct_closed(self):
        return self.env.user.has_group(ADMIN_GROUP)

    # ------------------------------------------------------------------
    # Reopening and archiving
    # ------------------------------------------------------------------
    def action_reopen(self):
        """Reopen finished complaints: a unit head or above, who gives the
        reason in the wizard this opens."""
        self._check_can_reopen()
        return wizard_action(
            self.env._("Reopen Complaint"),
            "huatai.complaint.reopen.wizard",
            {"default_complaint_ids": self.ids},
        )

    def _reopen_refusal(self):
        return self.env._(
            "A finished complaint is reopened by a unit head or above, with the "
            "Reopen button, giving the reason: ask your unit head."
        )

    def _check_can_reopen(self):
        self.check_access("write")
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self._reopen_refusal())
        if not self.filtered("is_closed"):
            raise UserError(
                self.env._("Only closed or rejected complaints are reopened.")
            )

    def _reopen(self, reason):
        """Bring closed or rejected complaints back to work: in progress when
        they had been accepted, registered otherwise; the reason goes to
        their history."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for reopening the complaint."))
        self._check_can_reopen()
        closed = self.filtered("is_closed")
        accepted = closed.filtered("accepted_date")
        accepted._as_workflow()._move_to_state("in_progress")
        (closed - accepted)._as_workflow()._move_to_state("new")
        for complaint in closed:
            complaint.message_post(
                body=self.env._(
                    "Reopened by %(user)s. Reason: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _check_archive_rights(self, vals=None):
        """Archiving (and restoring) is for unit heads and above, and goes
        through the Archive action, which records the reason in the history."""
        if self.env.su:
            return
        if vals is not None:
            if "active" not in vals:
                return
            changing = self.filtered(lambda c: c.active != bool(vals["active"]))
            if not changing:
                return
        if not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(
                self.env._(
                    "Only unit heads and HQ can archive or restore complaints: "
                    "ask your unit head, and give them the reason."
                )
            )
        if vals is not None and not vals["active"]:
            raise UserError(
                self.env._(
                    "Archive complaints with the Archive action: it records the "
                    "reason in their history."
                )
            )

    def action_archive(self):
        self.check_access("write")
        self._check_archive_rights()
        return wizard_action(
            self.env._("Archive Complaints"),
            "huatai.complaint.archive.wizard",
            {"default_complaint_ids": self.ids},
        )

    def action_unarchive(self):
        self.check_access("write")
        self._check_archive_rights()
        return super().action_unarchive()
