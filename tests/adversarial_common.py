"""The world the adversarial suite attacks (issue 11, SPEC §4, §11).

An org tree, one user per role, and three complaints built through the
workflow as real users would:

* ``W``: a whistleblowing report registered by the Nanjing staff through the
  whistleblowing wizard, then worked by Compliance (facts corrected with
  tracking, messages, an attachment, an activity, a dispatch inside
  Compliance, the opinion, the reply and a callback). Every text it holds
  carries a unique marker ``CANARY<token><FIELD>``.
* ``C``: a complaint of a portal client registered normally by the Nanjing
  staff, discussed by the staff and the client (messages, a note, a file, an
  activity, tracked edits, all with markers), then handed over to Compliance
  by the staff through the hand-over wizard: everyone outside Compliance who
  could read it before must lose it.
* ``D``: an ordinary complaint of another portal client, without markers.

The roles the suite reads as: the registering staff (Nanjing), staff of
another unit (Hangzhou), the Jiangsu unit head, the HQ process owner, the
Customer Service Center staff, the configuration admin (HQ but not
Compliance), the portal complainant of C, the portal complainant of D, a
portal user whose email is the whistleblower's, and the public user.
"""

import base64
import io
import json
import uuid
import zipfile
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, new_test_user

from odoo.addons.huatai_complaints.tests.common import build_org_tree
from odoo.addons.huatai_complaints.tools import settings

GROUP = "huatai_complaints.group_complaint_%s"
WHISTLE_EMAIL = "whistle.reporter@example.cn"


def _decoded_variants(value):
    """Texts hidden in a value: base64 payloads and zip archives (xlsx)."""
    out = []
    raw = None
    if isinstance(value, bytes):
        raw = value
    elif (
        isinstance(value, str)
        and len(value) >= 16
        and len(value) % 4 == 0
        and " " not in value
    ):
        try:
            raw = base64.b64decode(value, validate=True)
        except (ValueError, TypeError):
            raw = None
    if raw is None:
        return out
    out.append(raw.decode("latin-1"))
    out.extend(unzip_texts(raw))
    return out


def unzip_texts(raw):
    """The members of a zip archive (an xlsx workbook) as text, else []."""
    if not raw or not raw.startswith(b"PK\x03\x04"):
        return []
    texts = []
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            for name in archive.namelist():
                texts.append(archive.read(name).decode("utf-8", "replace"))
    except zipfile.BadZipFile:
        return []
    return texts


def serialize(value):
    """Everything a result holds, as one lower-case text to grep markers in."""
    parts = [json.dumps(value, ensure_ascii=False, default=repr)]
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        else:
            parts.extend(_decoded_variants(item))
    return "\n".join(parts).lower()


class AdversarialWorld:
    """Mix into a TransactionCase or HttpCase (before it in the bases) and
    call ``cls._build_world()`` from ``setUpClass``."""

    # ------------------------------------------------------------------
    # markers
    # ------------------------------------------------------------------
    @classmethod
    def M(cls, what):
        """The marker of one place (``what``: upper-case letters)."""
        marker = f"CANARY{cls.token}{what}"
        cls.markers[marker] = what
        return marker

    @classmethod
    def find_markers(cls, text):
        """The markers found in ``text`` (serialized, lower case)."""
        if cls.token.lower() not in text:
            return []
        return sorted(m for m in cls.markers if m.lower() in text)

    # ------------------------------------------------------------------
    # world
    # ------------------------------------------------------------------
    @classmethod
    def _user(cls, login, role, unit=None, email=None):
        groups = (
            "base.group_portal"
            if role == "portal"
            else f"base.group_user,{GROUP % role}"
        )
        user = new_test_user(
            cls.env,
            login=login,
            groups=groups,
            name=f"User {login}",
            email=email or f"{login}@example.com",
            tz="Asia/Shanghai",
        )
        if unit:
            user.huatai_unit_ids = unit
        return user

    @classmethod
    def _build_world(cls):
        cls.token = uuid.uuid4().hex[:10].upper()
        cls.markers = {}
        cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True))
        env = cls.env
        cls.start = env.cr.now()
        ref = env.ref
        Unit = env["huatai.org.unit"].with_context(tracking_disable=True)
        cls.unit_hq = ref("huatai_complaints.unit_company")
        cls.unit_retail = ref("huatai_complaints.unit_retail_service_hq")
        cls.unit_csc = ref("huatai_complaints.unit_customer_service_center")
        cls.unit_compliance = ref("huatai_complaints.unit_compliance")
        build_org_tree(cls, Unit, cls.unit_hq, "A")
        cls.staff = cls._user("a_staff_nj", "user", cls.nanjing)
        cls.staff_other = cls._user("a_staff_hz", "user", cls.hangzhou)
        cls.head = cls._user("a_head_js", "manager", cls.jiangsu)
        cls.hq = cls._user("a_hq", "hq", cls.unit_retail)
        cls.csc = cls._user("a_csc", "user", cls.unit_csc)
        cls.cadmin = cls._user("a_cadmin", "admin", cls.unit_hq)
        cls.compliance = cls._user("a_compliance", "compliance", cls.unit_compliance)
        cls.compliance_2 = cls._user(
            "a_compliance_2", "compliance", cls.unit_compliance
        )
        cls.portal_c = cls._user("a_portal_c", "portal", email="client.c@example.cn")
        cls.portal_d = cls._user("a_portal_d", "portal", email="client.d@example.cn")
        cls.portal_w = cls._user("a_portal_w", "portal", email=WHISTLE_EMAIL)
        cls.public = ref("base.public_user")
        cls.jiangsu.with_context(tracking_disable=True).manager_id = cls.head
        cls.nanjing.with_context(tracking_disable=True).member_ids = [
            Command.link(cls.staff.id)
        ]
        cls.unit_csc.with_context(tracking_disable=True).member_ids = [
            Command.link(cls.csc.id)
        ]
        cls.unit_compliance.with_context(tracking_disable=True).write(
            {
                "manager_id": cls.compliance.id,
                "member_ids": [
                    Command.link(cls.compliance.id),
                    Command.link(cls.compliance_2.id),
                ],
            }
        )
        cls.category_service = ref("huatai_complaints.category_service")
        cls.category_whistle = ref("huatai_complaints.category_whistleblowing")
        cls.W = cls._build_whistleblowing_report()
        cls.D = cls._build_ordinary_complaint()
        cls.C, cls.C_old_token = cls._build_handed_over_complaint()
        cls.R, cls.P = cls._build_phone_complaints()
        # Compliance discusses the sealed improvement action and C's order
        # with a colleague
        for record, what in (
            (cls.C_improvement, "CIMPROVEMENTAFTER"),
            (cls.C_order, "CORDERAFTER"),
        ):
            record.with_user(cls.compliance).message_post(
                body=cls.M(what),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=cls.compliance_2.partner_id.ids,
            )
        # the cross-complaint jobs (issue 16) have seen them all; two
        # complaints naming one person make a pattern (C and R name the same
        # one: Compliance's alone)
        env["ir.config_parameter"].sudo().set_param(
            settings.ALERT_RESPONDENT_COUNT.param, 2
        )
        env["huatai.complaint.incident"]._cron_propose_incidents()
        env["huatai.pattern.alert"]._cron_raise_pattern_alerts()
        env.flush_all()

    @classmethod
    def _flush_tracking(cls):
        """Write the pending tracking values (done at commit otherwise)."""
        cls.env.flush_all()
        cls.env.cr.precommit.run()

    @classmethod
    def _attachment_values(cls, record, what):
        return {
            "name": f"{cls.M(what + 'FILENAME')}.txt",
            "res_model": record._name,
            "res_id": record.id,
            "mimetype": "text/plain",
            "raw": f"evidence {cls.M(what + 'CONTENT')}".encode(),
        }

    @classmethod
    def _build_whistleblowing_report(cls):
        M = cls.M
        # registered by the Nanjing staff, as the whistleblowing wizard does
        wizard = (
            cls.env["huatai.whistleblowing.wizard"]
            .with_user(cls.staff)
            .create(
                {
                    "channel": "email",
                    "accepting_unit_id": cls.nanjing.id,
                    "complainant_name": M("WNAME"),
                    "complainant_phone": M("WPHONE"),
                    "complainant_email": WHISTLE_EMAIL,
                    "respondent_name": M("WRESPNAME"),
                    "respondent_position": M("WRESPPOS"),
                    "description": M("WDESC"),
                }
            )
        )
        wizard.action_hand_over()
        W = cls.env["huatai.complaint"].search([("complainant_name", "=", M("WNAME"))])
        assert len(W) == 1, "the whistleblowing report was not registered"
        # Compliance works it
        as_compliance = W.with_user(cls.compliance)
        as_compliance.write(
            {
                "complainant_address": M("WADDRESS"),
                "complainant_id_number": M("WIDNUMBER"),
                "client_account": M("WACCOUNT"),
                "demand": M("WDEMAND"),
                "subject": M("WSUBJECT"),
            }
        )
        cls._flush_tracking()
        # a correction of the facts: old and new facts in the tracking
        as_compliance.write({"description": M("WDESCNEW")})
        cls._flush_tracking()
        as_compliance.message_post(
            body=M("WCOMMENT"), message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        as_compliance.message_post(body=M("WNOTE"), subtype_xmlid="mail.mt_note")
        Attachment = cls.env["ir.attachment"].with_user(cls.compliance)
        cls.W_msg_attachment = Attachment.create(cls._attachment_values(W, "WMSGATT"))
        as_compliance.message_post(
            body=M("WMSGWITHATT"),
            subtype_xmlid="mail.mt_note",
            attachment_ids=cls.W_msg_attachment.ids,
        )
        cls.W_attachment = Attachment.create(cls._attachment_values(W, "WATT"))
        cls.W_image = Attachment.create(
            {
                "name": f"{M('WIMGNAME')}.svg",
                "res_model": W._name,
                "res_id": W.id,
                "mimetype": "image/svg+xml",
                "raw": f"<svg><text>{M('WIMGCONTENT')}</text></svg>".encode(),
            }
        )
        as_compliance.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=M("WACTSUMMARY"),
            note=M("WACTNOTE"),
            user_id=cls.compliance.id,
        )
        # dispatched inside Compliance
        dispatch = (
            cls.env["huatai.complaint.dispatch.wizard"]
            .with_user(cls.compliance)
            .create(
                {
                    "complaint_id": W.id,
                    "to_unit_id": cls.unit_compliance.id,
                    "to_user_id": cls.compliance_2.id,
                    "reason": M("WDISPATCH"),
                }
            )
        )
        dispatch.action_dispatch()
        as_compliance.action_accept()
        # its handling plan (tracked), reviewed by Compliance (issue 15)
        as_compliance.write({"handling_plan": f"<p>{M('WPLAN')}</p>"})
        cls._flush_tracking()
        opinion = (
            cls.env["huatai.complaint.compliance.wizard"]
            .with_user(cls.compliance)
            .create({"complaint_id": W.id, "opinion": M("WOPINION")})
        )
        opinion.action_give_opinion()
        reply = (
            cls.env["huatai.complaint.reply.wizard"]
            .with_user(cls.compliance)
            .create(
                {
                    "complaint_id": W.id,
                    "reply_text": f"<p>{M('WREPLY')}</p>",
                    "reply_method": "phone",
                    "replied_date": fields.Datetime.now(),
                }
            )
        )
        reply.action_record_reply()
        callback = Form(
            cls.env["huatai.complaint.callback.wizard"]
            .with_user(cls.compliance)
            .with_context(**as_compliance.action_open_callback_wizard()["context"])
        )
        callback.reached = "reached"
        callback.satisfaction = "dissatisfied"
        callback.remarks = M("WCALLBACK")
        callback.save().action_record()
        # an improvement action that names the report (issue 16)
        improvement = (
            cls.env["huatai.complaint.improvement"]
            .with_user(cls.compliance)
            .create(
                {
                    "name": M("WIMPROVEMENT"),
                    "proposal": M("WPROPOSAL"),
                    "proposing_unit_id": cls.unit_compliance.id,
                    "unit_id": cls.nanjing.id,
                    "user_id": cls.compliance.id,
                    "due_date": fields.Date.today(),
                    "complaint_ids": [Command.set(W.ids)],
                }
            )
        )
        improvement.action_open()
        improvement.message_post(body=M("WIMPROVEMENTNOTE"))
        cls._flush_tracking()
        return W

    @classmethod
    def _build_ordinary_complaint(cls):
        return (
            cls.env["huatai.complaint"]
            .with_user(cls.staff_other)
            .create(
                {
                    "channel": "email",
                    "category_id": cls.category_service.id,
                    "accepting_unit_id": cls.hangzhou.id,
                    "partner_id": cls.portal_d.partner_id.id,
                    "complainant_name": "王芳",
                    "complainant_email": "client.d@example.cn",
                    "description": "交易软件卡顿",
                }
            )
        )

    @classmethod
    def _build_handed_over_complaint(cls):
        M = cls.M
        Complaint = cls.env["huatai.complaint"].with_user(cls.staff)
        C = Complaint.create(
            {
                "channel": "email",
                "category_id": cls.category_service.id,
                "accepting_unit_id": cls.nanjing.id,
                "partner_id": cls.portal_c.partner_id.id,
                "complainant_name": M("CNAME"),
                "complainant_phone": M("CPHONE"),
                "complainant_email": "client.c@example.cn",
                "complainant_address": M("CADDRESS"),
                "complainant_id_number": M("CIDNUMBER"),
                "client_account": M("CACCOUNT"),
                "respondent_name": M("CRESPNAME"),
                "respondent_position": M("CRESPPOS"),
                "description": M("CDESC"),
                "demand": M("CDEMAND"),
                "subject": M("CSUBJECT"),
            }
        )
        cls._flush_tracking()
        C.write({"description": M("CDESCNEW")})
        cls._flush_tracking()
        C.message_post(
            body=M("CSTAFFCOMMENT"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        C.message_post(body=M("CSTAFFNOTE"), subtype_xmlid="mail.mt_note")
        cls.C_attachment = (
            cls.env["ir.attachment"]
            .with_user(cls.staff)
            .create(cls._attachment_values(C, "CATT"))
        )
        C.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=M("CACTSUMMARY"),
            note=M("CACTNOTE"),
            user_id=cls.staff.id,
        )
        # the complainant writes from the portal
        C.with_user(cls.portal_c).message_post(
            body=M("CPORTALMSG"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        # the client answered the satisfaction survey (free text included)
        answer = C.sudo()._create_survey_answer()
        text_box = answer.survey_id.question_ids.filtered(
            lambda q: q.question_type == "text_box"
        )[:1]
        answer._save_lines(text_box, M("CSURVEY"))
        answer._mark_done()
        cls.C_survey_answer = answer
        # its handling plan, and an order to act given by Compliance to the
        # other sales department (which sees the order, not the complaint)
        C.write({"handling_plan": f"<p>{M('CPLAN')}</p>"})
        cls.C_order = C.with_user(cls.compliance)._give_order(
            cls.hangzhou, fields.Date.today() + timedelta(days=7), M("CORDER")
        )
        cls._flush_tracking()
        # the branch head proposes an improvement from it (issue 16)
        improvement = (
            cls.env["huatai.complaint.improvement"]
            .with_user(cls.head)
            .create(
                {
                    "name": M("CIMPROVEMENT"),
                    "proposal": M("CPROPOSAL"),
                    "proposing_unit_id": cls.jiangsu.id,
                    "unit_id": cls.nanjing.id,
                    "user_id": cls.staff.id,
                    "due_date": fields.Date.today(),
                    "complaint_ids": [Command.set(C.ids)],
                }
            )
        )
        improvement.action_open()
        improvement.message_post(body=M("CIMPROVEMENTNOTE"))
        cls.C_improvement = improvement
        cls._flush_tracking()
        old_token = C.sudo()._portal_ensure_token()
        # the staff member realises it is a whistleblowing report
        cls._hand_over(C, "举报员工违规，应由合规部处理")
        return cls.env["huatai.complaint"].browse(C.id), old_token

    @classmethod
    def _hand_over(cls, complaint, reason):
        """The registering staff hands ``complaint`` over to Compliance, as
        the hand-over wizard does."""
        action = complaint.action_open_handover_wizard()
        form = Form(
            cls.env[action["res_model"]]
            .with_user(cls.staff)
            .with_context(**action["context"])
        )
        form.reason = reason
        form.save().action_hand_over()
        cls._flush_tracking()

    @classmethod
    def _build_phone_complaints(cls):
        """R: a phone complaint with its call recording, archived at the
        Customer Service Center (Art. 11) until the staff hands it over to
        Compliance as a report; it names the person C names. P, P2: ordinary
        phone complaints (no markers) naming one person, P with a recording:
        what the archive and the alerts do show."""
        M = cls.M
        Complaint = cls.env["huatai.complaint"]
        Attachment = cls.env["ir.attachment"]
        recording = cls.env["huatai.complaint.recording"].sudo()
        R = Complaint.with_user(cls.staff).create(
            {
                "channel": "phone",
                "category_id": cls.category_service.id,
                "accepting_unit_id": cls.nanjing.id,
                "complainant_name": M("RNAME"),
                "complainant_phone": "13900000001",
                "respondent_name": M("CRESPNAME"),
                "description": M("RDESC"),
            }
        )
        Attachment.with_user(cls.staff).create(
            {
                "name": f"{M('RRECORDING')}.mp3",
                "res_model": R._name,
                "res_id": R.id,
                "mimetype": "audio/mpeg",
                "raw": b"ID3" + M("RRECORDINGCONTENT").encode(),
            }
        )
        cls.env.flush_all()
        assert recording.search_count([("complaint_id", "=", R.id)]) == 1, (
            "R's recording was not archived before the handover"
        )
        cls._hand_over(R, "来电举报员工，应由合规部处理")
        P = cls.env["huatai.complaint"]
        for description in (
            "电话反映客户经理推荐产品不当",
            "电话反映客户经理服务态度差",
        ):
            P |= Complaint.with_user(cls.staff_other).create(
                {
                    "channel": "phone",
                    "category_id": cls.category_service.id,
                    "accepting_unit_id": cls.hangzhou.id,
                    "complainant_name": "赵敏",
                    "complainant_phone": "13900000002",
                    "respondent_name": "孙立",
                    "description": description,
                }
            )
        Attachment.with_user(cls.staff_other).create(
            {
                "name": "通话录音.mp3",
                "res_model": P._name,
                "res_id": P[0].id,
                "mimetype": "audio/mpeg",
                "raw": b"ID3 ordinary recording",
            }
        )
        cls.env.flush_all()
        return cls.env["huatai.complaint"].browse(R.id), P

    # ------------------------------------------------------------------
    # roles
    # ------------------------------------------------------------------
    @classmethod
    def outsider_roles(cls):
        """Every role outside Compliance: (label, user)."""
        return [
            ("registering staff", cls.staff),
            ("staff of another unit", cls.staff_other),
            ("unit head", cls.head),
            ("HQ process owner", cls.hq),
            ("Customer Service Center", cls.csc),
            ("configuration admin", cls.cadmin),
            ("portal complainant of C", cls.portal_c),
            ("portal client of D", cls.portal_d),
            ("portal user with the whistleblower's email", cls.portal_w),
            ("public", cls.public),
        ]

    @classmethod
    def internal_outsiders(cls):
        return [(label, user) for label, user in cls.outsider_roles() if not user.share]
