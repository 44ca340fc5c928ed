import codecs
import logging
import re
from xmlrpc import client as xmlrpclib

from odoo import api, models

_logger = logging.getLogger(__name__)

# Chinese mail clients label GBK (and GB18030) text as "gb2312" all the time:
# decoded as strict GB2312, every character outside that old set (镕, 堃, 喆,
# many names) turns into garbage.  GB18030 is a superset of GB2312 and GBK, so
# reading any of these labels as GB18030 never loses a character.
GB_CHARSETS = {
    "gb2312",
    "gb_2312",
    "gb_2312-80",
    "csgb2312",
    "euc-cn",
    "x-euc-cn",
    "euccn",
    "chinese",
    "gbk",
    "x-gbk",
    "cp936",
    "ms936",
    "windows-936",
}
_GB_ALTERNATION = "|".join(
    re.escape(name) for name in sorted(GB_CHARSETS, key=len, reverse=True)
)
# RFC 2047 encoded words (=?gb2312?B?...?=, optionally with an RFC 2231
# language suffix) and RFC 2231 parameter values (filename*=gbk''%B2%E2...).
ENCODED_WORD_RE = re.compile(rf"=\?(?:{_GB_ALTERNATION})(\*[^?]*)?\?", re.IGNORECASE)
RFC2231_VALUE_RE = re.compile(rf"\*=\s*\"?(?:{_GB_ALTERNATION})'", re.IGNORECASE)

# context key under which message_process passes the message as received
# (bytes: set by server code only, JSON-RPC and XML-RPC give no bytes)
ORIGINAL_MESSAGE_KEY = "huatai_original_message"


def detect_charset(data):
    """The charset of 8-bit text that does not say its own: UTF-8 when the
    bytes are valid UTF-8, else GB18030 (which reads any GB2312 or GBK text,
    what Chinese mail clients send unlabelled)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def decode_8bit(data):
    """Text of 8-bit bytes of an unknown charset (see :func:`detect_charset`);
    bytes that fit neither become replacement characters."""
    return data.decode(detect_charset(data), errors="replace")


def _has_surrogates(value):
    """Whether a parsed header keeps raw 8-bit bytes (surrogate escapes)."""
    return any("\udc80" <= char <= "\udcff" for char in value)


def _decode_raw_headers(part):
    """Decode the raw 8-bit header values of a parsed part (a ``Subject:``
    or a display name written in GBK without RFC 2047 encoding).

    Python keeps such bytes as surrogate escapes and would read them as
    UTF-8 with replacement characters on first access: they are read here
    by detection instead."""
    headers = getattr(part, "_headers", None) or []
    for index, (name, value) in enumerate(headers):
        if isinstance(value, str) and _has_surrogates(value):
            raw = value.encode("utf-8", "surrogateescape")
            headers[index] = (name, decode_8bit(raw))


def _fix_body_charset(message, part):
    """Give a leaf part without a usable charset the one of its content:
    GB labels read as GB18030; no charset or an unknown one on 8-bit text
    read by detection, and so is the ASCII label on 8-bit body text (files
    labelled ASCII are left to Odoo, which reads them with replacement
    characters)."""
    charset = part.get_param("charset")
    charset = charset.strip().strip('"').lower() if isinstance(charset, str) else ""
    if charset in GB_CHARSETS:
        part.set_param("charset", "gb18030")
        return
    codec = None
    if charset:
        try:
            codec = codecs.lookup(charset).name
        except LookupError:
            _logger.warning(
                "Incoming mail %s: unknown charset %r in a %s part",
                message.get("Message-Id"),
                charset,
                part.get_content_type(),
            )
    if codec == "ascii" and (
        part.get_filename()
        or str(part.get("Content-Disposition") or "").strip().startswith("attachment")
    ):
        return
    if codec and codec != "ascii":
        return  # a charset Python reads
    if part.get_content_maintype() != "text":
        if charset and not codec:  # never fail on a label nobody knows
            part.set_param("charset", "utf-8")
        return
    data = part.get_payload(decode=True) or b""
    if data.isascii():
        if charset and not codec:
            part.set_param("charset", "utf-8")
        return
    part.set_param("charset", detect_charset(data))


def normalize_mail_charsets(message):
    """Make an incoming ``email.message.EmailMessage`` decodable without loss.

    * GB2312/GBK labels (headers, parameters and body parts) are read as
      GB18030;
    * raw 8-bit header values (no RFC 2047 encoding) and text parts without
      a charset, with an unknown one, or labelled ASCII but holding 8-bit
      bytes are read as UTF-8 when they are valid UTF-8, else as GB18030.

    Works in place on the parsed message, before any header is decoded.  The
    message as received is kept with the complaint anyway (``original.eml``).
    """
    for part in message.walk():
        _decode_raw_headers(part)
        # raw header values are kept as parsed strings until first access
        headers = getattr(part, "_headers", None) or []
        for index, (name, value) in enumerate(headers):
            if not isinstance(value, str) or ("=?" not in value and "*=" not in value):
                continue
            fixed = ENCODED_WORD_RE.sub(
                lambda m: f"=?gb18030{m.group(1) or ''}?", value
            )
            fixed = RFC2231_VALUE_RE.sub("*=gb18030'", fixed)
            if fixed != value:
                headers[index] = (name, fixed)
        if not part.is_multipart():
            _fix_body_charset(message, part)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_process(
        self,
        model,
        message,
        custom_values=None,
        save_original=False,
        strip_attachments=False,
        thread_id=None,
    ):
        """Pass the message as received (bytes) on to ``message_new`` and
        ``message_update``, which keep it with a complaint."""
        if isinstance(message, xmlrpclib.Binary):
            message = bytes(message.data)
        if isinstance(message, str):
            message = message.encode("utf-8")
        this = self
        if isinstance(message, bytes):
            this = self.with_context(**{ORIGINAL_MESSAGE_KEY: message})
        return super(MailThread, this).message_process(
            model,
            message,
            custom_values=custom_values,
            save_original=save_original,
            strip_attachments=strip_attachments,
            thread_id=thread_id,
        )

    @api.model
    def message_parse(self, message, save_original=False):
        try:
            normalize_mail_charsets(message)
        except Exception:  # never lose a mail because of the clean-up itself
            _logger.exception(
                "Could not normalise the charsets of incoming mail %s",
                message.get("Message-Id"),
            )
        return super().message_parse(message, save_original=save_original)
