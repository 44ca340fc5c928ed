"""The stages of a complaint (SPEC §4): moving it to the stage of a state,
what a stage sets (accepted date), what a stage requires (reason of a
rejection, evidence, the recorded reply, the compliance opinion)."""

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools.actions import wizard_action
from .huatai_complaint import REPLIED_STATES, WORKED_STATES


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Stage actions
    # ------------------------------------------------------------------
    def action_accept(self):
        self._move_to_state("accepted")
        return True

    def action_start(self):
        self._move_to_state("in_progress")
        return True

    def action_close(self):
        self._move_to_state("closed")
        return True

    def action_open_reject_wizard(self):
        self.ensure_one()
        return wizard_action(
            self.env._("Reject Complaint"),
            "huatai.complaint.reject.wizard",
            {"default_complaint_id": self.id},
        )

    def action_open_reply_wizard(self):
        self.ensure_one()
        return wizard_action(
            self.env._("Record Reply"),
            "huatai.complaint.reply.wizard",
            {"default_complaint_id": self.id},
        )

    # ------------------------------------------------------------------
    # Stages
    # ------------------------------------------------------------------
    def _stage_for_state(self, state):
        stage = self.env["huatai.complaint.stage"].search(
            [("state", "=", state)], limit=1
        )
        if not stage:
            states = dict(
                self.env["huatai.complaint.stage"]
                ._fields["state"]
                ._description_selection(self.env)
            )
            raise UserError(
                self.env._(
                    "No stage means %(state)s: ask an administrator to configure one.",
                    state=states[state],
                )
            )
        return stage

    def _move_to_state(self, state):
        if self:
            self.write({"stage_id": self._stage_for_state(state).id})

    def _apply_stage_side_effects(self):
        """Stamp the dates that the reached stage implies."""
        now = fields.Datetime.now()
        to_accept = self.filtered(
            lambda c: not c.accepted_date and c.stage_state in WORKED_STATES
        )
        if to_accept:
            to_accept._as_workflow().write({"accepted_date": now})

    def _check_stage_requirements(self):
        """Refuse stages the complaint's state does not allow yet.

        Raised errors roll the whole write back: nothing is saved half-way.
        """
        evidence = self._evidence_by_complaint()
        stage_names = {}
        for complaint in self:
            state = complaint.stage_state
            if not state:
                continue
            stage_names[complaint] = complaint.stage_id.name
            if state == "rejected" and not complaint.rejection_reason:
                raise UserError(
                    self.env._(
                        "%(ref)s: give the reason before rejecting the complaint.",
                        ref=complaint.name,
                    )
                )
            if state in WORKED_STATES:
                missing = complaint._missing_evidence(evidence.get(complaint.id, {}))
                if missing:
                    raise UserError(
                        self.env._(
                            "%(ref)s cannot move to %(stage)s: %(missing)s",
                            ref=complaint.name,
                            stage=complaint.stage_id.name,
                            missing=missing,
                        )
                    )
            if state in REPLIED_STATES and not complaint.replied_date:
                raise UserError(
                    self.env._(
                        "%(ref)s cannot move to %(stage)s before the reply given "
                        "to the complainant is recorded (use Record Reply).",
                        ref=complaint.name,
                        stage=complaint.stage_id.name,
                    )
                )
        self._check_compliance_gate()

    def _evidence_by_complaint(self):
        """Attachment counts per complaint: {id: {'audio': n, 'any': n}}."""
        needing = self.filtered(lambda c: c.channel in ("phone", "letter", "fax"))
        if not needing:
            return {}
        result = {}
        groups = (
            self.env["ir.attachment"]
            .sudo()
            ._read_group(
                [("res_model", "=", self._name), ("res_id", "in", needing.ids)],
                ["res_id", "mimetype"],
                ["__count"],
            )
        )
        for res_id, mimetype, count in groups:
            counts = result.setdefault(res_id, {"audio": 0, "any": 0})
            counts["any"] += count
            if mimetype and mimetype.split("/")[0] in ("audio", "video"):
                counts["audio"] += count
        return result

    def _missing_evidence(self, counts):
        self.ensure_one()
        if self.channel == "phone" and not counts.get("audio"):
            return self.env._(
                "attach the call recording (an audio file) of the phone complaint."
            )
        if self.channel in ("letter", "fax") and not counts.get("any"):
            return self.env._("attach the scanned letter or fax.")
        return False
