"""Import of historical complaint registers (台账).

A register in the columns of the product's own register export
(``huatai.complaint.xlsx._register_columns``: Chinese or English headers),
as xlsx or csv, becomes finished complaints: closed or rejected, with their
original dates and deadlines, outside every live clock (no deadline runs, no
alert, no acknowledgement, no routing, no survey: nothing of the intake
runs).

The whole file is read and checked first; one error anywhere and nothing is
imported: the errors come back row by row (row number, column, message).
References (``name``) already in the database are skipped and counted, so
importing a file twice imports it once.

The parts, in the order of an import:

- ``register_file``: the file (xlsx or csv) and its cells (moments, days);
- this model: the headers, the names and codes of the cells, the rows
  checked and converted to complaint values;
- ``register_insert``: the bulk insert of the checked rows (100,000 rows in
  well under two minutes, ``bench/README.md``);
- ``register_columns``: the columns read, and the limits.
"""

import io
import math
from collections import defaultdict
from datetime import date

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import plaintext2html

from ..report.complaint_facts import REPORT_TZ
from ..report.xlsx_register import RegisterReport
from . import register_file, register_insert
from .register_columns import (
    DAYS,
    EARLIEST,
    FLAGS,
    LANGS,
    MAX_ROWS,
    MOMENTS,
    NUMBERS,
    PREVIEW_ROWS,
    REQUIRED,
    SELECTIONS,
    TEXTS,
    UNITS,
    USERS,
    RegisterError,
)

ADMIN_GROUP = "huatai_complaints.group_complaint_admin"


class HuataiComplaintRegisterImport(models.AbstractModel):
    _name = "huatai.complaint.register.import"
    _description = "Complaint Register Import"

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------
    @api.model
    def _import_register(self, content, filename, dry_run=False):
        """Check (and unless ``dry_run`` import) a register file.

        :return: dict ``rows`` (data rows), ``new`` (references not in the
            database), ``existing`` (skipped), ``imported``, ``errors``
            (list of ``(row, column, message)``, row 1 is the header),
            ``preview`` (the first rows, as dicts of header -> text)
        """
        self._check_importer()
        result = {
            "rows": 0,
            "new": 0,
            "existing": 0,
            "imported": 0,
            "errors": [],
            "preview": [],
        }
        try:
            headers, rows = register_file.read_table(self.env, content, filename)
            columns = self._map_headers(headers)
        except RegisterError as error:
            result["errors"].append((error.row, error.column, error.message))
            return result
        try:
            records, errors, preview = self._convert_rows(headers, columns, rows)
        except RegisterError as error:
            result["errors"].append((error.row, error.column, error.message))
            return result
        result.update(rows=len(records) + len({e[0] for e in errors}))
        result["errors"] = errors
        result["preview"] = preview
        existing = register_insert.existing_names(
            self.env.cr, [r["name"] for r in records]
        )
        new = [r for r in records if r["name"] not in existing]
        result.update(new=len(new), existing=len(records) - len(new))
        if errors or dry_run or not new:
            return result
        result["imported"] = register_insert.insert_complaints(self.env, new)
        return result

    @api.model
    def _check_importer(self):
        if not (self.env.su or self.env.user.has_group(ADMIN_GROUP)):
            raise AccessError(
                self.env._("Only complaint administrators import registers.")
            )

    # ------------------------------------------------------------------
    # Headers
    # ------------------------------------------------------------------
    @api.model
    def _register_spec(self, lang):
        report = RegisterReport(self.sudo().with_context(lang=lang).env, io.BytesIO())
        # the columns only: no workbook, no formats
        report.formats = defaultdict(lambda: None)
        return report.columns(personal_data=True)

    @api.model
    def _map_headers(self, headers):
        """{column index: register key}; unknown or missing headers raise."""
        _ = self.env._
        known = {}
        titles = {}
        for lang in self._langs():
            for key, column in self._register_spec(lang):
                known.setdefault(column["header"].strip().lower(), key)
                titles.setdefault(key, column["header"])
        columns = {}
        for index, header in enumerate(headers):
            if not header:
                continue
            key = known.get(header.lower())
            if key is None:
                raise RegisterError(
                    1,
                    header,
                    _(
                        "Unknown column %(header)s: the register's columns "
                        "are those of its export (Complaints > Reporting > "
                        "Export to Excel).",
                        header=header,
                    ),
                )
            if key in columns.values():
                raise RegisterError(
                    1, header, _("Column %(header)s appears twice.", header=header)
                )
            columns[index] = key
        missing = [titles[k] for k in REQUIRED if k not in columns.values()]
        if missing:
            raise RegisterError(
                1,
                ", ".join(missing),
                _("Missing columns: %(columns)s.", columns=", ".join(missing)),
            )
        return columns

    @api.model
    def _langs(self):
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        langs = [self.env.lang or "en_US", *LANGS]
        return [lang for lang in dict.fromkeys(langs) if lang in installed]

    # ------------------------------------------------------------------
    # Rows
    # ------------------------------------------------------------------
    @api.model
    def _lookups(self):
        """What names and codes in the file stand for, in every language."""
        _ = self.env._
        sudo = self.sudo().with_context(active_test=False)

        def index(pairs):
            """{text: id}, or None where the text names several records."""
            out = {}
            for text, rid in pairs:
                if not text:
                    continue
                text = str(text).strip().lower()
                out[text] = rid if out.get(text, rid) == rid else None
            return out

        units = sudo.env["huatai.org.unit"].search_fetch(
            [], ["name", "code", "complete_name"]
        )
        categories = sudo.env["huatai.complaint.category"].search([])
        stages = sudo.env["huatai.complaint.stage"].search([])
        users = sudo.env["res.users"].search_fetch(
            [("share", "=", False)], ["login", "name"]
        )
        unit_pairs = [(u.code, u.id) for u in units] + [
            (u.complete_name, u.id) for u in units
        ]
        category_pairs = [(c.code, c.id) for c in categories]
        stage_pairs = []
        selections = defaultdict(list)
        yes_no = []
        for lang in self._langs():
            unit_pairs += [(u.name, u.id) for u in units.with_context(lang=lang)]
            category_pairs += [
                (c.name, c.id) for c in categories.with_context(lang=lang)
            ] + [(c.complete_name, c.id) for c in categories.with_context(lang=lang)]
            stage_pairs += [(s.name, s.id) for s in stages.with_context(lang=lang)]
            env = self.env(context=dict(self.env.context, lang=lang))
            for key, field in SELECTIONS.items():
                description = env["huatai.complaint"]._fields[field]
                selections[key] += [
                    (label, code)
                    for code, label in description._description_selection(env)
                ]
            yes_no += [(env._("Yes"), True), (env._("No"), False)]
        stage_pairs += [(s.state, s.id) for s in stages]
        for key, field in SELECTIONS.items():
            codes = self.env["huatai.complaint"]._fields[field].get_values(self.env)
            selections[key] += [(code, code) for code in codes]
        return {
            "unit": index(unit_pairs),
            "user": index(
                [(u.login, u.id) for u in users] + [(u.name, u.id) for u in users]
            ),
            "category": index(category_pairs),
            "stage": index(stage_pairs),
            "selection": {key: index(pairs) for key, pairs in selections.items()},
            "yes_no": index(yes_no + [("y", True), ("n", False), ("1", True)]),
            "closed_stages": {s.id: s.state for s in stages if s.is_closed},
            "confidential": {c.id for c in categories if c.is_confidential},
        }

    @api.model
    def _convert_rows(self, headers, columns, rows):
        """``(records, errors, preview)``: the rows as complaint values,
        every problem found, the first rows as they read."""
        _ = self.env._
        lookups = self._lookups()
        tz = pytz.timezone(self._file_tz())
        now = fields.Datetime.now()
        records, errors, preview = [], [], []
        seen = {}
        count = 0
        titles = {key: headers[i] for i, key in columns.items()}
        for number, cells in enumerate(rows, start=2):
            if not any(c not in (None, "") for c in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                errors.append(
                    (
                        number,
                        "",
                        _(
                            "More than %(count)s rows: split the register.",
                            count=MAX_ROWS,
                        ),
                    )
                )
                break
            raw = {}
            for i, value in enumerate(cells):
                key = columns.get(i)
                if key is None:
                    continue
                if value.__class__ is str:
                    value = value.strip() or None
                raw[key] = value
            if len(preview) < PREVIEW_ROWS:
                preview.append(
                    {
                        titles[key]: register_file.preview_text(key, value)
                        for key, value in raw.items()
                    }
                )
            row_errors = []
            vals = self._convert_row(raw, titles, lookups, tz, now, row_errors)
            name = vals.get("name")
            if name and name in seen:
                row_errors.append(
                    (
                        titles["name"],
                        _(
                            "Reference %(name)s is already on row %(row)s.",
                            name=name,
                            row=seen[name],
                        ),
                    )
                )
            elif name:
                seen[name] = number
            if row_errors:
                errors += [(number, column, message) for column, message in row_errors]
            else:
                records.append(vals)
        return records, errors, preview

    @api.model
    def _file_tz(self):
        """The time zone of the file's moments: the exporter's (the user's)."""
        name = self.env.context.get("tz") or self.env.user.tz or REPORT_TZ
        return name if name in pytz.all_timezones_set else REPORT_TZ

    @api.model
    def _convert_row(self, raw, titles, lookups, tz, now, errors):
        _ = self.env._
        vals = {}
        cell = raw.get

        def fail(key, message):
            errors.append((titles.get(key, ""), message))

        for key, field in TEXTS.items():
            value = cell(key)
            if value is not None:
                vals[field] = str(value)
        for key in REQUIRED:
            if cell(key) is None:
                fail(key, _("This column must be filled in."))
        self._convert_dates(cell, tz, now, vals, fail)
        for key, field in UNITS.items():
            self._lookup(cell(key), lookups["unit"], field, vals, fail, key)
        for key, field in USERS.items():
            self._lookup(cell(key), lookups["user"], field, vals, fail, key)
        self._lookup(cell("category"), lookups["category"], "category_id", vals, fail)
        self._lookup(cell("stage"), lookups["stage"], "stage_id", vals, fail)
        for key, field in SELECTIONS.items():
            self._lookup(cell(key), lookups["selection"][key], field, vals, fail, key)
        for key in (*FLAGS, "is_compensation"):
            self._lookup(cell(key), lookups["yes_no"], key, vals, fail)
        self._convert_numbers(cell, vals, fail)
        self._check_callback_returns(vals, cell("callback_returns") is not None, fail)
        reply = cell("reply")
        if reply is not None:
            vals["reply_text"] = plaintext2html(str(reply))
        self._finish_row(vals, lookups, fail)
        return vals

    @api.model
    def _convert_dates(self, cell, tz, now, vals, fail):
        _ = self.env._
        for key in MOMENTS:
            value = cell(key)
            if value is None:
                continue
            moment = register_file.to_moment(value, tz)
            if moment is None:
                fail(key, _("%(value)s is not a date and time.", value=value))
            elif not (EARLIEST <= moment.date() and moment <= now):
                fail(
                    key,
                    _(
                        "%(value)s is out of range (from %(first)s to now).",
                        value=value,
                        first=EARLIEST,
                    ),
                )
            else:
                vals[key] = moment
        last_day = date(now.year + 2, 12, 31)
        for key in DAYS:
            value = cell(key)
            if value is None:
                continue
            day = register_file.to_day(value)
            if day is None or not (EARLIEST <= day <= last_day):
                fail(key, _("%(value)s is not a date in range.", value=value))
            else:
                vals[key] = day
        received = vals.get("received")
        for key in ("accepted", "replied", "closed"):
            if received and vals.get(key) and vals[key] < received:
                fail(key, _("This date is earlier than the receipt."))

    @api.model
    def _convert_numbers(self, cell, vals, fail):
        _ = self.env._
        for key, field, kind in NUMBERS:
            value = cell(key)
            if value is None:
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = None
            if number is None or not math.isfinite(number):
                fail(key, _("%(value)s is not a number.", value=value))
                continue
            if kind is int:
                if not number.is_integer():
                    fail(key, _("%(value)s is not a whole number.", value=value))
                    continue
                number = int(number)
            if number < 0:
                fail(key, _("A negative number is not allowed here."))
            vals[field] = number

    @api.model
    def _check_callback_returns(self, vals, given, fail):
        """The returns to handling after a dissatisfied callback (each
        dissatisfied callback is one, ``huatai_complaints``'
        ``dissatisfied_callback_count``). Registers without the column (or
        with the cell empty): one when the last callback found the client
        dissatisfied, else none. Given, they agree with the callbacks: at
        least one when the last outcome is dissatisfied, some only after a
        callback (its day and outcome), no more than the attempts."""
        _ = self.env._
        key, field = "callback_returns", "dissatisfied_callback_count"
        dissatisfied = vals.get("callback_result") == "dissatisfied"
        if not given:
            vals[field] = 1 if dissatisfied and vals.get("callback_date") else 0
            return
        returns = vals.get(field)
        if returns is None or returns < 0:
            return  # already reported
        attempts = vals.get("callback_attempt_count")
        if dissatisfied and not returns:
            fail(
                key,
                _(
                    "The last callback found the client dissatisfied: that "
                    "is at least one return to handling."
                ),
            )
        elif returns and not (
            vals.get("callback_date") and vals.get("callback_result")
        ):
            fail(
                key,
                _(
                    "A return to handling after a dissatisfied callback needs "
                    "the callback: fill in the day the client was called back "
                    "and the callback outcome."
                ),
            )
        elif attempts is not None and returns > attempts:
            fail(
                key,
                _(
                    "%(returns)s returns after a dissatisfied callback but "
                    "only %(attempts)s callback attempts.",
                    returns=returns,
                    attempts=attempts,
                ),
            )

    @api.model
    def _finish_row(self, vals, lookups, fail):
        """A finished complaint: closed or rejected, on its finishing date."""
        _ = self.env._
        stage_id = vals.get("stage_id")
        closed = lookups["closed_stages"]
        if stage_id and stage_id not in closed:
            fail(
                "stage",
                _(
                    "A historical register holds finished complaints only "
                    "(closed or rejected)."
                ),
            )
        if not vals.get("closed"):
            fail("closed", _("A finished complaint has the date it was finished."))
        if not stage_id:
            vals["stage_id"] = next(
                (sid for sid, state in closed.items() if state == "closed"), None
            )
        vals.setdefault("handling_unit_id", vals.get("accepting_unit_id"))
        vals.setdefault("complainant_count", 1)
        if "is_compensation" not in vals:
            vals["is_compensation"] = bool(vals.get("compensation_amount"))

    @api.model
    def _lookup(self, value, index, field, vals, fail, key=None):
        if value is None:
            return
        text = str(value).strip().lower()
        if text not in index:
            fail(key or field, self.env._("Unknown value %(value)s.", value=value))
        elif index[text] is None:
            fail(
                key or field,
                self.env._(
                    "%(value)s names several records: use the code.", value=value
                ),
            )
        else:
            vals[field] = index[text]

    # ------------------------------------------------------------------
    # Writing, and the error report
    # ------------------------------------------------------------------
    @api.model
    def _errors_csv(self, errors):
        """The errors as a csv file (UTF-8 with BOM: Excel opens it)."""
        return register_file.errors_csv(self.env, errors)
