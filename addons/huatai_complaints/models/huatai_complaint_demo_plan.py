"""The plan of the demo's sample (see :mod:`huatai_complaint_demo`): which
complaints, received when, and when each step of their handling happened.

One dict per complaint: the values to create it with, its target ``state``,
and the moments (naive UTC) of its steps: ``accepted``, ``replied``,
``callbacks`` [(moment, result)], ``closed``, and the ``survey`` scores.
Dates are placed with the deadline engine's working-day calendar, from
``today``; the choices come from a seeded random generator, so the sample has
the same shape whatever the day it is made.
"""

import random
from datetime import datetime, time, timedelta

from ..tools.workdays import CN_OFFSET, china_date
from . import huatai_complaint_demo_texts as texts

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


def utc(day, hour, minute=0):
    """A moment of ``day`` in China time, as the naive UTC datetime Odoo stores."""
    return datetime.combine(day, time(hour, minute)) - CN_OFFSET


class SamplePlan:
    def __init__(self, env, today):
        self.env = env
        self.today = today
        self.calendar = env["huatai.workday"].sudo()._get_calendar()
        self.rnd = random.Random(SEED)
        self.serial = 0

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
    def plans(self):
        """The sample, in the order the complaints were received."""
        plans = self.finished_plans() + self.open_plans()
        plans.sort(key=lambda plan: plan["received"])
        return plans

    def person(self, client=False):
        rnd = self.rnd
        self.serial += 1
        if client:
            partner = self.env.ref(f"{MODULE}.demo_partner_client")
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
        add(day, "accepted", **self.regulator_extra(day))
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
        return china_date(moment)
