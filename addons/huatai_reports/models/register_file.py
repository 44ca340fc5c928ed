"""Reading a register file (xlsx or csv), its cells, and the error report.

Pure Python: ``env`` only translates the messages.
"""

import csv
import io
import logging
import zipfile
from datetime import date, datetime, time, timedelta

from . import xlsx_reader
from .register_columns import DAYS, MOMENTS, RegisterError

_logger = logging.getLogger(__name__)

MAX_BYTES = 100 * 1024 * 1024
# (zone, local day, hour) -> UTC offset: pytz's localize is slow per row
UTC_OFFSETS = {}


# ----------------------------------------------------------------------
# The file
# ----------------------------------------------------------------------
def read_table(env, content, filename):
    """``(headers, iterator of (row number, cells))`` of an xlsx or csv."""
    _ = env._
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
        rows = xlsx_rows(env, content)
    elif name.endswith((".csv", ".txt")) or not name:
        rows = csv_rows(env, content)
    else:
        raise RegisterError(0, "", _("Give the register as an xlsx or a csv file."))
    try:
        header_row = next(rows)
    except StopIteration:
        raise RegisterError(0, "", _("The file is empty.")) from None
    headers = [str(h).strip() if h is not None else "" for h in header_row]
    return headers, rows


def xlsx_rows(env, content):
    """The register's sheet (the first: the About sheet follows it)."""
    message = env._("The file is not a readable xlsx workbook.")
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


def csv_rows(env, content):
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
            env._("The csv file is neither UTF-8 nor GB18030 text."),
        )
    if "\x00" in text:
        raise RegisterError(0, "", env._("The csv file is not text."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return iter(csv.reader(io.StringIO(text), dialect))


def errors_csv(env, errors):
    """The errors as a csv file (UTF-8 with BOM: Excel opens it)."""
    _ = env._
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow([_("Row"), _("Column"), _("Error")])
    for row, column, message in errors:
        writer.writerow([row or "", column, message])
    return stream.getvalue().encode("utf-8-sig")


# ----------------------------------------------------------------------
# The cells
# ----------------------------------------------------------------------
def preview_text(key, value):
    """A cell as the user reads it (xlsx dates are Excel serials)."""
    if value is None:
        return ""
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if is_number and key in MOMENTS:
        moment = datetime(1899, 12, 30) + timedelta(days=value, microseconds=500_000)
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if is_number and key in DAYS:
        return (date(1899, 12, 30) + timedelta(days=int(value))).isoformat()
    return str(value)


def to_moment(value, tz):
    """A naive UTC datetime, to the second, from a local moment."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = datetime(1899, 12, 30) + timedelta(days=float(value))
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    elif isinstance(value, str):
        value = parse_text(
            value,
            ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d"),
        )
    if not isinstance(value, datetime):
        return None
    value = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
    return value - utc_offset(tz, value)


def utc_offset(tz, moment):
    """The zone's offset at a local moment, looked up once per hour."""
    key = (tz.zone, moment.date(), moment.hour)
    offset = UTC_OFFSETS.get(key)
    if offset is None:
        if len(UTC_OFFSETS) > 200_000:
            UTC_OFFSETS.clear()
        offset = UTC_OFFSETS[key] = tz.utcoffset(moment, is_dst=False)
    return offset


def to_day(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return date(1899, 12, 30) + timedelta(days=int(value))
    if isinstance(value, str):
        parsed = parse_text(
            value, ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")
        )
        return parsed.date() if parsed else None
    return None


def parse_text(value, patterns):
    for pattern in patterns:
        try:
            return datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
    return None
