from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import settings as S

# Which kinds of unit may sit under which (Art. 4-10): company HQ on top,
# HQ departments and branch companies under it, sales departments under a
# branch company (or directly under HQ for the few run from head office).
ALLOWED_PARENT_KINDS = {
    "company": {False},
    "department": {"company"},
    "branch": {"company"},
    "sales_department": {"branch", "company"},
}

# Channels each level may accept (Art. 11).  HQ takes every channel (its
# Retail Client Service HQ also takes on-site and regulator-forwarded
# complaints); branches and sales departments take on-site, phone, fax and
# email complaints.
HQ_CHANNELS = {"phone", "letter", "email", "fax", "onsite", "website", "regulator"}
LOCAL_CHANNELS = {"phone", "email", "fax", "onsite"}
# channels an administrator may open at branches and sales departments too
# (Settings > Complaints): channel -> system parameter (off by default)
LOCAL_CHANNEL_SETTINGS = {
    "letter": S.LOCAL_ACCEPTS_LETTER,
    "regulator": S.LOCAL_ACCEPTS_REGULATOR,
}
CHANNELS_BY_KIND = {
    "company": HQ_CHANNELS,
    "department": HQ_CHANNELS,
    "branch": LOCAL_CHANNELS,
    "sales_department": LOCAL_CHANNELS,
}


class HuataiOrgUnit(models.Model):
    _name = "huatai.org.unit"
    _description = "Organisation Unit"
    _inherit = ["mail.thread"]
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    _rec_names_search = ["complete_name", "code"]
    _order = "complete_name"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True)
    kind = fields.Selection(
        [
            ("company", "Company HQ"),
            ("department", "HQ Department"),
            ("branch", "Branch Company"),
            ("sales_department", "Sales Department"),
        ],
        required=True,
        default="sales_department",
        tracking=True,
    )
    parent_id = fields.Many2one(
        "huatai.org.unit",
        string="Parent Unit",
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("huatai.org.unit", "parent_id", string="Sub-units")
    complete_name = fields.Char(
        compute="_compute_complete_name", recursive=True, store=True, index=True
    )
    manager_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        tracking=True,
    )
    member_ids = fields.Many2many(
        "res.users",
        "huatai_org_unit_res_users_rel",
        "unit_id",
        "user_id",
        string="Members",
        domain="[('share', '=', False)]",
    )
    active = fields.Boolean(default=True, tracking=True)
    branch_id = fields.Many2one(
        "huatai.org.unit",
        string="Branch Company",
        compute="_compute_branch_id",
        recursive=True,
        store=True,
        index=True,
        help="The branch company this unit belongs to (itself for a branch).",
    )
    email = fields.Char(help="Where notifications for the unit are sent.")
    phone = fields.Char()
    address = fields.Char()
    member_count = fields.Integer(compute="_compute_member_count")
    complaint_count = fields.Integer(
        string="Open Complaints",
        compute="_compute_complaint_count",
        groups="huatai_complaints.group_complaint_user",
        help="Open complaints accepted or handled in this unit or its sub-units "
        "that you may see.",
    )

    _sql_constraints = [
        ("code_unique", "unique(code)", "The unit code must be unique."),
    ]

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(
                self.env._("A unit cannot be placed under itself or its own sub-units.")
            )

    @api.constrains("parent_id", "kind")
    def _check_kind_hierarchy(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for unit in self:
            parent_kind = unit.parent_id.kind or False
            if parent_kind in ALLOWED_PARENT_KINDS[unit.kind]:
                continue
            if not unit.parent_id:
                raise ValidationError(
                    self.env._(
                        "The unit %(unit)s (%(kind)s) needs a parent unit.",
                        unit=unit.name,
                        kind=kinds[unit.kind],
                    )
                )
            raise ValidationError(
                self.env._(
                    "A %(kind)s cannot be placed under the %(parent_kind)s %(parent)s.",
                    kind=kinds[unit.kind],
                    parent_kind=kinds[parent_kind],
                    parent=unit.parent_id.name,
                )
            )

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for unit in self:
            if unit.parent_id:
                unit.complete_name = f"{unit.parent_id.complete_name} / {unit.name}"
            else:
                unit.complete_name = unit.name

    @api.depends_context("lang")
    @api.depends("name", "parent_id.name", "parent_id.parent_id.name")
    def _compute_display_name(self):
        # the path below company HQ, in the user's language (complete_name is
        # stored once, for search and order)
        for unit in self:
            names = []
            node = unit
            while node and (node.kind != "company" or node == unit):
                names.append(node.name or "")
                node = node.parent_id
            unit.display_name = " / ".join(reversed(names))

    @api.depends("kind", "parent_id.branch_id")
    def _compute_branch_id(self):
        for unit in self:
            unit.branch_id = unit if unit.kind == "branch" else unit.parent_id.branch_id

    def _compute_member_count(self):
        for unit in self:
            unit.member_count = len(unit.member_ids)

    @api.depends_context("uid")
    def _compute_complaint_count(self):
        # one grouped count for the batch; a complaint belongs to a unit's
        # subtree when its accepting or handling unit's path starts with the
        # unit's path
        units = self.filtered("id")
        groups = []
        if units:
            groups = self.env["huatai.complaint"]._read_group(
                [("is_closed", "=", False), *units._complaints_domain()],
                ["accepting_unit_id", "handling_unit_id"],
                ["__count"],
            )
        for unit in self:
            path = unit.parent_path if unit.id else False
            unit.complaint_count = (
                sum(
                    count
                    for accepting, handling, count in groups
                    if (accepting.parent_path or "").startswith(path)
                    or (handling.parent_path or "").startswith(path)
                )
                if path
                else 0
            )

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "huatai_complaints.huatai_complaint_action"
        )
        action.update(
            name=self.env._("Complaints of %(unit)s", unit=self.display_name),
            domain=self._complaints_domain(),
            context={"search_default_open": 1},
        )
        return action

    def _complaints_domain(self):
        """Complaints accepted or handled in these units or their sub-units."""
        return [
            "|",
            ("accepting_unit_id", "child_of", self.ids),
            ("handling_unit_id", "child_of", self.ids),
        ]

    def _accepts_channel(self, channel):
        """Whether this unit's level may accept complaints of ``channel``."""
        self.ensure_one()
        if channel in CHANNELS_BY_KIND[self.kind]:
            return True
        setting = LOCAL_CHANNEL_SETTINGS.get(channel)
        return bool(setting) and S.read_setting(self.env, setting)

    def _get_notification_users(self):
        """The people to inform for a unit: its manager, or else its members."""
        self.ensure_one()
        return self.manager_id or self.member_ids
