"""What a complaint ends with (SPEC §14): whether it was founded, the
responsibility and root cause, the compensation paid (approved at the level
its amount needs), the mediation and the corrective action; and, for a
complaint forwarded by a regulator, the report back to the authority."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import format_amount

from ..tools import settings as S
from ..tools.workdays import china_date, china_today
from .huatai_complaint import MANAGER_GROUP

RETAIL_HQ_XMLID = "huatai_complaints.unit_retail_service_hq"
LIMIT_SETTINGS = {
    "sales_department": S.COMPENSATION_LIMIT_SALES_DEPARTMENT,
    "branch": S.COMPENSATION_LIMIT_BRANCH,
}
APPROVAL_LEVELS = [
    ("sales_department", "Sales Department Head"),
    ("branch", "Branch Company Head"),
    ("hq", "Retail Client Service HQ"),
]


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    outcome = fields.Selection(
        [
            ("founded", "Founded"),
            ("partly_founded", "Partly Founded"),
            ("unfounded", "Unfounded"),
        ],
        tracking=True,
        copy=False,
        index=True,
        groups="base.group_user",
        help="Whether the complaint was found justified (成立 / 部分成立 / 不成立).",
    )
    responsibility = fields.Text(tracking=True, copy=False, groups="base.group_user")
    root_cause = fields.Text(tracking=True, copy=False, groups="base.group_user")
    mediation = fields.Text(
        tracking=True,
        copy=False,
        groups="base.group_user",
        help="Who mediated (the firm, the Securities Association, a court...) "
        "and with what result.",
    )
    corrective_action = fields.Text(tracking=True, copy=False, groups="base.group_user")
    compensation_paid = fields.Monetary(
        currency_field="currency_id",
        tracking=True,
        copy=False,
        readonly=True,
        groups="base.group_user",
    )
    compensation_date = fields.Date(
        string="Compensation Paid On",
        tracking=True,
        copy=False,
        readonly=True,
        groups="base.group_user",
    )
    compensation_approved_by_id = fields.Many2one(
        "res.users",
        tracking=True,
        copy=False,
        readonly=True,
        groups="base.group_user",
    )
    compensation_approved_date = fields.Datetime(
        string="Compensation Approved On",
        copy=False,
        readonly=True,
        groups="base.group_user",
    )
    compensation_approval_level = fields.Selection(
        APPROVAL_LEVELS,
        string="Approved At Level",
        copy=False,
        readonly=True,
        groups="base.group_user",
    )
    # the report back to the regulator
    regulator_reply_deadline = fields.Date(
        string="Report to Regulator By",
        compute="_compute_regulator_reply_deadline",
        store=True,
        copy=False,
        groups="base.group_user",
        help="Working days from the receipt (deadline policy), never later than "
        "the regulator's deadline.",
    )
    regulator_replied_date = fields.Date(
        string="Reported to Regulator On",
        copy=False,
        readonly=True,
        tracking=True,
        groups="base.group_user",
    )
    regulator_reply_reference = fields.Char(
        string="Report Reference",
        copy=False,
        readonly=True,
        tracking=True,
        groups="base.group_user",
    )
    regulator_reply_text = fields.Text(
        string="Report to Regulator",
        copy=False,
        readonly=True,
        groups="base.group_user",
    )
    regulator_reply_attachment_id = fields.Many2one(
        "ir.attachment",
        string="Report File",
        copy=False,
        readonly=True,
        groups="base.group_user",
    )
    regulator_reply_state = fields.Selection(
        [
            ("pending", "To Report"),
            ("overdue", "Report Overdue"),
            ("done", "Reported"),
        ],
        string="Report to Regulator",
        compute="_compute_regulator_reply_state",
        search="_search_regulator_reply_state",
        groups="base.group_user",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends(
        "channel",
        "received_date",
        "regulator_deadline",
        "deadline_policy_id.regulator_reply_days",
    )
    def _compute_regulator_reply_deadline(self):
        calendar = self._workday_calendar()
        for complaint in self:
            received = china_date(complaint.received_date)
            if complaint.channel != "regulator" or not received:
                complaint.regulator_reply_deadline = False
                continue
            policy = complaint.deadline_policy_id.sudo()
            days = policy.regulator_reply_days if policy else 15
            deadline = calendar.add(received, days)
            cap = complaint.regulator_deadline
            complaint.regulator_reply_deadline = min(deadline, cap) if cap else deadline

    @api.depends("channel", "regulator_replied_date", "regulator_reply_deadline")
    def _compute_regulator_reply_state(self):
        today = china_today()
        for complaint in self:
            if complaint.channel != "regulator":
                complaint.regulator_reply_state = False
            elif complaint.regulator_replied_date:
                complaint.regulator_reply_state = "done"
            elif (
                complaint.regulator_reply_deadline
                and complaint.regulator_reply_deadline < today
            ):
                complaint.regulator_reply_state = "overdue"
            else:
                complaint.regulator_reply_state = "pending"

    def _search_regulator_reply_state(self, operator, value):
        if operator not in ("=", "in"):
            raise UserError(
                self.env._("Unsupported search on the report to regulator.")
            )
        values = [value] if operator == "=" else list(value)
        today = china_today()
        domains = {
            "done": [
                ("channel", "=", "regulator"),
                ("regulator_replied_date", "!=", False),
            ],
            "overdue": [
                ("channel", "=", "regulator"),
                ("regulator_replied_date", "=", False),
                ("regulator_reply_deadline", "<", today),
            ],
            "pending": [
                ("channel", "=", "regulator"),
                ("regulator_replied_date", "=", False),
                "|",
                ("regulator_reply_deadline", "=", False),
                ("regulator_reply_deadline", ">=", today),
            ],
        }
        return expression.OR(
            [domains[val] for val in values if val in domains] or [[(0, "=", 1)]]
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_compensation_wizard(self):
        self.ensure_one()
        self.check_access("read")
        self._compensation_level(self.env.user)  # refuses who approves nothing
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve Compensation"),
            "res_model": "huatai.complaint.compensation.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_id": self.id},
        }

    def action_open_regulator_reply_wizard(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Report Back to the Regulator"),
            "res_model": "huatai.complaint.regulator.reply.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_id": self.id},
        }

    # ------------------------------------------------------------------
    # Compensation approval
    # ------------------------------------------------------------------
    @api.model
    def _compensation_limit(self, level):
        """The most the head of ``level`` approves (None: no limit)."""
        if level not in LIMIT_SETTINGS:
            return None
        return S.read_setting(self.env, LIMIT_SETTINGS[level])

    def _compensation_level(self, user):
        """The highest approval level of ``user`` for this complaint: Retail
        Client Service HQ, the head of the branch company above the handling
        unit, the head of the handling sales department."""
        self.ensure_one()
        if self.env.su and user == self.env.user:
            return "hq"
        units = user.sudo().huatai_unit_ids
        retail_hq = self.env.ref(RETAIL_HQ_XMLID, raise_if_not_found=False)
        if retail_hq and (retail_hq in units or retail_hq.sudo().manager_id == user):
            return "hq"
        handling = self.sudo().handling_unit_id
        is_head = user.has_group(MANAGER_GROUP)

        def heads(unit):
            return bool(unit) and (
                unit.manager_id == user or (is_head and unit in units)
            )

        if heads(handling.branch_id):
            return "branch"
        if handling.kind == "sales_department" and heads(handling):
            return "sales_department"
        raise AccessError(
            self.env._(
                "A compensation is approved by the head of the handling sales "
                "department, the head of its branch company or Retail Client "
                "Service HQ, as its amount requires."
            )
        )

    def _approve_compensation(self, amount, paid_on):
        """Record the compensation paid, approved by the current user if the
        amount is within their level."""
        self.ensure_one()
        self.check_access("read")
        level = self._compensation_level(self.env.user)
        if amount is None or amount <= 0:
            raise UserError(self.env._("Give the amount of compensation paid."))
        if not paid_on:
            raise UserError(self.env._("Give the date the compensation was paid."))
        if paid_on > china_today():
            raise UserError(self.env._("A payment cannot be dated in the future."))
        limit = self._compensation_limit(level)
        if limit is not None and amount > limit:
            levels = dict(
                self._fields["compensation_approval_level"]._description_selection(
                    self.env
                )
            )
            currency = self.currency_id or self.env.company.currency_id
            raise UserError(
                self.env._(
                    "%(ref)s: a compensation of %(amount)s is above what the %(level)s "
                    "approves (up to %(limit)s): ask the level above.",
                    ref=self.name,
                    amount=format_amount(self.env, amount, currency),
                    level=levels[level],
                    limit=format_amount(self.env, limit, currency),
                )
            )
        self._as_workflow().write(
            {
                "compensation_paid": amount,
                "compensation_date": paid_on,
                "compensation_approved_by_id": self.env.uid,
                "compensation_approved_date": fields.Datetime.now(),
                "compensation_approval_level": level,
            }
        )
        return True

    # ------------------------------------------------------------------
    # The report back to the regulator
    # ------------------------------------------------------------------
    def _record_regulator_reply(self, reported_on, reference, text, attachment=None):
        self.ensure_one()
        self.check_access("write")
        if self.channel != "regulator":
            raise UserError(
                self.env._(
                    "%(ref)s was not forwarded by a regulator: there is no report "
                    "back to record.",
                    ref=self.name,
                )
            )
        if not reported_on:
            raise UserError(self.env._("Give the date of the report to the regulator."))
        if reported_on > china_today():
            raise UserError(self.env._("A report cannot be dated in the future."))
        if reported_on < china_date(self.received_date):
            raise UserError(
                self.env._(
                    "A report cannot be dated before the complaint was received."
                )
            )
        if not (text or "").strip():
            raise UserError(self.env._("Write what was reported to the regulator."))
        self._as_workflow().write(
            {
                "regulator_replied_date": reported_on,
                "regulator_reply_reference": reference or False,
                "regulator_reply_text": text,
                "regulator_reply_attachment_id": attachment.id if attachment else False,
            }
        )
        return True
