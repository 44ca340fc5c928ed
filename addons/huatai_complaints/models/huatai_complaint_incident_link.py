"""What a complaint knows of the cross-complaint analysis (issue 16): its
incident, and the complaint it duplicates. These fields are the workflow's:
the incident actions, the proposal job and the duplicate wizard write them."""

from markupsafe import Markup

from odoo import api, fields, models

from ..tools import settings as S
from ..tools import text_similarity as similarity
from ..tools.settings import read_setting
from . import incident_proposal

ANALYSIS_CRON_XMLID = "huatai_complaints.ir_cron_complaint_incidents"


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    incident_id = fields.Many2one(
        "huatai.complaint.incident",
        index="btree_not_null",
        tracking=True,
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="The event this complaint is part of, with complaints of other units.",
    )
    incident_state = fields.Selection(
        related="incident_id.state", string="Incident Status", groups="base.group_user"
    )
    incident_scan_pending = fields.Boolean(
        readonly=True, copy=False, groups="base.group_user"
    )
    incident_excluded = fields.Boolean(
        string="Not Part of an Incident",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Taken out of an incident by Retail Client Service HQ: not proposed "
        "again.",
    )
    duplicate_of_id = fields.Many2one(
        "huatai.complaint",
        index="btree_not_null",
        tracking=True,
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="The complaint that is handled in this one's place.",
    )
    duplicate_ids = fields.One2many(
        "huatai.complaint",
        "duplicate_of_id",
        string="Duplicates",
        readonly=True,
        groups="base.group_user",
    )
    duplicate_candidate_id = fields.Many2one(
        "huatai.complaint",
        string="Possible Duplicate Of",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="An earlier complaint of the same complainant with a similar text, "
        "found by the analysis job: link them or dismiss the proposal.",
    )

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _schedule_analysis(self):
        """After intake (hook in create): the analysis job looks at these
        complaints in its own transaction — never in the intake's."""
        if self.env.context.get("import_file") or self.env.context.get(
            "huatai_no_analysis"
        ):
            return
        todo = self.sudo().filtered(lambda c: not c.is_confidential)
        if not todo:
            return
        todo.write({"incident_scan_pending": True})
        cron = self.env.ref(ANALYSIS_CRON_XMLID, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    def _leave_shared_analysis(self):
        """These whistleblowing reports (hook in _seal_confidential) leave
        their incident and duplicate proposals: incidents are shared across
        units."""
        reports = self.sudo().with_context(active_test=False)
        grouped = reports.filtered(
            lambda c: c.incident_id or c.duplicate_candidate_id or c.duplicate_ids
        )
        if grouped:
            grouped.write(
                {
                    "incident_id": False,
                    "incident_excluded": True,
                    "duplicate_candidate_id": False,
                }
            )
        pointing = reports.search([("duplicate_candidate_id", "in", reports.ids)])
        pointing.write({"duplicate_candidate_id": False})

    # ------------------------------------------------------------------
    # Duplicates
    # ------------------------------------------------------------------
    @api.model
    def _duplicate_domain(self, complaint, days):
        keys = []
        if complaint.partner_id:
            keys.append([("partner_id", "=", complaint.partner_id.id)])
        if complaint.client_account:
            keys.append([("client_account", "=", complaint.client_account)])
        if not keys:
            return None
        same = keys[0] if len(keys) == 1 else ["|", *keys[0], *keys[1]]
        return [
            *same,
            ("id", "!=", complaint.id),
            ("active", "=", True),
            ("is_confidential", "=", False),
            ("duplicate_of_id", "=", False),
            ("received_date", ">=", complaint.received_date - days),
            ("received_date", "<=", complaint.received_date + days),
        ]

    def _propose_duplicates(self):
        """For each of these (new) complaints, an earlier complaint of the
        same contact or client account with a similar text within a few days
        is proposed as the one it duplicates."""
        from datetime import timedelta

        days = timedelta(days=read_setting(self.env, S.DUPLICATE_DAYS))
        threshold = read_setting(self.env, S.DUPLICATE_SIMILARITY_PERCENT) / 100
        Complaint = self.sudo()
        proposed = Complaint.browse()
        for complaint in self.sudo().filtered(
            lambda c: (
                not c.is_confidential
                and not c.duplicate_of_id
                and similarity.meaningful_length(c.description) >= similarity.MIN_CHARS
            )
        ):
            domain = self._duplicate_domain(complaint, days)
            if domain is None:
                continue
            others = Complaint.search(domain, order="received_date, id", limit=20)
            others = others.filtered(
                lambda o, c=complaint: (o.received_date, o.id) < (c.received_date, c.id)
            )
            if not others:
                continue
            texts = [complaint.description, *others.mapped("description")]
            reference = incident_proposal.reference_texts(
                self.env, complaint.received_date - days
            )
            vectors = similarity.tfidf_vectors(texts, reference)
            scores = [similarity.cosine(vectors[0], v) for v in vectors[1:]]
            best = max(range(len(scores)), key=scores.__getitem__)
            if scores[best] < threshold:
                continue
            original = others[best]
            complaint.duplicate_candidate_id = original
            complaint.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Possibly the same complaint as %(ref)s (same complainant, "
                    "similar facts, received %(date)s): link them or dismiss the "
                    "proposal.",
                    ref=original.name,
                    date=incident_proposal.china_time(original.received_date),
                ),
                subtype_xmlid="mail.mt_note",
            )
            proposed |= complaint
        return proposed

    def action_open_duplicate_wizard(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close as Duplicate"),
            "res_model": "huatai.complaint.duplicate.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_complaint_id": self.id,
                "default_original_id": self.sudo().duplicate_candidate_id.id,
            },
        }

    def action_dismiss_duplicate(self):
        """Not the same complaint: the proposal goes."""
        self.check_access("write")
        for complaint in self.sudo().filtered("duplicate_candidate_id"):
            complaint.message_post(
                body=self.env._(
                    "%(user)s: not a duplicate of %(ref)s.",
                    user=self.env.user.name,
                    ref=complaint.duplicate_candidate_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            complaint.duplicate_candidate_id = False
        return True

    def action_view_incident(self):
        self.ensure_one()
        incident = self.incident_id
        incident.check_access("read")
        return incident._action_open()
