from odoo import api, fields, models
from odoo.exceptions import AccessError


class HuataiComplaintReviewWizard(models.TransientModel):
    _name = "huatai.complaint.review.wizard"
    _description = "Review the Handling Plan of a Complaint"

    complaint_id = fields.Many2one("huatai.complaint", required=True, readonly=True)
    kind = fields.Selection(selection="_selection_kind", string="Review", required=True)
    handling_plan = fields.Html(compute="_compute_handling_plan")
    decision = fields.Selection(
        [("approve", "Approve"), ("revise", "Revise the Plan")],
        required=True,
        default="approve",
    )
    text = fields.Text(string="Opinion", required=True)

    @api.model
    def _selection_kind(self):
        return [
            item
            for item in self.env["huatai.complaint.opinion"]
            ._fields["kind"]
            ._description_selection(self.env)
            if item[0] != "order"
        ]

    @api.depends("complaint_id")
    def _compute_handling_plan(self):
        for wizard in self:
            wizard.handling_plan = wizard.complaint_id.handling_plan

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        complaint = self.env["huatai.complaint"].browse(res.get("complaint_id"))
        if complaint and "kind" in fields_list and not res.get("kind"):
            complaint.check_access("read")
            # the reviews of this user that are due now (in the rules' order)
            mine = complaint._reviews_open_to(self.env.user)
            missing = [k for k in complaint._missing_review_kinds() if k in mine]
            res["kind"] = (missing or mine or [False])[0]
        return res

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            complaint = wizard.sudo().complaint_id.with_env(self.env)
            complaint.check_access("read")
            if not complaint.can_review:
                complaint._check_review_turn_of(self.env.user)
                raise AccessError(
                    self.env._(
                        "%(ref)s needs no review that you may give.",
                        ref=complaint.name,
                    )
                )
        return wizards

    def action_give_review(self):
        self.ensure_one()
        self.complaint_id._give_review(self.kind, self.text, self.decision)
        return {"type": "ir.actions.act_window_close"}
