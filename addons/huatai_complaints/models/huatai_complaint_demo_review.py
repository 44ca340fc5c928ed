"""The reviews the demo's finished complaints carry (issue 15): those their
rules required, approved before the reply."""

from datetime import timedelta

from markupsafe import Markup

PLAN = (
    "<p>核实交易记录与录音后，向客户说明情况；"
    "属实部分按实际损失予以补偿，并对相关员工进行培训。</p>"
)
REVIEW_TEXTS = {
    "branch_review": "分公司审核：同意营业部处理方案。",
    "hq_advice": "零售客户服务总部：同意，注意做好客户安抚。",
    "institutional": "机构客户服务总部：同意对外答复口径。",
}


def give_demo_reviews(complaint, before, plan=PLAN):
    """The approving reviews (other than Compliance's, which the sample
    writes itself) that ``complaint`` needs of its handling ``plan``, a day
    before ``before`` (at the latest when it was received)."""
    env = complaint.env
    kinds = [k for k in complaint._required_review_kinds() if k != "compliance"]
    if not kinds:
        return
    moment = max(before - timedelta(days=1), complaint.received_date)
    vals_list = []
    for kind in kinds:
        unit = complaint._review_unit(kind)
        user = unit.manager_id or unit.member_ids[:1] or env.ref("base.user_admin")
        vals_list.append(
            {
                "complaint_id": complaint.id,
                "kind": kind,
                "unit_id": unit.id,
                "user_id": user.id,
                "date": moment,
                "requested_date": moment,
                "text": REVIEW_TEXTS[kind],
                "decision": "approve",
            }
        )
    env["huatai.complaint.opinion"].sudo().create(vals_list)
    complaint._as_workflow().write(
        {
            "handling_plan": Markup(plan),
            "plan_state": "approved",
            "plan_submitted_date": moment,
        }
    )
