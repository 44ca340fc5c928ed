import codecs
import logging
import re

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


def normalize_mail_charsets(message):
    """Make an incoming ``email.message.EmailMessage`` decodable without loss.

    * GB2312/GBK labels (headers, parameters and body parts) are read as
      GB18030;
    * a body part whose charset Python does not know is read as UTF-8 with
      replacement characters instead of making the whole mail fail.

    Works in place on the parsed message, before any header is decoded.
    """
    for part in message.walk():
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
        charset = part.get_param("charset")
        if not charset or part.is_multipart() or not isinstance(charset, str):
            continue
        charset = charset.strip().strip('"').lower()
        if charset in GB_CHARSETS:
            part.set_param("charset", "gb18030")
            continue
        try:
            codecs.lookup(charset)
        except LookupError:
            _logger.warning(
                "Incoming mail %s: unknown charset %r in a %s part, read as UTF-8",
                message.get("Message-Id"),
                charset,
                part.get_content_type(),
            )
            part.set_param("charset", "utf-8")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

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
