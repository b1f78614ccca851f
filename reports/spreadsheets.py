"""CSV and XLSX downloads that never run a cell as a formula.

Both formats take the same rows, so a CSV and an XLSX of one link agree. The CSV
streams and the XLSX is written in openpyxl's write-only mode, so a long list is
never held in memory whole. The report inbox's CSV and the dashboard's exports use
these.

Text cells never run as formulas in the spreadsheet that opens them: in CSV a
leading = + - @ gets an apostrophe (the OWASP advice); in XLSX every text is
stored as text, which Excel and LibreOffice never evaluate.
"""

import csv
import datetime
import io
import numbers
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters Excel refuses in a sheet's name, and its length limit.
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))
SHEET_NAME_LENGTH = 31


def neutralised(text: str) -> str:
    """`text` as a spreadsheet shows it, never as a formula it would run."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


# CSV


class _Echo:
    """A file that hands back what is written, so csv.writer makes lines to stream."""

    def write(self, value: str) -> str:
        return value


def csv_response(*, filename: str, columns: list, rows: Iterable[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        # A byte-order mark makes spreadsheet programs read the Vietnamese text as UTF-8.
        yield "\ufeff" + writer.writerow([_csv_value(value) for value in columns])
        for row in rows:
            yield writer.writerow([_csv_value(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _is_text(value) -> bool:
    return not (value is None or isinstance(value, numbers.Number | datetime.date))


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralised(str(value)) if _is_text(value) else value


# XLSX


@dataclass
class Sheet:
    title: str
    columns: list
    rows: Iterable[list]
    # After the title on the first line: the place and month a summary covers, say.
    subtitle: str = ""


def xlsx_response(*, filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    """A workbook with one sheet per `Sheet`: a line with its title (and subtitle) in
    bold, a line of column headings in bold, then the rows."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write(workbook, sheet)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _write(workbook: Workbook, sheet: Sheet) -> None:
    title = str(sheet.title)
    worksheet = workbook.create_sheet(
        title.translate(SHEET_NAME_FORBIDDEN)[:SHEET_NAME_LENGTH] or "-"
    )
    bold = Font(bold=True)
    heading = f"{title} — {sheet.subtitle}" if sheet.subtitle else title
    worksheet.append([_xlsx_cell(worksheet, heading, font=bold)])
    worksheet.append([_xlsx_cell(worksheet, column, font=bold) for column in sheet.columns])
    for row in sheet.rows:
        worksheet.append([_xlsx_cell(worksheet, value) for value in row])


def _xlsx_cell(worksheet, value, *, font: Font | None = None) -> WriteOnlyCell:
    is_text = _is_text(value)
    cell = WriteOnlyCell(worksheet, value=str(value) if is_text else value)
    if is_text:
        cell.data_type = "s"  # stored as text, even "=…": never a formula
    if font is not None:
        cell.font = font
    return cell
