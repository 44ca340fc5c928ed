"""The complaint (SPEC §3): its record, its one ``create`` and one ``write``.

``huatai.complaint`` is one model split by concern, one file each
(``huatai_complaint_<concern>.py``, see docs/architecture.md). Only this file
overrides ``create``, ``write``, ``copy`` and ``init``: they call the named
steps that the concern files define, in the order their docstrings give.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import create_index, index_exists

from ..tools.settings import GROUP_THRESHOLD, read_setting

CHANNELS = [
    ("phone", "Phone"),
    ("letter", "Letter"),
    ("email", "Email"),
    ("fax", "Fax"),
    ("onsite", "On-site"),
    ("website", "Company Website"),
    ("regulator", "Forwarded by Regulator"),
]

REGULATOR_AUTHORITIES = [
    ("csrc", "CSRC"),
    ("csrc_bureau", "CSRC Local Bureau"),
    ("hotline_12386", "12386 Hotline"),
    ("sac", "Securities Association of China"),
    ("other", "Other Authority"),
]

# how the reply was given (the complaint, the reply wizard, an incident's
# coordinated reply)
REPLY_METHODS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("onsite", "In Person"),
]

# stage meanings that come after the complaint was accepted for handling
WORKED_STATES = {
    "accepted",
    "in_progress",
    "compliance",
    "replied",
    "callback",
    "closed",
}
REPLIED_STATES = {"replied", "callback", "closed"}

COMPLIANCE_GROUP = "huatai_complaints.group_complaint_compliance"
MANAGER_GROUP = "huatai_complaints.group_complaint_manager"
ADMIN_GROUP = "huatai_complaints.group_complaint_admin"


SEVERITY_FLAGS = (
    "is_major",
    "is_group",
    "is_difficult",
    "is_media",
    "is_judicial",
    "is_compensation",
)


class HuataiComplaint(models.Model):
    _name = "huatai.complaint"
    _description = "Customer Complaint"
    _inherit = ["portal.mixin", "mail.thread.cc", "mail.activity.mixin"]
    _order = "priority desc, received_date desc, id desc"
    _check_company_auto = False
    _mail_post_access = "read"
    _primary_email = "complainant_email"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    # A portal client may read their own complaint: what they told us, its
    # stage, the reply and the deadlines promised to them.  How it is handled
    # (owner, routing, severity, compliance, deadline internals, callbacks)
    # is for staff: groups="base.group_user" on those fields, in every file of
    # the model.  priority and received_date stay readable: they are the
    # model's default order, which every search reads.
    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    active = fields.Boolean(default=True, tracking=True)
    priority = fields.Selection(
        [("0", "Normal"), ("1", "Urgent")], default="0", index=True, tracking=True
    )
    color = fields.Integer(groups="base.group_user")
    channel = fields.Selection(
        CHANNELS, required=True, default="phone", tracking=True, index=True
    )
    category_id = fields.Many2one(
        "huatai.complaint.category",
        string="Complaint Type",
        required=True,
        tracking=True,
        index=True,
        ondelete="restrict",
    )
    is_confidential = fields.Boolean(
        string="Whistleblowing",
        compute="_compute_is_confidential",
        store=True,
        # before the INSERT: the routing's query reads it (else two UPDATEs)
        precompute=True,
        index=True,
        help="Whistleblowing reports are visible to Compliance only.",
        groups="base.group_user",
    )
    # complainant
    partner_id = fields.Many2one(
        "res.partner", string="Complainant Contact", tracking=True, index=True
    )
    complainant_name = fields.Char(required=True, tracking=True)
    complainant_phone = fields.Char(tracking=True)
    complainant_email = fields.Char(tracking=True)
    complainant_address = fields.Char(tracking=True)
    # not tracked: a tracked value would copy the ID number into the chatter,
    # where everyone who reads the complaint would see it
    complainant_id_number = fields.Char(
        string="ID Number",
        groups="huatai_complaints.group_complaint_user",
        help="Identity document number (personal data).",
    )
    client_account = fields.Char(index=True, tracking=True)
    # respondent (who the complaint is about)
    respondent_name = fields.Char(string="Respondent", tracking=True)
    respondent_position = fields.Char(tracking=True)
    respondent_unit_id = fields.Many2one("huatai.org.unit", index=True, tracking=True)
    # facts and demands
    description = fields.Text(string="Facts", required=True, tracking=True)
    demand = fields.Text(string="Demands", tracking=True)
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    compensation_amount = fields.Monetary(
        string="Compensation Claimed", currency_field="currency_id", tracking=True
    )
    # intake
    received_date = fields.Datetime(
        string="Received On",
        required=True,
        default=fields.Datetime.now,
        tracking=True,
        index=True,
    )
    accepting_unit_id = fields.Many2one(
        "huatai.org.unit",
        required=True,
        default=lambda self: self._default_accepting_unit(),
        tracking=True,
        index=True,
        ondelete="restrict",
        help="The unit that received the complaint. It stays accountable for "
        "the reply to the client, even when another unit handles it.",
    )
    accepting_user_id = fields.Many2one(
        "res.users",
        string="Accepted By",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        groups="base.group_user",
    )
    handling_unit_id = fields.Many2one(
        "huatai.org.unit",
        tracking=True,
        index=True,
        ondelete="restrict",
        groups="base.group_user",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
        groups="base.group_user",
    )
    stage_id = fields.Many2one(
        "huatai.complaint.stage",
        default=lambda self: self._default_stage(),
        group_expand="_read_group_stage_ids",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
    )
    stage_state = fields.Selection(
        related="stage_id.state",
        string="Stage Meaning",
        store=True,
        index=True,
        precompute=True,
    )
    is_closed = fields.Boolean(
        related="stage_id.is_closed", store=True, index=True, precompute=True
    )
    # severity
    is_major = fields.Boolean(string="Major", tracking=True, groups="base.group_user")
    is_group = fields.Boolean(
        string="Group Complaint",
        compute="_compute_is_group",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        groups="base.group_user",
    )
    complainant_count = fields.Integer(
        string="Number of Complainants",
        default=1,
        tracking=True,
        groups="base.group_user",
    )
    is_difficult = fields.Boolean(
        string="Difficult", tracking=True, groups="base.group_user"
    )
    is_media = fields.Boolean(
        string="Media-related", tracking=True, groups="base.group_user"
    )
    is_judicial = fields.Boolean(
        string="Judicial", tracking=True, groups="base.group_user"
    )
    is_compensation = fields.Boolean(
        string="Compensation Requested",
        compute="_compute_is_compensation",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        groups="base.group_user",
    )
    # regulator-forwarded and on-site intake: huatai_complaint_intake.py
    # handling, reply and closing
    accepted_date = fields.Datetime(string="Accepted On", copy=False, readonly=True)
    # deadlines: see huatai_complaint_deadline.py
    # not tracked (the chatter cannot track HTML): the reply wizard posts the
    # reply's text in the chatter when it records it
    reply_text = fields.Html(string="Reply to Complainant", copy=False)
    reply_method = fields.Selection(REPLY_METHODS, copy=False)
    replied_date = fields.Datetime(
        string="Replied On", copy=False, tracking=True, readonly=True
    )
    replied_by_id = fields.Many2one(
        "res.users", copy=False, readonly=True, groups="base.group_user"
    )
    replied_unit_id = fields.Many2one(
        "huatai.org.unit",
        string="Replying Unit",
        copy=False,
        readonly=True,
        groups="base.group_user",
    )
    closed_date = fields.Datetime(
        string="Closed On", copy=False, tracking=True, readonly=True, index=True
    )
    rejection_reason = fields.Text(copy=False, tracking=True)
    dispatch_ids = fields.One2many(
        "huatai.complaint.dispatch",
        "complaint_id",
        string="Dispatch History",
        groups="base.group_user",
    )
    dispatch_count = fields.Integer(
        compute="_compute_dispatch_count", groups="base.group_user"
    )
    user_is_compliance = fields.Boolean(
        compute="_compute_user_is_compliance", groups="base.group_user"
    )
    in_my_units = fields.Boolean(
        compute="_compute_in_my_units",
        search="_search_in_my_units",
        help="Accepted or handled by one of my units or their sub-units.",
        groups="base.group_user",
    )

    _sql_constraints = [
        ("name_unique", "unique(name)", "The complaint reference must be unique."),
        (
            "complainant_count_positive",
            "CHECK(complainant_count >= 1)",
            "A complaint has at least one complainant.",
        ),
        (
            "compensation_not_negative",
            "CHECK(compensation_amount IS NULL OR compensation_amount >= 0)",
            "The compensation claimed cannot be negative.",
        ),
    ]

    def init(self):
        res = super().init()
        # The boards and lists work on the open complaints (~10% of millions):
        # partial indexes on them, in the default order.  The first serves the
        # kanban (grouped by stage; its INCLUDE columns let the column counts, the
        # progress bar and the record rules' conditions -- the callback unit's
        # rule included -- be read from the index alone), the second the list's
        # first page.  The WHERE clause is the one the ORM writes for
        # ('is_closed', '=', False).
        open_only = SQL("is_closed IS NULL OR NOT is_closed")
        indexes = {
            "huatai_complaint_open_stage_index": SQL(
                "(stage_id, priority DESC, received_date DESC, id DESC) INCLUDE "
                "(active, is_closed, is_confidential, accepting_unit_id, "
                "handling_unit_id, user_id, callback_unit_id, deadline_state)"
            ),
            "huatai_complaint_open_order_index": SQL(
                "(priority DESC, received_date DESC, id DESC)"
            ),
        }
        cr = self.env.cr
        # an older definition without the callback unit: built again
        cr.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = %s "
            "AND indexdef NOT LIKE %s",
            ["huatai_complaint_open_stage_index", "%callback_unit_id%"],
        )
        for (stale,) in cr.fetchall():
            cr.execute(SQL("DROP INDEX %s", SQL.identifier(stale)))
        for name, columns in indexes.items():
            if not index_exists(self.env.cr, name):
                self.env.cr.execute(
                    SQL(
                        "CREATE INDEX %s ON %s %s WHERE %s",
                        SQL.identifier(name),
                        SQL.identifier(self._table),
                        columns,
                        open_only,
                    )
                )
        # "To Acknowledge": the few complaints never acknowledged
        create_index(
            cr,
            "huatai_complaint_acknowledgement_due_index",
            self._table,
            ["acknowledgement_deadline"],
            where="acknowledged_date IS NULL",
        )
        # the acknowledgement job's queue
        create_index(
            cr,
            "huatai_complaint_acknowledgement_pending_index",
            self._table,
            ["id"],
            where="acknowledgement_pending",
        )
        return res

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------
    def _default_accepting_unit(self):
        return self.env.user.huatai_unit_ids[:1]

    def _default_stage(self):
        return self.env["huatai.complaint.stage"]._first()

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([])

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("category_id.is_confidential")
    def _compute_is_confidential(self):
        for complaint in self:
            complaint.is_confidential = complaint.category_id.is_confidential

    @api.depends("complainant_count")
    def _compute_is_group(self):
        threshold = self._group_threshold()
        for complaint in self:
            complaint.is_group = complaint.complainant_count >= threshold

    @api.model
    def _group_threshold(self):
        return read_setting(self.env, GROUP_THRESHOLD)

    @api.depends("compensation_amount")
    def _compute_is_compensation(self):
        for complaint in self:
            # an amount implies it; without one, what was set by hand stays
            # (assigned either way: computed before the INSERT too)
            complaint.is_compensation = (
                bool(complaint.compensation_amount) or complaint.is_compensation
            )

    def _compute_dispatch_count(self):
        counts = dict(
            self.env["huatai.complaint.dispatch"]._read_group(
                [("complaint_id", "in", self.ids)], ["complaint_id"], ["__count"]
            )
        )
        for complaint in self:
            complaint.dispatch_count = counts.get(complaint, 0)

    def _compute_user_is_compliance(self):
        is_compliance = self.env.user.has_group(COMPLIANCE_GROUP)
        for complaint in self:
            complaint.user_is_compliance = is_compliance

    def _compute_in_my_units(self):
        units = self.env["huatai.org.unit"].search(
            [("id", "child_of", self.env.user.huatai_unit_ids.ids)]
        )
        for complaint in self:
            complaint.in_my_units = bool(
                (complaint.accepting_unit_id | complaint.handling_unit_id) & units
            )

    def _search_in_my_units(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on 'In My Units'."))
        unit_ids = self.env.user.huatai_unit_ids.ids
        domain = [
            "|",
            ("accepting_unit_id", "child_of", unit_ids),
            ("handling_unit_id", "child_of", unit_ids),
        ]
        if (operator == "=") != value:
            domain = ["!", *domain]
        return domain

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"
        return res

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """Register complaints. The steps, in this order:

        1. a submission retried by its client gets the complaint stored the
           first time, and nothing below runs again for it (idempotency);
        2. the caller may set these values: workflow fields, the compliance
           opinion (guard, compliance);
        3. the values are completed: reference, handling unit, recording
           consent, the complainant's contact (partner);
        4. the record is created; its stage's effects and requirements;
        5. a whistleblowing report is sealed and handed over to Compliance;
        6. the deadline clocks (paused or running);
        7. routing, owner, escalation to HQ and Compliance;
        8. the complainant follows it and is acknowledged (queued); the
           analysis job (incidents, duplicates) is triggered;
        9. a report's owner is a Compliance member.
        """
        retried = self._find_retried_submissions(vals_list)
        todo = [
            vals for vals in vals_list if vals.get("external_reference") not in retried
        ]
        if not todo:
            return self._with_retried_submissions(vals_list, retried, self.browse())
        # never change the caller's dicts: a request retried after a
        # serialization failure calls create again with the same ones
        todo = [self._without_empty_clocks(vals) for vals in todo]
        for vals in todo:
            self._check_workflow_fields(vals, creating=True)
        self._check_opinion_rights(todo)
        todo = [self._prepare_new_complaint_values(vals) for vals in todo]
        todo = self._prepare_complainant_partners(todo)
        complaints = super().create(todo)
        complaints._fill_handling_unit()
        complaints._apply_stage_side_effects()
        complaints._check_stage_requirements()
        complaints.filtered("is_confidential")._seal_new_reports()
        complaints._update_clock_pause()
        if not self.env.context.get("huatai_skip_routing"):
            complaints._apply_routing()
        complaints._assign_default_owner()
        complaints._escalate()
        complaints._subscribe_complainant()
        complaints._queue_acknowledgements()
        complaints._schedule_analysis()
        complaints._check_confidential_owner()
        return self._with_retried_submissions(vals_list, retried, complaints)

    def write(self, vals):
        """Change complaints. The steps, in this order:

        1. the caller may change these fields: workflow fields, the compliance
           opinion, archiving, a finished complaint (guard, compliance, lock);
        2. before the write: the routing rule each complaint matches, its
           confidentiality; the values completed (closing date, consent);
        3. the write; the new stage's effects and requirements;
        4. sealed, unsealed or handed over to Compliance (category changed);
        5. the deadline clocks (stage or policy changed);
        6. routed again, owner on acceptance, escalation;
        7. the complainant follows it; callback and survey after the reply;
        8. a report's owner is a Compliance member.
        """
        self._check_workflow_fields(vals)
        self._check_opinion_rights([vals])
        rerouting = self._rerouting_before_write(vals)
        self._check_archive_rights(vals)
        self._check_closed_lock(vals)
        confidentiality = self._confidentiality_before_write(vals)
        res = super().write(self._prepare_write_values(vals))
        if "stage_id" in vals:
            self._apply_stage_side_effects()
            self._check_stage_requirements()
        if confidentiality:
            self._apply_confidentiality_change(*confidentiality)
        if "stage_id" in vals or "deadline_policy_override_id" in vals:
            self._update_clock_pause()
        if rerouting:
            self._reroute_after_change(*rerouting)
        if "stage_id" in vals:
            self._assign_owner_on_acceptance()
        self._escalate_after_write(vals)
        if vals.get("partner_id"):
            self._subscribe_complainant()
        self._after_write_followup(vals)
        if "user_id" in vals:
            self._check_confidential_owner()
        return res

    # ------------------------------------------------------------------
    # Steps of create and write
    # ------------------------------------------------------------------
    @api.model
    def _prepare_new_complaint_values(self, vals):
        """A copy of ``vals`` completed: reference from the sequence (dated
        by the receipt), handling unit, recording consent."""
        vals = dict(vals)
        self._consent_state_from_boolean(vals)
        if not vals.get("name") or vals["name"] == self.env._("New"):
            received = (
                fields.Datetime.to_datetime(vals.get("received_date"))
                or fields.Datetime.now()
            )
            vals["name"] = self.env["ir.sequence"]._next_by_code_cached(
                "huatai.complaint", sequence_date=received
            ) or self.env._("New")
        if not vals.get("handling_unit_id") and vals.get("accepting_unit_id"):
            vals["handling_unit_id"] = vals["accepting_unit_id"]
        return vals

    def _fill_handling_unit(self):
        for complaint in self:
            if not complaint.handling_unit_id:
                complaint.handling_unit_id = complaint.accepting_unit_id

    def _prepare_write_values(self, vals):
        """A copy of ``vals`` completed: the closing date follows the stage,
        the recording consent its boolean."""
        vals = dict(vals)  # the caller's dict stays as given (retries)
        self._consent_state_from_boolean(vals)
        if vals.get("stage_id"):
            stage = self.env["huatai.complaint.stage"].browse(vals["stage_id"])
            if stage.is_closed:
                vals.setdefault("closed_date", fields.Datetime.now())
            else:
                vals["closed_date"] = False
        return vals

    @api.ondelete(at_uninstall=False)
    def _unlink_except_complaint(self):
        if not self.env.is_superuser():
            raise UserError(
                self.env._(
                    "Complaints are business records and are never deleted: "
                    "archive them instead."
                )
            )

    def copy(self, default=None):
        if self:
            raise UserError(self.env._("Complaints cannot be duplicated."))
        return super().copy(default=default)
