from odoo import api, models
from odoo.exceptions import AccessError

from .huatai_complaint_demo import QUIET

HOLD_REASON = "（2026）苏0106民初1234号诉讼未决，南京市鼓楼区人民法院要求保全投诉材料。"
DISSATISFIED_REMARKS = "客户认为退还的佣金不足，要求重新核算。"


class HuataiComplaintDemo(models.AbstractModel):
    _inherit = "huatai.complaint.demo"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _build_closing_examples(self):
        """Issue 15 in the demo: a regulator-forwarded complaint on legal
        hold, and a callback that found the client dissatisfied (the
        complaint back in handling, the unit head informed). Done by their
        users through the wizards."""
        if not self.env.su:
            raise AccessError(self.env._("Only the demo data builds the sample."))
        env = self.env(context=dict(self.env.context, **QUIET))
        Complaint = env["huatai.complaint"].with_context(active_test=False)
        compliance = env.ref("huatai_complaints.demo_user_compliance")
        held = Complaint.search(
            [("channel", "=", "regulator"), ("is_closed", "=", True)],
            order="received_date, id",
            limit=1,
        )
        if held:
            env["huatai.complaint.legal.hold.wizard"].with_user(compliance).create(
                {"complaint_id": held.id, "reason": HOLD_REASON}
            ).action_apply()
        waiting = Complaint.search(
            [("stage_state", "in", ("replied", "callback")), ("user_id", "!=", False)],
            order="replied_date, id",
        )
        # keep a complaint in each of these stages in the demo
        for state in ("replied", "callback"):
            candidates = waiting.filtered(lambda c, s=state: c.stage_state == s)
            if len(candidates) > 1:
                complaint = candidates[0]
                env["huatai.complaint.callback.wizard"].with_user(
                    complaint.user_id
                ).create(
                    {
                        "complaint_id": complaint.id,
                        "reached": "reached",
                        "satisfaction": "dissatisfied",
                        "remarks": DISSATISFIED_REMARKS,
                    }
                ).action_record()
                break
        return held
