"""Pattern alerts (issue 16): what no single complaint shows.

- a complainant (contact or client account) with K complaints in M months
  (to Retail Client Service HQ);
- a staff member named as respondent in K complaints in M months (to
  Compliance only);
- a unit whose complaints of a type this month rise above its own monthly
  baseline (to Retail Client Service HQ).

Each alert is a record here with its evidence and an activity for the role;
the key (kind, subject, period) is unique, so a pattern is raised once per
period, however often the job runs.
"""

from collections import defaultdict
from datetime import datetime, time

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models

from ..tools import settings as S
from ..tools.lang import in_firm_lang
from ..tools.settings import read_setting
from .incident_proposal import china_time
from .mail_message import confidential_among

RETAIL_HQ_XMLID = "huatai_complaints.unit_retail_service_hq"
COMPLIANCE_UNIT_XMLID = "huatai_complaints.unit_compliance"
ALERT_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_pattern_alert"


class HuataiPatternAlert(models.Model):
    _name = "huatai.pattern.alert"
    _description = "Complaint Pattern Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"

    name = fields.Char(required=True, readonly=True)
    kind = fields.Selection(
        [
            ("complainant", "Repeat Complainant"),
            ("respondent", "Repeatedly Named Staff"),
            ("unit_rate", "Unit Above Its Baseline"),
        ],
        required=True,
        readonly=True,
        index=True,
    )
    key = fields.Char(required=True, readonly=True)
    period = fields.Char(required=True, readonly=True)
    unit_id = fields.Many2one("huatai.org.unit", readonly=True)
    category_id = fields.Many2one(
        "huatai.complaint.category", string="Complaint Type", readonly=True
    )
    complaint_ids = fields.Many2many(
        "huatai.complaint", string="Evidence", readonly=True
    )
    count = fields.Integer(string="Complaints", readonly=True, aggregator="sum")
    baseline = fields.Float(
        string="Monthly Baseline", readonly=True, digits=(16, 1), aggregator="avg"
    )

    _sql_constraints = [
        (
            "pattern_period_unique",
            "unique(kind, key, period)",
            "A pattern is raised once per period.",
        )
    ]

    # ------------------------------------------------------------------
    # Job
    # ------------------------------------------------------------------
    @api.model
    def _cron_raise_pattern_alerts(self, now=None):
        now = now or fields.Datetime.now()
        # the alerts' names and notes are read by the firm's people
        Alert = in_firm_lang(self.sudo())
        alerts = Alert._raise_complainant(now)
        alerts |= Alert._raise_respondent(now)
        alerts |= Alert._raise_unit_rate(now)
        return alerts

    @api.model
    def _huatai_confidential_ids(self, ids):
        """The alerts on named staff among ``ids``: Compliance's alone, their
        messages and notifications too (``mail_message.py``)."""
        return confidential_among(self, ids, lambda a: a.kind == "respondent")

    @api.model
    def _period(self, now):
        return now.strftime("%Y-%m")

    @api.model
    def _month_start(self, now):
        return datetime.combine(now.date().replace(day=1), time.min)

    @api.model
    def _new_alert(self, kind, key, period, values, complaints):
        """Create the alert unless this pattern was raised in this period."""
        if self.search_count(
            [("kind", "=", kind), ("key", "=", key), ("period", "=", period)]
        ):
            return self.browse()
        alert = self.create(
            {
                "kind": kind,
                "key": key,
                "period": period,
                "complaint_ids": [fields.Command.set(complaints.ids)],
                "count": len(complaints),
                **values,
            }
        )
        alert._notify_role()
        return alert

    @api.model
    def _evidence_base_domain(self, since, now):
        return [
            ("active", "=", True),
            ("duplicate_of_id", "=", False),
            ("received_date", ">=", since),
            ("received_date", "<=", now),
        ]

    @api.model
    def _evidence(self, now, months, count, domain, key_of):
        """The complaints of the last ``months`` matching ``domain``,
        grouped by ``key_of(complaint)`` (a falsy key: not counted), in
        order of arrival: ``[(key, complaints)]`` of the groups that
        complete the pattern this month — at least ``count`` complaints,
        one of them received this month."""
        since = now - relativedelta(months=months)
        month_start = self._month_start(now)
        Complaint = self.env["huatai.complaint"].sudo()
        complaints = Complaint.search(
            [*self._evidence_base_domain(since, now), *domain],
            order="received_date, id",
        )
        groups = defaultdict(list)
        for complaint in complaints:
            key = key_of(complaint)
            if key:
                groups[key].append(complaint.id)
        # read together: the complaints of every group in one query
        prefetch = complaints._prefetch_ids
        found = (
            (key, complaints.browse(ids).with_prefetch(prefetch))
            for key, ids in groups.items()
        )
        return [
            (key, group)
            for key, group in found
            if len(group) >= count and max(group.mapped("received_date")) >= month_start
        ]

    @api.model
    def _raise_complainant(self, now):
        months = read_setting(self.env, S.ALERT_COMPLAINANT_MONTHS)

        def complainant(complaint):
            if complaint.client_account:
                return f"account:{complaint.client_account}"
            if complaint.partner_id:
                return f"partner:{complaint.partner_id.id}"
            return None

        evidence = self._evidence(
            now,
            months,
            read_setting(self.env, S.ALERT_COMPLAINANT_COUNT),
            [
                ("is_confidential", "=", False),
                "|",
                ("partner_id", "!=", False),
                ("client_account", "!=", False),
            ],
            complainant,
        )
        alerts = self.browse()
        for key, found in evidence:
            alerts |= self._new_alert(
                "complainant",
                key,
                self._period(now),
                {
                    "name": self.env._(
                        "%(name)s: %(count)s complaints in %(months)s months",
                        name=found[-1].complainant_name,
                        count=len(found),
                        months=months,
                    ),
                },
                found,
            )
        return alerts

    @api.model
    def _raise_respondent(self, now):
        months = read_setting(self.env, S.ALERT_RESPONDENT_MONTHS)

        def respondent(complaint):
            name = "".join(complaint.respondent_name.split())
            return (name, complaint.respondent_unit_id.id or 0) if name else None

        evidence = self._evidence(
            now,
            months,
            read_setting(self.env, S.ALERT_RESPONDENT_COUNT),
            [("respondent_name", "!=", False)],
            respondent,
        )
        alerts = self.browse()
        for (name, unit), found in evidence:
            alerts |= self._new_alert(
                "respondent",
                f"respondent:{unit}:{name}",
                self._period(now),
                {
                    "name": self.env._(
                        "%(name)s named in %(count)s complaints in %(months)s months",
                        name=name,
                        count=len(found),
                        months=months,
                    ),
                    "unit_id": unit or False,
                },
                found,
            )
        return alerts

    @api.model
    def _raise_unit_rate(self, now):
        """This month's complaints of a type at a unit against the unit's
        own monthly average over the previous months."""
        rate = read_setting(self.env, S.ALERT_UNIT_RATE_PERCENT) / 100
        minimum = read_setting(self.env, S.ALERT_UNIT_MIN_COUNT)
        months = read_setting(self.env, S.ALERT_UNIT_BASELINE_MONTHS)
        month_start = self._month_start(now)
        since = month_start - relativedelta(months=months)
        Complaint = self.env["huatai.complaint"].sudo()
        this_month = [
            *self._evidence_base_domain(month_start, now),
            ("is_confidential", "=", False),
        ]
        current = Complaint._read_group(
            this_month, ["accepting_unit_id", "category_id"], ["__count"]
        )
        past = dict(
            ((unit, category), count)
            for unit, category, count in Complaint._read_group(
                [
                    ("active", "=", True),
                    ("is_confidential", "=", False),
                    ("duplicate_of_id", "=", False),
                    ("received_date", ">=", since),
                    ("received_date", "<", month_start),
                ],
                ["accepting_unit_id", "category_id"],
                ["__count"],
            )
        )
        alerts = self.browse()
        for unit, category, count in current:
            baseline = past.get((unit, category), 0) / months
            if count < minimum or count < baseline * rate or count <= baseline:
                continue
            found = Complaint.search(
                [
                    *this_month,
                    ("accepting_unit_id", "=", unit.id),
                    ("category_id", "=", category.id),
                ],
                order="received_date, id",
            )
            alerts |= self._new_alert(
                "unit_rate",
                f"unit:{unit.id}:{category.id}",
                self._period(now),
                {
                    "name": self.env._(
                        "%(unit)s: %(count)s %(type)s complaints this month "
                        "(monthly baseline %(baseline)s)",
                        unit=unit.name,
                        count=count,
                        type=category.name,
                        baseline=round(baseline, 1),
                    ),
                    "unit_id": unit.id,
                    "category_id": category.id,
                    "baseline": baseline,
                },
                found,
            )
        return alerts

    # ------------------------------------------------------------------
    # Who is told
    # ------------------------------------------------------------------
    def _role_users(self):
        """Compliance only for staff named as respondents; Retail Client
        Service HQ for the others."""
        self.ensure_one()
        xmlid = COMPLIANCE_UNIT_XMLID if self.kind == "respondent" else RETAIL_HQ_XMLID
        unit = self.env.ref(xmlid, raise_if_not_found=False)
        if not unit:
            return self.env["res.users"]
        users = unit.sudo()._get_notification_users()[:1].filtered("active")
        group = (
            "huatai_complaints.group_complaint_compliance"
            if self.kind == "respondent"
            else "huatai_complaints.group_complaint_hq"
        )
        return users.filtered(lambda u: u.has_group(group))

    def _notify_role(self):
        for alert in self:
            body = Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s · %s · %s</li>")
                % (c.name, c.accepting_unit_id.name, china_time(c.received_date))
                for c in alert.complaint_ids.sorted("received_date")[:50]
            )
            alert.message_post(body=body, subtype_xmlid="mail.mt_note")
            for user in alert._role_users():
                alert.activity_schedule(
                    act_type_xmlid=ALERT_ACTIVITY_XMLID,
                    summary=alert.name,
                    note=body,
                    user_id=user.id,
                )
