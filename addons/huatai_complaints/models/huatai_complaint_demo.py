"""The demo's sample of complaints: an ordinary month at a brokerage.

Called once by the demo data (``demo/huatai_complaint_demo.xml``), as
superuser so that it can date the workflow's steps: the complaints of the last
two years are finished (most of them replied to in time, called back, some
with the client's answers to the satisfaction survey), and those of the last
weeks are open in every stage, with dates relative to the day the database is
made: most on track, a few due soon, one or two overdue.

The dates are placed with the deadline engine's own working-day calendar, so
that the shape holds whatever the day of the week or the holidays.
"""

import random
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.workdays import china_today
from . import huatai_complaint_demo_texts as texts
from .huatai_complaint_demo_plan import MODULE, SALES_DEPARTMENTS, SEED, SamplePlan

EVIDENCE = {
    "phone": ("通话录音.mp3", "audio/mpeg"),
    "letter": ("来信扫描件.pdf", "application/pdf"),
    "fax": ("传真扫描件.pdf", "application/pdf"),
}
CREATE_FIELDS = (
    "channel",
    "subject",
    "description",
    "demand",
    "compensation_amount",
    "complainant_name",
    "complainant_phone",
    "complainant_email",
    "client_account",
    "partner_id",
    "is_major",
    "complainant_count",
    "regulator_authority",
    "regulator_reference",
    "regulator_deadline",
    "recording_consent_state",
)
ACKNOWLEDGED_BY = {
    "phone": "phone",
    "onsite": "onsite",
    "email": "email",
    "website": "email",
    "letter": "letter",
}
# the contexts of the sample's writes: no mail goes out, nothing is
# acknowledged or surveyed behind the sample's back
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_notify_force_send": False,
    "huatai_skip_acknowledgement": True,
    "huatai_skip_survey": True,
    "no_reset_password": True,
}


class HuataiComplaintDemo(models.AbstractModel):
    _name = "huatai.complaint.demo"
    _description = "Complaint Demo Sample"

    @api.model
    def _build_sample_month(self, today=None):
        """Create the demo's complaints (see the module's docstring).

        Only the superuser (the demo data being loaded) may: it writes the
        dates that the workflow owns."""
        if not self.env.su:
            raise AccessError(self.env._("Only the demo data builds the sample."))
        return _SampleMaker(self.env, today or china_today()).build()


class _SampleMaker:
    """Makes each planned complaint go through its stages, as its users
    would, then dates the steps as planned."""

    def __init__(self, env, today):
        self.env = env(context=dict(env.context, **QUIET))
        self.today = today
        self.rnd = random.Random(SEED + 1)
        self.stage = {
            stage.state: stage
            for stage in self.env["huatai.complaint.stage"].search(
                [], order="sequence desc"
            )
        }
        self.messages = self.env["mail.message"]
        self.now = fields.Datetime.now() - timedelta(minutes=5)

    def ref(self, xmlid):
        return self.env.ref(xmlid if "." in xmlid else f"{MODULE}.{xmlid}")

    def build(self):
        # the module's translations load after its data: the sample's
        # messages (field names in escalation notices) need them now
        langs = self.env["res.lang"].search([("code", "!=", "en_US")]).mapped("code")
        if langs:
            self.env["ir.module.module"]._load_module_terms([MODULE], langs)
        complaints = self.env["huatai.complaint"]
        for plan in SamplePlan(self.env, self.today).plans():
            complaints |= self.make(plan)
        self.date_automatic_messages(complaints)
        return complaints

    # ------------------------------------------------------------------
    # Making a planned complaint
    # ------------------------------------------------------------------
    def clamp(self, moment):
        """Never in the future: "today at 11:00" is earlier when the
        database is made in the morning."""
        return min(moment, self.now) if moment else moment

    def actor(self, plan):
        if plan.get("actor"):
            return self.ref(plan["actor"])
        unit = plan["unit"]
        if unit == "unit_customer_service_center":
            return self.ref("demo_user_csc")
        return self.ref(SALES_DEPARTMENTS.get(unit, "demo_user_hq"))

    def make(self, plan):
        actor = self.actor(plan)
        env = self.env(user=actor.id, su=True)
        vals = {
            fname: plan[fname]
            for fname in CREATE_FIELDS
            if plan.get(fname) not in (None, False, 0)
        }
        vals.update(
            category_id=self.ref(f"category_{plan['category']}").id,
            accepting_unit_id=self.ref(plan["unit"]).id,
            received_date=self.clamp(plan["received"]),
        )
        complaint = env["huatai.complaint"].create(vals)
        received = complaint.received_date
        if complaint.channel in EVIDENCE:
            name, mimetype = EVIDENCE[complaint.channel]
            env["ir.attachment"].create(
                {
                    "name": name,
                    "mimetype": mimetype,
                    "raw": b"demo",
                    "res_model": complaint._name,
                    "res_id": complaint.id,
                }
            )
        if plan.get("acknowledged", True):
            complaint.write(
                {
                    "acknowledged_date": self.clamp(received + timedelta(minutes=20)),
                    "acknowledgement_method": ACKNOWLEDGED_BY.get(
                        complaint.channel, "phone"
                    ),
                }
            )
        state = plan["state"]
        if state == "rejected":
            self.give_opinion(complaint, plan["closed"])
            complaint.write(
                {
                    "rejection_reason": texts.REJECTION_REASON,
                    "stage_id": self.stage["rejected"].id,
                }
            )
        elif state != "new":
            complaint.write({"stage_id": self.stage["accepted"].id})
            if state != "accepted":
                complaint.write({"stage_id": self.stage["in_progress"].id})
            if state == "compliance":
                complaint.write({"stage_id": self.stage["compliance"].id})
            if plan.get("replied"):
                self.reply(complaint, actor, self.clamp(plan["replied"]))
            self.call_back(complaint, actor, plan["callbacks"])
            if state == "closed":
                complaint.write({"stage_id": self.stage["closed"].id})
        dates = {"accepted_date": self.clamp(plan.get("accepted"))}
        if complaint.is_closed:
            dates["closed_date"] = self.clamp(plan["closed"])
        complaint.write({k: v for k, v in dates.items() if v})
        if plan["survey"]:
            self.answer_survey(complaint, actor, plan)
        if complaint.is_closed:
            complaint.activity_ids.unlink()
        return complaint

    def give_opinion(self, complaint, before):
        """Compliance's opinion, a day before ``before``, where required."""
        if not complaint.compliance_required:
            return
        compliance = self.ref("demo_user_compliance")
        complaint.write(
            {
                "compliance_opinion": self.rnd.choice(texts.OPINIONS),
                "compliance_opinion_user_id": compliance.id,
                "compliance_opinion_date": self.clamp(
                    max(before - timedelta(days=1), complaint.received_date)
                ),
            }
        )
        opinion_type = self.ref("mail_activity_type_compliance_opinion")
        complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == opinion_type
        ).unlink()

    def reply(self, complaint, actor, moment):
        self.give_opinion(complaint, moment)
        text = self.rnd.choice(texts.REPLIES)
        complaint.write(
            {
                "reply_text": Markup("<p>%s</p>") % text,
                "reply_method": "phone",
                "replied_date": moment,
                "replied_by_id": actor.id,
                "replied_unit_id": complaint.accepting_unit_id.id,
                "stage_id": self.stage["replied"].id,
            }
        )
        # the reply as the complainant sees it in the portal
        self.log(complaint, actor, moment, text, public=True)

    def call_back(self, complaint, actor, callbacks):
        if not callbacks:
            return
        Callback = self.env["huatai.complaint.callback"].sudo()
        unit = complaint.callback_unit_id or complaint.accepting_unit_id
        reached = False
        for attempt, (moment, result) in enumerate(callbacks, start=1):
            moment = self.clamp(moment)
            remarks = self.rnd.choice(texts.CALLBACK_REMARKS[result])
            Callback.create(
                {
                    "complaint_id": complaint.id,
                    "date": moment,
                    "user_id": actor.id,
                    "unit_id": unit.id,
                    "attempt": attempt,
                    "reached": result != "unreached",
                    "satisfied": result == "satisfied",
                    "remarks": remarks,
                }
            )
            self.log(complaint, actor, moment, f"回访（第{attempt}次）：{remarks}")
            reached = reached or result != "unreached"
        if reached:
            callback_type = self.ref("mail_activity_type_callback")
            complaint.activity_ids.filtered(
                lambda a: a.activity_type_id == callback_type
            ).unlink()
            complaint.write({"stage_id": self.stage["callback"].id})

    def answer_survey(self, complaint, actor, plan):
        """The client's answers: by the emailed link, or with staff on the
        phone when the client has no email address."""
        email = bool(complaint.complainant_email)
        answer = complaint._create_survey_answer(
            huatai_invited=email, filled_by_id=False if email else actor.id
        )
        survey = answer.survey_id
        scores = iter(plan["survey"])
        lines = []
        for question in survey.question_ids.sorted("sequence"):
            if question.question_type == "scale":
                value = next(scores, 4)
                lines.append({"answer_type": "scale", "value_scale": value})
            elif comment := self.rnd.choice(texts.SURVEY_COMMENTS):
                lines.append({"answer_type": "text_box", "value_text_box": comment})
            else:
                continue
            lines[-1].update(user_input_id=answer.id, question_id=question.id)
        self.env["survey.user_input.line"].sudo().create(lines)
        moment = self.clamp(plan["closed"] + timedelta(hours=3))
        answer.write(
            {"state": "done", "start_datetime": moment, "end_datetime": moment}
        )

    def log(self, complaint, author, moment, text, public=False):
        """A message dated when it happened (message_post dates it now)."""
        subtype = "mail.mt_comment" if public else "mail.mt_note"
        self.messages |= (
            self.env["mail.message"]
            .sudo()
            .create(
                {
                    "model": complaint._name,
                    "res_id": complaint.id,
                    "body": Markup("<p>%s</p>") % text,
                    "message_type": "comment",
                    "subtype_id": self.ref(subtype).id,
                    "author_id": author.partner_id.id,
                    "date": moment,
                }
            )
        )

    def date_automatic_messages(self, complaints):
        """What the workflow logged while the sample was made (escalations,
        handovers) is dated now: date it at the complaint's receipt."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE mail_message m
               SET date = LEAST(c.received_date + INTERVAL '30 minutes', %s)
              FROM huatai_complaint c
             WHERE m.model = 'huatai.complaint' AND m.res_id = c.id
               AND c.id = ANY(%s) AND NOT m.id = ANY(%s)
            """,
            [self.now, complaints.ids, self.messages.ids],
        )
        self.env["mail.message"].invalidate_model(["date"])
