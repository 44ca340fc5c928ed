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
from datetime import datetime, time, timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

from . import huatai_complaint_demo_texts as texts
from .huatai_workday import china_today

CN_OFFSET = timedelta(hours=8)
SEED = 20261204
MODULE = "huatai_complaints"
# sales department -> the demo user who works its complaints
SALES_DEPARTMENTS = {
    "demo_unit_nj": "demo_user_staff",
    "demo_unit_sz": "demo_user_head",
    "demo_unit_hz": "demo_user_staff_hz",
    "demo_unit_nb": "demo_user_staff_hz",
    "demo_unit_szfl": "demo_user_hq",
    "demo_unit_gzth": "demo_user_hq",
    "demo_unit_bjxsh": "demo_user_hq",
    "demo_unit_bjjgm": "demo_user_hq",
}
# finished complaints were received this many days ago or earlier
FINISHED_FROM = 25
REMOTE_CHANNELS = ["phone", "phone", "email", "website", "letter"]
LOCAL_CHANNELS = ["phone", "phone", "phone", "onsite", "onsite", "email", "fax"]
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


def utc(day, hour, minute=0):
    """A moment of ``day`` in China time, as the naive UTC datetime Odoo stores."""
    return datetime.combine(day, time(hour, minute)) - CN_OFFSET


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
        return _SampleBuilder(self.env, today or china_today()).build()


class _SampleBuilder:
    """Plans the sample (one dict per complaint), then makes each complaint
    go through its stages."""

    def __init__(self, env, today):
        self.env = env(context=dict(env.context, **QUIET))
        self.today = today
        self.calendar = self.env["huatai.workday"].sudo()._get_calendar()
        self.rnd = random.Random(SEED)
        self.stage = {
            stage.state: stage
            for stage in self.env["huatai.complaint.stage"].search(
                [], order="sequence desc"
            )
        }
        self.messages = self.env["mail.message"]
        self.serial = 0
        self.now = fields.Datetime.now() - timedelta(minutes=5)

    def ref(self, xmlid):
        return self.env.ref(xmlid if "." in xmlid else f"{MODULE}.{xmlid}")

    # ------------------------------------------------------------------
    # Working days
    # ------------------------------------------------------------------
    def ago(self, count):
        """The ``count``-th working day before today (0: today)."""
        day = self.today
        while count > 0:
            day -= timedelta(days=1)
            count -= self.calendar.is_working(day)
        return day

    def after(self, day, count):
        return self.calendar.add(day, count) if count else day

    def soon_limit(self):
        return self.env["huatai.complaint"]._due_soon_limit(self.today)

    # ------------------------------------------------------------------
    # The plan
    # ------------------------------------------------------------------
    def build(self):
        # the module's translations load after its data: the sample's
        # messages (field names in escalation notices) need them now
        langs = self.env["res.lang"].search([("code", "!=", "en_US")]).mapped("code")
        if langs:
            self.env["ir.module.module"]._load_module_terms([MODULE], langs)
        plans = self.finished_plans() + self.open_plans()
        plans.sort(key=lambda plan: plan["received"])
        complaints = self.env["huatai.complaint"]
        for plan in plans:
            complaints |= self.make(plan)
        self.date_automatic_messages(complaints)
        return complaints

    def person(self, client=False):
        rnd = self.rnd
        self.serial += 1
        if client:
            partner = self.ref("demo_partner_client")
            return {
                "complainant_name": partner.name,
                "partner_id": partner.id,
                "complainant_email": partner.email,
                "complainant_phone": partner.phone,
            }
        values = {
            "complainant_name": rnd.choice(texts.SURNAMES)
            + rnd.choice(texts.GIVEN)
            + rnd.choice(["", rnd.choice(texts.GIVEN)]),
            "complainant_phone": f"139{rnd.randint(10000000, 99999999)}",
            "client_account": f"3100{rnd.randint(10000000, 99999999)}",
        }
        if rnd.random() < 0.6:
            values["complainant_email"] = f"client{self.serial:03d}@example.com"
        return values

    def base_plan(self, received_day, state, unit=None, channel=None, **extra):
        rnd = self.rnd
        client = extra.pop("client", False)
        category = extra.pop("category", None) or rnd.choice(list(texts.FACTS))
        facts, demand, amount = rnd.choice(texts.FACTS[category])
        if unit is None:
            unit = rnd.choice(
                ["demo_unit_nj"] * 3
                + ["demo_unit_hz"] * 2
                + list(SALES_DEPARTMENTS)
                + ["unit_customer_service_center"] * 2
            )
        hq = unit.startswith("unit_")
        channel = channel or rnd.choice(REMOTE_CHANNELS if hq else LOCAL_CHANNELS)
        plan = {
            "unit": unit,
            "channel": channel,
            "category": category,
            "subject": facts.split("，")[0],
            "description": facts,
            "demand": demand,
            "compensation_amount": amount,
            "received": utc(received_day, rnd.randint(9, 16), rnd.randint(0, 59)),
            "state": state,
            "callbacks": [],
            "survey": None,
        }
        if channel == "onsite":
            plan["recording_consent_state"] = rnd.choice(["granted", "refused"])
        plan.update(self.person(client))
        plan.update(extra)
        return plan

    def finished_plans(self):
        """The finished complaints: ~16 a month over the last year, ~5 a
        month the year before (the system's first), fewer on days off. The
        last weeks are the open complaints' (:meth:`open_plans`) but for a
        few handled quickly."""
        rnd = self.rnd
        plans = []
        for days_back in range(FINISHED_FROM, 2 * 365):
            received = self.today - timedelta(days=days_back)
            rate = (16 if days_back <= 365 else 5) / 30
            if not self.calendar.is_working(received):
                rate *= 0.4
            while rnd.random() < rate:
                rate -= 1
                extra = {}
                draw = rnd.random()
                if draw < 0.05:
                    extra.update(self.regulator_extra(received))
                elif draw < 0.09:
                    extra["is_major"] = True
                elif draw < 0.11:
                    extra["complainant_count"] = rnd.randint(5, 12)
                state = "rejected" if rnd.random() < 0.05 else "closed"
                plan = self.base_plan(received, state, **extra)
                plans.append(self.finish(plan, quick=days_back < 50))
        return plans

    def regulator_extra(self, received, unit="unit_retail_service_hq"):
        authority = self.rnd.choice(sorted(texts.REGULATOR_PREFIX))
        self.serial += 1
        return {
            "unit": unit,
            "channel": "regulator",
            "regulator_authority": authority,
            "regulator_reference": f"{texts.REGULATOR_PREFIX[authority]}"
            f"〔{received.year}〕{100 + self.serial}号",
            "regulator_deadline": received + timedelta(days=30),
        }

    def finish(self, plan, quick=False):
        """Date the steps of a finished complaint: accepted the same or the
        next working day, replied in 3-14 working days (one in twelve late),
        called back within the callback deadline (mostly), then closed;
        ``quick``: replied within 8 working days, called back in time."""
        rnd = self.rnd
        received = self.calendar.next_working(self.china_day(plan["received"]))
        if plan["state"] == "rejected":
            plan["closed"] = utc(self.after(received, rnd.randint(1, 2)), 15)
            return plan
        plan["accepted"] = utc(self.after(received, rnd.randint(0, 1)), 11)
        late = not quick and rnd.random() < 0.08
        reply_day = self.after(
            received,
            rnd.randint(16, 19) if late else rnd.randint(3, 8 if quick else 14),
        )
        plan["replied"] = utc(reply_day, rnd.randint(10, 17))
        callback_day = self.after(
            reply_day, 4 if not quick and rnd.random() < 0.1 else rnd.randint(1, 2)
        )
        results = ["satisfied"] * 8 + ["dissatisfied"]
        if not quick and rnd.random() < 0.15:
            plan["callbacks"].append((utc(callback_day, 10), "unreached"))
            callback_day = self.after(callback_day, 1)
        plan["callbacks"].append((utc(callback_day, 15), rnd.choice(results)))
        plan["closed"] = utc(callback_day, 16)
        if plan.get("complainant_email") or rnd.random() < 0.7:
            plan["survey"] = self.survey_scores(plan["callbacks"][-1][1])
        return plan

    def survey_scores(self, result):
        rnd = self.rnd
        low, high = (4, 5) if result == "satisfied" else (2, 3)
        return [rnd.randint(low, high) for _ in range(4)]

    def open_plans(self):
        """The complaints of the last weeks, open in every stage."""
        soon = self.soon_limit()
        plans = []

        def add(received_day, state, **extra):
            plan = self.base_plan(received_day, state, **extra)
            received = self.calendar.next_working(received_day)
            if state != "new":
                days = 1 if received < self.today else 0
                plan["accepted"] = utc(self.after(received, days), 10)
            plans.append(plan)
            return plan

        def received_for_reply(predicate):
            """The latest working day of receipt whose reply deadline
            (15 working days) satisfies ``predicate``."""
            for back in range(0, 40):
                day = self.ago(back)
                if predicate(self.after(day, 15)):
                    return day
            return self.ago(20)

        # registered today and the last working day: waiting for acceptance
        add(
            self.today,
            "new",
            channel="website",
            unit="unit_customer_service_center",
            acknowledged=False,
        )
        add(self.today, "new", unit="demo_unit_nj", channel="phone")
        add(self.ago(1), "new", unit="demo_unit_szfl", channel="onsite")
        # accepted, being handled: reply deadlines well ahead
        for back, unit in (
            (1, "demo_unit_hz"),
            (2, "demo_unit_gzth"),
            (3, "demo_unit_nj"),
        ):
            add(self.ago(back), "accepted", unit=unit)
        for back in (3, 4, 5, 6, 7, 8, 9, 10, 11, 12):
            add(self.ago(back), "in_progress")
        # regulator-forwarded and major, open
        day = self.ago(4)
        add(day, "in_progress", **self.regulator_extra(day), is_major=True)
        day = self.ago(2)
        add(day, "accepted", **self.regulator_extra(day, "demo_unit_js"))
        add(
            self.ago(8),
            "compliance",
            unit="demo_unit_sz",
            channel="onsite",
            category="financial_service",
            is_major=True,
        )
        # due soon: the reply deadline within the next working days
        for unit in ("demo_unit_nj", "demo_unit_bjxsh"):
            day = received_for_reply(lambda d: self.today < d <= soon)
            add(day, "in_progress", unit=unit)
        # one reply overdue (at the staff's own sales department)
        day = received_for_reply(lambda d: d < self.today)
        add(
            day, "in_progress", unit="demo_unit_nj", channel="phone", category="service"
        )
        # replied, waiting for the callback (one of them the portal client's)
        for back, unit, client in (
            (1, "demo_unit_hz", True),
            (0, "demo_unit_nb", False),
        ):
            plan = add(self.ago(back + 6), "replied", unit=unit, client=client)
            plan["replied"] = utc(self.ago(back), 9)
        # a callback that did not reach the client: its deadline has passed
        reply_day = self.ago(5)
        plan = add(self.ago(12), "replied", unit="demo_unit_sz", channel="phone")
        plan["replied"] = utc(reply_day, 16)
        plan["callbacks"] = [(utc(self.after(reply_day, 1), 10), "unreached")]
        # called back today, the client satisfied: about to be closed
        for back in (7, 9):
            plan = add(self.ago(back), "callback")
            plan["replied"] = utc(self.today, 9)
            plan["callbacks"] = [(utc(self.today, 11), "satisfied")]
        # finished in the last weeks, fast
        for back, client in ((14, True), (16, False), (18, False), (20, False)):
            plan = self.base_plan(self.ago(back), "closed", client=client)
            plans.append(self.finish_fast(plan, back))
        # whistleblowing reports: Compliance's
        for back, (facts, name) in zip((2, 6), texts.WHISTLEBLOWING, strict=True):
            plans.append(
                {
                    "unit": "unit_compliance",
                    "channel": "email",
                    "category": "whistleblowing",
                    "subject": facts,
                    "description": facts,
                    "complainant_name": name,
                    "received": utc(self.ago(back), 14),
                    "accepted": utc(self.ago(max(back - 1, 0)), 10),
                    "state": "in_progress",
                    "callbacks": [],
                    "survey": None,
                    "actor": "demo_user_compliance",
                }
            )
        return plans

    def finish_fast(self, plan, back):
        received = self.ago(back)
        plan["accepted"] = utc(received, 11)
        reply_day = self.after(received, 3)
        plan["replied"] = utc(reply_day, 15)
        callback_day = self.after(reply_day, 1)
        plan["callbacks"] = [(utc(callback_day, 10), "satisfied")]
        plan["closed"] = utc(callback_day, 11)
        plan["survey"] = self.survey_scores("satisfied")
        return plan

    @staticmethod
    def china_day(moment):
        return (moment + CN_OFFSET).date()

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
