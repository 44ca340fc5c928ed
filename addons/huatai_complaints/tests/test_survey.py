"""The satisfaction survey sent after the reply, and its score."""

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MockEmail

from .intake_common import ComplaintIntakeMixin


@tagged("post_install", "-at_install", "huatai_intake")
class TestComplaintSurvey(ComplaintIntakeMixin, MockEmail, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_intake_data()
        cls.survey = cls.env.ref("huatai_complaints.survey_complaint_satisfaction")
        cls.questions = cls.survey.question_ids.sorted("sequence")
        cls.scale_questions = cls.questions.filtered(
            lambda q: q.question_type == "scale"
        )
        cls.env["ir.config_parameter"].set_param(
            "huatai_complaints.survey_send_on", "reply"
        )

    def _answer(self, answer, scores, comment=None):
        for question, score in zip(self.scale_questions, scores, strict=True):
            answer._save_lines(question, str(score))
        if comment:
            comment_question = self.questions.filtered(
                lambda q: q.question_type == "text_box"
            )
            answer._save_lines(comment_question, comment)
        answer._mark_done()

    def test_shipped_survey(self):
        self.assertTrue(self.survey.huatai_complaint_survey)
        self.assertEqual(self.survey.access_mode, "token")
        self.assertEqual(
            len(self.scale_questions), 4
        )  # overall, time, attitude, outcome
        for question in self.scale_questions:
            self.assertEqual((question.scale_min, question.scale_max), (1, 5))
        self.assertTrue(
            self.questions.filtered(lambda q: q.question_type == "text_box")
        )

    def test_invitation_on_reply_and_score(self):
        complaint = self._create_complaint(
            accepting_unit_id=self.unit_sales.id, user_id=self.user_sales_agent.id
        )
        with self.mock_mail_gateway():
            self._record_reply(complaint, user=self.user_sales_agent)
        answer = complaint.sudo().survey_user_input_ids
        self.assertEqual(len(answer), 1)
        self.assertTrue(answer.huatai_invited)
        self.assertEqual(answer.partner_id, complaint.partner_id)
        self.assertEqual(complaint.survey_state, "invited")
        invitation = self._new_mails.filtered(
            lambda m: answer.access_token in (m.body_html or "")
        )
        self.assertEqual(len(invitation), 1)
        self.assertIn(complaint.partner_id, invitation.recipient_ids)
        self.assertIn(complaint.name, invitation.subject)

        # closing later sends nothing more
        complaint.with_user(self.user_sales_agent).action_close()
        self.assertEqual(len(complaint.sudo().survey_user_input_ids), 1)

        # the client answers: 5, 4, 3, 4 -> 4.0
        self._answer(answer, [5, 4, 3, 4], comment="处理及时，态度很好")
        self.assertEqual(answer.complaint_score, 4.0)
        self.assertEqual(complaint.survey_state, "done")
        self.assertEqual(complaint.satisfaction_score, 4.0)

    def test_invitation_on_close_when_configured(self):
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.survey_send_on", "close"
        )
        complaint = self._create_complaint(accepting_unit_id=self.unit_sales.id)
        self._record_reply(complaint, user=self.user_sales_agent)
        self.assertFalse(complaint.sudo().survey_user_input_ids)
        complaint.with_user(self.user_sales_agent).action_close()
        self.assertEqual(len(complaint.sudo().survey_user_input_ids), 1)

    def test_no_survey_for_whistleblowing(self):
        compliance = self.env.ref("huatai_complaints.unit_compliance")
        complaint = self._create_complaint(
            category_id=self.category_whistle.id,
            accepting_unit_id=compliance.id,
            handling_unit_id=compliance.id,
        )
        # (the compliance gate decides when it may be replied: only the
        # recorded reply matters here)
        complaint.write({"replied_date": fields.Datetime.now()})
        self.assertFalse(complaint.sudo().survey_user_input_ids)
        with self.assertRaises(UserError):
            complaint.action_fill_satisfaction_survey()

    def test_answer_cannot_be_attached_to_someone_elses_complaint(self):
        complaint_li = self._create_complaint(
            partner_id=self.portal_user_1.partner_id.id,
            complainant_email="li.ming@example.cn",
        )
        complaint_wang = self._create_complaint(
            partner_id=self.portal_user_2.partner_id.id,
            complainant_email="wang.fang@example.cn",
        )
        survey = self.survey.sudo()
        wang_answer = survey._create_answer(
            partner=self.portal_user_2.partner_id, check_attempts=False
        )
        with (
            self.assertRaises(ValidationError),
            mute_logger("odoo.addons.huatai_complaints.models.survey_user_input"),
        ):
            wang_answer.write({"complaint_id": complaint_li.id})
        with (
            self.assertRaises(ValidationError),
            mute_logger("odoo.addons.huatai_complaints.models.survey_user_input"),
        ):
            survey._create_answer(
                email="intruder@example.com",
                check_attempts=False,
                complaint_id=complaint_li.id,
            )
        # an answer stays with the complaint it was sent for
        li_answer = complaint_li._create_survey_answer()
        with self.assertRaises(ValidationError):
            li_answer.write({"complaint_id": complaint_wang.id})
        # answers of other surveys are never complaint answers
        other = self.env["survey.survey"].create(
            {"title": "Other", "access_mode": "public"}
        )
        with self.assertRaises(ValidationError):
            other._create_answer(
                partner=self.portal_user_1.partner_id,
                check_attempts=False,
                complaint_id=complaint_li.id,
            )

    def test_staff_fill_survey_with_client_by_phone(self):
        complaint = self._create_complaint(
            accepting_unit_id=self.unit_sales.id, user_id=self.user_sales_agent.id
        )
        self._record_reply(complaint, user=self.user_sales_agent)
        action = complaint.with_user(
            self.user_sales_agent
        ).action_fill_satisfaction_survey()
        self.assertEqual(action["type"], "ir.actions.act_url")
        answer = complaint.sudo().survey_user_input_ids.filtered("filled_by_id")
        self.assertEqual(answer.filled_by_id, self.user_sales_agent)
        self.assertEqual(answer.partner_id, complaint.partner_id)
        self.assertIn(answer.access_token, action["url"])
        # the staff member can open it although it is the client's answer
        self.authenticate(self.user_sales_agent.login, self.user_sales_agent.login)
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_survey_form", response.text)
        self.assertNotIn("answer_wrong_user", response.url)
        # another staff member cannot take the answer over
        self.authenticate(self.user_csc_agent.login, self.user_csc_agent.login)
        response = self.url_open(action["url"])
        self.assertNotIn("o_survey_form", response.text)

        self._answer(answer, [2, 2, 3, 1])
        self.assertEqual(complaint.satisfaction_score, 2.0)

    def test_client_opens_invitation_without_login(self):
        complaint = self._create_complaint(accepting_unit_id=self.unit_sales.id)
        self._record_reply(complaint, user=self.user_sales_agent)
        answer = complaint.sudo().survey_user_input_ids
        response = self.url_open(answer.get_start_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_survey_form", response.text)
