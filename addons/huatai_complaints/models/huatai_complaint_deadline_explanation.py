"""Why a complaint's deadlines are what they are, in words (the form's
deadline explanation): the policy, the working days, the pauses, the
regulator's cap, the years without an official holiday schedule."""

from odoo import api, fields, models

from ..tools.workdays import china_date
from .huatai_deadline_policy import DEFAULT_DAYS


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Explaining the deadlines
    # ------------------------------------------------------------------
    deadline_explanation = fields.Text(
        string="Why These Deadlines",
        compute="_compute_deadline_explanation",
        groups="base.group_user",
    )

    @api.depends_context("lang")
    @api.depends(
        "deadline_policy_id",
        "deadline_policy_override_id",
        "reply_deadline",
        "regulator_deadline",
        "paused_days",
        "clock_paused_since",
        "acknowledgement_deadline",
        "acknowledged_date",
        "acknowledgement_method",
        "replied_date",
    )
    def _compute_deadline_explanation(self):
        policies = self.env["huatai.deadline.policy"]._active_records()
        for complaint in self:
            complaint.deadline_explanation = "\n".join(
                complaint._deadline_explanation_lines(policies)
            )

    def _deadline_explanation_lines(self, policies):
        self.ensure_one()
        policy = self.deadline_policy_id.sudo()
        lines = []
        if self.deadline_policy_override_id:
            lines.append(
                self.env._(
                    "Deadline policy %(policy)s was set on this complaint (by a "
                    "routing rule or by hand).",
                    policy=policy.display_name,
                )
            )
        elif policy:
            count = policies._select_for(self)[1]
            criteria = policy._criteria_labels()
            if criteria:
                lines.append(
                    self.env._(
                        "Deadline policy %(policy)s applies: it matches %(criteria)s "
                        "and is the most specific of the %(count)s matching "
                        "policies.",
                        policy=policy.display_name,
                        criteria=", ".join(criteria),
                        count=count,
                    )
                )
            else:
                lines.append(
                    self.env._(
                        "Deadline policy %(policy)s applies to all complaints and "
                        "no more specific policy matches this one.",
                        policy=policy.display_name,
                    )
                )
        else:
            lines.append(
                self.env._(
                    "No deadline policy matches: the default clocks apply "
                    "(%(acknowledgement)s, %(accept)s, %(reply)s and %(callback)s "
                    "working days).",
                    **{k.removesuffix("_days"): v for k, v in DEFAULT_DAYS.items()},
                )
            )
        if policy or not self.deadline_policy_override_id:
            lines.append(
                self.env._(
                    "Clocks: acknowledgement %(acknowledgement)s, decision to "
                    "accept %(accept)s, final reply %(reply)s, callback "
                    "%(callback)s working days.",
                    acknowledgement=self._policy_days("acknowledgement_days"),
                    accept=self._policy_days("accept_days"),
                    reply=self._policy_days("reply_days"),
                    callback=self._policy_days("callback_days"),
                )
            )
        acknowledgement = self._acknowledgement_explanation()
        if acknowledgement:
            lines.append(acknowledgement)
        if self.paused_days:
            lines.append(
                self.env._(
                    "The reply clock was paused for %(days)s working days: the "
                    "reply deadline moved by as many.",
                    days=self.paused_days,
                )
            )
        if self.clock_paused_since:
            lines.append(
                self.env._(
                    "The reply clock is paused since %(date)s.",
                    date=self.clock_paused_since,
                )
            )
        cap = self._regulator_cap()
        if cap and self.reply_deadline == cap:
            lines.append(
                self.env._(
                    "The reply deadline is the regulator's deadline %(date)s: it "
                    "is never later than that.",
                    date=cap,
                )
            )
        return lines

    def _acknowledgement_explanation(self):
        self.ensure_one()
        if self.acknowledged_date:
            methods = dict(
                self._fields["acknowledgement_method"]._description_selection(self.env)
            )
            return self.env._(
                "The complainant was told that the complaint was received on "
                "%(date)s (%(method)s).",
                date=china_date(self.acknowledged_date),
                method=methods.get(self.acknowledgement_method)
                or self.env._("how is not recorded"),
            )
        if self.replied_date:
            return self.env._(
                "The reply told the complainant that the complaint was received: "
                "no acknowledgement is owed any more."
            )
        if self.acknowledgement_deadline:
            return self.env._(
                "The complainant must be told by %(date)s that the complaint was "
                "received: the acknowledgement email does it for a complainant "
                "with an email address, else record with Acknowledged how you "
                "told them (phone, SMS, in person or letter).",
                date=self.acknowledgement_deadline,
            )
        return ""
