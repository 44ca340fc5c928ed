import logging
import secrets
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.http import ProxyFix
from odoo.tools import config, consteq
from odoo.tools.misc import hmac

from ..tools.settings import (
    WEB_FORM_RATE_LIMIT,
    WEB_FORM_RATE_WINDOW_MINUTES,
    WEB_FORM_TOKEN_HOURS,
    read_setting,
)

_logger = logging.getLogger(__name__)

TOKEN_SCOPE = "huatai_complaints.web_form"


class HuataiComplaintWebSubmission(models.Model):
    """One accepted post of the public complaint form.

    The form carries a signed one-time token (nothing is stored when the form
    is displayed); each post stores the token's nonce, so that a replayed post
    is refused, and the sender's address, which the rate limit counts.
    """

    _name = "huatai.complaint.web.submission"
    _description = "Website Complaint Form Submission"
    _order = "id desc"

    nonce = fields.Char(required=True, readonly=True)
    remote_addr = fields.Char(string="Remote Address", index=True, readonly=True)
    complaint_id = fields.Many2one(
        "huatai.complaint", readonly=True, index="btree_not_null", ondelete="set null"
    )

    _sql_constraints = [
        ("nonce_unique", "unique(nonce)", "This form was already submitted."),
    ]

    @api.model
    def _make_form_token(self):
        nonce = secrets.token_urlsafe(18)
        stamp = str(int(time.time()))
        signature = hmac(self.env(su=True), TOKEN_SCOPE, f"{nonce}.{stamp}")
        return f"{nonce}.{stamp}.{signature}"

    @api.model
    def _check_form_token(self, token):
        """:return: the nonce of a valid, unexpired token, else False"""
        try:
            nonce, stamp, signature = (token or "").split(".")
            age = time.time() - int(stamp)
        except ValueError:
            return False
        expected = hmac(self.env(su=True), TOKEN_SCOPE, f"{nonce}.{stamp}")
        max_age = read_setting(self.env, WEB_FORM_TOKEN_HOURS)
        if not consteq(signature, expected) or not -60 < age < max_age * 3600:
            return False
        return nonce

    @api.model
    def _client_address(self, environ):
        """The address a post comes from, as the rate limit counts it.

        Behind a reverse proxy (``proxy_mode`` on) it is the address the proxy
        put last in ``X-Forwarded-For``, read by Odoo's own ``ProxyFix``.
        Odoo applies it to the request only when the proxy sends
        ``X-Forwarded-Host`` too: otherwise every visitor would count as the
        proxy, so it is applied here to a copy of the request's environment.
        Without ``proxy_mode`` the headers are ignored: anyone can send them.

        :param dict environ: the WSGI environment of the request
        """
        if config["proxy_mode"] and "werkzeug.proxy_fix.orig" not in environ:
            environ = dict(environ)
            ProxyFix(lambda env, start_response: [])(environ, lambda *args: None)
        return environ.get("REMOTE_ADDR") or "unknown"

    @api.model
    def _rate_limited(self, remote_addr):
        limit = read_setting(self.env, WEB_FORM_RATE_LIMIT)
        minutes = read_setting(self.env, WEB_FORM_RATE_WINDOW_MINUTES)
        since = fields.Datetime.now() - timedelta(minutes=minutes)
        count = self.sudo().search_count(
            [("remote_addr", "=", remote_addr), ("create_date", ">=", since)]
        )
        return count >= limit

    @api.model
    def _register_post(self, token, remote_addr):
        """Accept one post of the form.

        :return: (submission, error) with error one of False, 'token',
            'replay' (with the earlier submission), 'rate_limit'
        """
        nonce = self._check_form_token(token)
        if not nonce:
            _logger.warning("Web complaint form from %s: invalid token", remote_addr)
            return self.browse(), "token"
        replayed = self.sudo().search([("nonce", "=", nonce)], limit=1)
        if replayed:
            # the client sent it again (e.g. it lost the answer): the
            # submission it already made, if it was stored
            _logger.warning("Web complaint form from %s: replayed post", remote_addr)
            return replayed, "replay"
        if self._rate_limited(remote_addr):
            _logger.warning(
                "Web complaint form from %s: rate limit reached", remote_addr
            )
            return self.browse(), "rate_limit"
        # concurrent replays: the unique index decides, without a failed query
        self.env.cr.execute(
            """
            INSERT INTO huatai_complaint_web_submission
                (nonce, remote_addr, create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, %s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC')
            ON CONFLICT (nonce) DO NOTHING
            RETURNING id
            """,
            (nonce, remote_addr, self.env.uid, self.env.uid),
        )
        row = self.env.cr.fetchone()
        if not row:
            _logger.warning("Web complaint form from %s: replayed post", remote_addr)
            return self.browse(), "replay"
        return self.sudo().browse(row[0]), False

    @api.autovacuum
    def _gc_submissions(self):
        """Forget form posts after 30 days (rate limits look back minutes)."""
        limit = fields.Datetime.now() - timedelta(days=30)
        self.sudo().search([("create_date", "<", limit)]).unlink()
