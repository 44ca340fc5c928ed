import logging

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

_logger = logging.getLogger(__name__)

FORM_FIELDS = (
    "complainant_name",
    "complainant_phone",
    "complainant_email",
    "client_account",
    "complainant_address",
    "respondent_name",
    "respondent_position",
    "subject",
    "description",
    "demand",
    "compensation_amount",
    "category_id",
    "consent",
)


class HuataiComplaintWebForm(http.Controller):
    """The public complaint form of the firm's site (no login needed).

    Abuse protection that needs no outside service: a signed one-time form
    token (replayed posts are refused), a rate limit per remote address, and
    limits on the number, size and type of uploaded files.
    """

    def _form_values(self, form=None, errors=None):
        Complaint = request.env["huatai.complaint"].sudo()
        limits = Complaint._web_form_limits()
        user = request.env.user
        partner = user.partner_id if not user._is_public() else None
        if form is None:
            form = {}
            if partner:
                form = {
                    "complainant_name": partner.name,
                    "complainant_email": partner.email or "",
                    "complainant_phone": partner.phone or partner.mobile or "",
                }
        return {
            "form": form,
            "errors": errors or {},
            "categories": Complaint._web_form_categories(),
            "form_token": request.env["huatai.complaint.web.submission"]
            .sudo()
            ._make_form_token(),
            "limits": limits,
            "accept": ",".join(f".{ext}" for ext in sorted(limits["extensions"])),
            "partner": partner,
        }

    def _render_form(self, form=None, errors=None, status=200):
        return request.render(
            "huatai_complaints.complaint_web_form",
            self._form_values(form, errors),
            status=status,
        )

    def _render_refusal(self, message, status):
        return request.render(
            "huatai_complaints.complaint_web_form_refused",
            {"message": message},
            status=status,
        )

    @http.route(
        "/complaints/new",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def complaint_form(self, **kwargs):
        return self._render_form()

    @http.route(
        "/complaints/submit",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
        csrf=True,
    )
    def complaint_submit(self, **post):
        env = request.env
        Complaint = env["huatai.complaint"].sudo()
        remote_addr = env["huatai.complaint.web.submission"]._client_address(
            request.httprequest.environ
        )
        form = {key: post.get(key) or "" for key in FORM_FIELDS}
        limits = Complaint._web_form_limits()
        # refuse an oversized request before reading its files
        max_request = (limits["max_total_mb"] + 1) << 20
        if (request.httprequest.content_length or 0) > max_request:
            _logger.warning(
                "Web complaint form from %s: request too large", remote_addr
            )
            return self._render_refusal(
                env._(
                    "The attached files are too large together (at most %(max)s MB).",
                    max=limits["max_total_mb"],
                ),
                413,
            )
        if post.get("website"):
            # honeypot field, hidden from people
            _logger.warning("Web complaint form from %s: honeypot filled", remote_addr)
            return self._render_refusal(env._("Your submission was refused."), 400)
        submission, error = (
            env["huatai.complaint.web.submission"]
            .sudo()
            ._register_post(post.get("form_token"), remote_addr)
        )
        if error == "rate_limit":
            return self._render_refusal(
                env._(
                    "Too many complaints were sent from your network in a short "
                    "time. Please try again later or call our hotline."
                ),
                429,
            )
        if error == "replay" and submission.complaint_id:
            # sent again by its client: stored once, answered as the first time
            return self._render_thanks(submission.complaint_id, env.user)
        if error:
            return self._render_refusal(
                env._(
                    "This form was already submitted or has expired. Open the "
                    "complaint form again to send a new complaint."
                ),
                400,
            )
        user = env.user
        partner = user.partner_id if not user._is_public() else None
        values, errors = Complaint._prepare_web_form_values(form, partner=partner)
        files = []
        for upload in request.httprequest.files.getlist("attachments"):
            if not upload.filename:
                continue
            # from the start: a request retried after a serialization
            # failure runs this again on the same, already read, uploads
            upload.stream.seek(0)
            data = upload.read((limits["max_file_mb"] << 20) + 1)
            files.append((upload.filename, data))
        file_errors = Complaint._check_web_form_files(files)
        if file_errors:
            errors["attachments"] = " ".join(file_errors)
        if errors:
            _logger.info(
                "Web complaint form from %s refused: %s", remote_addr, ", ".join(errors)
            )
            return self._render_form(form, errors, status=400)
        try:
            with env.cr.savepoint():
                complaint = Complaint._create_from_web_form(values, files)
        except (UserError, ValidationError) as exc:
            _logger.info("Web complaint form from %s refused: %s", remote_addr, exc)
            return self._render_form(form, {"form": str(exc)}, status=400)
        submission.complaint_id = complaint
        return self._render_thanks(complaint, user)

    def _render_thanks(self, complaint, user):
        """The page that gives the complainant their reference and a link to
        follow the complaint."""
        partner = user.partner_id if not user._is_public() else None
        if partner and complaint.partner_id == partner:
            follow_url = complaint.access_url
        else:
            follow_url = complaint._get_portal_url_with_token()
        return request.render(
            "huatai_complaints.complaint_web_form_thanks",
            {"complaint": complaint, "follow_url": follow_url},
        )
