import datetime

import pytz

from ..tools.workdays import CN_TZ as CN
from .common import ComplaintCase


def cn(value):
    """China time "YYYY-MM-DD HH:MM" as the naive UTC datetime Odoo stores."""
    local = CN.localize(datetime.datetime.strptime(value, "%Y-%m-%d %H:%M"))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def day(value):
    return datetime.date.fromisoformat(value)


class DeadlineCase(ComplaintCase):
    """The org tree of ComplaintCase with unit heads, and what the deadline,
    routing and compliance tests share."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.institutional_unit = ref("huatai_complaints.unit_institutional_service_hq")
        cls.default_policy = ref("huatai_complaints.deadline_policy_default")
        cls.Policy = cls.env["huatai.deadline.policy"]
        cls.Rule = cls.env["huatai.complaint.routing.rule"]
        cls.head_nanjing = cls._user("t_head_nj", "manager", cls.nanjing)
        cls.institutional_user = cls._user(
            "t_institutional", "hq", cls.institutional_unit
        )
        cls.nanjing.manager_id = cls.head_nanjing
        cls.retail_hq.manager_id = cls.hq_user
        cls.compliance_unit.manager_id = cls.compliance_user
        cls.institutional_unit.manager_id = cls.institutional_user

    @classmethod
    def _archive_shipped_rules(cls):
        cls.Rule.search([]).action_archive()

    @classmethod
    def _load_chinese(cls):
        """Activate Simplified Chinese with this module's translations."""
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["huatai_complaints"], ["zh_CN"], overwrite=True
        )

    def _activities(self, complaint, xmlid=None):
        domain = [("res_model", "=", complaint._name), ("res_id", "=", complaint.id)]
        if xmlid:
            domain.append(("activity_type_id", "=", self.env.ref(xmlid).id))
        return self.env["mail.activity"].search(domain)

    def _notified_partners(self, complaint):
        """Partners notified by the messages posted on the complaint."""
        return complaint.message_ids.notified_partner_ids
