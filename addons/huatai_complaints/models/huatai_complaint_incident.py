"""Incidents: complaints of several units about one event (issue 16).

A job proposes them (``_cron_propose_incidents``, triggered after intake);
Retail Client Service HQ confirms, merges, splits or dismisses them, writes
one coordinated reply, and replies to or closes the complaints in bulk —
each complaint through its own workflow, so that its gates and clocks hold.
Whistleblowing reports are never part of an incident.
"""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import html2plaintext

from ..tools.lang import in_firm_lang
from . import incident_proposal

_logger = logging.getLogger(__name__)

HQ_GROUP = "huatai_complaints.group_complaint_hq"
RETAIL_HQ_XMLID = "huatai_complaints.unit_retail_service_hq"
COMPLIANCE_UNIT_XMLID = "huatai_complaints.unit_compliance"
ALERT_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_incident_alert"
OPEN_STATES = incident_proposal.OPEN_STATES


class HuataiComplaintIncident(models.Model):
    _name = "huatai.complaint.incident"
    _description = "Complaint Incident"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "first_received desc, id desc"

    name = fields.Char(required=True, tracking=True)
    state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("confirmed", "Confirmed"),
            ("closed", "Closed"),
            ("dismissed", "Dismissed"),
        ],
        required=True,
        default="proposed",
        tracking=True,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        tracking=True,
        domain="[('share', '=', False)]",
        default=lambda self: self._default_owner(),
        help="The person of Retail Client Service HQ who coordinates the incident.",
    )
    category_id = fields.Many2one(
        "huatai.complaint.category", string="Complaint Type", readonly=True
    )
    complaint_ids = fields.One2many(
        "huatai.complaint", "incident_id", string="Complaints", readonly=True
    )
    complaint_count = fields.Integer(
        compute="_compute_figures", store=True, aggregator="sum"
    )
    improvement_count = fields.Integer(
        string="Improvement Actions", compute="_compute_improvement_count"
    )
    # for the record rules: a rule through complaint_ids would read that
    # one2many as superuser into the cache every user of the request shares
    unit_ids = fields.Many2many(
        "huatai.org.unit",
        string="Units Concerned",
        compute="_compute_figures",
        store=True,
        groups="huatai_complaints.group_complaint_hq",
    )
    unit_count = fields.Integer(
        string="Units", compute="_compute_figures", store=True, aggregator="sum"
    )
    complainant_count = fields.Integer(
        string="Complainants", compute="_compute_figures", store=True
    )
    first_received = fields.Datetime(compute="_compute_figures", store=True)
    last_received = fields.Datetime(compute="_compute_figures", store=True)
    is_group = fields.Boolean(
        string="Group Incident",
        compute="_compute_figures",
        store=True,
        help="At least as many complainants as the group complaint threshold: "
        "its complaints are group complaints once it is confirmed.",
    )
    group_alerted = fields.Boolean(readonly=True, copy=False)
    reply_text = fields.Html(
        string="Coordinated Reply",
        tracking=False,
        help="The reply every complaint of the incident starts from.",
    )
    first_reply_date = fields.Datetime(
        string="First Coordinated Reply",
        readonly=True,
        copy=False,
        help="When a complaint of the incident was first replied with the "
        "coordinated reply.",
    )
    reply_hours = fields.Float(
        string="Hours to First Coordinated Reply",
        compute="_compute_reply_hours",
        store=True,
        aggregator="avg",
    )
    note = fields.Text(
        string="Bulk Action Report",
        readonly=True,
        groups="huatai_complaints.group_complaint_hq",
    )

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.model
    def _default_owner(self):
        if self.env.user.has_group(HQ_GROUP):
            return self.env.user
        return False

    @api.depends(
        "complaint_ids",
        "complaint_ids.received_date",
        "complaint_ids.accepting_unit_id",
        "complaint_ids.handling_unit_id",
        "complaint_ids.complainant_count",
    )
    def _compute_figures(self):
        """From the complaints as superuser, without reading complaint_ids:
        the x2many's cache is shared by every user of the transaction."""
        threshold = self.env["huatai.complaint"]._group_threshold()
        rows = (
            self.env["huatai.complaint"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [("incident_id", "in", self.ids)],
                ["incident_id"],
                [
                    "__count",
                    "accepting_unit_id:count_distinct",
                    "complainant_count:sum",
                    "received_date:min",
                    "received_date:max",
                    "accepting_unit_id:array_agg",
                    "handling_unit_id:array_agg",
                ],
            )
        )
        figures = {row[0].id: row[1:] for row in rows}
        for incident in self:
            count, units, people, first, last, accepting, handling = figures.get(
                incident.id, (0, 0, 0, False, False, [], [])
            )
            incident.unit_ids = [
                fields.Command.set({i for i in accepting + handling if i})
            ]
            incident.complaint_count = count
            incident.unit_count = units
            incident.complainant_count = people or 0
            incident.first_received = first
            incident.last_received = last
            incident.is_group = incident.complainant_count >= threshold

    @api.depends("first_received", "first_reply_date")
    def _compute_reply_hours(self):
        for incident in self:
            if incident.first_received and incident.first_reply_date:
                delta = incident.first_reply_date - incident.first_received
                incident.reply_hours = round(delta.total_seconds() / 3600, 2)
            else:
                incident.reply_hours = 0.0

    @api.depends_context("uid")
    def _compute_improvement_count(self):
        """The improvement actions answering the incident that the user may
        read (their record rules: a confidential action is not counted)."""
        Improvement = self.env["huatai.complaint.improvement"]
        counts = {}
        if self.ids and Improvement.has_access("read"):
            groups = Improvement._read_group(
                [("incident_ids", "in", self.ids)], ["incident_ids"], ["__count"]
            )
            counts = {incident.id: count for incident, count in groups}
        for incident in self:
            incident.improvement_count = counts.get(incident.id, 0)

    # ------------------------------------------------------------------
    # Actions (Retail Client Service HQ)
    # ------------------------------------------------------------------
    def _check_hq(self):
        if not self.env.su and not self.env.user.has_group(HQ_GROUP):
            raise AccessError(
                self.env._(
                    "Only Retail Client Service HQ confirms, merges, splits, "
                    "replies to and closes incidents."
                )
            )
        self.check_access("write")

    def action_confirm(self):
        self._check_hq()
        proposed = self.filtered(lambda i: i.state == "proposed")
        proposed.write({"state": "confirmed"})
        for incident in proposed:
            if not incident.user_id:
                incident.user_id = self.env.user
        proposed._apply_group_flag()
        return True

    def action_dismiss(self):
        """Not one event: the complaints leave the incident and are not
        proposed again."""
        self._check_hq()
        for incident in self.filtered(lambda i: i.state == "proposed"):
            complaints = incident.sudo().complaint_ids
            incident.message_post(
                body=self.env._(
                    "Dismissed by %(user)s: %(count)s complaints are not one event.",
                    user=self.env.user.name,
                    count=len(complaints),
                )
            )
            complaints.write({"incident_id": False, "incident_excluded": True})
            incident.state = "dismissed"
        return True

    def action_close(self):
        self._check_hq()
        self.filtered(lambda i: i.state == "confirmed").write({"state": "closed"})
        return True

    def action_reopen(self):
        self._check_hq()
        self.filtered(lambda i: i.state == "closed").write({"state": "confirmed"})
        return True

    def action_merge(self):
        """Merge the selected incidents into the oldest one."""
        self._check_hq()
        incidents = self.filtered(lambda i: i.state in OPEN_STATES).sorted(
            lambda i: (i.first_received or fields.Datetime.now(), i.id)
        )
        if len(incidents) < 2:
            raise UserError(self.env._("Select at least two open incidents to merge."))
        target, others = incidents[0], incidents[1:]
        moved = others.sudo().complaint_ids
        moved.write({"incident_id": target.id})
        for other in others:
            other.message_post(
                body=self.env._("Merged into %(name)s.", name=target.name)
            )
        others.write({"state": "dismissed"})
        target.message_post(
            body=self.env._(
                "%(count)s complaints merged in from %(names)s.",
                count=len(moved),
                names=", ".join(others.mapped("name")),
            )
        )
        if target.state == "confirmed":
            target._apply_group_flag()
        return target._action_open()

    def _split(self, complaints, name=None):
        """Move ``complaints`` (of this incident) to a new incident."""
        self.ensure_one()
        self._check_hq()
        complaints = complaints.sudo()
        if not complaints or complaints.incident_id != self:
            raise UserError(
                self.env._(
                    "Select complaints of %(name)s to split off.", name=self.name
                )
            )
        if complaints == self.sudo().complaint_ids:
            raise UserError(self.env._("An incident cannot be split off entirely."))
        new = self.create(
            {
                "name": name or self.env._("%(name)s (split)", name=self.name),
                "state": self.state,
                "category_id": self.category_id.id,
                "user_id": self.user_id.id,
            }
        )
        complaints.write({"incident_id": new.id})
        self.message_post(
            body=self.env._(
                "%(count)s complaints split off to %(name)s.",
                count=len(complaints),
                name=new.name,
            )
        )
        return new

    def _remove(self, complaints):
        """Take ``complaints`` out of this incident: not proposed again."""
        self.ensure_one()
        self._check_hq()
        complaints = complaints.sudo().filtered(lambda c: c.incident_id == self)
        complaints.write({"incident_id": False, "incident_excluded": True})
        if complaints:
            self.message_post(
                body=self.env._(
                    "%(count)s complaints removed from the incident by %(user)s.",
                    count=len(complaints),
                    user=self.env.user.name,
                )
            )

    def action_open_split_wizard(self):
        self.ensure_one()
        self._check_hq()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Split or Remove Complaints"),
            "res_model": "huatai.complaint.incident.split.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_incident_id": self.id},
        }

    def action_open_bulk_wizard(self):
        self.ensure_one()
        self._check_hq()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reply to or Close the Complaints"),
            "res_model": "huatai.complaint.incident.bulk.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_incident_id": self.id},
        }

    def action_view_complaints(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Complaints of %(name)s", name=self.name),
            "res_model": "huatai.complaint",
            "view_mode": "list,kanban,form",
            "views": [(False, "list"), (False, "kanban"), (False, "form")],
            "domain": [("incident_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_view_improvements(self):
        """The improvement actions answering this incident (those the user
        may read: the actions' record rules)."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Improvement Actions of %(name)s", name=self.name),
            "res_model": "huatai.complaint.improvement",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("incident_ids", "in", self.ids)],
            "context": {"default_incident_ids": self.ids},
        }

    def _action_open(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------
    # Bulk actions: each complaint through its own workflow
    # ------------------------------------------------------------------
    def _bulk_reply(self, reply_method="phone", reply_text=None):
        """Record the coordinated reply on every complaint of the incident
        that is not replied yet, as the current user would one by one.

        Returns ``(done, refused)``: refused is ``[(complaint, reason)]`` —
        the complaints whose gate (compliance opinion, reviews, evidence) or
        access refused it; they are left unchanged.
        """
        self.ensure_one()
        self._check_hq()
        text = reply_text or self.reply_text
        if not html2plaintext(text or "").strip():
            raise UserError(self.env._("Write the coordinated reply first."))
        Wizard = self.env["huatai.complaint.reply.wizard"]
        done = self.env["huatai.complaint"]
        refused = []
        todo = self.complaint_ids.filtered(
            lambda c: not c.replied_date and not c.is_closed
        )
        for complaint in todo:
            try:
                with self.env.cr.savepoint():
                    Wizard.create(
                        {
                            "complaint_id": complaint.id,
                            "reply_text": text,
                            "reply_method": reply_method,
                        }
                    ).action_record_reply()
                done |= complaint
            except (UserError, AccessError, ValidationError) as error:
                refused.append((complaint, str(error.args[0] if error.args else error)))
        if done and not self.first_reply_date:
            self.sudo().first_reply_date = fields.Datetime.now()
        self._log_bulk(self.env._("Reply"), done, refused)
        return done, refused

    def _note_coordinated_reply(self, replied_date):
        """A complaint of these incidents was replied (hook of the reply
        wizard, also behind the bulk reply): once an incident's coordinated
        reply is written, the earliest such reply is its first coordinated
        reply — the time to it is what the HQ dashboard measures. Writes the
        incident only when that date moves: replies of its complaints do not
        all update one row."""
        for incident in self.sudo():
            if not html2plaintext(incident.reply_text or "").strip():
                continue
            if (
                not incident.first_reply_date
                or replied_date < incident.first_reply_date
            ):
                incident.first_reply_date = replied_date

    def _bulk_close(self):
        """Close every replied complaint of the incident through its own
        workflow; returns ``(done, refused)`` as :meth:`_bulk_reply`."""
        self.ensure_one()
        self._check_hq()
        done = self.env["huatai.complaint"]
        refused = []
        for complaint in self.complaint_ids.filtered(lambda c: not c.is_closed):
            try:
                with self.env.cr.savepoint():
                    complaint.action_close()
                done |= complaint
            except (UserError, AccessError, ValidationError) as error:
                refused.append((complaint, str(error.args[0] if error.args else error)))
        self._log_bulk(self.env._("Close"), done, refused)
        return done, refused

    def _log_bulk(self, what, done, refused):
        """The summary in the history (read by every unit in the incident);
        which complaints were refused and why in ``note`` (HQ only)."""
        summary = self.env._(
            "%(action)s: %(done)s done, %(refused)s refused.",
            action=what,
            done=len(done),
            refused=len(refused),
        )
        lines = [summary] + [f"{c.name}: {reason}" for c, reason in refused]
        self.sudo().note = "\n".join(lines)
        self.message_post(body=Markup("<p>%s</p>") % summary)

    # ------------------------------------------------------------------
    # Group complaints and alerts
    # ------------------------------------------------------------------
    def _apply_group_flag(self):
        """A confirmed incident at or above the group threshold: its
        complaints are group complaints (and so need Compliance's opinion)."""
        for incident in self.sudo().filtered(
            lambda i: i.state == "confirmed" and i.is_group
        ):
            to_flag = incident.complaint_ids.filtered(lambda c: not c.is_group)
            if to_flag:
                to_flag.write({"is_group": True})
                for complaint in to_flag:
                    complaint.message_post(
                        body=self.env._(
                            "Group complaint: part of the incident %(name)s "
                            "(%(count)s complainants).",
                            name=incident.name,
                            count=incident.complainant_count,
                        ),
                        subtype_xmlid="mail.mt_note",
                    )

    def _alert_group(self):
        """Retail Client Service HQ and Compliance learn at once of an
        incident at or above the group threshold: one activity each, once."""
        for incident in self.sudo().filtered(
            lambda i: i.is_group and not i.group_alerted and i.state in OPEN_STATES
        ):
            users = self.env["res.users"]
            for xmlid in (RETAIL_HQ_XMLID, COMPLIANCE_UNIT_XMLID):
                unit = self.env.ref(xmlid, raise_if_not_found=False)
                if unit:
                    users |= unit.sudo()._get_notification_users()[:1]
            # one alert for both roles, in the firm's language
            env = in_firm_lang(incident).env
            for user in users.filtered("active"):
                incident.activity_schedule(
                    act_type_xmlid=ALERT_ACTIVITY_XMLID,
                    summary=env._(
                        "Group incident: %(count)s complaints from %(units)s "
                        "units (%(people)s complainants)",
                        count=incident.complaint_count,
                        units=incident.unit_count,
                        people=incident.complainant_count,
                    ),
                    note=in_firm_lang(incident)._evidence_html(),
                    user_id=user.id,
                )
            incident.group_alerted = True

    def _evidence_html(self):
        """What the alert says: figures, not the complaints (the incident's
        Complaints tab lists those its reader may see)."""
        self.ensure_one()
        return Markup("<p>%s</p>") % self.env._(
            "%(count)s complaints of %(units)s units received between %(first)s "
            "and %(last)s: see the incident's complaints.",
            count=self.complaint_count,
            units=self.unit_count,
            first=incident_proposal.china_time(self.first_received),
            last=incident_proposal.china_time(self.last_received),
        )

    # ------------------------------------------------------------------
    # Proposal job (incident_proposal.py)
    # ------------------------------------------------------------------
    @api.model
    def _cron_propose_incidents(self, batch_size=2000):
        """Cluster the complaints registered since the last run with the
        recent ones, and propose incidents (or add to open ones); propose
        the earlier complaint each of them may duplicate."""
        Complaint = self.env["huatai.complaint"].sudo().with_context(active_test=False)
        pending = Complaint.search(
            [("incident_scan_pending", "=", True)], order="id", limit=batch_size
        )
        if not pending:
            return
        # what the job writes is read by the firm's people, not the cron's
        incident_proposal.propose_for(in_firm_lang(self.sudo()), pending)
        in_firm_lang(pending)._propose_duplicates()
        pending.write({"incident_scan_pending": False})
        remaining = Complaint.search_count([("incident_scan_pending", "=", True)])
        self.env["ir.cron"]._notify_progress(done=len(pending), remaining=remaining)
