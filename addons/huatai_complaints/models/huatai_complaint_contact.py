"""The complainant's contact: the partner linked to a complaint (found or
created from what the complainant told), their language, their other
complaints, following the complaint's public discussion."""

import logging

from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import email_normalize

from ..tools.actions import window_action
from ..tools.settings import COMPLAINANT_LANG

_logger = logging.getLogger(__name__)


class HuataiComplaint(models.Model):
    _inherit = "huatai.complaint"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    complainant_lang = fields.Char(
        compute="_compute_complainant_lang",
        help="Language of the messages sent to the complainant.",
    )

    other_complaint_count = fields.Integer(
        string="Other Complaints",
        compute="_compute_other_complaint_count",
        groups="base.group_user",
        help="Other complaints of the same contact or client account that you may see.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("partner_id.lang")
    def _compute_complainant_lang(self):
        """The client's own language when they chose one, else the firm's
        working language (zh_CN); only installed languages are used."""
        Lang = self.env["res.lang"]
        preferred = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(COMPLAINANT_LANG.param, COMPLAINANT_LANG.default)
        )
        preferred = Lang._get_code(preferred) if preferred else False
        for complaint in self:
            lang = complaint.partner_id.lang
            lang = Lang._get_code(lang) if lang else False
            if lang and lang != "en_US":
                complaint.complainant_lang = lang
            else:
                complaint.complainant_lang = preferred or lang or False

    @api.depends("partner_id", "client_account")
    @api.depends_context("uid")
    def _compute_other_complaint_count(self):
        """Complaints of the same contact or client account, as the current
        user may see them: one grouped count for the whole batch."""
        keyed = self.filtered(lambda c: c.partner_id or c.client_account)
        counts = dict.fromkeys(self, 0)
        if keyed:
            batch_ids = [c._origin.id for c in self if c._origin.id]
            domain = keyed._other_complaints_domain()
            if batch_ids:
                domain = [("id", "not in", batch_ids), *domain]
            # the complaints outside the batch, per (contact, account)
            groups = self.with_context(active_test=True)._read_group(
                domain, ["partner_id", "client_account"], ["__count"]
            )
            for complaint in keyed:
                counts[complaint] = sum(
                    count
                    for partner, account, count in groups
                    if complaint._same_complainant(partner, account)
                )
                # the batch's own, from memory
                counts[complaint] += len(
                    (self - complaint).filtered(
                        lambda other, c=complaint: (
                            other.active
                            and c._same_complainant(
                                other.partner_id, other.client_account
                            )
                        )
                    )
                )
        for complaint in self:
            complaint.other_complaint_count = counts[complaint]

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        partner = self.partner_id
        if partner:
            self.complainant_name = self.complainant_name or partner.name
            self.complainant_email = self.complainant_email or partner.email
            self.complainant_phone = (
                self.complainant_phone or partner.mobile or partner.phone
            )

    # ------------------------------------------------------------------
    # Linking the complainant's contact
    # ------------------------------------------------------------------
    def _prepare_complainant_partners(self, vals_list):
        """Copies of ``vals_list`` where each complainant without a contact
        is given one: the contact of their email address, or a new contact.

        An email address typed in a form (the public web form, a complaint
        registered by staff) proves nothing about who typed it: a complaint
        goes to an existing contact of that address only when no user could
        read it through that contact (a portal client reads the complaints of
        their contact and of its company; see :meth:`_partners_with_users`).
        Otherwise it stays without a contact, so that it never shows in
        someone else's portal; staff can still link it by hand.  Verified
        identities come with ``partner_id`` already set: the logged-in
        client's own contact (web form), the sender of a mail (the gateway's
        ``author_id``, as Odoo's helpdesk does).

        The given dicts are never changed: a request retried after a
        serialization failure calls this again with the same ones.
        """
        vals_list = [dict(vals) for vals in vals_list]
        Partner = self.env["res.partner"].sudo()
        # the active confidential categories among those given (read from
        # the cache after the first intake, where a search is a query each)
        confidential_categories = set(
            self.env["huatai.complaint.category"]
            .sudo()
            .browse(
                {vals["category_id"] for vals in vals_list if vals.get("category_id")}
            )
            .filtered(
                lambda c: (
                    c.is_confidential
                    and (c.active or not self.env.context.get("active_test", True))
                )
            )
            .ids
        )
        emails = {
            email_normalize(vals["complainant_email"])
            for vals in vals_list
            if not vals.get("partner_id") and vals.get("complainant_email")
        } - {False}
        known, claimed = {}, set()
        if emails:
            partners = Partner.search(
                [("email_normalized", "in", list(emails))], order="id"
            )
            claimed = set(self._partners_with_users(partners).ids)
            for partner in partners:
                known.setdefault(partner.email_normalized, []).append(partner)
        # the contacts to create, in one batch: one per new email address (and
        # one per complainant without an email)
        new_contacts, waiting = [], []
        new_by_email = {}
        for vals in vals_list:
            if (
                vals.get("partner_id")
                or not vals.get("complainant_name")
                # a whistleblower's identity never leaves the report
                or vals.get("category_id") in confidential_categories
            ):
                continue
            email = email_normalize(vals.get("complainant_email") or "")
            if email and email in known:
                free = [p for p in known[email] if p.id not in claimed]
                if free:
                    vals["partner_id"] = free[0].id
                # else someone's login uses this address: no contact
                continue
            if not email or email not in new_by_email:
                new_by_email[email or None] = len(new_contacts)
                new_contacts.append(
                    {
                        "name": vals["complainant_name"],
                        "email": vals.get("complainant_email"),
                        "phone": vals.get("complainant_phone"),
                        "street": vals.get("complainant_address"),
                    }
                )
                waiting.append((vals, len(new_contacts) - 1))
            else:
                waiting.append((vals, new_by_email[email]))
        if new_contacts:
            # a complainant's contact is a by-product of the complaint, whose
            # chatter records the intake: no "contact created" message on the
            # contact, nobody subscribed to it (the intake's own queries)
            partners = Partner.with_context(tracking_disable=True).create(new_contacts)
            # their stored computed fields in one UPDATE, not one per field
            # as later queries need them
            partners.flush_recordset()
            for vals, position in waiting:
                vals["partner_id"] = partners[position].id
        return vals_list

    @api.model
    def _partners_with_users(self, partners):
        """The contacts of ``partners`` that a user (internal or portal,
        archived ones too) could read complaints through: a user of the
        contact itself, or of the contact or a company above it as
        commercial entity (the portal rule: ``partner_id child_of`` the
        user's commercial partner)."""
        lineage = {}
        for partner in partners:
            ids, node = set(), partner
            while node and node.id not in ids:
                ids.add(node.id)
                node = node.parent_id
            lineage[partner] = ids
        related = set().union(*lineage.values()) if lineage else set()
        if not related:
            return partners.browse()
        users = (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    ("partner_id", "in", list(related)),
                    ("commercial_partner_id", "in", list(related)),
                ]
            )
        )
        reached = set(users.partner_id.ids) | set(users.commercial_partner_id.ids)
        return partners.filtered(lambda p: lineage[p] & reached)

    def _drop_reporter_contacts(self):
        """Complaints that became whistleblowing reports end as if they had
        been registered as reports, when intake creates no contact: the
        reporter's identity stays in the report's own fields (Compliance
        only). A contact with a login (a portal client's own) stays linked;
        any other is unlinked from the reports, and deleted when no other
        complaint uses it (the contact the intake created for this one), or
        archived when something else still refers to it; a company, or a
        contact with people under it, is only unlinked."""
        reports = self.sudo().with_context(active_test=False).filtered("partner_id")
        contacts = reports.partner_id - self._partners_with_users(reports.partner_id)
        if not contacts:
            return
        reports.filtered(lambda c: c.partner_id in contacts).with_context(
            tracking_disable=True
        ).write({"partner_id": False})
        used = self.env["huatai.complaint"].sudo().with_context(active_test=False)
        used = set(used.search([("partner_id", "in", contacts.ids)]).partner_id.ids)
        for contact in contacts.filtered(
            lambda p: p.id not in used and not p.is_company and not p.child_ids
        ):
            try:
                with self.env.cr.savepoint():
                    contact.unlink()
            except (IntegrityError, UserError):  # still referred to: archived
                _logger.info("Contact %s of a report archived, not deleted", contact.id)
                contact.write({"active": False})

    def _same_complainant(self, partner, account):
        """Whether a complaint of ``partner`` and ``account`` is of this
        complaint's complainant (same contact, or same client account)."""
        self.ensure_one()
        return bool(
            (self.partner_id and partner == self.partner_id)
            or (self.client_account and account == self.client_account)
        )

    def _other_complaints_domain(self):
        """Complaints of the same contacts or client accounts as ``self``."""
        domains = []
        if self.partner_id:
            domains.append([("partner_id", "in", self.partner_id.ids)])
        accounts = [a for a in set(self.mapped("client_account")) if a]
        if accounts:
            domains.append([("client_account", "in", accounts)])
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    def action_view_other_complaints(self):
        self.ensure_one()
        return window_action(
            self.env._("Other Complaints of %(name)s", name=self.complainant_name),
            self._name,
            "list,kanban,form",
            views=[(False, "list"), (False, "kanban"), (False, "form")],
            domain=[("id", "!=", self.id), *self._other_complaints_domain()],
            context={"create": False},
        )

    def _subscribe_complainant(self):
        """The complainant follows the public discussion of their complaint
        (replies, portal messages), never internal notes."""
        comment = self.env.ref("mail.mt_comment")
        todo = self.sudo().filtered(
            lambda c: (
                c.partner_id.email and c.partner_id.active and not c.is_confidential
            )
        )
        followers = self.env["mail.followers"]
        for partner, complaints in todo.grouped("partner_id").items():
            # one who already follows (with whatever subtypes) is left as is
            followers._insert_followers(
                complaints._name,
                complaints.ids,
                partner.ids,
                subtypes={partner.id: comment.ids},
                check_existing=True,
                existing_policy="skip",
            )
