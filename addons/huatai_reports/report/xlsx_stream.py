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

import re

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# characters XML 1.0 forbids (Excel refuses the file if they slip through)
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XLS_STRMAX = 32767

TEXT = "text"
NUMBER = "number"


def _escape(value):
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if _ILLEGAL_XML.search(value):
        value = _ILLEGAL_XML.sub("", value)
    return value


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
    ``kind`` (``text`` or ``number``), ``format`` (an xlsxwriter Format or
    None), ``width``. Number cells take numbers (dates as Excel serials, see
    :func:`excel_serial_sql`); text cells take strings; ``None`` leaves the
    cell empty.
    """

    def __init__(self, workbook, name, columns, header_format, title_rows=()):
        self.workbook = workbook
        self.columns = columns
        self.sheet = workbook.add_worksheet(name, worksheet_class=StreamWorksheet)
        self.stream = self.sheet.can_stream()
        self.row = 0
        self.last_col = len(columns) - 1
        for index, column in enumerate(columns):
            self.sheet.set_column(index, index, column.get("width", 12))
        for title in title_rows:
            self.sheet.write_string(self.row, 0, title)
            self.row += 1
        self.header_row = self.row
        for index, column in enumerate(columns):
            self.sheet.write_string(self.row, index, column["header"], header_format)
        self.sheet.freeze_panes(self.row + 1, 0)
        self.row += 1
        self._letters = [xl_col_to_name(i) for i in range(len(columns))]
        self._styles = []
        for column in columns:
            fmt = column.get("format")
            self._styles.append(f' s="{fmt._get_xf_index()}"' if fmt else "")

    @property
    def data_rows(self):
        return self.row - self.header_row - 1

    def write_rows(self, rows):
        """Write an iterable of value tuples, one per row."""
        if not self.stream:
            for values in rows:
                self._write_row_slow(values)
            return
        kinds = [column["kind"] == TEXT for column in self.columns]
        letters = self._letters
        styles = self._styles
        ncols = len(self.columns)
        sheet = self.sheet
        last_col = self.last_col
        for values in rows:
            rownum = self.row + 1
            parts = [f'<row r="{rownum}">']
            append = parts.append
            for index in range(ncols):
                value = values[index]
                if value is None or value == "":
                    continue
                if kinds[index]:
                    if not isinstance(value, str):
                        value = str(value)
                    if len(value) > XLS_STRMAX:
                        value = value[:XLS_STRMAX]
                    space = (
                        ' xml:space="preserve"'
                        if value[0].isspace() or value[-1].isspace()
                        else ""
                    )
                    append(
                        f'<c r="{letters[index]}{rownum}"{styles[index]} '
                        f't="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
                    )
                else:
                    if not isinstance(value, int):
                        value = float(value)
                    append(
                        f'<c r="{letters[index]}{rownum}"{styles[index]}>'
                        f"<v>{value!r}</v></c>"
                    )
            append("</row>")
            sheet.append_row_xml(self.row, last_col, "".join(parts))
            self.row += 1

    def _write_row_slow(self, values):
        for index, column in enumerate(self.columns):
            value = values[index]
            if value is None or value == "":
                continue
            fmt = column.get("format")
            if column["kind"] == TEXT:
                self.sheet.write_string(self.row, index, str(value), fmt)
            else:
                self.sheet.write_number(self.row, index, float(value), fmt)
        self.row += 1

    def finish(self, autofilter=True):
        if autofilter and self.columns:
            self.sheet.autofilter(
                self.header_row, 0, max(self.row - 1, self.header_row), self.last_col
            )
