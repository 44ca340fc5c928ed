"""Demo: this morning's trading-system outage, complained about at four sales
departments, proposed by the job and confirmed by Retail HQ, its coordinated
reply already given by one of them; the pattern alert it completes (issue 16)."""

from datetime import datetime, time, timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.workdays import china_today
from . import incident_proposal
from .huatai_complaint_demo import QUIET
from .huatai_complaint_demo_review import give_demo_reviews

OUTAGE = [
    (
        "demo_unit_nj",
        "王建国",
        "今天开盘后交易系统无法登录，一直提示网络异常，错过了卖出时机。",
    ),
    (
        "demo_unit_sz",
        "李秀英",
        "网上交易登录不上，交易系统无法登录，打客服电话也一直占线。",
    ),
    ("demo_unit_hz", "陈志强", "手机APP登录失败，交易系统无法登录，反复提示系统繁忙。"),
    ("demo_unit_nb", "刘芳", "交易软件登不上去，交易系统无法登录，要求公司解释原因。"),
]
# whose complainant is the portal's client; who replied first (Nanjing)
CLIENT_UNIT = "demo_unit_hz"
REPLIED_BY = "demo_user_staff"
REPLY = (
    "<p>尊敬的客户：今日9:30至10:05，因交易系统登录服务故障，部分客户无法登录"
    "网上交易。故障已于10:05修复。由此造成的损失，请携相关材料联系所属营业部"
    "核实，我司将依规处理。给您带来不便，深表歉意。</p>"
)
# Nanjing's handling plan, reviewed by its branch company (Art. 6)
OUTAGE_PLAN = (
    "<p>按总部统一答复口径向客户说明故障原因及修复时间；"
    "核实客户当日委托记录，如有损失按公司规定处理。</p>"
)


class HuataiComplaintDemo(models.AbstractModel):
    _inherit = "huatai.complaint.demo"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _build_demo_incident(self):
        if not self.env.su:
            raise AccessError(self.env._("Only the demo data builds the sample."))
        env = self.env(context=dict(self.env.context, **QUIET))
        category = env.ref("huatai_complaints.category_system")
        # 09:35 in China today, or yesterday's when that is still ahead
        day = china_today()
        start = datetime.combine(day, time(1, 35))
        if start + timedelta(minutes=40) > fields.Datetime.now():
            start -= timedelta(days=1)
        complaints = env["huatai.complaint"]
        # the portal's client complains of it too (his third complaint in a
        # few weeks: a pattern alert for Retail HQ)
        client = env.ref("huatai_complaints.demo_partner_client")
        for k, (unit, name, text) in enumerate(OUTAGE):
            values = {
                "channel": "phone",
                "category_id": category.id,
                "accepting_unit_id": env.ref(f"huatai_complaints.{unit}").id,
                "complainant_name": name,
                "complainant_phone": f"1395100{k:04d}",
                "description": text,
                "received_date": start + timedelta(minutes=4 * k),
            }
            if unit == CLIENT_UNIT:
                values.update(
                    complainant_name=client.name,
                    complainant_phone=client.phone,
                    complainant_email=client.email,
                    partner_id=client.id,
                )
            complaints |= complaints.create(values)
        # recorded, acknowledged by phone and being handled, as the units did
        for complaint in complaints:
            env["ir.attachment"].create(
                {
                    "name": "来电录音.mp3",
                    "mimetype": "audio/mpeg",
                    "raw": b"demo",
                    "res_model": complaint._name,
                    "res_id": complaint.id,
                }
            )
            complaint.write(
                {
                    "acknowledged_date": min(
                        complaint.received_date + timedelta(minutes=10),
                        fields.Datetime.now(),
                    ),
                    "acknowledgement_method": "phone",
                }
            )
        complaints.action_start()
        incident = incident_proposal.propose_for(
            env["huatai.complaint.incident"], complaints
        )[:1]
        complaints.write({"incident_scan_pending": False})
        if not incident:
            return False
        hq = env.ref("huatai_complaints.demo_user_hq")
        incident.write({"user_id": hq.id, "reply_text": Markup(REPLY)})
        incident.with_user(hq).action_confirm()
        # Nanjing called its client back with the coordinated reply at 10:15
        # (the incident's first coordinated reply); the others await it
        nanjing = complaints[0]
        give_demo_reviews(nanjing, nanjing.received_date, plan=OUTAGE_PLAN)
        env["huatai.complaint.reply.wizard"].with_user(
            env.ref(f"huatai_complaints.{REPLIED_BY}")
        ).create(
            {
                "complaint_id": nanjing.id,
                "reply_text": incident.reply_text,
                "reply_method": "phone",
                "replied_date": start + timedelta(minutes=40),
            }
        ).action_record_reply()
        # the pattern alerts of the outage's day (the job's run)
        env["huatai.pattern.alert"]._cron_raise_pattern_alerts(
            now=complaints[-1].received_date + timedelta(minutes=1)
        )
        return incident
