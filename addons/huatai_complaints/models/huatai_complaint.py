from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize
from odoo.tools.sql import index_exists

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

# What may still change on a closed (or rejected) complaint besides reopening
# it: bookkeeping that Odoo and the jobs write (mail, portal, alerts, the
# callback unit, the retention stamp). Archiving has its own rules. The
# chatter, followers, activities, callbacks and surveys live in their own
# records and never write the complaint.
CLOSED_WRITABLE_FIELDS = {
    "active",
    "access_token",
    "email_cc",
    "acknowledgement_pending",
    "alert_due_soon_key",
    "alert_overdue_key",
    "escalation_notified",
    "media_escalated",
    "callback_unit_id",
    "clock_paused_since",
    "paused_days",
    "records_erased_date",
}
# fields that stay editable in the views of a closed complaint: the stage bar
# reopens it, the others are the chatter's and the activities'
LOCK_EXEMPT_VIEW_FIELDS = {
    "stage_id",
    "active",
    "activity_ids",
    "message_ids",
    "message_follower_ids",
}
WHISTLEBLOWING_CATEGORY = "huatai_complaints.category_whistleblowing"
HANDOVER_ACTIVITY = "huatai_complaints.mail_activity_type_whistleblowing_handover"


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
        # computed before the INSERT: the routing's query reads it, which
        # would otherwise write every new complaint twice (two UPDATEs, each
        # a new row version in every index and a run of the reports' trigger)
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
        related="stage_id.state", string="Stage Meaning", store=True, index=True
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, index=True)
    # severity
    is_major = fields.Boolean(string="Major", tracking=True, groups="base.group_user")
    is_group = fields.Boolean(
        string="Group Complaint",
        compute="_compute_is_group",
        store=True,
        readonly=False,
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
        tracking=True,
        groups="base.group_user",
    )
    # regulator-forwarded
    regulator_authority = fields.Selection(
        REGULATOR_AUTHORITIES,
        string="Forwarding Authority",
        tracking=True,
        groups="base.group_user",
    )
    regulator_reference = fields.Char(tracking=True, groups="base.group_user")
    regulator_deadline = fields.Date(tracking=True, groups="base.group_user")
    # on-site intake
    recording_consent_state = fields.Selection(
        [("granted", "Consented to recording"), ("refused", "Refused recording")],
        string="Recording Consent Decision",
        tracking=True,
    )
    recording_consent = fields.Boolean(
        compute="_compute_recording_consent",
        inverse="_inverse_recording_consent",
        store=True,
        help="Whether the complainant consented to the on-site conversation "
        "being recorded.",
    )
    # handling, reply and closing
    accepted_date = fields.Datetime(string="Accepted On", copy=False, readonly=True)
    # deadlines: see huatai_complaint_process.py
    # not tracked (the chatter cannot track HTML): the reply wizard posts the
    # reply's text in the chatter when it records it
    reply_text = fields.Html(string="Reply to Complainant", copy=False)
    reply_method = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "Email"),
            ("letter", "Letter"),
            ("onsite", "In Person"),
        ],
        copy=False,
    )
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
    # not staff only: it only says what the stage says, and the kanban and list
    # views make their fields read-only with it
    is_locked = fields.Boolean(
        compute="_compute_is_locked",
        help="Closed or rejected: read-only until reopened (complaint "
        "administrators can still correct it).",
    )
    other_complaint_count = fields.Integer(
        string="Other Complaints",
        compute="_compute_other_complaint_count",
        groups="base.group_user",
        help="Other complaints of the same contact or client account that you may see.",
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
        return res

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------
    def _default_accepting_unit(self):
        return self.env.user.huatai_unit_ids[:1]

    def _default_stage(self):
        return self.env["huatai.complaint.stage"].search([], limit=1)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([])

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains(
        "channel",
        "regulator_authority",
        "regulator_reference",
        "regulator_deadline",
        "recording_consent_state",
        "received_date",
    )
    def _check_channel_requirements(self):
        for complaint in self:
            if complaint.channel == "regulator":
                if not (
                    complaint.regulator_authority
                    and complaint.regulator_reference
                    and complaint.regulator_deadline
                ):
                    raise ValidationError(
                        self.env._(
                            "A complaint forwarded by a regulator needs the "
                            "forwarding authority, its reference number and its "
                            "reply deadline."
                        )
                    )
                if complaint.regulator_deadline < complaint.received_date.date():
                    raise ValidationError(
                        self.env._(
                            "The regulator's deadline cannot be before the date "
                            "the complaint was received."
                        )
                    )
            if complaint.channel == "onsite" and not complaint.recording_consent_state:
                raise ValidationError(
                    self.env._(
                        "For an on-site complaint, record whether the complainant "
                        "consented to the conversation being recorded."
                    )
                )

    @api.constrains("channel", "accepting_unit_id")
    def _check_accepting_unit_channel(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for complaint in self:
            unit = complaint.accepting_unit_id
            if unit and not unit._accepts_channel(complaint.channel):
                raise ValidationError(
                    self.env._(
                        "%(unit)s cannot accept complaints through the channel "
                        "%(channel)s: that channel is taken at company HQ.",
                        unit=unit.display_name,
                        channel=channels[complaint.channel],
                    )
                )

    @api.constrains("received_date")
    def _check_received_date(self):
        limit = fields.Datetime.add(fields.Datetime.now(), days=1)
        for complaint in self:
            if complaint.received_date > limit:
                raise ValidationError(
                    self.env._("A complaint cannot be received in the future.")
                )

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
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("huatai_complaints.group_threshold", "5")
        )
        try:
            return max(int(value), 2)
        except ValueError:
            return 5

    @api.depends("compensation_amount")
    def _compute_is_compensation(self):
        for complaint in self:
            if complaint.compensation_amount:
                complaint.is_compensation = True

    @api.depends("recording_consent_state")
    def _compute_recording_consent(self):
        for complaint in self:
            complaint.recording_consent = complaint.recording_consent_state == "granted"

    def _inverse_recording_consent(self):
        for complaint in self:
            complaint.recording_consent_state = (
                "granted" if complaint.recording_consent else "refused"
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

    @api.depends("is_closed")
    @api.depends_context("uid")
    def _compute_is_locked(self):
        may_correct = self._may_correct_closed()
        for complaint in self:
            complaint.is_locked = complaint.is_closed and not may_correct

    @api.depends("partner_id", "client_account")
    @api.depends_context("uid")
    def _compute_other_complaint_count(self):
        """Complaints of the same contact or client account, as the current
        user may see them: one grouped count for the whole batch."""
        keyed = self.filtered(lambda c: c.partner_id or c.client_account)
        counts = dict.fromkeys(self, 0)
        if keyed:
            batch_ids = [c._origin.id for c in self if c._origin.id]
            domain = keyed._other_complaints_domain()
            if batch_ids:
                domain = [("id", "not in", batch_ids), *domain]
            # the complaints outside the batch, per (contact, account)
            groups = self.with_context(active_test=True)._read_group(
                domain, ["partner_id", "client_account"], ["__count"]
            )
            for complaint in keyed:
                counts[complaint] = sum(
                    count
                    for partner, account, count in groups
                    if complaint._same_complainant(partner, account)
                )
                # the batch's own, from memory
                counts[complaint] += len(
                    (self - complaint).filtered(
                        lambda other, c=complaint: (
                            other.active
                            and c._same_complainant(
                                other.partner_id, other.client_account
                            )
                        )
                    )
                )
        for complaint in self:
            complaint.other_complaint_count = counts[complaint]

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
    # Onchanges
    # ------------------------------------------------------------------
    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        partner = self.partner_id
        if partner:
            self.complainant_name = self.complainant_name or partner.name
            self.complainant_email = self.complainant_email or partner.email
            self.complainant_phone = (
                self.complainant_phone or partner.mobile or partner.phone
            )

    @api.onchange("channel")
    def _onchange_channel(self):
        if self.channel != "regulator":
            self.regulator_authority = False
            self.regulator_reference = False
            self.regulator_deadline = False
        if self.channel != "onsite":
            self.recording_consent_state = False

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # never change the caller's dicts: a request retried after a
        # serialization failure calls create again with the same ones
        vals_list = [dict(vals) for vals in vals_list]
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            self._consent_state_from_boolean(vals)
            if not vals.get("name") or vals["name"] == self.env._("New"):
                received = (
                    fields.Datetime.to_datetime(vals.get("received_date"))
                    or fields.Datetime.now()
                )
                vals["name"] = sequence.next_by_code(
                    "huatai.complaint", sequence_date=received
                ) or self.env._("New")
            if not vals.get("handling_unit_id") and vals.get("accepting_unit_id"):
                vals["handling_unit_id"] = vals["accepting_unit_id"]
        vals_list = self._prepare_complainant_partners(vals_list)
        complaints = super().create(vals_list)
        for complaint in complaints:
            if not complaint.handling_unit_id:
                complaint.handling_unit_id = complaint.accepting_unit_id
        complaints._apply_stage_side_effects()
        complaints._check_stage_requirements()
        confidential = complaints.filtered("is_confidential")
        if confidential:
            confidential._seal_confidential()
            confidential._hand_over_to_compliance()
        return complaints

    def write(self, vals):
        vals = dict(vals)  # the caller's dict stays as given (retries)
        self._check_archive_rights(vals)
        self._check_closed_lock(vals)
        self._consent_state_from_boolean(vals)
        if vals.get("stage_id"):
            stage = self.env["huatai.complaint.stage"].browse(vals["stage_id"])
            if stage.is_closed:
                vals.setdefault("closed_date", fields.Datetime.now())
            else:
                vals["closed_date"] = False
        becoming_confidential = was_confidential = self.browse()
        if "category_id" in vals:
            becoming_confidential = self.sudo().filtered(
                lambda c: not c.is_confidential
            )
            was_confidential = self.sudo() - becoming_confidential
        res = super().write(vals)
        if "stage_id" in vals:
            self._apply_stage_side_effects()
            self._check_stage_requirements()
        if "category_id" in vals:
            # whoever writes it may not read the record any more
            confidential = self.sudo().filtered("is_confidential")
            confidential._seal_confidential()
            (was_confidential - confidential)._unseal()
            handed_over = becoming_confidential & confidential
            if handed_over:
                handed_over.with_env(self.env)._hand_over_existing_to_compliance(
                    self.env.context.get("huatai_handover_reason")
                )
        return res

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type in ("form", "list", "kanban"):
            self._lock_view_fields(arch)
        return arch, view

    @api.model
    def _lock_view_fields(self, arch):
        """Make the complaint's fields read-only in the views once it is
        closed (``is_locked``): the stage bar stays clickable to reopen it.
        Done here rather than on each field of the arch, so that fields added
        later (or by other modules) are locked too; write() enforces it."""
        for node in arch.iter("field"):
            fname = node.get("name")
            field = self._fields.get(fname)
            if (
                not field
                or fname in LOCK_EXEMPT_VIEW_FIELDS
                or fname == "is_locked"
                # the fields of an embedded list or form are another model's
                or any(parent.tag == "field" for parent in node.iterancestors())
            ):
                continue
            readonly = (node.get("readonly") or "").strip()
            if readonly in ("1", "True", "true"):
                continue
            if not readonly or readonly in ("0", "False", "false"):
                if field.readonly:
                    continue
                node.set("readonly", "is_locked")
            else:
                node.set("readonly", f"is_locked or ({readonly})")

    def _check_closed_lock(self, vals):
        """Refuse changes to closed or rejected complaints, but reopening
        them; complaint administrators can still correct them, and the
        system's own writes (sudo) go through."""
        if self.env.su:
            return
        if "stage_id" in vals and not self._is_workflow():
            stage = self.env["huatai.complaint.stage"].browse(vals["stage_id"])
            if stage and not stage.is_closed and self.filtered("is_closed"):
                raise UserError(self._reopen_refusal())
        if self._may_correct_closed():
            return
        locked = set(vals) - CLOSED_WRITABLE_FIELDS
        if "stage_id" in vals:
            stage = self.env["huatai.complaint.stage"].browse(vals["stage_id"])
            if stage and not stage.is_closed:
                locked.discard("stage_id")  # reopening, by the workflow
        if vals.get("category_id"):
            category = self.env["huatai.complaint.category"].browse(vals["category_id"])
            if category.sudo().is_confidential:
                # handing a finished complaint over to Compliance as a
                # whistleblowing report stays possible
                locked.discard("category_id")
        if not locked:
            return
        closed = self.filtered("is_closed")
        if closed:
            raise UserError(
                self.env._(
                    "%(refs)s is finished (closed or rejected) and can no longer "
                    "be changed. A unit head can still reopen it (with Reopen, "
                    "giving the reason); you can write messages and notes, "
                    "schedule activities, record callbacks and the satisfaction "
                    "survey. A complaint administrator can correct a closed "
                    "complaint.",
                    refs=", ".join(closed[:5].mapped("name"))
                    + (", …" if len(closed) > 5 else ""),
                )
            )

    def _check_archive_rights(self, vals=None):
        """Archiving (and restoring) is for unit heads and above, and goes
        through the Archive action, which records the reason in the history."""
        if self.env.su:
            return
        if vals is not None:
            if "active" not in vals:
                return
            changing = self.filtered(lambda c: c.active != bool(vals["active"]))
            if not changing:
                return
        if not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(
                self.env._(
                    "Only unit heads and HQ can archive or restore complaints: "
                    "ask your unit head, and give them the reason."
                )
            )
        if vals is not None and not vals["active"]:
            raise UserError(
                self.env._(
                    "Archive complaints with the Archive action: it records the "
                    "reason in their history."
                )
            )

    @api.model
    def _may_correct_closed(self):
        return self.env.user.has_group(ADMIN_GROUP)

    @api.model
    def _consent_state_from_boolean(self, vals):
        """Integrations write the contract's boolean: keep the decision with it."""
        if "recording_consent" in vals and not vals.get("recording_consent_state"):
            vals["recording_consent_state"] = (
                "granted" if vals["recording_consent"] else "refused"
            )

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

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_dispatch_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispatch Complaint"),
            "res_model": "huatai.complaint.dispatch.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_id": self.id},
        }

    def action_open_reply_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Reply"),
            "res_model": "huatai.complaint.reply.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_id": self.id},
        }

    def action_accept(self):
        self._move_to_state("accepted")
        return True

    def action_start(self):
        self._move_to_state("in_progress")
        return True

    def action_close(self):
        self._move_to_state("closed")
        return True

    def action_open_reject_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Complaint"),
            "res_model": "huatai.complaint.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_id": self.id},
        }

    def action_reopen(self):
        """Reopen finished complaints: a unit head or above, who gives the
        reason in the wizard this opens."""
        self._check_can_reopen()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reopen Complaint"),
            "res_model": "huatai.complaint.reopen.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_ids": self.ids},
        }

    def _reopen_refusal(self):
        return self.env._(
            "A finished complaint is reopened by a unit head or above, with the "
            "Reopen button, giving the reason: ask your unit head."
        )

    def _check_can_reopen(self):
        self.check_access("write")
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self._reopen_refusal())
        if not self.filtered("is_closed"):
            raise UserError(
                self.env._("Only closed or rejected complaints are reopened.")
            )

    def _reopen(self, reason):
        """Bring closed or rejected complaints back to work: in progress when
        they had been accepted, registered otherwise; the reason goes to
        their history."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for reopening the complaint."))
        self._check_can_reopen()
        closed = self.filtered("is_closed")
        accepted = closed.filtered("accepted_date")
        accepted._as_workflow()._move_to_state("in_progress")
        (closed - accepted)._as_workflow()._move_to_state("new")
        for complaint in closed:
            complaint.message_post(
                body=self.env._(
                    "Reopened by %(user)s. Reason: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_archive(self):
        self.check_access("write")
        self._check_archive_rights()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Archive Complaints"),
            "res_model": "huatai.complaint.archive.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_ids": self.ids},
        }

    def action_unarchive(self):
        self.check_access("write")
        self._check_archive_rights()
        return super().action_unarchive()

    def action_view_other_complaints(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Other Complaints of %(name)s", name=self.complainant_name
            ),
            "res_model": self._name,
            "view_mode": "list,kanban,form",
            "views": [(False, "list"), (False, "kanban"), (False, "form")],
            "domain": [("id", "!=", self.id), *self._other_complaints_domain()],
            "context": {"create": False},
        }

    def action_open_handover_wizard(self):
        """Hand a complaint that turns out to be a whistleblowing report over
        to Compliance."""
        self.ensure_one()
        self._check_can_hand_over()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Hand Over to Compliance"),
            "res_model": "huatai.complaint.handover.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_id": self.id},
        }

    def action_view_dispatches(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispatch History"),
            "res_model": "huatai.complaint.dispatch",
            "view_mode": "list,form",
            "domain": [("complaint_id", "=", self.id)],
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _stage_for_state(self, state):
        stage = self.env["huatai.complaint.stage"].search(
            [("state", "=", state)], limit=1
        )
        if not stage:
            states = dict(
                self.env["huatai.complaint.stage"]
                ._fields["state"]
                ._description_selection(self.env)
            )
            raise UserError(
                self.env._(
                    "No stage means %(state)s: ask an administrator to configure one.",
                    state=states[state],
                )
            )
        return stage

    def _move_to_state(self, state):
        if self:
            self.write({"stage_id": self._stage_for_state(state).id})

    def _apply_stage_side_effects(self):
        """Stamp the dates that the reached stage implies."""
        now = fields.Datetime.now()
        to_accept = self.filtered(
            lambda c: not c.accepted_date and c.stage_state in WORKED_STATES
        )
        if to_accept:
            to_accept._as_workflow().write({"accepted_date": now})

    def _check_stage_requirements(self):
        """Refuse stages the complaint's state does not allow yet.

        Raised errors roll the whole write back: nothing is saved half-way.
        """
        evidence = self._evidence_by_complaint()
        stage_names = {}
        for complaint in self:
            state = complaint.stage_state
            if not state:
                continue
            stage_names[complaint] = complaint.stage_id.name
            if state == "rejected" and not complaint.rejection_reason:
                raise UserError(
                    self.env._(
                        "%(ref)s: give the reason before rejecting the complaint.",
                        ref=complaint.name,
                    )
                )
            if state in WORKED_STATES:
                missing = complaint._missing_evidence(evidence.get(complaint.id, {}))
                if missing:
                    raise UserError(
                        self.env._(
                            "%(ref)s cannot move to %(stage)s: %(missing)s",
                            ref=complaint.name,
                            stage=complaint.stage_id.name,
                            missing=missing,
                        )
                    )
            if state in REPLIED_STATES and not complaint.replied_date:
                raise UserError(
                    self.env._(
                        "%(ref)s cannot move to %(stage)s before the reply given "
                        "to the complainant is recorded (use Record Reply).",
                        ref=complaint.name,
                        stage=complaint.stage_id.name,
                    )
                )

    def _evidence_by_complaint(self):
        """Attachment counts per complaint: {id: {'audio': n, 'any': n}}."""
        needing = self.filtered(lambda c: c.channel in ("phone", "letter", "fax"))
        if not needing:
            return {}
        result = {}
        groups = (
            self.env["ir.attachment"]
            .sudo()
            ._read_group(
                [("res_model", "=", self._name), ("res_id", "in", needing.ids)],
                ["res_id", "mimetype"],
                ["__count"],
            )
        )
        for res_id, mimetype, count in groups:
            counts = result.setdefault(res_id, {"audio": 0, "any": 0})
            counts["any"] += count
            if mimetype and mimetype.split("/")[0] in ("audio", "video"):
                counts["audio"] += count
        return result

    def _missing_evidence(self, counts):
        self.ensure_one()
        if self.channel == "phone" and not counts.get("audio"):
            return self.env._(
                "attach the call recording (an audio file) of the phone complaint."
            )
        if self.channel in ("letter", "fax") and not counts.get("any"):
            return self.env._("attach the scanned letter or fax.")
        return False

    def _restrict_confidential_followers(self):
        """Whistleblowing reports: only Compliance may follow them."""
        compliance_users = self.env.ref(COMPLIANCE_GROUP).sudo().users
        for complaint in self.sudo():
            outsiders = complaint.message_partner_ids.filtered(
                lambda p, cu=compliance_users: p not in cu.partner_id
            )
            if outsiders:
                complaint.message_unsubscribe(partner_ids=outsiders.ids)

    def _hand_over_to_compliance(self, reason=False):
        """Leave the registering staff a receipt of the reports they handed over."""
        if self.env.su or self.env.user.has_group(COMPLIANCE_GROUP):
            return
        user = self.env.user
        self.env["huatai.complaint.handover"].sudo().create(
            [
                {
                    "name": complaint.name,
                    "registered_by_id": user.id,
                    "unit_id": complaint.accepting_unit_id.id,
                    "complaint_id": complaint.id,
                    "reason": reason or False,
                }
                for complaint in self.sudo()
            ]
        )

    @api.model
    def _handover_notification(self, message, next_action):
        """The sticky notice shown after a report went to Compliance (the
        user can no longer open it), then ``next_action``."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Handed over to Compliance"),
                "message": message,
                "sticky": True,
                "next": next_action,
            },
        }

    def _check_can_hand_over(self):
        """Only a complaint the user works (may write) and that is not already
        a whistleblowing report can be handed over to Compliance."""
        self.check_access("write")
        for complaint in self:
            if complaint.is_confidential:
                raise UserError(
                    self.env._(
                        "%(ref)s is already a whistleblowing report: Compliance "
                        "handles it.",
                        ref=complaint.name,
                    )
                )

    def _reclassify_as_whistleblowing(self, reason):
        """Make these complaints whistleblowing reports, handed over to
        Compliance (see :meth:`_hand_over_existing_to_compliance`)."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Say why the complaint is a whistleblowing report before "
                    "handing it over to Compliance."
                )
            )
        self._check_can_hand_over()
        category = self.env.ref(WHISTLEBLOWING_CATEGORY, raise_if_not_found=False)
        category = category and category.sudo()
        if not category or not category.active or not category.is_confidential:
            raise UserError(
                self.env._(
                    "The confidential complaint type Whistleblowing is missing "
                    "or archived: ask an administrator to restore it."
                )
            )
        self.with_context(huatai_handover_reason=reason).write(
            {"category_id": category.id}
        )

    def _hand_over_existing_to_compliance(self, reason=False):
        """Existing complaints just became whistleblowing reports.

        The person who reclassified them keeps a receipt; Compliance takes the
        handling (routing again, owner in Compliance) with an activity; nobody
        else keeps a way to the report: followers, the activities assigned to
        them and their notifications of its messages are withdrawn.
        """
        self._hand_over_to_compliance(reason=reason)
        user = self.env.user
        # done by the system, not in the name of the staff member: they would
        # keep reading what they author (notes, activity notifications)
        reports = self.with_user(SUPERUSER_ID)
        reports._apply_routing(reroute=True)
        compliance_unit = self.env.ref(
            "huatai_complaints.unit_compliance", raise_if_not_found=False
        )
        compliance_users = (
            self.env.ref(COMPLIANCE_GROUP).sudo().users.filtered("active")
        )
        for report in reports:
            if report.user_id in compliance_users:
                continue
            contact = report._unit_contact(compliance_unit) if compliance_unit else None
            report.write(
                {
                    "handling_unit_id": (compliance_unit or report.handling_unit_id).id,
                    "user_id": contact.id if contact else False,
                }
            )
        reports._withdraw_from_outsiders(compliance_users)
        activity_type = self.env.ref(HANDOVER_ACTIVITY, raise_if_not_found=False)
        fallback = compliance_users.filtered(lambda u: not u.share)[:1]
        for report in reports:
            assignee = report.user_id or fallback
            body = self.env._(
                "Handed over to Compliance as a whistleblowing report by "
                "%(user)s. Reason: %(reason)s",
                user=user.name,
                reason=reason or "-",
            )
            if assignee:
                env = report._env_in_lang(assignee)
                report.activity_schedule(
                    act_type_xmlid=HANDOVER_ACTIVITY
                    if activity_type
                    else "mail.mail_activity_data_todo",
                    summary=env._(
                        "Take over the whistleblowing report %(ref)s", ref=report.name
                    ),
                    note=body,
                    user_id=assignee.id,
                )
            report.message_post(body=body, subtype_xmlid="mail.mt_note")
        reports._restrict_confidential_followers()

    def _withdraw_from_outsiders(self, compliance_users):
        """Take back from everyone outside Compliance what still leads them to
        these reports: their activities on them (given to the report's owner
        in Compliance) and their notifications of the reports' messages, which
        would keep those messages readable to them."""
        Activity = self.env["mail.activity"].sudo()
        activities = Activity.search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("user_id", "not in", compliance_users.ids),
            ]
        )
        for report in self:
            mine = activities.filtered(lambda a, r=report: a.res_id == r.id)
            if not mine:
                continue
            if report.user_id:
                mine.write({"user_id": report.user_id.id})
            else:
                mine.unlink()
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", self._name), ("res_id", "in", self.ids)])
        )
        if not messages:
            return
        insiders = compliance_users.partner_id
        self.env["mail.notification"].sudo().search(
            [
                ("mail_message_id", "in", messages.ids),
                ("res_partner_id.user_ids", "!=", False),
                ("res_partner_id", "not in", insiders.ids),
            ]
        ).unlink()
        for message in messages:
            outsiders = message.partner_ids.filtered(
                lambda p: p.user_ids and p not in insiders
            )
            if outsiders:
                message.partner_ids -= outsiders

    def _prepare_complainant_partners(self, vals_list):
        """Copies of ``vals_list`` where each complainant without a contact
        is given one: the contact of their email address, or a new contact.

        An email address typed in a form (the public web form, a complaint
        registered by staff) proves nothing about who typed it: a complaint
        goes to an existing contact of that address only when no user could
        read it through that contact (a portal client reads the complaints of
        their contact and of its company; see :meth:`_partners_with_users`).
        Otherwise it stays without a contact, so that it never shows in
        someone else's portal; staff can still link it by hand.  Verified
        identities come with ``partner_id`` already set: the logged-in
        client's own contact (web form), the sender of a mail (the gateway's
        ``author_id``, as Odoo's helpdesk does).

        The given dicts are never changed: a request retried after a
        serialization failure calls this again with the same ones.
        """
        vals_list = [dict(vals) for vals in vals_list]
        Partner = self.env["res.partner"].sudo()
        # the active confidential categories among those given (read from
        # the cache after the first intake, where a search is a query each)
        confidential_categories = set(
            self.env["huatai.complaint.category"]
            .sudo()
            .browse(
                {vals["category_id"] for vals in vals_list if vals.get("category_id")}
            )
            .filtered(
                lambda c: (
                    c.is_confidential
                    and (c.active or not self.env.context.get("active_test", True))
                )
            )
            .ids
        )
        emails = {
            email_normalize(vals["complainant_email"])
            for vals in vals_list
            if not vals.get("partner_id") and vals.get("complainant_email")
        } - {False}
        known, claimed = {}, set()
        if emails:
            partners = Partner.search(
                [("email_normalized", "in", list(emails))], order="id"
            )
            claimed = set(self._partners_with_users(partners).ids)
            for partner in partners:
                known.setdefault(partner.email_normalized, []).append(partner)
        # the contacts to create, in one batch: one per new email address (and
        # one per complainant without an email)
        new_contacts, waiting = [], []
        new_by_email = {}
        for vals in vals_list:
            if (
                vals.get("partner_id")
                or not vals.get("complainant_name")
                # a whistleblower's identity never leaves the report
                or vals.get("category_id") in confidential_categories
            ):
                continue
            email = email_normalize(vals.get("complainant_email") or "")
            if email and email in known:
                free = [p for p in known[email] if p.id not in claimed]
                if free:
                    vals["partner_id"] = free[0].id
                # else someone's login uses this address: no contact
                continue
            if not email or email not in new_by_email:
                new_by_email[email or None] = len(new_contacts)
                new_contacts.append(
                    {
                        "name": vals["complainant_name"],
                        "email": vals.get("complainant_email"),
                        "phone": vals.get("complainant_phone"),
                        "street": vals.get("complainant_address"),
                    }
                )
                waiting.append((vals, len(new_contacts) - 1))
            else:
                waiting.append((vals, new_by_email[email]))
        if new_contacts:
            # a complainant's contact is a by-product of the complaint, whose
            # chatter records the intake: no "contact created" message on the
            # contact, nobody subscribed to it (the intake's own queries)
            partners = Partner.with_context(tracking_disable=True).create(new_contacts)
            # their stored computed fields in one UPDATE, not one per field
            # as later queries need them
            partners.flush_recordset()
            for vals, position in waiting:
                vals["partner_id"] = partners[position].id
        return vals_list

    @api.model
    def _partners_with_users(self, partners):
        """The contacts of ``partners`` that a user (internal or portal,
        archived ones too) could read complaints through: a user of the
        contact itself, or of the contact or a company above it as
        commercial entity (the portal rule: ``partner_id child_of`` the
        user's commercial partner)."""
        lineage = {}
        for partner in partners:
            ids, node = set(), partner
            while node and node.id not in ids:
                ids.add(node.id)
                node = node.parent_id
            lineage[partner] = ids
        related = set().union(*lineage.values()) if lineage else set()
        if not related:
            return partners.browse()
        users = (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    ("partner_id", "in", list(related)),
                    ("commercial_partner_id", "in", list(related)),
                ]
            )
        )
        reached = set(users.partner_id.ids) | set(users.commercial_partner_id.ids)
        return partners.filtered(lambda p: lineage[p] & reached)

    def _same_complainant(self, partner, account):
        """Whether a complaint of ``partner`` and ``account`` is of this
        complaint's complainant (same contact, or same client account)."""
        self.ensure_one()
        return bool(
            (self.partner_id and partner == self.partner_id)
            or (self.client_account and account == self.client_account)
        )

    def _other_complaints_domain(self):
        """Complaints of the same contacts or client accounts as ``self``."""
        domains = []
        if self.partner_id:
            domains.append([("partner_id", "in", self.partner_id.ids)])
        accounts = [a for a in set(self.mapped("client_account")) if a]
        if accounts:
            domains.append([("client_account", "in", accounts)])
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN
