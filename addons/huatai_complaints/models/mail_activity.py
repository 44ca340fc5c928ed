import logging

from odoo import api, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

COMPLAINT = "huatai.complaint"
# the documents whose activities may be of the guarded types
GUARDED_MODELS = frozenset({COMPLAINT, "huatai.callback.spot.check"})

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
        current context does not allow to complete or remove. Activities of
        other models pay one comparison: no query (their documents are none
        of ours)."""
        mine = self.filtered(lambda a: a.res_model in GUARDED_MODELS)
        if not mine:
            return self.browse()
        guarded = self.browse()
        for context_key, xmlid in GUARDED_TYPES.items():
            if self.env.context.get(context_key):
                continue
            # cached lookup, unlike env.ref (which checks the record exists)
            type_id = self.env["ir.model.data"]._xmlid_to_res_id(
                xmlid, raise_if_not_found=False
            )
            if type_id:
                guarded |= mine.filtered(
                    lambda a, t=type_id: a.activity_type_id.id == t
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
        if vals.get("user_id") or "res_id" in vals or "res_model_id" in vals:
            self._huatai_check_reassignment(vals)
        if "activity_type_id" in vals and not self.env.su:
            guarded = self._huatai_guarded()
            if guarded.filtered(
                lambda a: a.activity_type_id.id != vals["activity_type_id"]
            ):
                raise UserError(self._huatai_guard_message(guarded))
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            guarded = self._huatai_guarded()
            if guarded and self.env.user.has_group(
                "huatai_complaints.group_complaint_manager"
            ):
                guarded = self.browse()
            if guarded:
                raise UserError(self._huatai_guard_message(guarded))
        return super().unlink()

    # ------------------------------------------------------------------
    # Whistleblowing reports: Compliance members only
    # ------------------------------------------------------------------

    @api.model
    def _huatai_vals_target(self, vals):
        """(model, res_id, user id) an activity's values give."""
        context = self.env.context
        model = vals.get("res_model") or context.get("default_res_model")
        model_id = vals.get("res_model_id") or context.get("default_res_model_id")
        if not model and model_id:
            # ir.model's ids by name are cached: no query per activity
            complaint_model_id = self.env["ir.model"]._get_id(COMPLAINT)
            model = COMPLAINT if model_id == complaint_model_id else None
        res_id = vals.get("res_id") or self.env.context.get("default_res_id")
        user_id = (
            vals["user_id"]
            if "user_id" in vals
            else self.env.context.get("default_user_id", self.env.uid)
        )
        return model, res_id, user_id

    def _huatai_refuse_outsider(self, complaint_id, user_id):
        # a caller who may not work the report learns nothing of it (not even
        # that it is one): the access error of any complaint out of reach
        self.env[COMPLAINT].browse(complaint_id).check_access("write")
        complaint = self.env[COMPLAINT].sudo().browse(complaint_id)
        user = self.env["res.users"].sudo().browse(user_id)
        raise AccessError(
            self.env._(
                "%(user)s cannot be given an activity on the whistleblowing report "
                "%(ref)s: only Compliance members may know about it.",
                user=user.name or "-",
                ref=complaint.name,
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        """The assignee of an activity on a whistleblowing report is a
        Compliance member. Checked before the activity exists: creating it
        notifies its assignee."""
        targets = [self._huatai_vals_target(vals) for vals in vals_list]
        ids = {res_id for model, res_id, _user in targets if model == COMPLAINT}
        confidential = self.env[COMPLAINT]._huatai_confidential_ids(ids) if ids else ()
        if confidential:
            insiders = self.env[COMPLAINT]._huatai_insider_users().ids
            kept = []
            for vals, (model, res_id, user_id) in zip(vals_list, targets, strict=True):
                if (
                    model == COMPLAINT
                    and res_id in confidential
                    and user_id
                    and user_id not in insiders
                ):
                    if not self.env.su:
                        self._huatai_refuse_outsider(res_id, user_id)
                    _logger.info(
                        "Whistleblowing report %s: activity for user %s outside "
                        "Compliance not created",
                        res_id,
                        user_id,
                    )
                    continue
                kept.append(vals)
            vals_list = kept
        return super().create(vals_list)

    def _huatai_check_reassignment(self, vals):
        insiders = None
        for activity in self.sudo():
            model = activity.res_model
            if "res_model_id" in vals:
                complaint_model_id = self.env["ir.model"]._get_id(COMPLAINT)
                model = (
                    COMPLAINT if vals["res_model_id"] == complaint_model_id else None
                )
            if model != COMPLAINT:
                continue
            res_id = vals.get("res_id", activity.res_id)
            user_id = vals.get("user_id", activity.user_id.id)
            if not user_id or not self.env[COMPLAINT]._huatai_confidential_ids(
                {res_id}
            ):
                continue
            if insiders is None:
                insiders = self.env[COMPLAINT]._huatai_insider_users().ids
            if user_id not in insiders:
                self._huatai_refuse_outsider(res_id, user_id)
