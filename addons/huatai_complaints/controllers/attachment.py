import logging

from odoo import http
from odoo.http import request

from odoo.addons.mail.controllers.attachment import AttachmentController

_logger = logging.getLogger(__name__)


class HuataiComplaintAttachmentController(AttachmentController):
    @http.route()
    def mail_attachment_upload(
        self, ufile, thread_id, thread_model, is_pending=False, **kwargs
    ):
        """Clients (portal, access token) attach files to their complaint under
        the same rules as the public web form: no programs, size and type
        limits."""
        if thread_model == "huatai.complaint" and not request.env.user._is_internal():
            Complaint = request.env["huatai.complaint"].sudo()
            limits = Complaint._web_form_limits()
            data = ufile.read((limits["max_file_mb"] << 20) + 1)
            reason = Complaint._check_incoming_file(
                ufile.filename, data, limits["max_file_mb"] << 20, limits["extensions"]
            )
            if reason:
                _logger.warning(
                    "Portal upload on complaint %s by user %s refused: %s",
                    thread_id,
                    request.env.uid,
                    reason,
                )
                return request.make_json_response({"error": reason})
            ufile.stream.seek(0)
        return super().mail_attachment_upload(
            ufile, thread_id, thread_model, is_pending=is_pending, **kwargs
        )
