"""Shared set-up of the complainant-side tests (intake, portal, callbacks,
surveys): the org tree of ``common.py``, staff of each level and two portal
clients. A mixin, because the portal tests are ``HttpCase`` (the others use
it with ``ComplaintCase``'s base, ``BaseCommon``)."""

import base64

from odoo import Command, fields
from odoo.tests import new_test_user

from .common import build_org_tree, give_required_reviews


def encoded_word(text, charset, encoding="B"):
    """An RFC 2047 encoded word, as real mail clients write them."""
    data = text.encode(charset)
    if encoding == "B":
        return f"=?{charset}?B?{base64.b64encode(data).decode()}?="
    quoted = "".join(
        chr(b) if b < 128 and chr(b).isalnum() else f"={b:02X}" for b in data
    )
    return f"=?{charset}?Q?{quoted}?="


def b64_lines(data):
    encoded = base64.b64encode(data).decode()
    return "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


class ComplaintIntakeMixin:
    """To mix into ComplaintCase, HttpCase or MailCommon (before it in the
    bases)."""

    @classmethod
    def _setup_intake_data(cls):
        env = cls.env
        ref = env.ref
        cls.unit_hq = ref("huatai_complaints.unit_company")
        cls.unit_csc = ref("huatai_complaints.unit_customer_service_center")
        cls.unit_retail = ref("huatai_complaints.unit_retail_service_hq")
        cls.category_other = ref("huatai_complaints.category_other")
        cls.category_service = ref("huatai_complaints.category_service")
        cls.category_whistle = ref("huatai_complaints.category_whistleblowing")
        cls.stage_replied = ref("huatai_complaints.stage_replied")
        # the org tree of ComplaintCase (common.py): already there when mixed
        # into ComplaintCase, built here for HttpCase and MailCommon
        if not hasattr(cls, "nanjing"):
            Unit = env["huatai.org.unit"].with_context(tracking_disable=True)
            build_org_tree(cls, Unit, cls.unit_hq, "T")
        cls.unit_branch = cls.jiangsu
        cls.unit_sales = cls.nanjing
        cls.unit_sales_2 = cls.suzhou
        group = "huatai_complaints.group_complaint_"
        cls.user_csc_manager = new_test_user(
            env,
            login="t_csc_manager",
            name="CSC Manager",
            email="csc.manager@example.com",
            groups=f"{group}manager",
        )
        cls.user_csc_agent = new_test_user(
            env,
            login="t_csc_agent",
            name="CSC Agent",
            email="csc.agent@example.com",
            groups=f"{group}user",
        )
        cls.user_sales_manager = new_test_user(
            env,
            login="t_sales_manager",
            name="Sales Department Head",
            email="sales.head@example.com",
            groups=f"{group}manager",
        )
        cls.user_sales_agent = new_test_user(
            env,
            login="t_sales_agent",
            name="Sales Complaint Officer",
            email="sales.agent@example.com",
            groups=f"{group}user",
        )
        cls.user_hq = new_test_user(
            env,
            login="t_hq_owner",
            name="HQ Process Owner",
            email="hq.owner@example.com",
            groups=f"{group}hq",
        )
        cls.unit_csc.with_context(tracking_disable=True).write(
            {
                "manager_id": cls.user_csc_manager.id,
                "member_ids": [
                    Command.link(cls.user_csc_manager.id),
                    Command.link(cls.user_csc_agent.id),
                ],
            }
        )
        cls.unit_sales.with_context(tracking_disable=True).write(
            {
                "manager_id": cls.user_sales_manager.id,
                "member_ids": [
                    Command.link(cls.user_sales_manager.id),
                    Command.link(cls.user_sales_agent.id),
                ],
            }
        )
        cls.user_hq.huatai_unit_ids = cls.unit_retail
        cls.portal_user_1 = new_test_user(
            env,
            login="t_portal_li",
            name="Li Ming",
            email="li.ming@example.cn",
            groups="base.group_portal",
        )
        cls.portal_user_2 = new_test_user(
            env,
            login="t_portal_wang",
            name="Wang Fang",
            email="wang.fang@example.cn",
            groups="base.group_portal",
        )

    def _complaint_values(self, **values):
        return {
            "channel": "email",
            "category_id": self.category_service.id,
            "accepting_unit_id": self.unit_csc.id,
            "complainant_name": "Zhang Wei",
            "complainant_email": "zhang.wei@example.cn",
            "complainant_phone": "13800000000",
            "description": "The trading app froze while I was selling.",
            "received_date": fields.Datetime.now(),
            **values,
        }

    def _create_complaint(self, **values):
        return (
            self.env["huatai.complaint"]
            .with_context(huatai_skip_acknowledgement=True)
            .create(self._complaint_values(**values))
        )

    def _record_reply(self, complaint, user=None):
        """Record the reply through the reply wizard, as staff do (after the
        reviews of the handling plan the rules require)."""
        give_required_reviews(complaint)
        Wizard = self.env["huatai.complaint.reply.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        wizard = Wizard.create(
            {
                "complaint_id": complaint.id,
                "reply_text": "<p>We have checked the logs and refunded the fee.</p>",
                "reply_method": "phone",
                "replied_date": fields.Datetime.now(),
            }
        )
        wizard.action_record_reply()
        return complaint
