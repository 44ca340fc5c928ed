"""A streaming reader of the first sheet of an xlsx workbook: rows of plain
values (text, numbers, booleans), nothing else.

openpyxl builds an object per cell (styles, rich text) and reads about
20,000 register rows a minute here; a register import reads 100,000 rows in
seconds with this. Dates stay Excel serial numbers: the importer knows which
columns hold dates. Formulas give their cached value.
"""

import posixpath
import zipfile

from lxml import etree

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# a sheet larger than this once unzipped is refused (a zip bomb)
MAX_SHEET_BYTES = 2 * 1024 * 1024 * 1024


class XlsxError(ValueError):
    """The file is not a readable xlsx workbook."""


COLUMNS = {}
DIGITS = "0123456789"
V, IS, T = f"{NS}v", f"{NS}is", f"{NS}t"


def _column_index(ref):
    """0-based column of a cell reference ("AB12" -> 27), cached."""
    letters = (ref or "").rstrip(DIGITS)
    index = COLUMNS.get(letters)
    if index is None:
        if not letters.isalpha() or not letters.isupper():
            return None
        index = 0
        for char in letters:
            index = index * 26 + ord(char) - 64
        index = COLUMNS[letters] = index - 1
    return index


def _text(element):
    return "".join(t.text or "" for t in element.iter(T))


def _first_sheet_path(archive):
    try:
        workbook = etree.fromstring(archive.read("xl/workbook.xml"))
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError as error:
        raise XlsxError("no workbook part") from error
    sheet = workbook.find(f"{NS}sheets/{NS}sheet")
    if sheet is None:
        raise XlsxError("no sheet")
    rel_id = sheet.get(f"{REL_NS}id")
    for rel in rels.iter(f"{PKG_REL_NS}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    raise XlsxError("no sheet part")


def _shared_strings(archive):
    try:
        info = archive.getinfo("xl/sharedStrings.xml")
    except KeyError:
        return []
    if info.file_size > MAX_SHEET_BYTES:
        raise XlsxError("shared strings too large")
    strings = []
    with archive.open(info) as stream:
        for _event, element in etree.iterparse(stream, tag=f"{NS}si"):
            strings.append(_text(element))
            element.clear()
    return strings


def _value(cell, strings):
    kind = cell.get("t")
    raw = None
    for child in cell:
        if child.tag == V:
            raw = child.text
        elif child.tag == IS:
            return _text(child)
    if raw is None:
        return None
    if kind == "s":
        return strings[int(raw)]
    if kind in ("str", "e", "inlineStr"):
        return raw
    if kind == "b":
        return raw == "1"
    number = float(raw)
    return int(number) if number.is_integer() else number


def iter_rows(stream):
    """Yield each row of the first sheet as a list of values (``None`` for
    empty cells); rows missing from the sheet are yielded empty."""
    try:
        archive = zipfile.ZipFile(stream)
        path = _first_sheet_path(archive)
        info = archive.getinfo(path)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as error:
        raise XlsxError(str(error)) from error
    if info.file_size > MAX_SHEET_BYTES:
        raise XlsxError("sheet too large")
    strings = _shared_strings(archive)
    expected = 1
    with archive.open(info) as sheet:
        try:
            for _event, row in etree.iterparse(sheet, tag=f"{NS}row"):
                number = int(row.get("r") or expected)
                while expected < number:
                    yield []
                    expected += 1
                values = []
                for cell in row:
                    # a cell without a reference follows the previous one
                    index = _column_index(cell.get("r"))
                    if index is None:
                        index = len(values)
                    while len(values) < index:
                        values.append(None)
                    values.append(_value(cell, strings))
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                expected = number + 1
                yield values
        except etree.XMLSyntaxError as error:
            raise XlsxError(str(error)) from error
