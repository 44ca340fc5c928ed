"""The public web form (SPEC §2): validation of a submission and its files,
creation of the complaint (controller: ``controllers/web_form.py``)."""

import logging
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize

from ..tools.settings import (
    DESCRIPTION_MAX_CHARS,
    WEB_FORM_EXTENSIONS,
    WEB_FORM_MAX_FILE_MB,
    WEB_FORM_MAX_FILES,
    WEB_FORM_MAX_TOTAL_MB,
)
from .huatai_complaint_intake import parse_extensions

_logger = logging.getLogger(__name__)


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Public web form
    # ------------------------------------------------------------------
    @api.model
    def _web_form_allowed_extensions(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(WEB_FORM_EXTENSIONS.param, WEB_FORM_EXTENSIONS.default)
        )
        return parse_extensions(value)

    @api.model
    def _web_form_limits(self):
        return {
            "max_files": self._get_setting(WEB_FORM_MAX_FILES),
            "max_file_mb": self._get_setting(WEB_FORM_MAX_FILE_MB),
            "max_total_mb": self._get_setting(WEB_FORM_MAX_TOTAL_MB),
            "extensions": self._web_form_allowed_extensions(),
        }

    @api.model
    def _web_form_categories(self):
        return (
            self.env["huatai.complaint.category"]
            .sudo()
            .search([("parent_id", "=", False)])
        )

    @api.model
    def _prepare_web_form_values(self, form, partner=None):
        """Validate what a visitor typed in the public form.

        Only the intake fields a client may give are read; everything else
        (channel, units, stage, owner, dates) is set here.

        :param dict form: submitted strings
        :param partner: the logged-in portal client's contact, if any
        :return: (values, errors) where errors maps a form field to a message
        """
        errors = {}

        def text(key, size=200, required=False, label=None):
            value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", form.get(key) or "")
            value = value.strip()
            if required and not value:
                errors[key] = self.env._("%(field)s is required.", field=label)
            elif len(value) > size:
                errors[key] = self.env._(
                    "%(field)s is too long (at most %(size)s characters).",
                    field=label,
                    size=size,
                )
            return value or False

        max_text = self._get_setting(DESCRIPTION_MAX_CHARS)
        values = {
            "complainant_name": text(
                "complainant_name", 100, True, self.env._("Your name")
            ),
            "complainant_phone": text(
                "complainant_phone", 30, label=self.env._("Phone number")
            ),
            "complainant_email": text(
                "complainant_email", 120, label=self.env._("Email address")
            ),
            "client_account": text(
                "client_account", 40, label=self.env._("Client account number")
            ),
            "complainant_address": text(
                "complainant_address", 200, label=self.env._("Address")
            ),
            "respondent_name": text(
                "respondent_name", 100, label=self.env._("Person complained about")
            ),
            "respondent_position": text(
                "respondent_position", 100, label=self.env._("Their position or unit")
            ),
            "subject": text("subject", 200, label=self.env._("Subject")),
            "description": text(
                "description", max_text, True, self.env._("What happened")
            ),
            "demand": text("demand", 5000, label=self.env._("What you ask for")),
        }
        email = values["complainant_email"]
        if email and not email_normalize(email):
            errors["complainant_email"] = self.env._("This email address is not valid.")
        phone = values["complainant_phone"]
        if phone and not re.fullmatch(r"[0-9+()\-\s]{5,30}", phone):
            errors["complainant_phone"] = self.env._("This phone number is not valid.")
        if not email and not phone and not partner:
            errors["complainant_phone"] = self.env._(
                "Give a phone number or an email address so that we can answer you."
            )
        amount = (form.get("compensation_amount") or "").strip().replace(",", "")
        if amount:
            try:
                values["compensation_amount"] = float(amount)
                if not 0 <= values["compensation_amount"] < 1e12:
                    raise ValueError(amount)
            except ValueError:
                errors["compensation_amount"] = self.env._(
                    "Enter the amount as a positive number."
                )
        categories = self._web_form_categories()
        category = self._default_intake_category()
        if form.get("category_id"):
            try:
                category = categories.filtered(
                    lambda c: c.id == int(form["category_id"])
                )
            except ValueError:
                category = categories.browse()
            if not category:
                errors["category_id"] = self.env._(
                    "Choose a complaint type from the list."
                )
        if not form.get("consent"):
            errors["consent"] = self.env._(
                "Please agree to the processing of your personal data for handling "
                "your complaint."
            )
        values.update(
            {
                "channel": "website",
                "accepting_unit_id": self._remote_intake_unit().id,
                "accepting_user_id": False,
                "category_id": category[:1].id,
                "received_date": fields.Datetime.now(),
            }
        )
        if partner and not category[:1].is_confidential:
            values["partner_id"] = partner.id
            values["complainant_email"] = values["complainant_email"] or partner.email
            values["complainant_phone"] = values["complainant_phone"] or partner.phone
        return values, errors

    @api.model
    def _check_web_form_files(self, files):
        """:param files: list of (file name, bytes)
        :return: list of error messages"""
        limits = self._web_form_limits()
        errors = []
        if len(files) > limits["max_files"]:
            errors.append(
                self.env._(
                    "At most %(count)s files can be attached.",
                    count=limits["max_files"],
                )
            )
        total = sum(len(data) for _name, data in files)
        if total > limits["max_total_mb"] << 20:
            errors.append(
                self.env._(
                    "The attached files are too large together (at most %(max)s MB).",
                    max=limits["max_total_mb"],
                )
            )
        for name, data in files:
            reason = self._check_incoming_file(
                name, data, limits["max_file_mb"] << 20, limits["extensions"]
            )
            if reason:
                errors.append(reason)
        return errors

    @api.model
    def _create_from_web_form(self, values, files):
        """Register a complaint submitted through the public web form.

        Runs as superuser from the controller: ``values`` must come from
        :meth:`_prepare_web_form_values`.
        """
        errors = self._check_web_form_files(files)
        if errors:
            raise ValidationError("\n".join(errors))
        complaint = self.sudo().create(values)
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": name,
                        "raw": data,
                        "res_model": self._name,
                        "res_id": complaint.id,
                    }
                    for name, data in files
                ]
            )
        )
        author = complaint.partner_id
        complaint.sudo().message_post(
            body=self.env._("Complaint submitted through the company website."),
            attachment_ids=attachments.ids,
            # never look a contact up for reports kept away from contacts
            author_id=author.id or False,
            email_from=author.email_formatted or complaint.complainant_name,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        _logger.info(
            "Complaint %s registered from the website with %s file(s)",
            complaint.name,
            len(attachments),
        )
        return complaint

    def _get_portal_url_with_token(self):
        """The link the web form gives the complainant to follow the
        complaint in the portal without login."""
        self.ensure_one()
        return self.sudo().get_portal_url()
