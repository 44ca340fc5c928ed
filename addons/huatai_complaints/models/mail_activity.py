from odoo import models
from odoo.exceptions import UserError

# activity types that are completed by recording their outcome, never by a
# plain "Mark Done" (context key allowing it -> type xml id)
GUARDED_TYPES = {
    "huatai_callback_recording": "huatai_complaints.mail_activity_type_callback",
    "huatai_spot_check_recording": (
        "huatai_complaints.mail_activity_type_callback_verification"
    ),
}


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _huatai_guarded(self):
        """The activities of self whose outcome must be recorded, that the
        current context does not allow to complete or remove."""
        guarded = self.browse()
        for context_key, xmlid in GUARDED_TYPES.items():
            if self.env.context.get(context_key):
                continue
            activity_type = self.env.ref(xmlid, raise_if_not_found=False)
            if activity_type:
                guarded |= self.filtered(
                    lambda a, t=activity_type: a.activity_type_id == t
                )
        return guarded

    def _huatai_guard_message(self, activities):
        callback_type = self.env.ref(GUARDED_TYPES["huatai_callback_recording"])
        if callback_type in activities.activity_type_id:
            return self.env._(
                "A callback is completed by recording its outcome: use Record "
                "Callback on the complaint (reached or not, satisfied or not)."
            )
        return self.env._(
            "A callback verification is completed by recording its result on "
            "the spot check (consistent or not)."
        )

    def _action_done(self, feedback=False, attachment_ids=None):
        guarded = self._huatai_guarded()
        if guarded:
            raise UserError(self._huatai_guard_message(guarded))
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def write(self, vals):
        if "activity_type_id" in vals and not self.env.su:
            guarded = self._huatai_guarded()
            if guarded.filtered(
                lambda a: a.activity_type_id.id != vals["activity_type_id"]
            ):
                raise UserError(self._huatai_guard_message(guarded))
        return super().write(vals)

    def unlink(self):
        if not self.env.su and not self.env.user.has_group(
            "huatai_complaints.group_complaint_manager"
        ):
            guarded = self._huatai_guarded()
            if guarded:
                raise UserError(self._huatai_guard_message(guarded))
        return super().unlink()
