import logging

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

_logger = logging.getLogger(__name__)


class HuataiComplaintPortal(CustomerPortal):
    """The complainant's own complaints in the customer portal."""

    def _complaint_domain(self):
        # whatever else the user may read, the portal lists their own
        partner = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "child_of", partner.id)]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "complaint_count" in counters:
            Complaint = request.env["huatai.complaint"]
            values["complaint_count"] = (
                Complaint.search_count(self._complaint_domain())
                if Complaint.has_access("read")
                else 0
            )
        return values

    def _complaint_searchbar_sortings(self):
        env = request.env
        return {
            "date": {"label": env._("Newest"), "order": "received_date desc, id desc"},
            "name": {"label": env._("Reference"), "order": "name desc"},
            "stage": {"label": env._("Status"), "order": "stage_id, id desc"},
        }

    def _complaint_searchbar_filters(self):
        env = request.env
        return {
            "all": {"label": env._("All"), "domain": []},
            "open": {
                "label": env._("In progress"),
                "domain": [("is_closed", "=", False)],
            },
            "closed": {
                "label": env._("Finished"),
                "domain": [("is_closed", "=", True)],
            },
        }

    @http.route(
        ["/my/complaints", "/my/complaints/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_complaints(self, page=1, sortby=None, filterby=None, **kw):
        Complaint = request.env["huatai.complaint"]
        if not Complaint.has_access("read"):
            return request.redirect("/my")
        sortings = self._complaint_searchbar_sortings()
        filters = self._complaint_searchbar_filters()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        domain = self._complaint_domain() + filters[filterby]["domain"]
        count = Complaint.search_count(domain)
        pager = portal_pager(
            url="/my/complaints",
            url_args={"sortby": sortby, "filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        complaints = Complaint.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_complaints_history"] = complaints.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "complaints": complaints.sudo(),
                "page_name": "complaint",
                "default_url": "/my/complaints",
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("huatai_complaints.portal_my_complaints", values)

    @http.route(
        ["/my/complaints/<int:complaint_id>"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_complaint(self, complaint_id, access_token=None, **kw):
        try:
            complaint_sudo = self._document_check_access(
                "huatai.complaint", complaint_id, access_token=access_token
            )
        except (AccessError, MissingError):
            _logger.info(
                "Portal: user %s refused complaint %s", request.env.uid, complaint_id
            )
            return request.redirect("/my")
        if complaint_sudo.is_confidential:
            # a whistleblowing report is for Compliance only: no link opens it
            return request.redirect("/my")
        values = self._complaint_page_values(complaint_sudo, access_token, **kw)
        return request.render("huatai_complaints.portal_complaint_page", values)

    def _complaint_page_values(self, complaint, access_token, **kwargs):
        survey_url = False
        pending = complaint.survey_user_input_ids.filtered(
            lambda a: a.huatai_invited and a.state != "done"
        )[-1:]
        if pending:
            survey_url = pending.get_start_url()
        values = {
            "complaint": complaint,
            "page_name": "complaint",
            "survey_url": survey_url,
            "user": request.env.user,
        }
        return self._get_page_view_values(
            complaint, access_token, values, "my_complaints_history", False, **kwargs
        )
