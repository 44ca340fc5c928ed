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

The rows are written with one ``INSERT ... SELECT FROM unnest(...)`` per
chunk rather than the ORM's ``create``: the intake's create (routing,
deadline policies, complainant contacts, acknowledgement, chatter) is what
an import must not run, and 100,000 rows go in well under two minutes
(``bench/README.md``). What the ORM would compute on the stored fields is
computed here in the same way: confidentiality from the complaint type,
recording consent from its state, the compliance requirement from the
severity flags; the deadlines are those of the register.
"""

import csv
import io
import logging
import re
import zipfile
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, plaintext2html

from odoo.addons.huatai_complaints.models.huatai_complaint import SEVERITY_FLAGS

from ..report.complaint_facts import REPORT_TZ, REPORT_UTC_OFFSET_HOURS
from ..report.xlsx_register import RegisterReport
from . import xlsx_reader

_logger = logging.getLogger(__name__)

ADMIN_GROUP = "huatai_complaints.group_complaint_admin"
MAX_BYTES = 100 * 1024 * 1024
MAX_ROWS = 500_000
INSERT_CHUNK = 5000
PREVIEW_ROWS = 5
EARLIEST = date(1990, 1, 1)
LANGS = ("zh_CN", "en_US")
# register columns that the import reads -> how
# (the others: derived figures, accepted and ignored)
MOMENTS = ("received", "accepted", "replied", "closed")
DAYS = (
    "regulator_deadline",
    "accept_deadline",
    "reply_deadline",
    "callback_deadline",
    "callback_date",
)
TEXTS = {
    "name": "name",
    "complainant": "complainant_name",
    "phone": "complainant_phone",
    "email": "complainant_email",
    "address": "complainant_address",
    "client_account": "client_account",
    "id_number": "complainant_id_number",
    "respondent": "respondent_name",
    "respondent_position": "respondent_position",
    "description": "description",
    "demand": "demand",
    "regulator_reference": "regulator_reference",
    "rejection_reason": "rejection_reason",
}
SELECTIONS = {
    "channel": "channel",
    "regulator_authority": "regulator_authority",
    "recording_consent": "recording_consent_state",
    "reply_method": "reply_method",
    "callback_result": "callback_result",
}
FLAGS = ("is_major", "is_group", "is_difficult", "is_media", "is_judicial")
UNITS = {
    "accepting_unit": "accepting_unit_id",
    "handling_unit": "handling_unit_id",
    "respondent_unit": "respondent_unit_id",
    "replied_unit": "replied_unit_id",
}
USERS = {
    "accepting_user": "accepting_user_id",
    "owner": "user_id",
    "replied_by": "replied_by_id",
}
NUMBERS = (
    ("compensation_amount", "compensation_amount", float),
    ("complainant_count", "complainant_count", int),
    ("callback_attempts", "callback_attempt_count", int),
    ("satisfaction_score", "satisfaction_score", float),
)
REQUIRED = ("name", "received", "channel", "category", "accepting_unit", "complainant")
# (zone, local day, hour) -> UTC offset: pytz's localize is slow per row
UTC_OFFSETS = {}
NAME_PATTERN = re.compile(r"^TS(\d{4})-(\d+)$")


class RegisterError(Exception):
    """One problem of one row (or of the file: row 0)."""

    def __init__(self, row, column, message):
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


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
            headers, rows = self._read_table(content, filename)
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
        existing = self._existing_names([r["name"] for r in records])
        new = [r for r in records if r["name"] not in existing]
        result.update(new=len(new), existing=len(records) - len(new))
        if errors or dry_run or not new:
            return result
        result["imported"] = self._insert_complaints(new)
        return result

    @api.model
    def _check_importer(self):
        if not (self.env.su or self.env.user.has_group(ADMIN_GROUP)):
            raise AccessError(
                self.env._("Only complaint administrators import registers.")
            )

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------
    @api.model
    def _read_table(self, content, filename):
        """``(headers, iterator of (row number, cells))`` of an xlsx or csv."""
        _ = self.env._
        if not content:
            raise RegisterError(0, "", _("The file is empty."))
        if len(content) > MAX_BYTES:
            raise RegisterError(
                0,
                "",
                _(
                    "The file is larger than %(size)s MB: split the register by year.",
                    size=MAX_BYTES // (1024 * 1024),
                ),
            )
        name = (filename or "").lower()
        if name.endswith(".xlsx") or content[:2] == b"PK":
            rows = self._xlsx_rows(content)
        elif name.endswith((".csv", ".txt")) or not name:
            rows = self._csv_rows(content)
        else:
            raise RegisterError(0, "", _("Give the register as an xlsx or a csv file."))
        try:
            header_row = next(rows)
        except StopIteration:
            raise RegisterError(0, "", _("The file is empty.")) from None
        headers = [str(h).strip() if h is not None else "" for h in header_row]
        return headers, rows

    @api.model
    def _xlsx_rows(self, content):
        """The register's sheet (the first: the About sheet follows it)."""
        message = self.env._("The file is not a readable xlsx workbook.")
        try:
            rows = xlsx_reader.iter_rows(io.BytesIO(content))
            first = next(rows, None)
        except (xlsx_reader.XlsxError, zipfile.BadZipFile, ValueError) as error:
            _logger.info("Unreadable register: %s", error)
            raise RegisterError(0, "", message) from None

        def all_rows():
            if first is None:
                return
            yield first
            try:
                yield from rows
            except (xlsx_reader.XlsxError, ValueError, IndexError) as error:
                _logger.info("Unreadable register: %s", error)
                raise RegisterError(0, "", message) from None

        return all_rows()

    @api.model
    def _csv_rows(self, content):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise RegisterError(
                0,
                "",
                self.env._("The csv file is neither UTF-8 nor GB18030 text."),
            )
        if "\x00" in text:
            raise RegisterError(0, "", self.env._("The csv file is not text."))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return iter(csv.reader(io.StringIO(text), dialect))

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
                        titles[key]: self._preview_text(key, value)
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
    def _preview_text(self, key, value):
        """A cell as the user reads it (xlsx dates are Excel serials)."""
        if value is None:
            return ""
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if is_number and key in MOMENTS:
            moment = datetime(1899, 12, 30) + timedelta(
                days=value, microseconds=500_000
            )
            return moment.strftime("%Y-%m-%d %H:%M:%S")
        if is_number and key in DAYS:
            return (date(1899, 12, 30) + timedelta(days=int(value))).isoformat()
        return str(value)

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
            moment = self._to_moment(value, tz)
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
            day = self._to_day(value)
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
        for key, field, kind in NUMBERS:
            value = cell(key)
            if value is None:
                continue
            try:
                number = kind(float(value))
            except (TypeError, ValueError):
                fail(key, self.env._("%(value)s is not a number.", value=value))
                continue
            if number < 0:
                fail(key, self.env._("A negative number is not allowed here."))
            vals[field] = number

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

    @api.model
    def _to_moment(self, value, tz):
        """A naive UTC datetime, to the second, from a local moment."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = datetime(1899, 12, 30) + timedelta(days=float(value))
        elif isinstance(value, date) and not isinstance(value, datetime):
            value = datetime.combine(value, time())
        elif isinstance(value, str):
            value = self._parse_text(
                value,
                ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d"),
            )
        if not isinstance(value, datetime):
            return None
        value = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
        return value - self._utc_offset(tz, value)

    @api.model
    def _utc_offset(self, tz, moment):
        """The zone's offset at a local moment, looked up once per hour."""
        key = (tz.zone, moment.date(), moment.hour)
        offset = UTC_OFFSETS.get(key)
        if offset is None:
            if len(UTC_OFFSETS) > 200_000:
                UTC_OFFSETS.clear()
            offset = UTC_OFFSETS[key] = tz.utcoffset(moment, is_dst=False)
        return offset

    @api.model
    def _to_day(self, value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return date(1899, 12, 30) + timedelta(days=int(value))
        if isinstance(value, str):
            parsed = self._parse_text(
                value, ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")
            )
            return parsed.date() if parsed else None
        return None

    @staticmethod
    def _parse_text(value, patterns):
        for pattern in patterns:
            try:
                return datetime.strptime(value.strip(), pattern)
            except ValueError:
                continue
        return None

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------
    @api.model
    def _existing_names(self, names):
        existing = set()
        for start in range(0, len(names), 50_000):
            # a join, not "= ANY(array)": right after a bulk import the
            # planner may scan the table once per name of the array
            self.env.cr.execute(
                "SELECT c.name FROM huatai_complaint c "
                "JOIN unnest(%s::varchar[]) AS n(name) ON n.name = c.name",
                [names[start : start + 50_000]],
            )
            existing.update(row[0] for row in self.env.cr.fetchall())
        return existing

    @api.model
    def _insert_complaints(self, records):
        """Insert the checked rows; return how many."""
        Complaint = self.env["huatai.complaint"]
        Complaint.flush_model()
        lookups_confidential = {
            c.id
            for c in self.env["huatai.complaint.category"]
            .sudo()
            .with_context(active_test=False)
            .search([])
            if c.is_confidential
        }
        stages = {
            s.id: s.state
            for s in self.env["huatai.complaint.stage"]
            .sudo()
            .with_context(active_test=False)
            .search([])
        }
        uid = self.env.uid
        currency = self.env.company.currency_id.id
        columns = self._insert_columns()
        for start in range(0, len(records), INSERT_CHUNK):
            chunk = records[start : start + INSERT_CHUNK]
            arrays = {name: [] for name, _type in columns}
            for vals in chunk:
                row = self._insert_values(
                    vals, stages, lookups_confidential, currency, uid
                )
                for name, _type in columns:
                    arrays[name].append(row.get(name))
            self.env.cr.execute(
                SQL(
                    "INSERT INTO huatai_complaint (%s) SELECT * FROM unnest(%s)",
                    SQL(", ").join(SQL.identifier(name) for name, _t in columns),
                    SQL(", ").join(
                        SQL("%s::%s", arrays[name], SQL(sql_type))
                        for name, sql_type in columns
                    ),
                )
            )
        self._insert_callbacks(records)
        self._continue_references(records)
        # the planner's figures of the table after a bulk insert
        self.env.cr.execute("ANALYZE huatai_complaint")
        Complaint.invalidate_model()
        _logger.info("Imported %s complaints from a register", len(records))
        return len(records)

    @api.model
    def _insert_callbacks(self, records):
        """One callback per complaint of the register that was called back,
        on its "Called Back On" day (noon, China time): the analysis' callback
        timeliness reads the first callback's date. Made by the complaint's
        replier (else its owner, else the importer), from the replying unit
        (else the handling unit), with the complaint's callback outcome."""
        rows = [
            (vals["name"], vals["callback_date"])
            for vals in records
            if vals.get("callback_date")
        ]
        if not rows:
            return
        self.env["huatai.complaint.callback"].flush_model()
        noon = timedelta(hours=12 - REPORT_UTC_OFFSET_HOURS)
        uid = self.env.uid
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start : start + INSERT_CHUNK]
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO huatai_complaint_callback
                        (complaint_id, date, user_id, unit_id, unit_kind,
                         branch_id, attempt, reached, satisfied, result,
                         create_uid, write_uid, create_date, write_date)
                    SELECT c.id, r.day + %(noon)s,
                           COALESCE(c.replied_by_id, c.user_id, %(uid)s),
                           u.id, u.kind, u.branch_id, 1,
                           COALESCE(c.callback_result IN
                                    ('satisfied', 'dissatisfied'), FALSE),
                           COALESCE(c.callback_result = 'satisfied', FALSE),
                           CASE WHEN c.callback_result IN
                                     ('satisfied', 'dissatisfied')
                                THEN c.callback_result ELSE 'unreached' END,
                           %(uid)s, %(uid)s, r.day + %(noon)s, r.day + %(noon)s
                      FROM unnest(%(names)s::varchar[], %(days)s::date[])
                           AS r(name, day)
                      JOIN huatai_complaint c ON c.name = r.name
                 LEFT JOIN huatai_org_unit u
                        ON u.id = COALESCE(c.replied_unit_id, c.handling_unit_id)
                    """,
                    noon=noon,
                    uid=uid,
                    names=[name for name, _day in chunk],
                    days=[day for _name, day in chunk],
                )
            )
            # the planner's figures of the callbacks just inserted: else the
            # fact rows' callback join scans the table once per complaint
            self.env.cr.execute("ANALYZE huatai_complaint_callback")
            # the analysis' fact rows follow the complaints (their triggers):
            # an update without change has them read the callbacks
            self.env.cr.execute(
                "UPDATE huatai_complaint c SET write_date = c.write_date "
                "FROM unnest(%s::varchar[]) AS r(name) WHERE c.name = r.name",
                [[name for name, _day in chunk]],
            )
        self.env["huatai.complaint.callback"].invalidate_model()

    @api.model
    def _insert_columns(self):
        texts = [(field, "varchar[]") for field in TEXTS.values()]
        texts = [
            (f, "text[]" if f in ("description", "demand", "rejection_reason") else t)
            for f, t in texts
        ]
        return [
            *texts,
            ("received_date", "timestamp[]"),
            ("accepted_date", "timestamp[]"),
            ("replied_date", "timestamp[]"),
            ("closed_date", "timestamp[]"),
            ("regulator_deadline", "date[]"),
            ("accept_deadline", "date[]"),
            ("reply_deadline", "date[]"),
            ("callback_deadline", "date[]"),
            ("channel", "varchar[]"),
            ("regulator_authority", "varchar[]"),
            ("recording_consent_state", "varchar[]"),
            ("recording_consent", "boolean[]"),
            ("reply_method", "varchar[]"),
            ("callback_result", "varchar[]"),
            ("callback_attempt_count", "integer[]"),
            ("satisfaction_score", "float8[]"),
            ("survey_state", "varchar[]"),
            ("survey_answer_count", "integer[]"),
            ("reply_text", "text[]"),
            ("category_id", "integer[]"),
            ("stage_id", "integer[]"),
            ("stage_state", "varchar[]"),
            ("is_closed", "boolean[]"),
            ("is_confidential", "boolean[]"),
            ("accepting_unit_id", "integer[]"),
            ("handling_unit_id", "integer[]"),
            ("respondent_unit_id", "integer[]"),
            ("replied_unit_id", "integer[]"),
            ("accepting_user_id", "integer[]"),
            ("user_id", "integer[]"),
            ("replied_by_id", "integer[]"),
            *[(flag, "boolean[]") for flag in FLAGS],
            ("is_compensation", "boolean[]"),
            ("complainant_count", "integer[]"),
            ("compensation_amount", "numeric[]"),
            ("currency_id", "integer[]"),
            ("compliance_required", "boolean[]"),
            ("acknowledgement_pending", "boolean[]"),
            ("active", "boolean[]"),
            ("priority", "varchar[]"),
            ("paused_days", "integer[]"),
            ("create_uid", "integer[]"),
            ("write_uid", "integer[]"),
            ("create_date", "timestamp[]"),
            ("write_date", "timestamp[]"),
        ]

    @api.model
    def _insert_values(self, vals, stages, confidential, currency, uid):
        row = dict(vals)
        row["received_date"] = vals.get("received")
        row["accepted_date"] = vals.get("accepted")
        row["replied_date"] = vals.get("replied")
        row["closed_date"] = vals.get("closed")
        row["stage_state"] = stages.get(vals["stage_id"])
        row["is_closed"] = True
        row["is_confidential"] = vals["category_id"] in confidential
        row["recording_consent"] = vals.get("recording_consent_state") == "granted"
        row["survey_state"] = "done" if vals.get("satisfaction_score") else None
        row["survey_answer_count"] = 1 if vals.get("satisfaction_score") else 0
        row["callback_attempt_count"] = vals.get("callback_attempt_count") or 0
        for flag in FLAGS:
            row[flag] = bool(vals.get(flag))
        row["compliance_required"] = any(row.get(flag) for flag in SEVERITY_FLAGS)
        row["acknowledgement_pending"] = False
        row["active"] = True
        row["priority"] = "0"
        row["paused_days"] = 0
        row["currency_id"] = currency
        row["create_uid"] = row["write_uid"] = uid
        row["create_date"] = vals.get("received")
        row["write_date"] = vals.get("closed")
        return row

    @api.model
    def _continue_references(self, records):
        """The yearly reference numbering continues after the imported
        references (``TS<year>-<number>``): no new complaint takes one."""
        highest = {}
        for vals in records:
            match = NAME_PATTERN.match(vals["name"])
            if match:
                year, number = int(match.group(1)), int(match.group(2))
                highest[year] = max(highest.get(year, 0), number)
        sequence = self.env.ref(
            "huatai_complaints.seq_huatai_complaint", raise_if_not_found=False
        )
        if not sequence or not highest:
            return
        sequence = sequence.sudo()
        for year, number in highest.items():
            if year < EARLIEST.year or year > fields.Date.today().year + 1:
                continue
            date_range = sequence._get_current_sequence(sequence_date=date(year, 6, 1))
            if date_range.number_next_actual <= number:
                date_range.write({"number_next": number + 1})

    # ------------------------------------------------------------------
    # The error report
    # ------------------------------------------------------------------
    @api.model
    def _errors_csv(self, errors):
        """The errors as a csv file (UTF-8 with BOM: Excel opens it)."""
        _ = self.env._
        stream = io.StringIO()
        writer = csv.writer(stream)
        writer.writerow([_("Row"), _("Column"), _("Error")])
        for row, column, message in errors:
            writer.writerow([row or "", column, message])
        return stream.getvalue().encode("utf-8-sig")
