"""Improvement actions (Art. 6, 7): what the analysis of complaints asks a
business department to change.

Retail Client Service HQ and the branch companies (unit heads) propose an
action for a business department from the recurring types they analyse, and
later from incidents: the proposal, the department it is for, an owner, a
due date, the complaints behind it; the department's users carry it out and
record the outcome. The owner gets an activity due on the due date; a daily
job tells the owner and the proposing unit's head once when the action is
late.

Visibility is stated on the action itself (record rules are evaluated as
superuser, so a rule on ``complaint_ids.…`` would not apply the complaints'
own rules): an action that names a whistleblowing report is confidential
(``is_confidential``) and only Compliance sees it; nobody can link a
complaint or incident they cannot read.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.workdays import china_today
from .huatai_complaint import COMPLIANCE_GROUP
from .mail_message import confidential_among, flag_confidential_messages

HQ_GROUP = "huatai_complaints.group_complaint_hq"
MANAGER_GROUP = "huatai_complaints.group_complaint_manager"
ACTIVITY_TYPE = "huatai_complaints.mail_activity_type_improvement"
LATE_ACTIVITY_TYPE = "huatai_complaints.mail_activity_type_improvement_late"
STATES = [
    ("draft", "Draft"),
    ("open", "In Progress"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
# what the users of the department an action is for may change themselves
TARGET_FIELDS = frozenset({"outcome"})
# what the transitions write (through _transition only)
TRANSITION_FIELDS = frozenset({"state", "done_date", "late_notified"})


class _Transition:
    """Marker of the actions' own transitions: a Python object, so it can
    never come from a client's (JSON) context."""

    __slots__ = ()


TRANSITION = _Transition()
TRANSITION_KEY = "huatai_improvement_transition"


class HuataiComplaintImprovement(models.Model):
    _name = "huatai.complaint.improvement"
    _description = "Complaint Improvement Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state_sequence, due_date, id desc"

    name = fields.Char(string="Title", required=True, tracking=True)
    proposal = fields.Text(
        required=True,
        help="What the business department should change, and why: the "
        "recurring type, the incident or the finding of the analysis.",
    )
    proposing_unit_id = fields.Many2one(
        "huatai.org.unit",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user.huatai_unit_ids[:1],
        help="Retail Client Service HQ or the branch company that proposes it.",
    )
    unit_id = fields.Many2one(
        "huatai.org.unit",
        string="Business Department",
        required=True,
        index=True,
        tracking=True,
        help="The department or unit that carries the improvement out.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
    )
    category_id = fields.Many2one(
        "huatai.complaint.category",
        string="Complaint Type",
        help="The recurring complaint type the action answers, if any.",
    )
    due_date = fields.Date(tracking=True)
    state = fields.Selection(
        STATES,
        string="Status",
        required=True,
        default="draft",
        tracking=True,
        group_expand="_expand_states",
        copy=False,
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    outcome = fields.Text(tracking=True, copy=False)
    done_date = fields.Date(string="Done On", readonly=True, copy=False)
    complaint_ids = fields.Many2many(
        "huatai.complaint",
        "huatai_complaint_improvement_rel",
        "improvement_id",
        "complaint_id",
        string="Complaints",
        copy=False,
    )
    complaint_count = fields.Integer(compute="_compute_complaint_count")
    incident_ids = fields.Many2many(
        "huatai.complaint.incident",
        "huatai_complaint_improvement_incident_rel",
        "improvement_id",
        "incident_id",
        string="Incidents",
        copy=False,
        help="The incidents (complaints of several units about one event) the "
        "action answers.",
    )
    is_confidential = fields.Boolean(
        compute="_compute_is_confidential",
        store=True,
        index=True,
        help="Names a whistleblowing report: only Compliance sees the action.",
    )
    is_late = fields.Boolean(compute="_compute_is_late", search="_search_is_late")
    late_notified = fields.Boolean(readonly=True, copy=False)
    color = fields.Integer()

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {code: index for index, (code, _label) in enumerate(STATES)}
        for action in self:
            action.state_sequence = order.get(action.state, 0)

    @api.depends("complaint_ids")
    def _compute_complaint_count(self):
        for action in self:
            action.complaint_count = len(action.complaint_ids)

    @api.depends("complaint_ids.is_confidential")
    def _compute_is_confidential(self):
        for action in self:
            action.is_confidential = any(
                action.sudo().complaint_ids.mapped("is_confidential")
            )

    @api.depends("state", "due_date")
    def _compute_is_late(self):
        today = china_today()
        for action in self:
            action.is_late = bool(
                action.state == "open" and action.due_date and action.due_date < today
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on late actions."))
        late = [("state", "=", "open"), ("due_date", "<", china_today())]
        if (operator == "=") == value:
            return late
        return ["|", "|", ("state", "!=", "open"), ("due_date", "=", False)] + [
            ("due_date", ">=", china_today())
        ]

    def _expand_states(self, states, domain):
        return [code for code, _label in STATES]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if set(vals) & TRANSITION_FIELDS - {"state"} or vals.get(
                "state", "draft"
            ) not in ("draft", "open"):
                raise UserError(
                    self.env._("An improvement action starts as a draft or open.")
                )
        # the owner hears of it through the activity: no assignment mail,
        # which would stay readable by them if the action became confidential
        actions = super(
            HuataiComplaintImprovement,
            self.with_context(mail_auto_subscribe_no_notify=True),
        ).create(vals_list)
        actions._check_links_readable()
        actions.filtered("is_confidential")._seal_for_compliance()
        actions.filtered(lambda a: a.state == "open")._schedule_owner_activity()
        return actions

    def write(self, vals):
        if self.env.context.get(TRANSITION_KEY) is not TRANSITION:
            if set(vals) & TRANSITION_FIELDS:
                raise UserError(
                    self.env._(
                        "Change the status of an improvement action with its "
                        "buttons (open, done, cancel)."
                    )
                )
            if set(vals) - TARGET_FIELDS:
                self._check_proposer()
        res = super(
            HuataiComplaintImprovement,
            self.with_context(mail_auto_subscribe_no_notify=True),
        ).write(vals)
        if "complaint_ids" in vals or "incident_ids" in vals:
            self._check_links_readable()
        if "complaint_ids" in vals:
            self.filtered("is_confidential")._seal_for_compliance()
        if {"user_id", "due_date"} & set(vals):
            opened = self.filtered(lambda a: a.state == "open")
            if "due_date" in vals:
                opened.with_context(
                    **{TRANSITION_KEY: TRANSITION}
                ).late_notified = False
            opened._schedule_owner_activity()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open(self):
        self._check_proposer()
        for action in self:
            if action.state != "draft":
                raise UserError(self.env._("Only a draft can be opened."))
            if not (action.user_id and action.due_date):
                raise UserError(
                    self.env._("Give the action an owner and a due date first.")
                )
        self._transition({"state": "open"})
        self._schedule_owner_activity()
        return True

    def action_done(self):
        self.check_access("write")
        for action in self:
            if action.state != "open":
                raise UserError(self.env._("Only an action in progress can be done."))
            if not (action.outcome or "").strip():
                raise UserError(
                    self.env._("Record the outcome before marking the action done.")
                )
        self._transition({"state": "done", "done_date": china_today()})
        self._close_activities()
        return True

    def action_cancel(self):
        self._check_proposer()
        if self.filtered(lambda a: a.state == "done"):
            raise UserError(self.env._("A done action cannot be cancelled."))
        self._transition({"state": "cancelled"})
        self._close_activities()
        return True

    def action_draft(self):
        self._check_proposer()
        if self.filtered(lambda a: a.state != "cancelled"):
            raise UserError(self.env._("Only a cancelled action goes back to draft."))
        self._transition({"state": "draft", "done_date": False})
        return True

    def action_view_complaints(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Complaints"),
            "res_model": "huatai.complaint",
            "view_mode": "list,form",
            "domain": [("id", "in", self.complaint_ids.ids)],
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _transition(self, vals):
        self.check_access("write")
        self.with_context(**{TRANSITION_KEY: TRANSITION}).write(vals)

    def _may_propose(self):
        """Whether the current user proposes this action: HQ, Compliance, or
        a unit head whose units hold the proposing unit."""
        self.ensure_one()
        user = self.env.user
        if self.env.su or user.has_group(HQ_GROUP) or user.has_group(COMPLIANCE_GROUP):
            return True
        if not user.has_group(MANAGER_GROUP):
            return False
        path = self.sudo().proposing_unit_id.parent_path or ""
        return any(
            path.startswith(unit.parent_path)
            for unit in user.sudo().huatai_unit_ids
            if unit.parent_path
        )

    def _check_proposer(self):
        self.check_access("write")
        for action in self:
            if not action._may_propose():
                raise AccessError(
                    self.env._(
                        "Only the unit that proposed the improvement action "
                        "(or Retail Client Service HQ) may change it; the "
                        "business department records the outcome."
                    )
                )

    def _check_links_readable(self):
        """Nobody links a complaint or an incident they may not read (a
        whistleblowing report for anyone but Compliance, an incident of
        other units): the ordinary access error."""
        if self.env.su:
            return
        for links in (self.sudo().complaint_ids, self.sudo().incident_ids):
            if links:
                links.with_env(self.env).check_access("read")

    def _schedule_owner_activity(self):
        """One activity for the owner, due on the due date (moved with them)."""
        for action in self.sudo():
            action.activity_unlink([ACTIVITY_TYPE])
            owner = action.user_id
            if not (owner and action.due_date) or not action._may_be_told(owner):
                continue
            action.activity_schedule(
                ACTIVITY_TYPE,
                date_deadline=action.due_date,
                user_id=owner.id,
                note=action.name,
            )

    def _may_be_told(self, user):
        """Whether ``user`` may get activities of this action: a confidential
        action (it names a whistleblowing report) is for Compliance only."""
        self.ensure_one()
        if not user.active or user.share:
            return False
        return not self.is_confidential or user.has_group(COMPLIANCE_GROUP)

    def _seal_for_compliance(self):
        """These actions name a whistleblowing report: nobody outside
        Compliance keeps a way to them (followers, activities, messages:
        the messages' flag is read by the record rules of mail.message)."""
        actions = self.sudo()
        if not actions:
            return
        insiders = self.env["huatai.complaint"]._huatai_insider_users()
        outsiders = actions.message_partner_ids - insiders.partner_id
        if outsiders:
            actions.message_unsubscribe(partner_ids=outsiders.ids)
        actions.activity_ids.filtered(lambda a: a.user_id not in insiders).unlink()
        flag_confidential_messages(actions)

    @api.model
    def _huatai_confidential_ids(self, ids):
        """The actions naming a report among ``ids``: Compliance's alone,
        the messages posted on them after their seal too
        (``mail_message.py``)."""
        return confidential_among(self, ids, "is_confidential")

    @api.model
    def _seal_for_complaints(self, complaints):
        """``complaints`` became whistleblowing reports (called by the
        complaint's ``_seal_confidential``): seal the actions naming them."""
        if complaints:
            self.sudo().search(
                [("complaint_ids", "in", complaints.ids)]
            )._seal_for_compliance()

    def _close_activities(self):
        self.sudo().activity_unlink([ACTIVITY_TYPE, LATE_ACTIVITY_TYPE])

    @api.model
    def _cron_follow_up_late(self):
        """Once per due date, tell the owner and the proposing unit's head
        that an action is late (an activity each)."""
        late = self.sudo().search(
            [
                ("state", "=", "open"),
                ("due_date", "<", china_today()),
                ("late_notified", "=", False),
            ]
        )
        deadline = china_today() + timedelta(days=1)
        for action in late:
            users = (action.user_id | action.proposing_unit_id.manager_id).filtered(
                action._may_be_told
            )
            for user in users:
                action.activity_schedule(
                    LATE_ACTIVITY_TYPE,
                    date_deadline=deadline,
                    user_id=user.id,
                    note=self.env._(
                        "The improvement action was due on %(date)s.",
                        date=action.due_date,
                    ),
                )
            action._transition({"late_notified": True})
        return len(late)
