"""The deadline job (SPEC §6): refreshes the deadline states, alerts owners and
managers of complaints due soon or overdue, and schedules their activities."""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.workdays import china_today
from .huatai_complaint_compliance import RETAIL_HQ_XMLID

_logger = logging.getLogger(__name__)


ALERT_BATCH = 500

DEADLINE_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_complaint_deadline"


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    # technical: which alerts the deadline job already sent ("clock:date")
    alert_due_soon_key = fields.Char(
        copy=False, readonly=True, groups="base.group_user"
    )

    alert_overdue_key = fields.Char(copy=False, readonly=True, groups="base.group_user")

    # ------------------------------------------------------------------
    # Scheduled job
    # ------------------------------------------------------------------
    @api.model
    def _cron_update_deadlines(self, alert_batch=ALERT_BATCH):
        """Refresh the deadline state of open complaints whose state the date
        moves, then alert owners and managers (a batch per run)."""
        self.env["huatai.workday"].sudo()._ensure_covered()
        self._refresh_deadline_states()
        done, remaining = self._send_deadline_alerts(limit=alert_batch)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _refresh_deadline_states(self, today=None):
        """Move the states that passing time changed: open complaints only,
        found through the indexed ``next_deadline``.

        The next deadline and its clock are kept up to date by the ORM; only
        the date moves here, so the new state is set in one statement (the
        same rule as ``_compute_deadline_state``).
        """
        today = today or china_today()
        soon = self._due_soon_limit(today)
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE huatai_complaint
               SET deadline_state = CASE WHEN next_deadline < %(today)s
                                         THEN 'overdue' ELSE 'due_soon' END
             WHERE is_closed IS NOT TRUE
               AND active
               AND next_deadline IS NOT NULL
               AND ((next_deadline < %(today)s
                     AND deadline_state IS DISTINCT FROM 'overdue')
                 OR (next_deadline <= %(soon)s
                     AND deadline_state IS DISTINCT FROM 'due_soon'
                     AND deadline_state IS DISTINCT FROM 'overdue'))
            RETURNING id
            """,
            {"today": today, "soon": soon},
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if ids:
            complaints = self.sudo().with_context(active_test=False).browse(ids)
            complaints.invalidate_recordset(["deadline_state"])
            complaints.modified(["deadline_state"])
        return len(ids)

    @api.model
    def _send_deadline_alerts(self, limit=ALERT_BATCH):
        """One activity for the owner when a clock first becomes due soon and
        when it becomes overdue; when overdue, the handling unit's manager is
        informed, and Retail Client Service HQ too for a major complaint.

        :return: (alerts sent, complaints still waiting for theirs)
        """
        self.env.flush_all()
        pending = SQL(
            """
            FROM huatai_complaint
           WHERE is_closed IS NOT TRUE
             AND active
             AND ((deadline_state = 'due_soon'
                   AND alert_due_soon_key IS DISTINCT FROM
                       deadline_clock || ':' || next_deadline::text)
               OR (deadline_state = 'overdue'
                   AND alert_overdue_key IS DISTINCT FROM
                       deadline_clock || ':' || next_deadline::text))
            """
        )
        self.env.cr.execute(SQL("SELECT id %s ORDER BY id LIMIT %s", pending, limit))
        ids = [row[0] for row in self.env.cr.fetchall()]
        if not ids:
            return 0, 0
        complaints = self.sudo().with_context(active_test=False).browse(ids)
        due_soon = complaints.filtered(lambda c: c.deadline_state == "due_soon")
        overdue = complaints - due_soon
        complaints._schedule_deadline_activities()
        overdue._inform_managers_overdue()
        self.env.cr.execute(
            """
            UPDATE huatai_complaint
               SET alert_due_soon_key = CASE WHEN deadline_state = 'due_soon'
                       THEN deadline_clock || ':' || next_deadline::text
                       ELSE alert_due_soon_key END,
                   alert_overdue_key = CASE WHEN deadline_state = 'overdue'
                       THEN deadline_clock || ':' || next_deadline::text
                       ELSE alert_overdue_key END
             WHERE id = ANY(%s)
            """,
            [ids],
        )
        complaints.invalidate_recordset(["alert_due_soon_key", "alert_overdue_key"])
        self.env.cr.execute(SQL("SELECT count(*) %s", pending))
        remaining = self.env.cr.fetchone()[0]
        return len(ids), remaining

    def _deadline_alert_recipient(self):
        """Who gets the deadline activity: the owner, else the handling
        unit's manager."""
        self.ensure_one()
        return self.user_id or self.handling_unit_id.manager_id

    def _schedule_deadline_activities(self):
        activity_type = self.env.ref(DEADLINE_ACTIVITY_XMLID, raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for complaint in self:
            user = complaint._deadline_alert_recipient()
            if not user or not user.active:
                continue
            env = complaint._env_in_lang(user)
            clocks = dict(
                complaint.with_env(env)
                ._fields["deadline_clock"]
                ._description_selection(env)
            )
            clock = clocks.get(complaint.deadline_clock, "")
            if complaint.deadline_state == "overdue":
                summary = env._(
                    "Overdue: %(clock)s was due on %(date)s",
                    clock=clock,
                    date=complaint.next_deadline,
                )
            else:
                summary = env._(
                    "Due soon: %(clock)s due on %(date)s",
                    clock=clock,
                    date=complaint.next_deadline,
                )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": complaint.id,
                    "user_id": user.id,
                    "activity_type_id": activity_type.id if activity_type else False,
                    "summary": summary,
                    "date_deadline": complaint.next_deadline,
                }
            )
        if vals_list:
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(vals_list)

    def _inform_managers_overdue(self):
        retail_hq = self.env.ref(RETAIL_HQ_XMLID, raise_if_not_found=False)
        hq_users = retail_hq.sudo()._get_notification_users() if retail_hq else None
        for complaint in self:
            users = complaint.handling_unit_id.sudo().manager_id
            if complaint.is_major and hq_users:
                users |= hq_users
            users = complaint._allowed_recipients(users - complaint.user_id)
            if not users:
                continue
            env = complaint._env_in_lang(users)
            clocks = dict(self._fields["deadline_clock"]._description_selection(env))
            body = env._(
                "Overdue: the %(clock)s deadline of %(ref)s was %(date)s (owner: "
                "%(owner)s, handling unit: %(unit)s).",
                clock=clocks.get(complaint.deadline_clock, ""),
                ref=complaint.name,
                date=complaint.next_deadline,
                owner=complaint.user_id.name or env._("nobody"),
                unit=complaint.handling_unit_id.display_name or "",
            )
            complaint.message_post(
                body=Markup("<p>%s</p>") % body,
                partner_ids=users.partner_id.ids,
                subtype_xmlid="mail.mt_note",
                message_type="comment",
            )

    def _env_in_lang(self, users):
        """An environment in the language of the first of ``users`` (when
        that language is installed), to write them in their language."""
        lang = users[:1].lang
        if not lang or not self.env["res.lang"]._get_data(code=lang):
            return self.env
        return self.with_context(lang=lang).env

    def _allowed_recipients(self, users):
        """The ``users`` who may learn about this complaint: for a
        whistleblowing report, Compliance only."""
        self.ensure_one()
        users = users.filtered("active")
        if self.is_confidential:
            users = users.filtered(
                lambda u: u.has_group("huatai_complaints.group_complaint_compliance")
            )
        return users
