"""The firm's working language: what jobs write in (issue 16).

A scheduled job runs as the superuser, whose language is English; what it
writes in the histories, activities and alerts is read by the firm's
people, who work in Chinese.
"""

WORKING_LANG = "zh_CN"
# a new database's default: says nothing about the firm
DEFAULT_LANG = "en_US"


def firm_lang(env):
    """The company's language when one was chosen (an installed one other
    than the database's default English), else Simplified Chinese when
    installed, else the language of ``env``."""
    Lang = env["res.lang"]
    lang = env.company.sudo().partner_id.lang
    if lang and lang != DEFAULT_LANG and Lang._get_code(lang):
        return lang
    if Lang._get_code(WORKING_LANG):
        return WORKING_LANG
    return env.lang or env.user.lang or DEFAULT_LANG


def in_firm_lang(records):
    """``records`` in an environment writing the firm's language."""
    return records.with_context(lang=firm_lang(records.env))
