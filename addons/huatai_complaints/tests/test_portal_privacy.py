"""What a complainant can read of their own complaint (SPEC §4, §11): the
intake they gave, the stage, the reply and the deadline promised to them —
nothing of the internal handling, through the portal pages or over JSON-RPC."""

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import give_required_reviews
from .intake_common import ComplaintIntakeMixin

# internal fields of huatai.complaint: staff only
INTERNAL_FIELDS = (
    # compliance review
    "compliance_opinion",
    "compliance_opinion_user_id",
    "compliance_opinion_date",
    "compliance_required",
    "compliance_review_requested",
    "escalation_notified",
    "media_escalated",
    # severity
    "is_major",
    "is_group",
    "complainant_count",
    "is_difficult",
    "is_media",
    "is_judicial",
    "is_compensation",
    "is_confidential",
    # routing, owner, dispatches
    "routing_rule_id",
    "handling_unit_id",
    "user_id",
    "accepting_user_id",
    "dispatch_ids",
    "dispatch_count",
    "other_complaint_count",
    "replied_by_id",
    "replied_unit_id",
    "regulator_authority",
    "regulator_reference",
    "regulator_deadline",
    # deadline internals
    "deadline_policy_id",
    "deadline_policy_override_id",
    "deadline_explanation",
    "deadline_state",
    "deadline_clock",
    "next_deadline",
    "deadline_fallback_years",
    "clock_paused_since",
    "paused_days",
    "callback_deadline",
    "alert_due_soon_key",
    "alert_overdue_key",
    # callbacks, spot checks, surveys, retention
    "callback_ids",
    "callback_unit_id",
    "callback_result",
    "callback_attempt_count",
    "satisfaction_score",
    "survey_state",
    "acknowledgement_pending",
    "retention_end_date",
    "records_erased_date",
    "complainant_id_number",
)
# what the complainant's own pages show them
PUBLIC_FIELDS = (
    "name",
    "subject",
    "channel",
    "category_id",
    "received_date",
    "description",
    "demand",
    "stage_id",
    "is_closed",
    "accepting_unit_id",
    "acknowledgement_deadline",
    "acknowledged_date",
    "accept_deadline",
    "reply_deadline",
    "replied_date",
    "reply_text",
    "closed_date",
    "rejection_reason",
    "complainant_name",
    "complainant_email",
)
OPINION = "合规意见：客户经理违规推荐高风险产品，需追责"
REPLY = "经核查，已为您退还相关费用"


@tagged("post_install", "-at_install", "huatai_intake")
class TestPortalFieldPrivacy(ComplaintIntakeMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_intake_data()
        cls.complaint = (
            cls.env["huatai.complaint"]
            .with_context(huatai_skip_acknowledgement=True, huatai_skip_survey=True)
            .create(
                {
                    "channel": "website",
                    "category_id": cls.category_service.id,
                    "accepting_unit_id": cls.unit_csc.id,
                    "partner_id": cls.portal_user_1.partner_id.id,
                    "complainant_name": "Li Ming",
                    "complainant_email": "li.ming@example.cn",
                    "subject": "Risky product sold to me",
                    "description": "My account manager sold me a high-risk fund.",
                    "is_major": True,
                }
            )
        )
        cls.complaint.action_accept()
        # the reviews of its plan (issue 15), Compliance's opinion last
        give_required_reviews(cls.complaint, OPINION)
        cls.env["huatai.complaint.reply.wizard"].create(
            {
                "complaint_id": cls.complaint.id,
                "reply_text": f"<p>{REPLY}</p>",
                "reply_method": "phone",
            }
        ).action_record_reply()

    def _call_kw(self, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/huatai.complaint/{method}",
            {
                "model": "huatai.complaint",
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        )

    def test_internal_fields_are_staff_only(self):
        fields = self.env["huatai.complaint"]._fields
        for fname in INTERNAL_FIELDS:
            with self.subTest(field=fname):
                self.assertTrue(fields[fname].groups, f"{fname} has no groups")
        as_client = self.complaint.with_user(self.portal_user_1)
        for fname in INTERNAL_FIELDS:
            with self.subTest(field=fname), self.assertRaises(AccessError):
                as_client.read([fname])
        # reading "everything" gives the public fields only
        [record] = as_client.read()
        self.assertFalse(set(INTERNAL_FIELDS) & set(record))
        self.assertLessEqual(set(PUBLIC_FIELDS), set(record))
        # nor can a search tell what an internal field holds
        with self.assertRaises(AccessError):
            as_client.search([("compliance_opinion", "ilike", "追责")])
        # staff still read them
        as_staff = self.complaint.with_user(self.user_csc_agent)
        self.assertEqual(as_staff.compliance_opinion, OPINION)
        self.assertTrue(as_staff.is_major)

    def test_json_rpc_read_of_internal_field_refused(self):
        self.authenticate(self.portal_user_1.login, self.portal_user_1.login)
        [record] = self._call_kw("read", [[self.complaint.id], list(PUBLIC_FIELDS)])
        self.assertEqual(record["name"], self.complaint.name)
        self.assertIn(REPLY, record["reply_text"])
        self.assertEqual(record["stage_id"][0], self.complaint.stage_id.id)
        self.assertEqual(record["reply_deadline"], str(self.complaint.reply_deadline))
        for method, args, kwargs in (
            ("read", [[self.complaint.id], ["compliance_opinion"]], {}),
            ("read", [[self.complaint.id], ["deadline_explanation"]], {}),
            ("search_read", [[]], {"fields": ["is_major", "handling_unit_id"]}),
            (
                "web_read",
                [[self.complaint.id]],
                {"specification": {"compliance_opinion_user_id": {}}},
            ),
            ("search_count", [[("compliance_opinion", "!=", False)]], {}),
        ):
            with (
                self.subTest(method=method, args=args, kwargs=kwargs),
                mute_logger("odoo.http", "odoo.models"),
                self.assertRaises(JsonRpcException) as caught,
            ):
                self._call_kw(method, args, kwargs)
            self.assertIn("AccessError", str(caught.exception))
        # reading everything the client may read leaks nothing internal
        [record] = self._call_kw("read", [[self.complaint.id]])
        self.assertNotIn("compliance_opinion", record)
        self.assertNotIn(OPINION, str(record))

    def test_portal_page_shows_what_the_client_should_see(self):
        self.authenticate(self.portal_user_1.login, self.portal_user_1.login)
        response = self.url_open(f"/my/complaints/{self.complaint.id}")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn(self.complaint.name, page)
        self.assertIn(REPLY, page)
        self.assertIn(self.complaint.stage_id.name, page)
        self.assertIn("Reply due by", page)
        self.assertIn("Replied on", page)
        self.assertNotIn(OPINION, page)
        listing = self.url_open("/my/complaints")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.complaint.name, listing.text)
        # the chatter shows no tracked internal values either
        token = self.complaint._portal_ensure_token()
        chatter = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {
                "thread_model": "huatai.complaint",
                "thread_id": self.complaint.id,
                "token": token,
            },
        )
        self.assertNotIn(OPINION, str(chatter))
