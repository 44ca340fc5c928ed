import io
from datetime import date, datetime, time, timedelta

import openpyxl

from odoo.addons.huatai_complaints.tests.common import (
    ComplaintCase,
    give_required_reviews,
)
from odoo.addons.huatai_complaints.tools.workdays import (
    CN_OFFSET,
    CN_TZ,
    china_date,
)


def utc(day, hour=10, minute=0):
    """A China-time moment as the naive UTC datetime Odoo stores."""
    return datetime.combine(day, time(hour, minute)) - CN_OFFSET


class ReportCase(ComplaintCase):
    """The complaint tests' org tree and users (ComplaintCase), and a known
    dataset: complaints of 2025.

    HQ ─┬─ Retail Client Service HQ, Compliance, ... (shipped)
        ├─ Jiangsu branch ─┬─ Nanjing Gulou sales department
        │                  └─ Suzhou sales department
        └─ Zhejiang branch ─┬─ Hangzhou sales department
                            └─ Wenzhou sales department (no complaint)

    Complaints (received in China time):
      nanjing_closed      Nanjing, 2025-01-06, service, replied 01-10 in
                          time, closed 01-15
      nanjing_rejected    Nanjing, 2025-01-08, system, rejected 01-09
                          (decision in time)
      nanjing_late        Nanjing, 2025-02-03, marketing, replied 03-03
                          after its deadline
      nanjing_overdue     Nanjing, 2025-02-10, service, in progress, reply
                          overdue
      suzhou_paused       Suzhou, 2025-03-03, on-site, compliance review
                          (clock paused), not replied, reply deadline in the
                          future
      nanjing_dispatched  Nanjing, 2025-03-05, service, dispatched to Retail
                          Client Service HQ, accepted, not replied
      hangzhou_regulator  Hangzhou, 2025-01-20, regulator-forwarded, major,
                          replied 02-10 (in time), closed
      hangzhou_compensation Hangzhou, 2025-02-05, financial service, 5000
                          claimed, closed
      hq_new              Retail Client Service HQ, 2025-01-25, website,
                          still registered, its acceptance deadline missed
      hq_whistle          Compliance, 2025-01-15, whistleblowing
                          (confidential)

    Callbacks: nanjing_closed reached and satisfied (survey score 4.5);
    hangzhou_compensation not reached, then reached and not satisfied;
    nanjing_late never called back (its callback deadline missed).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.Report = cls.env["huatai.complaint.report"]
        cls.Xlsx = cls.env["huatai.complaint.xlsx"]
        # a sales department without complaints
        cls.wenzhou = cls.Unit.create(
            {
                "name": "温州营业部",
                "code": "T-ZJ-WZ",
                "kind": "sales_department",
                "parent_id": cls.zhejiang.id,
            }
        )
        cls.head_zhejiang = cls._user("t_head_zj", "manager", cls.zhejiang)
        cls.zhejiang.manager_id = cls.head_zhejiang
        cls.retail_hq.write(
            {"manager_id": cls.hq_user.id, "email": "retail@example.com"}
        )
        cls.cat = {
            code: ref(f"huatai_complaints.category_{code}")
            for code in (
                "system",
                "service",
                "financial_service",
                "marketing",
                "whistleblowing",
                "other",
            )
        }
        cls._make_dataset()

    @classmethod
    def _user(cls, login, role, unit):
        # the workbooks show times in the user's time zone
        user = super()._user(login, role, unit)
        user.tz = CN_TZ.zone
        return user

    @classmethod
    def _make(cls, unit, received, stage="new", **values):
        """A complaint received on ``received`` (China time), put in ``stage``.

        Dates of the workflow (accepted, replied, closed) and deadlines are
        written as given, after the stage, as the deadline engine would.
        """
        later = {
            key: values.pop(key)
            for key in (
                "accepted_date",
                "replied_date",
                "closed_date",
                "accept_deadline",
                "reply_deadline",
                "regulator_deadline",
                "deadline_state",
            )
            if key in values
        }
        vals = {
            "channel": "email",
            "category_id": cls.cat["service"].id,
            "complainant_name": "张三",
            "complainant_phone": "13800000000",
            "description": "营业部员工态度恶劣",
            "accepting_unit_id": unit.id,
            "received_date": utc(received),
            # told of the receipt right away: the acknowledgement clock is
            # not what these reports measure
            "acknowledged_date": utc(received),
        }
        vals.update(values)
        if "regulator_deadline" in later:
            vals["regulator_deadline"] = later.pop("regulator_deadline")
        complaint = cls.Complaint.create(vals)
        # the reviews the rules require before the reply (issue 15)
        give_required_reviews(complaint)
        if stage in ("replied", "callback", "closed"):
            complaint.write(
                {
                    "reply_text": "<p>已核实并答复客户。</p>",
                    "reply_method": "phone",
                    "replied_date": later.get("replied_date"),
                }
            )
        if stage == "rejected":
            complaint.rejection_reason = "不属于投诉受理范围"
        if stage != "new":
            stage_vals = {"stage_id": cls.stage[stage].id}
            if stage in ("closed", "rejected"):
                stage_vals["closed_date"] = later.pop("closed_date")
            complaint.write(stage_vals)
        if later:
            complaint.write(later)
        return complaint

    @classmethod
    def _make_dataset(cls):
        d = date
        cls.nanjing_closed = cls._make(
            cls.nanjing,
            d(2025, 1, 6),
            "closed",
            accepted_date=utc(d(2025, 1, 6), 11),
            replied_date=utc(d(2025, 1, 10), 15),
            closed_date=utc(d(2025, 1, 15), 9),
            accept_deadline=d(2025, 1, 9),
            reply_deadline=d(2025, 1, 27),
            deadline_state="on_track",
        )
        cls.nanjing_rejected = cls._make(
            cls.nanjing,
            d(2025, 1, 8),
            "rejected",
            category_id=cls.cat["system"].id,
            closed_date=utc(d(2025, 1, 9), 16),
            accept_deadline=d(2025, 1, 13),
        )
        cls.nanjing_late = cls._make(
            cls.nanjing,
            d(2025, 2, 3),
            "replied",
            category_id=cls.cat["marketing"].id,
            accepted_date=utc(d(2025, 2, 4)),
            replied_date=utc(d(2025, 3, 3)),
            accept_deadline=d(2025, 2, 6),
            reply_deadline=d(2025, 2, 24),
        )
        cls.nanjing_overdue = cls._make(
            cls.nanjing,
            d(2025, 2, 10),
            "in_progress",
            accepted_date=utc(d(2025, 2, 10), 14),
            accept_deadline=d(2025, 2, 13),
            reply_deadline=d(2025, 3, 3),
            deadline_state="overdue",
        )
        cls.suzhou_paused = cls._make(
            cls.suzhou,
            d(2025, 3, 3),
            "compliance",
            channel="onsite",
            recording_consent_state="granted",
            is_difficult=True,
            accepted_date=utc(d(2025, 3, 3), 15),
            accept_deadline=d(2025, 3, 6),
            reply_deadline=date.today() + timedelta(days=30),
            deadline_state="on_track",
        )
        cls.nanjing_dispatched = cls._make(
            cls.nanjing,
            d(2025, 3, 5),
            "accepted",
            accepted_date=utc(d(2025, 3, 5), 11),
            accept_deadline=d(2025, 3, 10),
            reply_deadline=date.today() + timedelta(days=10),
            deadline_state="due_soon",
        )
        cls.env["huatai.complaint.dispatch.wizard"].create(
            {
                "complaint_id": cls.nanjing_dispatched.id,
                "to_unit_id": cls.retail_hq.id,
                "to_user_id": cls.hq_user.id,
                "reason": "涉及总部系统，转零售客户服务总部处理",
            }
        ).action_dispatch()
        # the firm opened regulator forwardings at its branches (Settings)
        cls.env["ir.config_parameter"].set_param(
            "huatai_complaints.local_accepts_regulator", "True"
        )
        cls.hangzhou_regulator = cls._make(
            cls.hangzhou,
            d(2025, 1, 20),
            "closed",
            channel="regulator",
            regulator_authority="csrc_bureau",
            regulator_reference="JSJ-2025-001",
            regulator_deadline=d(2025, 2, 19),
            is_major=True,
            accepted_date=utc(d(2025, 1, 20), 11),
            replied_date=utc(d(2025, 2, 10)),
            closed_date=utc(d(2025, 2, 12)),
            accept_deadline=d(2025, 1, 23),
            reply_deadline=d(2025, 2, 19),
        )
        cls.hangzhou_compensation = cls._make(
            cls.hangzhou,
            d(2025, 2, 5),
            "closed",
            category_id=cls.cat["financial_service"].id,
            compensation_amount=5000.0,
            accepted_date=utc(d(2025, 2, 5), 11),
            replied_date=utc(d(2025, 2, 14)),
            closed_date=utc(d(2025, 2, 17)),
            accept_deadline=d(2025, 2, 10),
            reply_deadline=d(2025, 2, 26),
        )
        cls.hq_new = cls._make(
            cls.retail_hq,
            d(2025, 1, 25),
            "new",
            channel="website",
            category_id=cls.cat["other"].id,
            accept_deadline=d(2025, 1, 28),
        )
        cls.hq_whistle = cls._make(
            cls.compliance_unit,
            d(2025, 1, 15),
            "new",
            category_id=cls.cat["whistleblowing"].id,
            complainant_name="匿名",
        )
        # callbacks (回访) and the satisfaction survey
        Callback = cls.env["huatai.complaint.callback"]
        Callback.create(
            {
                "complaint_id": cls.nanjing_closed.id,
                "date": utc(d(2025, 1, 13)),
                "unit_id": cls.nanjing.id,
                "reached": True,
                "satisfied": True,
            }
        )
        Callback.create(
            [
                {
                    "complaint_id": cls.hangzhou_compensation.id,
                    "date": utc(d(2025, 2, 17)),
                    "unit_id": cls.hangzhou.id,
                    "reached": False,
                },
                {
                    "complaint_id": cls.hangzhou_compensation.id,
                    "date": utc(d(2025, 2, 18)),
                    "unit_id": cls.hangzhou.id,
                    "attempt": 2,
                    "reached": True,
                    "satisfied": False,
                },
            ]
        )
        # the survey's answer, as its computation would store it
        cls.env.flush_all()
        cls.nanjing_closed.write({"survey_state": "done", "satisfaction_score": 4.5})
        cls.env.flush_all()
        cls.all_2025 = (
            cls.nanjing_closed
            | cls.nanjing_rejected
            | cls.nanjing_late
            | cls.nanjing_overdue
            | cls.suzhou_paused
            | cls.nanjing_dispatched
            | cls.hangzhou_regulator
            | cls.hangzhou_compensation
            | cls.hq_new
            | cls.hq_whistle
        )

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    @staticmethod
    def open_xlsx(content):
        return openpyxl.load_workbook(io.BytesIO(content))

    @staticmethod
    def sheet_rows(sheet):
        """Header row and data rows (lists of values) of a sheet."""
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        return rows[0], rows[1:]

    @staticmethod
    def as_dicts(header, rows):
        return [dict(zip(header, row, strict=False)) for row in rows]

    def working_days(self, complaint, done_field):
        """Working days from receipt to ``done_field`` by the deadline
        engine's own calendar (holidays and 调休 included): the analysis
        must count them the same way."""
        calendar = self.env["huatai.workday"]._get_calendar()
        received = china_date(complaint.received_date)
        done = china_date(complaint[done_field])
        return calendar.count_between(calendar.next_working(received), done)

    def visible(self, user, complaints=None):
        """Complaints of ``complaints`` (all 2025) ``user`` may read, by ORM."""
        complaints = complaints if complaints is not None else self.all_2025
        return self.Complaint.with_user(user).search([("id", "in", complaints.ids)])
