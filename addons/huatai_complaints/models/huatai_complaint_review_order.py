"""Orders to act (责成, SPEC §14, Art. 8): Compliance, or Retail Client
Service HQ, orders the unit complained about to take a measure by a date.
The order is an opinion of kind ``order`` (``huatai.complaint.opinion``)
with an activity for the head of the unit ordered.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.workdays import china_today
from .huatai_complaint import COMPLIANCE_GROUP
from .huatai_complaint_review import COMPLIANCE_UNIT_XMLID, RETAIL_HQ_XMLID

ORDER_ACTIVITY_XMLID = "huatai_complaints.mail_activity_type_order"


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_order_wizard(self):
        self.ensure_one()
        self.check_access("read")
        self._check_may_order()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Order to Act"),
            "res_model": "huatai.complaint.order.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_complaint_id": self.id,
                "default_target_unit_id": self.respondent_unit_id.id,
            },
        }

    # ------------------------------------------------------------------
    # Who orders
    # ------------------------------------------------------------------
    @api.model
    def _may_give_order(self, user):
        """Compliance, and Retail Client Service HQ, order units to act."""
        if self.env.su and user == self.env.user:
            return True
        if user.has_group(COMPLIANCE_GROUP):
            return True
        retail_hq = self.env.ref(RETAIL_HQ_XMLID, raise_if_not_found=False)
        return bool(retail_hq) and (
            retail_hq in user.sudo().huatai_unit_ids
            or retail_hq.sudo().manager_id == user
        )

    def _check_may_order(self):
        if not self._may_give_order(self.env.user):
            raise AccessError(
                self.env._(
                    "Only Compliance or Retail Client Service HQ order a unit to act."
                )
            )

    # ------------------------------------------------------------------
    # Giving an order
    # ------------------------------------------------------------------
    def _give_order(self, target_unit, due_date, text):
        """Order ``target_unit`` (the unit complained about) to take the
        measure ``text`` by ``due_date``."""
        self.ensure_one()
        self._check_may_order()
        self.check_access("read")
        if not target_unit:
            raise UserError(
                self.env._(
                    "Choose the unit ordered to act (the unit complained about)."
                )
            )
        if not due_date:
            raise UserError(self.env._("Give the date by which the unit must act."))
        if due_date < china_today():
            raise UserError(self.env._("The date to act by cannot be in the past."))
        if not (text or "").strip():
            raise UserError(self.env._("Write the measure the unit must take."))
        if self.is_closed:
            raise UserError(self.env._("%(ref)s is closed.", ref=self.name))
        complaint = self.sudo()
        if complaint.is_confidential:
            raise UserError(
                self.env._(
                    "%(ref)s is a whistleblowing report: it stays within "
                    "Compliance and cannot be sent to a unit as an order.",
                    ref=self.name,
                )
            )
        user = self.env.user
        ordering_unit = (
            self.env.ref(COMPLIANCE_UNIT_XMLID, raise_if_not_found=False)
            if user.has_group(COMPLIANCE_GROUP)
            else self.env.ref(RETAIL_HQ_XMLID, raise_if_not_found=False)
        )
        order = (
            self.env["huatai.complaint.opinion"]
            .sudo()
            .create(
                {
                    "complaint_id": complaint.id,
                    "kind": "order",
                    "unit_id": ordering_unit.id if ordering_unit else False,
                    "user_id": user.id,
                    "date": fields.Datetime.now(),
                    "requested_date": fields.Datetime.now(),
                    "text": text,
                    "target_unit_id": target_unit.id,
                    "due_date": due_date,
                }
            )
        )
        contact = target_unit.sudo().manager_id or target_unit.sudo().member_ids[:1]
        contact = complaint._allowed_recipients(contact)[:1]
        if contact:
            env = complaint._env_in_lang(contact)
            # no notification message: the order's text stays on the order
            order.with_context(mail_activity_quick_update=True).activity_schedule(
                ORDER_ACTIVITY_XMLID,
                date_deadline=due_date,
                summary=env._(
                    "Order to act on %(ref)s, by %(date)s",
                    ref=complaint.name,
                    date=due_date,
                ),
                user_id=contact.id,
            )
        complaint.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "%(user)s orders %(unit)s to act by %(date)s:",
                    user=user.name,
                    unit=target_unit.display_name,
                    date=due_date,
                ),
                text,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return order
