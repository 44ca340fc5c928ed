"""Streaming xlsx sheets on top of xlsxwriter's ``constant_memory`` mode.

xlsxwriter writes each finished row of a ``constant_memory`` worksheet to a
temporary file, so memory stays flat whatever the number of rows; but its
per-cell path (type dispatch, dimension checks, one XML element call per
attribute) costs several microseconds a cell, too slow for registers of
hundreds of thousands of rows. :class:`StreamWorksheet` (a worksheet class
xlsxwriter instantiates through ``add_worksheet(worksheet_class=...)``)
renders a whole data row to XML at once and appends it to that same row file.
When the installed xlsxwriter does not expose the expected internals it falls
back to the ordinary ``write_*`` calls, slower but identical in output.
"""

import html
import re

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# characters XML 1.0 forbids (Excel refuses the file if they slip through)
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# characters that need any work before going into XML text
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XLS_STRMAX = 32767

TEXT = "text"  # free text, written inline
LABEL = "label"  # few distinct values (names, selections): shared strings
NUMBER = "number"


_HTML_BREAK = re.compile(r"<br\s*/?>|</p>|</div>|</li>|</h\d>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]*>")


def html_to_text(value):
    """Plain text of an HTML fragment (a reply), lines kept."""
    if not value:
        return None
    text = _HTML_TAG.sub("", _HTML_BREAK.sub("\n", value))
    if "&" in text:
        text = html.unescape(text)
    return text.strip() or None


def _escape(value):
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ILLEGAL_XML.sub("", value)


class StreamWorksheet(Worksheet):
    """Worksheet that can append pre-rendered rows in constant memory mode."""

    def can_stream(self):
        return bool(
            self.constant_memory
            and getattr(self, "row_data_fh", None) is not None
            and hasattr(self, "previous_row")
            and hasattr(self, "_write_single_row")
            and hasattr(self, "_check_dimensions")
        )

    def append_row_xml(self, row, last_col, xml):
        """Append the ``<row>`` element ``xml`` of 0-based ``row``."""
        if row > self.previous_row:
            # flush the row still buffered by xlsxwriter (e.g. the header)
            self._write_single_row(row)
        self._check_dimensions(row, 0)
        self._check_dimensions(row, last_col)
        self.row_data_fh.write(xml)


class SheetWriter:
    """Writes a header row and streamed data rows to a worksheet.

    ``columns`` is a list of dicts: ``header`` (already translated),
    ``kind`` (``text``, ``label`` or ``number``), ``format`` (an xlsxwriter
    Format or None), ``width``, and for labels an optional ``labels`` dict
    mapping the values given to the text shown (selection labels, Yes/No).
    Number cells take numbers (dates as Excel serials); text and label cells
    take strings; ``None`` leaves the cell empty.
    """

    def __init__(self, workbook, name, columns, header_format):
        self.workbook = workbook
        self.columns = columns
        self.sheet = workbook.add_worksheet(name, worksheet_class=StreamWorksheet)
        self.stream = self.sheet.can_stream() and hasattr(
            getattr(workbook, "str_table", None), "_get_shared_string_index"
        )
        self.last_col = len(columns) - 1
        for index, column in enumerate(columns):
            self.sheet.set_column(index, index, column.get("width", 12))
        self.header_row = 0
        for index, column in enumerate(columns):
            self.sheet.write_string(0, index, column["header"], header_format)
        self.sheet.freeze_panes(1, 0)
        self.row = 1

    def _cell_writers(self):
        """One function per column: (value, reference attribute) -> cell XML.

        A cell's ``r`` reference is optional in the file format: it is only
        written after an empty cell, which keeps the sheet XML (and the time
        to compress it) smaller. A writer returns "" for nothing to show.
        """
        writers = []
        for column in self.columns:
            fmt = column.get("format")
            style = f' s="{fmt._get_xf_index()}"' if fmt else ""
            if column["kind"] == NUMBER:
                writers.append(_number_writer(style, column.get("decimals")))
            elif column["kind"] == LABEL:
                writers.append(
                    _label_writer(
                        style, column.get("labels") or {}, self.workbook.str_table
                    )
                )
            else:
                writers.append(_text_writer(style))
        return writers

    def write_rows(self, rows):
        """Write an iterable of value tuples, one per row."""
        if not self.stream:
            for values in rows:
                self._write_row_slow(values)
            return
        writers = list(enumerate(self._cell_writers()))
        letters = [xl_col_to_name(index) for index in range(len(self.columns))]
        sheet = self.sheet
        last_col = self.last_col
        row = self.row
        for values in rows:
            rownum = row + 1
            parts = []
            append = parts.append
            gap = False
            for index, write in writers:
                value = values[index]
                if value is None or value == "":
                    gap = True
                    continue
                cell = write(value, f' r="{letters[index]}{rownum}"' if gap else "")
                if cell:
                    append(cell)
                    gap = False
                else:
                    gap = True
            sheet.append_row_xml(
                row, last_col, f'<row r="{rownum}">{"".join(parts)}</row>'
            )
            row += 1
        self.row = row

    def _write_row_slow(self, values):
        for index, column in enumerate(self.columns):
            value = values[index]
            if value is None or value == "":
                continue
            fmt = column.get("format")
            if column["kind"] == NUMBER:
                self.sheet.write_number(self.row, index, float(value), fmt)
                continue
            if column["kind"] == LABEL:
                value = (column.get("labels") or {}).get(value, value)
                if value is None or value is False or value == "":
                    continue
            self.sheet.write_string(self.row, index, str(value), fmt)
        self.row += 1

    def finish(self, autofilter=True):
        if autofilter and self.columns:
            self.sheet.autofilter(
                self.header_row, 0, max(self.row - 1, self.header_row), self.last_col
            )


def _number_writer(style, decimals=None):
    if decimals:
        number = f"{{:.{decimals}f}}".format

        def write(value, ref):
            return f"<c{ref}{style}><v>{number(value)}</v></c>"

        return write

    def write(value, ref):
        if not isinstance(value, int):
            value = float(value)
        return f"<c{ref}{style}><v>{value!r}</v></c>"

    return write


def _label_writer(style, labels, str_table):
    """Labels go to the shared strings table, once per distinct value."""
    cache = {}

    def write(value, ref):
        try:
            sst = cache[value]
        except KeyError:
            text = labels.get(value, value)
            if text is None or text is False or text == "":
                sst = cache[value] = None  # nothing to show
            else:
                text = text if isinstance(text, str) else str(text)
                sst = cache[value] = str_table._get_shared_string_index(
                    _ILLEGAL_XML.sub("", text[:XLS_STRMAX])
                )
        if sst is None:
            return ""
        return f'<c{ref}{style} t="s"><v>{sst}</v></c>'

    return write


def _text_writer(style):
    def write(value, ref):
        if not isinstance(value, str):
            value = str(value)
        if len(value) > XLS_STRMAX:
            value = value[:XLS_STRMAX]
        if _SPECIAL.search(value):
            value = _escape(value)
        space = (
            ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
        )
        return f'<c{ref}{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'

    return write
