"""The handling plan of a complaint and the reviews the rules ask of it
(SPEC §14, Art. 6-10): the handling unit writes the plan and submits it; the
branch company, Retail Client Service HQ, Institutional Client Service HQ and
Compliance review it as the review rules require, one after the other; a
review asking to revise sends the plan back; the reply to the complaint
waits for every required review. Compliance (or Retail HQ) orders the unit
complained about to act (责成).

Compliance's opinion is one of the reviews: the complaint's
``compliance_opinion*`` fields hold its approving opinion (SPEC §6).
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

from ..tools.workdays import china_today
from .huatai_complaint import COMPLIANCE_GROUP, MANAGER_GROUP
from .huatai_complaint_review_rule import REVIEW_ORDER
from .mail_message import flag_confidential_messages

RETAIL_HQ_XMLID = "huatai_complaints.unit_retail_service_hq"
COMPLIANCE_UNIT_XMLID = "huatai_complaints.unit_compliance"
INSTITUTIONAL_HQ_XMLID = "huatai_complaints.unit_institutional_service_hq"
REVIEW_UNITS = {
    "hq_advice": RETAIL_HQ_XMLID,
    "compliance": COMPLIANCE_UNIT_XMLID,
    "institutional": INSTITUTIONAL_HQ_XMLID,
}
REVIEW_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_plan_review"
COMPLIANCE_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_compliance_opinion"
REVISE_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_plan_revise"
DEFAULT_REVIEW_DAYS = 3
PLAN_STATES = [
    ("draft", "Draft"),
    ("in_review", "Under Review"),
    ("revise", "To Revise"),
    ("approved", "Approved"),
]


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # Odoo tracks no html field: each version submitted is kept in the
    # chatter by action_submit_plan, the plan's state is tracked
    handling_plan = fields.Html(
        copy=False,
        groups="base.group_user",
        help="How the handling unit proposes to settle the complaint (处理方案): "
        "submitted to the reviews the rules require; each submitted version is "
        "kept in the history.",
    )
    is_law_related = fields.Boolean(
        string="Law- or Regulation-related",
        tracking=True,
        groups="base.group_user",
        help="The complaint touches a law or a regulation: Compliance gives "
        "its opinion.",
    )
    plan_state = fields.Selection(
        PLAN_STATES,
        string="Handling Plan",
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        groups="base.group_user",
    )
    plan_submitted_date = fields.Datetime(
        string="Plan Submitted On", readonly=True, copy=False, groups="base.group_user"
    )
    opinion_ids = fields.One2many(
        "huatai.complaint.opinion",
        "complaint_id",
        string="Reviews",
        domain=[("kind", "!=", "order")],
        groups="base.group_user",
    )
    order_ids = fields.One2many(
        "huatai.complaint.opinion",
        "complaint_id",
        string="Orders to Act",
        domain=[("kind", "=", "order")],
        groups="base.group_user",
    )
    review_summary = fields.Text(
        string="Reviews Required",
        compute="_compute_review_summary",
        groups="base.group_user",
    )
    reviews_missing = fields.Boolean(
        compute="_compute_review_summary", groups="base.group_user"
    )
    can_review = fields.Boolean(compute="_compute_can_review", groups="base.group_user")
    can_order = fields.Boolean(compute="_compute_can_review", groups="base.group_user")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends_context("lang")
    @api.depends(
        "opinion_ids.decision",
        "handling_unit_id",
        "compliance_required",
        "compliance_opinion_date",
        "is_law_related",
    )
    def _compute_review_summary(self):
        kinds = dict(
            self.env["huatai.complaint.opinion"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        rules = self._review_rules()
        for complaint in self:
            required = complaint._required_review_kinds(rules)
            missing = complaint._missing_review_kinds(required)
            lines = []
            for kind in required:
                unit = complaint._review_unit(kind)
                status = (
                    self.env._("to give") if kind in missing else self.env._("approved")
                )
                lines.append(f"{kinds[kind]} ({unit.display_name or '-'}): {status}")
            complaint.review_summary = "\n".join(lines) or self.env._(
                "No review required."
            )
            complaint.reviews_missing = bool(missing)

    @api.depends_context("uid")
    def _compute_can_review(self):
        user = self.env.user
        may_order = self._may_give_order(user)
        rules = self._review_rules()
        for complaint in self:
            complaint.can_review = bool(complaint._reviews_open_to(user, rules))
            complaint.can_order = may_order

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_submit_plan(self):
        """The handling unit submits its handling plan to the reviews."""
        self.check_access("write")
        for complaint in self:
            if complaint.is_closed:
                raise UserError(self.env._("%(ref)s is closed.", ref=complaint.name))
            if not html2plaintext(complaint.handling_plan or "").strip():
                raise UserError(
                    self.env._(
                        "%(ref)s: write the handling plan before submitting it.",
                        ref=complaint.name,
                    )
                )
        flow = self._as_workflow()
        flow.write(
            {"plan_state": "in_review", "plan_submitted_date": fields.Datetime.now()}
        )
        for complaint in self.sudo():
            complaint.activity_feedback(
                [REVISE_ACTIVITY_XMLID], feedback=self.env._("Plan revised")
            )
            complaint.with_env(self.env).message_post(
                body=Markup("<p>%s</p>%s")
                % (
                    self.env._(
                        "Handling plan submitted by %(user)s:", user=self.env.user.name
                    ),
                    complaint.handling_plan,
                ),
                subtype_xmlid="mail.mt_note",
            )
            complaint.with_env(self.env)._request_next_review()
            complaint.with_env(self.env)._update_plan_state()
        return True

    def action_open_review_wizard(self):
        self.ensure_one()
        self.check_access("read")
        if not self.can_review:
            self._check_review_turn_of(self.env.user)
            raise AccessError(
                self.env._("%(ref)s needs no review that you may give.", ref=self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Review the Handling Plan"),
            "res_model": "huatai.complaint.review.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_id": self.id},
        }

    # ------------------------------------------------------------------
    # Which reviews, by whom
    # ------------------------------------------------------------------
    @api.model
    def _review_rules(self):
        return self.env["huatai.complaint.review.rule"].sudo().search([])

    def _required_review_kinds(self, rules=None):
        """The reviews this complaint needs, in the order they are asked."""
        self.ensure_one()
        rules = self._review_rules() if rules is None else rules
        kinds = {rule.kind for rule in rules if rule._matches(self)}
        if self.sudo().compliance_required:
            kinds.add("compliance")  # SPEC §6, whatever the rules say
        if "branch_review" in kinds and not self.sudo().handling_unit_id.branch_id:
            kinds.discard("branch_review")  # no branch company above
        if self.sudo().is_confidential:
            # a whistleblowing report stays within Compliance
            kinds &= {"compliance"}
        return [kind for kind in REVIEW_ORDER if kind in kinds]

    def _latest_reviews(self):
        """{kind: the last review given of that kind}"""
        self.ensure_one()
        latest = {}
        given = (
            self.sudo()
            .opinion_ids.filtered("decision")
            .sorted(lambda o: (o.date, o.id))
        )
        for opinion in given:
            latest[opinion.kind] = opinion
        return latest

    def _missing_review_kinds(self, required=None):
        self.ensure_one()
        required = self._required_review_kinds() if required is None else required
        latest = self._latest_reviews()
        missing = []
        for kind in required:
            if kind == "compliance":
                # the approving opinion of Compliance, as ever (SPEC §6)
                if not self.sudo().compliance_opinion_date:
                    missing.append(kind)
            elif kind not in latest or latest[kind].decision != "approve":
                missing.append(kind)
        return missing

    def _review_unit(self, kind):
        self.ensure_one()
        if kind == "branch_review":
            return self.sudo().handling_unit_id.branch_id
        unit = self.env.ref(REVIEW_UNITS[kind], raise_if_not_found=False)
        return unit.sudo() if unit else self.env["huatai.org.unit"]

    def _may_give_review(self, kind, user):
        """Each review by its role: the branch company's head for the branch
        review, the people of Retail Client Service HQ and of Institutional
        Client Service HQ for theirs, Compliance for its opinion."""
        self.ensure_one()
        if self.env.su and user == self.env.user:
            return True
        if kind == "compliance":
            return user.has_group(COMPLIANCE_GROUP)
        unit = self._review_unit(kind)
        if not unit:
            return False
        if unit.manager_id == user:
            return True
        if kind == "branch_review":
            return user.has_group(MANAGER_GROUP) and unit in user.sudo().huatai_unit_ids
        return unit in user.sudo().huatai_unit_ids

    def _review_label(self, kind):
        kinds = dict(
            self.env["huatai.complaint.opinion"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        return kinds[kind]

    def _review_from(self, kind):
        """The unit giving the review ``kind``, with its contact: "江苏分公司
        (李强)"."""
        self.ensure_one()
        unit = self._review_unit(kind)
        contact = unit.manager_id or unit.member_ids[:1]
        unit_name = unit.display_name or "-"
        return "%s (%s)" % (unit_name, contact.name) if contact else unit_name

    # ------------------------------------------------------------------
    # The gate
    # ------------------------------------------------------------------
    def _check_reviews_given(self, stage):
        """Refuse the reply (the stage ``stage``, or the complaints' own)
        before the required reviews are given: say which and from whom."""
        rules = self._review_rules()
        for complaint in self:
            missing = complaint._missing_review_kinds(
                complaint._required_review_kinds(rules)
            )
            if not missing:
                continue
            whom = [
                self.env._(
                    "%(review)s from %(unit)s",
                    review=complaint._review_label(kind),
                    unit=complaint._review_from(kind),
                )
                for kind in missing
            ]
            raise UserError(
                self.env._(
                    "%(ref)s cannot move to %(stage)s before the required reviews "
                    "of its handling plan are given. Missing: %(missing)s.",
                    ref=complaint.name,
                    stage=(stage or complaint.stage_id).name,
                    missing="; ".join(whom),
                )
            )

    # ------------------------------------------------------------------
    # Asking and giving reviews
    # ------------------------------------------------------------------
    def _review_due_date(self):
        self.ensure_one()
        policy = self.sudo().deadline_policy_id
        days = policy.review_days if policy else DEFAULT_REVIEW_DAYS
        return self._workday_calendar().add(china_today(), days)

    def _request_next_review(self):
        """Ask the first missing review (in the rules' order) that is not
        asked yet: a waiting review record with its due date, and an
        activity for the reviewing unit's head."""
        self.ensure_one()
        complaint = self.sudo()
        missing = complaint._missing_review_kinds()
        if not missing:
            return
        kind = missing[0]
        Opinion = self.env["huatai.complaint.opinion"].sudo()
        if Opinion.search_count(
            [
                ("complaint_id", "=", complaint.id),
                ("kind", "=", kind),
                ("decision", "=", False),
            ]
        ):
            return
        unit = complaint._review_unit(kind)
        due = complaint._review_due_date()
        Opinion.create(
            {
                "complaint_id": complaint.id,
                "kind": kind,
                "unit_id": unit.id,
                "requested_date": fields.Datetime.now(),
                "due_date": due,
            }
        )
        reviewer = unit and complaint._unit_contact(unit)
        if not reviewer:
            return
        xmlid = (
            COMPLIANCE_ACTIVITY_XMLID if kind == "compliance" else REVIEW_ACTIVITY_XMLID
        )
        activity_type = self.env.ref(xmlid, raise_if_not_found=False)
        if kind == "compliance" and complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type and a.user_id == reviewer
        ):
            return  # the escalation asked Compliance already
        env = complaint._env_in_lang(reviewer)
        complaint.activity_schedule(
            xmlid if activity_type else "mail.mail_activity_data_todo",
            date_deadline=due,
            summary=env._(
                "%(review)s of the handling plan of %(ref)s",
                review=complaint.with_env(env)._review_label(kind),
                ref=complaint.name,
            ),
            user_id=reviewer.id,
        )

    def _give_review(self, kind, text, decision):
        """Record the review ``kind`` of the current user: approve the
        handling plan, or send it back to be revised."""
        self.ensure_one()
        if kind not in REVIEW_ORDER:
            raise UserError(self.env._("Unknown review."))
        if decision not in ("approve", "revise"):
            raise UserError(self.env._("Approve the plan or ask to revise it."))
        if not self._may_give_review(kind, self.env.user):
            unit = self._review_unit(kind)
            raise AccessError(
                self.env._(
                    "%(review)s of %(ref)s is given by %(unit)s only.",
                    review=self._review_label(kind),
                    ref=self.name,
                    unit=unit.display_name or self._review_label(kind),
                )
            )
        self.check_access("read")
        if not (text or "").strip():
            raise UserError(self.env._("Write the review."))
        if self.is_closed:
            raise UserError(self.env._("%(ref)s is closed.", ref=self.name))
        if kind not in self._required_review_kinds():
            raise UserError(
                self.env._(
                    "%(ref)s does not need %(review)s.",
                    ref=self.name,
                    review=self._review_label(kind),
                )
            )
        if (
            kind != "compliance"
            and not self.env.su
            and not html2plaintext(self.sudo().handling_plan or "").strip()
        ):
            raise UserError(
                self.env._("%(ref)s has no handling plan to review yet.", ref=self.name)
            )
        self._check_review_order(kind)
        complaint = self.sudo()
        Opinion = self.env["huatai.complaint.opinion"].sudo()
        values = {
            "user_id": self.env.uid,
            "date": fields.Datetime.now(),
            "text": text,
            "decision": decision,
            "unit_id": complaint._review_unit(kind).id,
        }
        waiting = Opinion.search(
            [
                ("complaint_id", "=", complaint.id),
                ("kind", "=", kind),
                ("decision", "=", False),
            ],
            limit=1,
        )
        if waiting:
            waiting.write(values)
        else:
            Opinion.create({"complaint_id": complaint.id, "kind": kind, **values})
        xmlid = (
            COMPLIANCE_ACTIVITY_XMLID if kind == "compliance" else REVIEW_ACTIVITY_XMLID
        )
        complaint.activity_feedback([xmlid], feedback=text)
        if kind == "compliance":
            # the complaint's own fields hold Compliance's approving opinion
            mirror = (
                {
                    "compliance_opinion": text,
                    "compliance_opinion_user_id": self.env.uid,
                    "compliance_opinion_date": values["date"],
                }
                if decision == "approve"
                else {
                    "compliance_opinion": False,
                    "compliance_opinion_user_id": False,
                    "compliance_opinion_date": False,
                }
            )
            self._as_workflow().write(mirror)
        decisions = dict(Opinion._fields["decision"]._description_selection(self.env))
        complaint.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "%(review)s by %(user)s: %(decision)s",
                    review=self._review_label(kind),
                    user=self.env.user.name,
                    decision=decisions[decision],
                ),
                text,
            ),
            subtype_xmlid="mail.mt_note",
        )
        if decision == "revise":
            self._send_plan_back(kind, text)
        else:
            self._request_next_review()
        self._update_plan_state()
        return True

    def _send_plan_back(self, kind, text):
        """A review asks to revise: the plan goes back to the handling unit's
        owner (or head), who revises and submits it again."""
        complaint = self.sudo()
        complaint._as_workflow().write({"plan_state": "revise"})
        owner = complaint.user_id or complaint.handling_unit_id.manager_id
        owner = complaint._allowed_recipients(owner)[:1]
        if owner:
            env = complaint._env_in_lang(owner)
            complaint.activity_schedule(
                REVISE_ACTIVITY_XMLID,
                summary=env._(
                    "Revise the handling plan of %(ref)s (%(review)s): %(text)s",
                    ref=complaint.name,
                    review=complaint.with_env(env)._review_label(kind),
                    text=text[:200],
                ),
                user_id=owner.id,
            )

    def _update_plan_state(self):
        self.ensure_one()
        complaint = self.sudo()
        if complaint.plan_state in ("draft", "revise"):
            return
        state = "in_review" if complaint._missing_review_kinds() else "approved"
        if complaint.plan_state != state:
            complaint._as_workflow().write({"plan_state": state})

    def _withdraw_opinions_from_outsiders(self):
        """A complaint became a whistleblowing report: its reviews and orders
        are Compliance's (record rules); the activities and followers that
        would still lead others to them are taken back."""
        opinions = (
            self.env["huatai.complaint.opinion"]
            .sudo()
            .search([("complaint_id", "in", self.ids)])
        )
        if not opinions:
            return
        insiders = self._huatai_insider_users()
        self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", opinions._name),
                ("res_id", "in", opinions.ids),
                ("user_id", "not in", insiders.ids),
            ]
        ).unlink()
        self.env["mail.followers"].sudo().search(
            [
                ("res_model", "=", opinions._name),
                ("res_id", "in", opinions.ids),
                ("partner_id", "not in", insiders.partner_id.ids),
            ]
        ).unlink()
        # their past messages follow them (the rules of messages and
        # notifications read the flag; new ones are flagged at creation)
        flag_confidential_messages(opinions)
