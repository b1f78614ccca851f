"""Spreadsheet cells that never run as formulas and read back as they were written.

The admin's CSV and XLSX exports (groups/admin.py) are opened in a clerk's
spreadsheet and, edited, imported again. A text cell starting with = + - @ (or a
tab or carriage return) would run as a formula there, so:

- XLSX stores every value as a text cell, which Excel and LibreOffice never
  evaluate; the value is written unchanged.
- CSV has no cell types, so such a text gets a leading apostrophe, the OWASP
  advice the dashboard's exports follow too; so does a text that starts with an
  apostrophe already, so that the import can take exactly one off again.

django-import-export's own escaping (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT)
drops the leading "=", so a member named =HYPERLINK("…") would come back as
HYPERLINK("…"); these formats replace it.
"""

import io

from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralised(text: str) -> str:
    """A CSV cell's text that no spreadsheet runs; `restored` gives `text` back."""
    return QUOTE + text if text.startswith((*FORMULA_STARTS, QUOTE)) else text


def restored(text: str) -> str:
    """The value of a CSV cell `neutralised` wrote (a cell typed by hand alike)."""
    if text.startswith(QUOTE) and text[1:].startswith((*FORMULA_STARTS, QUOTE)):
        return text[1:]
    return text


def _cells(dataset, change):
    for row in dataset:
        yield [change(value) if isinstance(value, str) else value for value in row]


class SafeCSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        safe = dataset.__class__(*_cells(dataset, neutralised), headers=dataset.headers)
        return safe.export(self.get_title(), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        return dataset.__class__(*_cells(dataset, restored), headers=dataset.headers)


class SafeXLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title="Sheet")
        bold = Font(bold=True)
        sheet.append([_text_cell(sheet, header, font=bold) for header in dataset.headers])
        for row in dataset:
            sheet.append([_text_cell(sheet, value) for value in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _text_cell(sheet, value, *, font: Font | None = None) -> WriteOnlyCell:
    # Every cell as text, as the library wrote them before (ids and ward codes with
    # their leading zeros stay as the clerk sees them in the portal).
    cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
    cell.data_type = "s"  # never a formula, even "=…"
    if font is not None:
        cell.font = font
    return cell
