import base64

from markupsafe import Markup, escape

from odoo import fields, models
from odoo.exceptions import UserError


class HuataiRegisterImportWizard(models.TransientModel):
    """Import a historical complaint register: check, preview, import.

    "Check" reads the whole file and shows what it holds (rows, new and
    already imported references, the first rows) or the errors, with a file
    listing them row by row; "Import" checks it again and imports it only
    when it has no error at all.
    """

    _name = "huatai.register.import.wizard"
    _description = "Import a Complaint Register"

    file = fields.Binary(string="Register File", required=True, attachment=False)
    filename = fields.Char()
    state = fields.Selection(
        [
            ("upload", "Upload"),
            ("preview", "Checked"),
            ("error", "Errors"),
            ("done", "Imported"),
        ],
        default="upload",
        required=True,
    )
    row_count = fields.Integer(string="Rows", readonly=True)
    new_count = fields.Integer(string="New Complaints", readonly=True)
    existing_count = fields.Integer(
        string="Already Imported",
        readonly=True,
        help="Rows whose reference is already in the database: skipped.",
    )
    error_count = fields.Integer(string="Errors", readonly=True)
    imported_count = fields.Integer(string="Imported", readonly=True)
    preview_html = fields.Html(
        string="Preview", readonly=True, sanitize=True, translate=False
    )
    error_file = fields.Binary(string="Error Report", readonly=True, attachment=False)
    error_filename = fields.Char()

    def action_check(self):
        self.ensure_one()
        result = self._run(dry_run=True)
        self._show(result)
        return self._reopen()

    def action_import(self):
        self.ensure_one()
        result = self._run(dry_run=False)
        self._show(result)
        if not result["errors"]:
            self.state = "done"
        return self._reopen()

    def _run(self, dry_run):
        if not self.file:
            raise UserError(self.env._("Choose the register file first."))
        return self.env["huatai.complaint.register.import"]._import_register(
            base64.b64decode(self.file), self.filename, dry_run=dry_run
        )

    def _show(self, result):
        errors = result["errors"]
        Import = self.env["huatai.complaint.register.import"]
        self.write(
            {
                "state": "error" if errors else "preview",
                "row_count": result["rows"],
                "new_count": result["new"],
                "existing_count": result["existing"],
                "error_count": len(errors),
                "imported_count": result["imported"],
                "preview_html": self._preview_table(result["preview"]),
                "error_file": (
                    base64.b64encode(Import._errors_csv(errors)) if errors else False
                ),
                "error_filename": (
                    self.env._("register_errors.csv") if errors else False
                ),
            }
        )

    def _preview_table(self, rows):
        if not rows:
            return False
        headers = list(rows[0])[:12]
        head = Markup("").join(Markup("<th>%s</th>") % h for h in headers)
        body = Markup("").join(
            Markup("<tr>%s</tr>")
            % Markup("").join(
                Markup("<td>%s</td>") % escape(row.get(h, "")[:40]) for h in headers
            )
            for row in rows
        )
        return Markup(
            '<table class="table table-sm table-bordered"><thead><tr>%s</tr>'
            "</thead><tbody>%s</tbody></table>"
        ) % (head, body)

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import a Complaint Register"),
        }
