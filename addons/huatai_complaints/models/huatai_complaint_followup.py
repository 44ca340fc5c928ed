"""After the reply (SPEC §9): callbacks (回访) and the satisfaction survey on
the complaint's side (models ``huatai.complaint.callback``,
``huatai.callback.spot.check``, ``survey.user_input``)."""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from ..tools.actions import window_action, wizard_action
from ..tools.settings import SATISFACTION_SURVEY, SURVEY_SEND_ON

_logger = logging.getLogger(__name__)


CALLBACK_TYPE = "huatai_complaints.mail_activity_type_callback"

SURVEY_XMLID = "huatai_complaints.survey_complaint_satisfaction"

HQ_KINDS = ("company", "department")


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    callback_ids = fields.One2many(
        "huatai.complaint.callback",
        "complaint_id",
        string="Callbacks",
        groups="base.group_user",
    )

    callback_attempt_count = fields.Integer(
        string="Callback Attempts",
        compute="_compute_callback_result",
        store=True,
        groups="base.group_user",
    )

    callback_result = fields.Selection(
        [
            ("satisfied", "Reached, satisfied"),
            ("dissatisfied", "Reached, not satisfied"),
            ("unreached", "Not reached"),
        ],
        string="Callback Outcome",
        compute="_compute_callback_result",
        store=True,
        index=True,
        help="Outcome of the latest callback.",
        groups="base.group_user",
    )

    callback_unit_id = fields.Many2one(
        "huatai.org.unit",
        copy=False,
        readonly=True,
        index="btree_not_null",
        tracking=True,
        help="The unit that calls the complainant back: the handling unit, or "
        "the Customer Service Center for complaints handled at HQ.",
        groups="base.group_user",
    )

    callback_activity_id = fields.Many2one(
        "mail.activity",
        compute="_compute_callback_activity_id",
        groups="base.group_user",
    )

    # satisfaction survey
    survey_user_input_ids = fields.One2many(
        "survey.user_input",
        "complaint_id",
        string="Satisfaction Surveys",
        groups="survey.group_survey_user",
    )

    satisfaction_score = fields.Float(
        compute="_compute_satisfaction",
        store=True,
        aggregator="avg",
        digits=(3, 2),
        help="Average of the 1–5 answers of the latest completed satisfaction survey.",
        groups="base.group_user",
    )

    survey_state = fields.Selection(
        [("invited", "Invited"), ("done", "Answered")],
        string="Satisfaction Survey",
        compute="_compute_satisfaction",
        store=True,
        groups="base.group_user",
    )

    survey_answer_count = fields.Integer(
        compute="_compute_satisfaction", store=True, groups="base.group_user"
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("callback_ids.result", "callback_ids.date")
    def _compute_callback_result(self):
        for complaint in self:
            callbacks = complaint.callback_ids.sorted(lambda c: (c.date, c.id))
            complaint.callback_attempt_count = len(callbacks)
            complaint.callback_result = callbacks[-1:].result or False

    @api.depends("activity_ids.activity_type_id")
    def _compute_callback_activity_id(self):
        callback_type = self.env.ref(CALLBACK_TYPE, raise_if_not_found=False)
        for complaint in self:
            complaint.callback_activity_id = (
                complaint.sudo()
                .activity_ids.filtered(lambda a: a.activity_type_id == callback_type)
                .sorted(lambda a: (a.date_deadline, a.id))[:1]
                .sudo(False)
            )

    @api.depends(
        "survey_user_input_ids.state",
        "survey_user_input_ids.complaint_score",
    )
    def _compute_satisfaction(self):
        for complaint in self:
            answers = complaint.sudo().survey_user_input_ids
            done = answers.filtered(lambda a: a.state == "done").sorted(
                lambda a: (a.end_datetime or a.create_date, a.id)
            )
            complaint.survey_answer_count = len(done)
            complaint.satisfaction_score = done[-1:].complaint_score or 0.0
            if done:
                complaint.survey_state = "done"
            else:
                complaint.survey_state = "invited" if answers else False

    # ------------------------------------------------------------------
    # After the reply
    # ------------------------------------------------------------------
    def _after_write_followup(self, vals):
        if vals.get("replied_date"):
            self._on_reply_recorded()
        if vals.get("stage_id"):
            closed = self.filtered(lambda c: c.stage_state == "closed")
            if closed:
                closed._send_satisfaction_survey()

    def _on_reply_recorded(self):
        self._schedule_callback()
        if self._get_setting(SURVEY_SEND_ON) == "reply":
            self._send_satisfaction_survey()

    # ------------------------------------------------------------------
    # Callbacks
    # ------------------------------------------------------------------
    def _callback_assignment(self):
        """(unit, user) who call the complainant back (SPEC §9).

        Complaints handled at HQ are called back by the Customer Service
        Center (its manager, else a member); complaints handled by a branch
        company or a sales department by the complaint's owner, else that
        unit's manager or a member. Whistleblowing reports stay with their
        owner in Compliance.
        """
        self.ensure_one()
        unit = self.handling_unit_id or self.accepting_unit_id
        fallback = self.user_id or self.replied_by_id or self.env.user
        if self.is_confidential:
            return unit, self.user_id or unit.manager_id or fallback
        if unit.kind in HQ_KINDS:
            unit = self._remote_intake_unit()
            return unit, unit.manager_id or unit.member_ids[:1] or fallback
        if self.user_id and self.user_id in unit.member_ids | unit.manager_id:
            return unit, self.user_id
        return unit, unit.manager_id or unit.member_ids[:1] or fallback

    def _callback_due_date(self):
        self.ensure_one()
        if self.callback_deadline:
            return self.callback_deadline
        replied = self.replied_date or fields.Datetime.now()
        return fields.Date.to_date(replied) + timedelta(days=3)

    def _schedule_callback(self, date_deadline=None, user=None, attempt=1):
        """Plan the callback activity, once per complaint."""
        callback_type = self.env.ref(CALLBACK_TYPE, raise_if_not_found=False)
        if not callback_type:
            return self.env["mail.activity"]
        activities = self.env["mail.activity"]
        for complaint in self:
            if complaint.callback_activity_id:
                continue
            unit, assignee = complaint._callback_assignment()
            if complaint.callback_unit_id != unit:
                complaint.sudo().callback_unit_id = unit
            if user:
                assignee = user
            summary = (
                self.env._("Call back the complainant")
                if attempt <= 1
                else self.env._("Call back the complainant (attempt %(n)s)", n=attempt)
            )
            note = self.env._(
                "Call %(name)s (%(phone)s) about the reply given and record the "
                "outcome with the Record Callback button.",
                name=complaint.complainant_name,
                phone=complaint.complainant_phone or complaint.complainant_email or "-",
            )
            activities |= complaint.sudo().activity_schedule(
                act_type_xmlid=CALLBACK_TYPE,
                date_deadline=date_deadline or complaint._callback_due_date(),
                summary=summary,
                note=note,
                user_id=assignee.id,
            )
        return activities

    def action_open_callback_wizard(self):
        self.ensure_one()
        if not self.replied_date:
            raise UserError(
                self.env._("A callback follows the reply: record the reply first.")
            )
        return wizard_action(
            self.env._("Record Callback"),
            "huatai.complaint.callback.wizard",
            {
                "default_complaint_id": self.id,
                "default_activity_id": self.callback_activity_id.id,
            },
        )

    def action_view_callbacks(self):
        self.ensure_one()
        return window_action(
            self.env._("Callbacks"),
            "huatai.complaint.callback",
            "list,form",
            domain=[("complaint_id", "=", self.id)],
            context={"create": False},
        )

    # ------------------------------------------------------------------
    # Satisfaction survey
    # ------------------------------------------------------------------
    @api.model
    def _satisfaction_survey(self):
        survey_id = self._get_setting(SATISFACTION_SURVEY)
        survey = self.env["survey.survey"].sudo().browse(survey_id).exists()
        if not survey:
            survey = self.env.ref(SURVEY_XMLID, raise_if_not_found=False)
        if not survey or not survey.active:
            raise UserError(self.env._("No active satisfaction survey is configured."))
        return survey.sudo()

    def _check_survey_possible(self):
        self.ensure_one()
        if self.is_confidential:
            raise UserError(
                self.env._("No satisfaction survey is run for whistleblowing reports.")
            )

    def _create_survey_answer(self, **values):
        self.ensure_one()
        self._check_survey_possible()
        partner = self.partner_id
        email = (
            partner.email
            or email_normalize(self.complainant_email or "")
            or self.complainant_email
        )
        return self._satisfaction_survey()._create_answer(
            partner=partner,
            email=email,
            check_attempts=False,
            complaint_id=self.id,
            **values,
        )

    def _send_satisfaction_survey(self):
        """Invite the complainant once per complaint (on reply or closing)."""
        template = self.env.ref(
            "huatai_complaints.mail_template_complaint_survey_invite",
            raise_if_not_found=False,
        )
        if not template or self.env.context.get("huatai_skip_survey"):
            return self.env["survey.user_input"]
        answers = self.env["survey.user_input"]
        for complaint in self.sudo():
            email = email_normalize(
                complaint.partner_id.email or complaint.complainant_email or ""
            )
            if (
                complaint.is_confidential
                or not email
                or complaint.survey_user_input_ids.filtered("huatai_invited")
            ):
                continue
            try:
                answer = complaint._create_survey_answer(huatai_invited=True)
            except UserError as error:
                _logger.warning(
                    "Complaint %s: satisfaction survey not sent: %s",
                    complaint.name,
                    error,
                )
                continue
            template.sudo().send_mail(
                answer.id, email_layout_xmlid="mail.mail_notification_light"
            )
            complaint.message_post(
                body=self.env._("Satisfaction survey sent to %(email)s.", email=email),
                subtype_xmlid="mail.mt_note",
            )
            answers |= answer
        return answers

    def action_send_satisfaction_survey(self):
        self.ensure_one()
        self.check_access("write")
        self._check_survey_possible()
        if not email_normalize(self.partner_id.email or self.complainant_email or ""):
            raise UserError(
                self.env._("The complainant has no email address to send it to.")
            )
        if not self.sudo().survey_user_input_ids.filtered("huatai_invited"):
            self._send_satisfaction_survey()
        else:
            answer = self.sudo().survey_user_input_ids.filtered("huatai_invited")[-1]
            self.env.ref(
                "huatai_complaints.mail_template_complaint_survey_invite"
            ).sudo().send_mail(
                answer.id, email_layout_xmlid="mail.mail_notification_light"
            )
            self.sudo().message_post(
                body=self.env._("Satisfaction survey sent again."),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_fill_satisfaction_survey(self):
        """Open a new answer of the survey for this complaint, for staff who
        fill it in with the client on the phone."""
        self.ensure_one()
        self.check_access("write")
        answer = self.sudo()._create_survey_answer(filled_by_id=self.env.user.id)
        self.sudo().message_post(
            body=self.env._("Satisfaction survey filled in with the client by phone."),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_url",
            "url": answer.get_start_url(),
            "target": "new",
        }

    def action_view_survey_answer(self):
        self.ensure_one()
        # the answer is read as superuser below: only for a complaint the
        # caller works, never for a whistleblowing report
        self.check_access("write")
        self._check_survey_possible()
        answer = (
            self.sudo()
            .survey_user_input_ids.filtered(lambda a: a.state == "done")
            .sorted(lambda a: (a.end_datetime or a.create_date, a.id))[-1:]
        )
        if not answer:
            raise UserError(self.env._("The client has not answered the survey yet."))
        return {
            "type": "ir.actions.act_url",
            "url": answer.get_print_url(),
            "target": "new",
        }
