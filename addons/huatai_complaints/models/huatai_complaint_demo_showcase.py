"""The demo's review chain (issue 15): a few open complaints show each step
of the handling plan's reviews, an order to act, the compensation approved
and the report back to the regulator."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.workdays import china_today
from .huatai_complaint_demo_review import PLAN, REVIEW_TEXTS

MODULE = "huatai_complaints"


class HuataiComplaintDemo(models.AbstractModel):
    _inherit = "huatai.complaint.demo"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _build_review_showcase(self):
        """A few open complaints at 南京鼓楼营业部 showing the review chain."""
        if not self.env.su:
            raise AccessError(self.env._("Only the demo data builds the sample."))
        quiet = dict(
            self.env.context,
            tracking_disable=True,
            mail_notify_force_send=False,
            huatai_skip_acknowledgement=True,
            huatai_skip_survey=True,
        )
        env = self.env(context=quiet)

        def ref(xmlid):
            return env.ref(f"{MODULE}.{xmlid}")

        def as_user(xmlid):
            return env(user=ref(xmlid).id, su=True)

        staff, head = "demo_user_staff", "demo_user_head"
        nanjing, suzhou = ref("demo_unit_nj"), ref("demo_unit_sz")
        common = {
            "channel": "onsite",
            "recording_consent_state": "granted",
            "category_id": ref("category_service").id,
            "accepting_unit_id": nanjing.id,
        }

        def make(**vals):
            complaint = (
                as_user(staff)["huatai.complaint"]
                .with_context(huatai_skip_routing=True)
                .create({**common, **vals})
            )
            as_user(staff)["ir.attachment"].create(
                {
                    "name": "现场投诉录音.mp3",
                    "mimetype": "audio/mpeg",
                    "raw": b"demo",
                    "res_model": complaint._name,
                    "res_id": complaint.id,
                }
            )
            complaint.with_env(as_user(staff)).action_accept()
            return complaint

        def plan(complaint, text=PLAN):
            mine = complaint.with_env(as_user(staff))
            mine.handling_plan = Markup(text)
            mine.action_submit_plan()

        # 1. submitted, waiting for the branch company's review
        first = make(
            complainant_name="孙丽",
            complainant_phone="13951000011",
            description="客户经理承诺理财产品保本，到期亏损百分之八。",
            demand="要求赔偿本金损失三万元。",
            compensation_amount=30000,
            is_difficult=True,
            respondent_name="赵敏",
            respondent_position="客户经理",
            respondent_unit_id=nanjing.id,
        )
        plan(first)
        # 2. sent back by the branch company, to be revised
        second = make(
            complainant_name="钱伟",
            complainant_phone="13951000012",
            description="营业部未按规定揭示融资融券风险，客户被强制平仓。",
            demand="要求说明平仓依据。",
            is_law_related=True,
        )
        plan(second, "<p>向客户解释强平规则，不予补偿。</p>")
        second.with_env(as_user(head))._give_review(
            "branch_review", "请补充风险揭示书签署情况及录音核查结果后再报。", "revise"
        )
        # 3. the whole chain: reviews, an order to the unit complained about,
        #    the reply and the compensation approved by the branch head
        third = make(
            complainant_name="周敏",
            complainant_phone="13951000013",
            description="苏州星海街营业部员工代客操作，造成客户损失。",
            demand="要求赔偿损失六万元并处理相关员工。",
            compensation_amount=60000,
            is_difficult=True,
            respondent_name="王刚",
            respondent_position="理财顾问",
            respondent_unit_id=suzhou.id,
        )
        plan(third)
        third.with_env(as_user(head))._give_review(
            "branch_review", REVIEW_TEXTS["branch_review"], "approve"
        )
        third.with_env(as_user("demo_user_hq"))._give_review(
            "hq_advice", REVIEW_TEXTS["hq_advice"], "approve"
        )
        compliance = third.with_env(as_user("demo_user_compliance"))
        compliance._give_order(
            suzhou,
            china_today() + timedelta(days=10),
            "对代客操作行为开展专项排查，组织员工合规培训，并报送整改报告。",
        )
        compliance._give_review(
            "compliance", "同意在核实损失后按方案补偿，责任员工按制度处理。", "approve"
        )
        wizard = as_user(staff)["huatai.complaint.reply.wizard"].create(
            {
                "complaint_id": third.id,
                "reply_text": Markup(
                    "<p>经核实，对您的损失予以补偿，相关员工已严肃处理。</p>"
                ),
                "reply_method": "onsite",
                "replied_date": fields.Datetime.now(),
            }
        )
        wizard.action_record_reply()
        mine = third.with_env(as_user(staff))
        mine.write(
            {
                "outcome": "founded",
                "responsibility": "理财顾问违规代客操作，营业部管理责任。",
                "root_cause": "营业部对员工执业行为监督不到位。",
                "mediation": "营业部与客户协商一致，达成和解。",
                "corrective_action": "开展代客操作专项排查与合规培训。",
            }
        )
        # approved by the branch head in person: the level follows the user
        third.with_user(ref(head))._approve_compensation(60000, china_today())
        # 4. a regulator-forwarded complaint reported back to the authority
        regulator = make(
            complainant_name="吴昊",
            complainant_phone="13951000014",
            description="客户通过12386热线投诉营业部拖延办理销户。",
            demand="要求尽快办理销户。",
            channel="regulator",
            # forwarded complaints are taken at HQ (channels per level)
            accepting_unit_id=ref("unit_retail_service_hq").id,
            handling_unit_id=nanjing.id,
            recording_consent_state=False,
            regulator_authority="hotline_12386",
            regulator_reference="12386〔2026〕8801号",
            regulator_deadline=china_today() + timedelta(days=20),
        )
        regulator.with_env(as_user(staff))._record_regulator_reply(
            china_today(),
            "华泰南京〔2026〕12号",
            "已核实并为客户办理销户，客户表示满意。",
        )
        return first | second | third | regulator
