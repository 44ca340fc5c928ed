"""Escalation and the compliance gate (SPEC §7): serious complaints need the
opinion of Compliance before they are replied to, closed or rejected; Retail
Client Service HQ is informed of each, the Institutional Client Service HQ
coordinates the media-related ones."""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.actions import wizard_action
from .huatai_complaint import (
    COMPLIANCE_GROUP,
    SEVERITY_FLAGS,
)

_logger = logging.getLogger(__name__)


# what can make a complaint need Compliance
ESCALATION_TRIGGERS = {
    *SEVERITY_FLAGS,
    "is_law_related",  # huatai_complaint_review.py (Art. 9)
    "compliance_review_requested",
    "complainant_count",
    "compensation_amount",
}

# stages a complaint needing Compliance reaches only after its opinion
GATED_STATES = ("replied", "callback", "closed", "rejected")

OPINION_FIELDS = {
    "compliance_opinion",
    "compliance_opinion_user_id",
    "compliance_opinion_date",
}

RETAIL_HQ_XMLID = "huatai_complaints.unit_retail_service_hq"

COMPLIANCE_UNIT_XMLID = "huatai_complaints.unit_compliance"

INSTITUTIONAL_HQ_XMLID = "huatai_complaints.unit_institutional_service_hq"

OPINION_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_compliance_opinion"

MEDIA_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_media_coordination"


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    # escalation and the compliance gate
    compliance_review_requested = fields.Boolean(
        tracking=True,
        copy=False,
        help="Ask for the opinion of Compliance even though no severity flag "
        "requires it (set by hand or by a routing rule).",
        groups="base.group_user",
    )

    compliance_required = fields.Boolean(
        string="Compliance Opinion Required",
        compute="_compute_compliance_required",
        store=True,
        index=True,
        groups="base.group_user",
    )

    compliance_opinion = fields.Text(
        tracking=True, copy=False, readonly=True, groups="base.group_user"
    )

    compliance_opinion_user_id = fields.Many2one(
        "res.users",
        string="Opinion Given By",
        copy=False,
        readonly=True,
        groups="base.group_user",
    )

    compliance_opinion_date = fields.Datetime(
        string="Opinion Given On", copy=False, readonly=True, groups="base.group_user"
    )

    # technical: escalation notices already sent
    escalation_notified = fields.Boolean(
        copy=False, readonly=True, groups="base.group_user"
    )

    media_escalated = fields.Boolean(
        copy=False, readonly=True, groups="base.group_user"
    )

    # ------------------------------------------------------------------
    # Compliance gate and escalation
    # ------------------------------------------------------------------
    @api.depends("compliance_review_requested", "is_law_related", *SEVERITY_FLAGS)
    def _compute_compliance_required(self):
        for complaint in self:
            complaint.compliance_required = (
                complaint.compliance_review_requested
                or complaint.is_law_related  # huatai_complaint_review.py
                or any(complaint[flag] for flag in SEVERITY_FLAGS)
            )

    @api.model
    def _check_opinion_rights(self, vals_list):
        """The compliance opinion is given by Compliance only."""
        if any(OPINION_FIELDS & set(vals) for vals in vals_list):
            self._check_compliance_user()

    def _escalate_after_write(self, vals):
        if ESCALATION_TRIGGERS & set(vals):
            self._escalate()

    def action_open_compliance_opinion_wizard(self):
        self.ensure_one()
        self._check_compliance_user()
        if "compliance" in self._required_review_kinds():
            # the opinion is the last review of the plan: after the others
            self._check_review_order("compliance")
        return wizard_action(
            self.env._("Compliance Opinion"),
            "huatai.complaint.compliance.wizard",
            {"default_complaint_id": self.id},
        )

    def action_request_compliance_review(self):
        """Send the complaint to the Compliance review stage."""
        self._move_to_state("compliance")

    def _check_compliance_user(self):
        if self.env.su or self.env.user.has_group(COMPLIANCE_GROUP):
            return
        raise UserError(
            self.env._(
                "Only Compliance can give the compliance opinion on a complaint."
            )
        )

    def _give_compliance_opinion(self, opinion):
        """Record the opinion of the current (Compliance) user."""
        self._check_compliance_user()
        if not (opinion or "").strip():
            raise UserError(self.env._("Write the opinion of Compliance."))
        self.check_access("write")
        if "compliance" in self._required_review_kinds():
            # its review of the handling plan (huatai_complaint_review.py),
            # which fills the fields below
            return self._give_review("compliance", opinion, "approve")
        self._as_workflow().write(
            {
                "compliance_opinion": opinion,
                "compliance_opinion_user_id": self.env.user.id,
                "compliance_opinion_date": fields.Datetime.now(),
            }
        )

    def _check_compliance_gate(self):
        """A complaint that needs Compliance reaches the gated stages only
        after its opinion (part of :meth:`_check_stage_requirements`)."""
        for complaint in self:
            if (
                complaint.stage_state in GATED_STATES
                and complaint.compliance_required
                and not complaint.compliance_opinion_date
            ):
                raise UserError(
                    self.env._(
                        "%(ref)s cannot move to %(stage)s before Compliance gives "
                        "its opinion: it is %(reasons)s.",
                        ref=complaint.name,
                        stage=complaint.stage_id.name,
                        reasons=", ".join(complaint._compliance_reasons()),
                    )
                )

    def _compliance_reasons(self):
        self.ensure_one()
        reasons = [
            self._fields[flag]._description_string(self.env)
            for flag in SEVERITY_FLAGS
            if self[flag]
        ]
        if self.is_law_related:
            reasons.append(self._fields["is_law_related"]._description_string(self.env))
        if self.compliance_review_requested:
            reasons.append(
                self._fields["compliance_review_requested"]._description_string(
                    self.env
                )
            )
        return reasons

    def _escalate(self):
        """Inform Retail Client Service HQ of complaints that need Compliance,
        ask Compliance for its opinion, and bring the Institutional Client
        Service HQ into media-related ones: once per complaint."""
        to_escalate = self.filtered(
            lambda c: (
                c.compliance_required and not c.escalation_notified and not c.is_closed
            )
        )
        media = self.filtered(
            lambda c: c.is_media and not c.media_escalated and not c.is_closed
        )
        if not to_escalate and not media:
            return
        retail_hq = self.env.ref(RETAIL_HQ_XMLID, raise_if_not_found=False)
        compliance = self.env.ref(COMPLIANCE_UNIT_XMLID, raise_if_not_found=False)
        for complaint in to_escalate.sudo():
            hq_users = retail_hq._get_notification_users() if retail_hq else None
            users = complaint._allowed_recipients(hq_users or self.env["res.users"])
            if users:
                env = complaint._env_in_lang(users)
                body = env._(
                    "%(ref)s needs the opinion of Compliance (%(reasons)s): "
                    "Retail Client Service HQ is informed.",
                    ref=complaint.name,
                    reasons=", ".join(complaint.with_env(env)._compliance_reasons()),
                )
                complaint.message_post(
                    body=Markup("<p>%s</p>") % body,
                    partner_ids=users.partner_id.ids,
                    subtype_xmlid="mail.mt_note",
                    message_type="comment",
                )
            reviewer = compliance and complaint._unit_contact(compliance)
            if reviewer:
                complaint._schedule_unit_activity(
                    OPINION_ACTIVITY_XMLID,
                    reviewer,
                    lambda env, c: env._("Compliance opinion on %(ref)s", ref=c.name),
                )
        if to_escalate:
            to_escalate.sudo().write({"escalation_notified": True})
        institutional = self.env.ref(INSTITUTIONAL_HQ_XMLID, raise_if_not_found=False)
        for complaint in media.sudo():
            if not institutional:
                break
            users = complaint._allowed_recipients(
                institutional._get_notification_users()
            )
            if users:
                complaint.message_subscribe(partner_ids=users.partner_id.ids)
            coordinator = complaint._unit_contact(institutional)
            if coordinator:
                complaint._schedule_unit_activity(
                    MEDIA_ACTIVITY_XMLID,
                    coordinator,
                    lambda env, c: env._(
                        "Coordinate the media-related complaint %(ref)s and draft "
                        "its reply",
                        ref=c.name,
                    ),
                )
        if media:
            media.sudo().write({"media_escalated": True})

    def _unit_contact(self, unit):
        """The person of ``unit`` who gets its activities: its manager, else
        its first member — if allowed to know about this complaint."""
        self.ensure_one()
        users = unit.sudo().manager_id or unit.sudo().member_ids[:1]
        return self._allowed_recipients(users)[:1]

    def _schedule_unit_activity(self, activity_xmlid, user, summary):
        self.ensure_one()
        activity_type = self.env.ref(activity_xmlid, raise_if_not_found=False)
        env = self._env_in_lang(user)
        self.sudo().activity_schedule(
            act_type_xmlid=activity_xmlid
            if activity_type
            else "mail.mail_activity_data_todo",
            summary=summary(env, self),
            user_id=user.id,
        )
