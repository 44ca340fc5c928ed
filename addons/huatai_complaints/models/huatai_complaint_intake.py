"""What every intake channel shares (SPEC §2): the channel's requirements
(regulator-forwarded, on-site recording consent), the unit and type of remote
intake, incoming files screened the same way (mail gateway, web form)."""

import logging
import os

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.mimetypes import guess_mimetype

from ..tools.settings import DESCRIPTION_MAX_CHARS, read_setting
from .huatai_complaint import REGULATOR_AUTHORITIES

_logger = logging.getLogger(__name__)

# Files that may never enter the complaint file, whatever the channel.
FORBIDDEN_EXTENSIONS = {
    "app", "apk", "application", "bat", "cmd", "com", "cpl", "dll", "exe",
    "gadget", "hta", "inf", "ins", "isp", "jar", "js", "jse", "lnk", "msc",
    "msi", "msp", "mst", "pif", "ps1", "ps2", "psm1", "reg", "scf", "scr",
    "sct", "sh", "shb", "sys", "vb", "vbe", "vbs", "ws", "wsc", "wsf", "wsh",
}  # fmt: skip


# the content of these extensions must be what the extension says
MAGIC_CHECKED = {
    "pdf": ("application/pdf",),
    "jpg": ("image/jpeg",),
    "jpeg": ("image/jpeg",),
    "png": ("image/png",),
    "gif": ("image/gif",),
}


def parse_extensions(value):
    """The extensions of a comma-separated list (".PDF, jpg" -> pdf, jpg)."""
    return {
        ext.strip().lstrip(".").lower()
        for ext in (value or "").split(",")
        if ext.strip()
    }


def file_extension(filename):
    return os.path.splitext(filename or "")[1].lstrip(".").lower()


def looks_executable(data):
    """Executable content, whatever its name says."""
    head = data[:4096] if data else b""
    if head.startswith(b"MZ") and b"PE\x00\x00" in head:
        return True
    return head.startswith(
        (b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe")
    )


# The complaint is one model split by concern: huatai_complaint.py holds the
# record and its workflow, this file the complainant's side: mail, web,
# portal, callbacks and surveys.
class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    subject = fields.Char(
        tracking=True,
        help="Short summary given by the complainant, e.g. the subject of the email.",
    )
    # regulator-forwarded
    regulator_authority = fields.Selection(
        REGULATOR_AUTHORITIES,
        string="Forwarding Authority",
        tracking=True,
        groups="base.group_user",
    )
    regulator_reference = fields.Char(tracking=True, groups="base.group_user")
    regulator_deadline = fields.Date(tracking=True, groups="base.group_user")
    # on-site intake
    recording_consent_state = fields.Selection(
        [("granted", "Consented to recording"), ("refused", "Refused recording")],
        string="Recording Consent Decision",
        tracking=True,
    )
    recording_consent = fields.Boolean(
        compute="_compute_recording_consent",
        inverse="_inverse_recording_consent",
        store=True,
        help="Whether the complainant consented to the on-site conversation "
        "being recorded.",
    )

    # ------------------------------------------------------------------
    # After the reply: callbacks (回访) and satisfaction survey (SPEC §9)
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Configuration helpers
    # ------------------------------------------------------------------
    @api.model
    def _get_setting(self, setting):
        """The value of a setting of ``tools/settings.py``."""
        return read_setting(self.env, setting)

    @api.model
    def _remote_intake_unit(self):
        """The unit taking remote channels (email, website): the Customer
        Service Center (SPEC §4)."""
        unit = self.env.ref(
            "huatai_complaints.unit_customer_service_center", raise_if_not_found=False
        )
        if not unit or not unit.sudo().active:
            raise UserError(
                self.env._(
                    "The Customer Service Center unit is missing or archived: "
                    "complaints received by email or through the website cannot "
                    "be registered."
                )
            )
        return unit

    @api.model
    def _default_intake_category(self):
        category = self.env.ref(
            "huatai_complaints.category_other", raise_if_not_found=False
        )
        if not category or not category.sudo().active:
            category = (
                self.env["huatai.complaint.category"]
                .sudo()
                .search([("is_confidential", "=", False)], limit=1)
            )
        return category

    @api.model
    def _cap_description(self, text):
        limit = self._get_setting(DESCRIPTION_MAX_CHARS)
        if len(text) <= limit:
            return text
        return "{}\n\n{}".format(
            text[:limit].rstrip(),
            self.env._(
                "[Truncated after %(limit)s characters: the complete text is "
                "kept in the complaint's history.]",
                limit=limit,
            ),
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Steps of create and write (huatai_complaint.py)
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Complainant follow-up
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Reply by email
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Files
    # ------------------------------------------------------------------
    @api.model
    def _check_incoming_file(self, filename, data, max_bytes, allowed=None):
        """Return why a file is refused, or False when it is acceptable.

        :param allowed: set of accepted extensions (None: all but the
            forbidden ones)
        """
        ext = file_extension(filename)
        size = len(data or b"")
        if size > max_bytes:
            return self.env._(
                "%(name)s is too large (%(size)s MB, at most %(max)s MB).",
                name=filename,
                size=round(size / 1024 / 1024, 1),
                max=round(max_bytes / 1024 / 1024, 1),
            )
        if ext in FORBIDDEN_EXTENSIONS or looks_executable(data):
            return self.env._(
                "%(name)s is a program or script: such files are not accepted.",
                name=filename,
            )
        if allowed is not None and ext not in allowed:
            return self.env._(
                "%(name)s: files of this type are not accepted (accepted: %(types)s).",
                name=filename,
                types=", ".join(sorted(allowed)),
            )
        expected = MAGIC_CHECKED.get(ext)
        if expected and guess_mimetype(data or b"") not in expected:
            return self.env._(
                "%(name)s does not contain what its name says.", name=filename
            )
        return False

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Public web form
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Computes (callbacks and satisfaction)
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # After the reply
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Callbacks
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Satisfaction survey
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Channels
    # ------------------------------------------------------------------
    @api.constrains(
        "channel",
        "regulator_authority",
        "regulator_reference",
        "regulator_deadline",
        "recording_consent_state",
        "received_date",
    )
    def _check_channel_requirements(self):
        for complaint in self:
            if complaint.channel == "regulator":
                if not (
                    complaint.regulator_authority
                    and complaint.regulator_reference
                    and complaint.regulator_deadline
                ):
                    raise ValidationError(
                        self.env._(
                            "A complaint forwarded by a regulator needs the "
                            "forwarding authority, its reference number and its "
                            "reply deadline."
                        )
                    )
                if complaint.regulator_deadline < complaint.received_date.date():
                    raise ValidationError(
                        self.env._(
                            "The regulator's deadline cannot be before the date "
                            "the complaint was received."
                        )
                    )
            if complaint.channel == "onsite" and not complaint.recording_consent_state:
                raise ValidationError(
                    self.env._(
                        "For an on-site complaint, record whether the complainant "
                        "consented to the conversation being recorded."
                    )
                )

    @api.constrains("channel", "accepting_unit_id")
    def _check_accepting_unit_channel(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for complaint in self:
            unit = complaint.accepting_unit_id
            if unit and not unit._accepts_channel(complaint.channel):
                raise ValidationError(
                    self.env._(
                        "%(unit)s cannot accept complaints through the channel "
                        "%(channel)s: that channel is taken at company HQ.",
                        unit=unit.display_name,
                        channel=channels[complaint.channel],
                    )
                )

    @api.constrains("received_date")
    def _check_received_date(self):
        limit = fields.Datetime.add(fields.Datetime.now(), days=1)
        for complaint in self:
            if complaint.received_date > limit:
                raise ValidationError(
                    self.env._("A complaint cannot be received in the future.")
                )

    @api.onchange("channel")
    def _onchange_channel(self):
        if self.channel != "regulator":
            self.regulator_authority = False
            self.regulator_reference = False
            self.regulator_deadline = False
        if self.channel != "onsite":
            self.recording_consent_state = False

    @api.depends("recording_consent_state")
    def _compute_recording_consent(self):
        for complaint in self:
            complaint.recording_consent = complaint.recording_consent_state == "granted"

    def _inverse_recording_consent(self):
        for complaint in self:
            complaint.recording_consent_state = (
                "granted" if complaint.recording_consent else "refused"
            )

    @api.model
    def _consent_state_from_boolean(self, vals):
        """Integrations write the contract's boolean: keep the decision with it."""
        if "recording_consent" in vals and not vals.get("recording_consent_state"):
            vals["recording_consent_state"] = (
                "granted" if vals["recording_consent"] else "refused"
            )
