from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.workdays import china_today
from .huatai_complaint_review_rule import REVIEW_KINDS
from .mail_message import confidential_among

ORDER_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_order"


class HuataiComplaintOpinion(models.Model):
    """One review of a complaint's handling plan (branch review, Retail HQ
    advice, Compliance opinion, Institutional HQ), or one order to act given
    to the unit complained about (SPEC §14, Art. 6-10).

    A review is asked (its due date set, its reviewer given an activity) and
    then given (date, user, text, decision). Records are written by the
    complaint's workflow only: users read them.
    """

    _name = "huatai.complaint.opinion"
    _description = "Complaint Review or Order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _rec_names_search = ["complaint_name", "text"]

    complaint_id = fields.Many2one(
        "huatai.complaint",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    kind = fields.Selection(
        [*REVIEW_KINDS, ("order", "Order to Act")],
        required=True,
        readonly=True,
        index=True,
    )
    unit_id = fields.Many2one(
        "huatai.org.unit",
        string="Reviewing Unit",
        readonly=True,
        index=True,
        help="The unit that gives the review, or that gives the order.",
    )
    user_id = fields.Many2one("res.users", string="Given By", readonly=True, index=True)
    date = fields.Datetime(string="Given On", readonly=True)
    text = fields.Text(readonly=True)
    decision = fields.Selection(
        [("approve", "Approve"), ("revise", "Revise the Plan")],
        readonly=True,
        tracking=True,
    )
    requested_date = fields.Datetime(string="Asked On", readonly=True)
    due_date = fields.Date(
        readonly=True,
        tracking=True,
        index=True,
        help="A review: when it is due (the deadline policy's review days). "
        "An order: the date by which the measure is to be taken.",
    )
    # orders
    target_unit_id = fields.Many2one(
        "huatai.org.unit",
        string="Ordered Unit",
        readonly=True,
        index=True,
        help="The unit ordered to take the measure: the unit complained about.",
    )
    done_date = fields.Date(string="Done On", readonly=True, tracking=True)
    done_user_id = fields.Many2one("res.users", string="Done By", readonly=True)
    done_note = fields.Text(string="What Was Done", readonly=True)
    late_notified = fields.Boolean(readonly=True, copy=False)
    state = fields.Selection(
        [
            ("pending", "Waiting"),
            ("approve", "Approved"),
            ("revise", "Plan to Revise"),
            ("open", "To Do"),
            ("done", "Done"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
    )
    # what the ordered unit needs to know of the complaint, without access to it
    complaint_name = fields.Char(
        related="complaint_id.name", string="Complaint Reference"
    )
    complaint_category_id = fields.Many2one(
        related="complaint_id.category_id", string="Complaint Type"
    )
    complaint_received_date = fields.Datetime(
        related="complaint_id.received_date", string="Complaint Received On"
    )
    respondent_name = fields.Char(related="complaint_id.respondent_name")
    respondent_position = fields.Char(related="complaint_id.respondent_position")
    handling_unit_id = fields.Many2one(
        related="complaint_id.handling_unit_id", string="Handling Unit"
    )

    in_my_units = fields.Boolean(
        string="Ordered to My Units",
        compute="_compute_in_my_units",
        search="_search_in_my_units",
    )

    @api.model
    def _huatai_confidential_ids(self, ids):
        """The reviews and orders of reports among ``ids``: Compliance's
        alone, their messages too (``mail_message.py``)."""
        return confidential_among(self, ids, "complaint_id.is_confidential")

    @api.depends("kind", "decision", "done_date")
    def _compute_state(self):
        for opinion in self:
            if opinion.kind == "order":
                opinion.state = "done" if opinion.done_date else "open"
            else:
                opinion.state = opinion.decision or "pending"

    @api.depends("kind", "complaint_name")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for opinion in self:
            opinion.display_name = (
                f"{opinion.complaint_name or ''} {kinds.get(opinion.kind, '')}".strip()
            )

    @api.depends_context("uid")
    def _compute_in_my_units(self):
        mine = self.search([("id", "in", self.ids), ("in_my_units", "=", True)])
        for opinion in self:
            opinion.in_my_units = opinion in mine

    def _search_in_my_units(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search."))
        domain = [
            ("kind", "=", "order"),
            ("target_unit_id", "child_of", self.env.user.sudo().huatai_unit_ids.ids),
        ]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_mark_done(self):
        """The ordered unit took the measure: by one of its people (or a
        head of a unit above it)."""
        self.check_access("read")
        for order in self:
            if order.kind != "order":
                raise UserError(self.env._("Only an order to act is marked done."))
            if order.done_date:
                raise UserError(
                    self.env._(
                        "This order was already done on %(date)s.",
                        date=order.done_date,
                    )
                )
            if not order._user_in_target_unit(self.env.user):
                raise AccessError(
                    self.env._(
                        "Only the ordered unit (%(unit)s) marks its order done.",
                        unit=order.target_unit_id.display_name,
                    )
                )
        self.sudo().write({"done_date": china_today(), "done_user_id": self.env.uid})
        for order in self.sudo():
            # removed, not completed: no message of it on the order
            order.activity_unlink([ORDER_ACTIVITY_XMLID])
            order.complaint_id.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "The order to %(unit)s was done by %(user)s.",
                    unit=order.target_unit_id.display_name,
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_open_complaint(self):
        self.ensure_one()
        self.complaint_id.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "huatai.complaint",
            "res_id": self.complaint_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _user_in_target_unit(self, user):
        self.ensure_one()
        if self.env.su:
            return True
        target = self.target_unit_id.sudo()
        return (
            any(
                (target.parent_path or "").startswith(unit.parent_path or "-")
                for unit in user.sudo().huatai_unit_ids
            )
            or target.manager_id == user
        )

    @api.model
    def _cron_follow_up_orders(self):
        """Late orders (past their date, not done): once each, an activity
        for the ordered unit's head and a note on the complaint, which the
        one who gave the order follows."""
        late = self.sudo().search(
            [
                ("kind", "=", "order"),
                ("done_date", "=", False),
                ("late_notified", "=", False),
                ("due_date", "<", china_today()),
            ],
            limit=500,
        )
        for order in late:
            complaint = order.complaint_id
            users = order.target_unit_id.manager_id or order.target_unit_id.member_ids
            users = complaint._allowed_recipients(users)[:1]
            if users:
                env = complaint._env_in_lang(users)
                order.with_context(mail_activity_quick_update=True).activity_schedule(
                    ORDER_ACTIVITY_XMLID,
                    date_deadline=china_today(),
                    summary=env._(
                        "Late: the order on %(ref)s was due on %(date)s",
                        ref=complaint.name,
                        date=order.due_date,
                    ),
                    user_id=users.id,
                )
            complaint.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Late: the order to %(unit)s was due on %(date)s and is not done.",
                    unit=order.target_unit_id.display_name,
                    date=order.due_date,
                ),
                partner_ids=complaint._allowed_recipients(order.user_id).partner_id.ids,
                subtype_xmlid="mail.mt_note",
                message_type="comment",
            )
        late.write({"late_notified": True})
        return len(late)
