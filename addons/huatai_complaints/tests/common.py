import base64
import datetime

import pytz
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import Form, new_test_user

from odoo.addons.base.tests.common import BaseCommon

from ..tools.workdays import CN_TZ as CN

GROUPS = "huatai_complaints.group_complaint_%s"

# the branches and sales departments below HQ that the tests work with:
# (attribute, name, code suffix, kind, parent attribute)
ORG_TREE = (
    ("jiangsu", "江苏分公司", "JS", "branch", None),
    ("zhejiang", "浙江分公司", "ZJ", "branch", None),
    ("nanjing", "南京鼓楼营业部", "JS-NJ", "sales_department", "jiangsu"),
    ("suzhou", "苏州营业部", "JS-SZ", "sales_department", "jiangsu"),
    ("hangzhou", "杭州营业部", "ZJ-HZ", "sales_department", "zhejiang"),
)


def build_org_tree(target, Unit, hq, prefix):
    """Create :data:`ORG_TREE` below ``hq`` (codes ``<prefix>-<suffix>``) and
    set each unit as an attribute of ``target``."""
    for attr, name, code, kind, parent in ORG_TREE:
        unit = Unit.create(
            {
                "name": name,
                "code": f"{prefix}-{code}",
                "kind": kind,
                "parent_id": (getattr(target, parent) if parent else hq).id,
            }
        )
        setattr(target, attr, unit)


class ComplaintCase(BaseCommon):
    """An org tree with a user per role, shared by the complaint tests
    (mail tracking and notifications muted: :class:`BaseCommon`).

    HQ ─┬─ Retail Client Service HQ, Customer Service Center, Compliance, ...
        ├─ Jiangsu branch ─┬─ Nanjing Gulou sales department
        │                  └─ Suzhou sales department
        └─ Zhejiang branch ─── Hangzhou sales department
    """

    @classmethod
    def _load_chinese(cls):
        """Activate Simplified Chinese with this module's translations."""
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["huatai_complaints"], ["zh_CN"], overwrite=True
        )

    @classmethod
    def setup_main_company(cls, currency_code="CNY"):
        """The firm works in yuan (BaseCommon would switch it to dollars)."""
        return super().setup_main_company(currency_code=currency_code)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.Unit = cls.env["huatai.org.unit"]
        cls.Complaint = cls.env["huatai.complaint"]
        cls.hq = ref("huatai_complaints.unit_company")
        cls.retail_hq = ref("huatai_complaints.unit_retail_service_hq")
        cls.csc = ref("huatai_complaints.unit_customer_service_center")
        cls.compliance_unit = ref("huatai_complaints.unit_compliance")
        build_org_tree(cls, cls.Unit, cls.hq, "T")
        cls.staff_nanjing = cls._user("t_staff_nj", "user", cls.nanjing)
        cls.staff_suzhou = cls._user("t_staff_sz", "user", cls.suzhou)
        cls.staff_hangzhou = cls._user("t_staff_hz", "user", cls.hangzhou)
        cls.head_jiangsu = cls._user("t_head_js", "manager", cls.jiangsu)
        cls.hq_user = cls._user("t_hq", "hq", cls.retail_hq)
        cls.compliance_user = cls._user(
            "t_compliance", "compliance", cls.compliance_unit
        )
        cls.admin_user = cls._user("t_cadmin", "admin", cls.hq)
        cls.jiangsu.manager_id = cls.head_jiangsu
        cls.category_service = ref("huatai_complaints.category_service")
        cls.category_system = ref("huatai_complaints.category_system")
        cls.category_whistleblowing = ref("huatai_complaints.category_whistleblowing")
        cls.stage = {
            stage.state: stage
            for stage in cls.env["huatai.complaint.stage"].search(
                [], order="sequence desc"
            )
        }

    @classmethod
    def _user(cls, login, role, unit):
        user = new_test_user(
            cls.env,
            login=login,
            groups=f"base.group_user,{GROUPS % role}",
            name=login,
        )
        user.huatai_unit_ids = unit
        return user

    @classmethod
    def _complaint_vals(cls, unit, **values):
        vals = {
            "channel": "email",
            "category_id": cls.category_service.id,
            "complainant_name": "张三",
            "complainant_phone": "13800000000",
            "description": "营业部员工态度恶劣",
            "accepting_unit_id": unit.id,
        }
        vals.update(values)
        return vals

    @classmethod
    def _make(cls, unit, **values):
        return cls.Complaint.create(cls._complaint_vals(unit, **values))

    def _closed_years_ago(self, years, **values):
        """A complaint of Nanjing rejected (closed) ``years`` years and a day
        ago."""
        complaint = self._make(self.nanjing, **values)
        complaint.write(
            {
                "rejection_reason": "不属于受理范围",
                "stage_id": self.stage["rejected"].id,
            }
        )
        complaint.closed_date = fields.Datetime.now() - relativedelta(
            years=years, days=1
        )
        return complaint

    @classmethod
    def _open_local_channels(cls, *channels):
        """Branches and sales departments take ``channels`` too, beyond the
        rules' on-site, phone, fax and email (Settings > Complaints)."""
        for channel in channels:
            cls.env["ir.config_parameter"].set_param(
                f"huatai_complaints.local_accepts_{channel}", "True"
            )

    @staticmethod
    def _attach(complaint, name="recording.mp3", mimetype="audio/mpeg"):
        return complaint.env["ir.attachment"].create(
            {
                "name": name,
                "res_model": complaint._name,
                "res_id": complaint.id,
                "mimetype": mimetype,
                "datas": base64.b64encode(b"ID3 fake audio frame"),
            }
        )


def give_required_reviews(complaint, text="同意处理方案"):
    """Approve, in the rules' order, the reviews of the handling plan that
    ``complaint`` still needs before its reply (issue 15): the branch review
    (every complaint handled at a sales department, Art. 6), Retail Client
    Service HQ's advice, Institutional Client Service HQ's, Compliance's
    opinion. Each is given by the head of its reviewing unit when the unit has
    one (else by the current user), as superuser: what the tests of other
    steps need, not a test of the reviews (``test_review_chain.py``)."""
    for kind in complaint._missing_review_kinds():
        head = complaint.sudo()._review_unit(kind).manager_id
        reviewer = complaint.with_user(head) if head else complaint
        reviewer.sudo()._give_review(kind, text, "approve")
    return complaint


def cn(value):
    """China time "YYYY-MM-DD HH:MM" as the naive UTC datetime Odoo stores."""
    local = CN.localize(datetime.datetime.strptime(value, "%Y-%m-%d %H:%M"))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def day(value):
    return datetime.date.fromisoformat(value)


class DeadlineCase(ComplaintCase):
    """ComplaintCase with heads of the Nanjing, retail HQ, Compliance and
    institutional units, and what the deadline, routing, compliance and review
    tests share."""

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

    def _reply(self, complaint, user):
        """Record the reply through the reply wizard's form, as ``user``."""
        wizard = Form(
            self.env["huatai.complaint.reply.wizard"]
            .with_user(user)
            .with_context(default_complaint_id=complaint.id)
        )
        wizard.reply_text = "已向客户说明处理结果"
        wizard.reply_method = "phone"
        wizard.save().action_record_reply()

    def _activities(self, complaint, xmlid=None):
        domain = [("res_model", "=", complaint._name), ("res_id", "=", complaint.id)]
        if xmlid:
            domain.append(("activity_type_id", "=", self.env.ref(xmlid).id))
        return self.env["mail.activity"].search(domain)

    def _notified_partners(self, complaint):
        """Partners notified by the messages posted on the complaint."""
        return complaint.message_ids.notified_partner_ids
