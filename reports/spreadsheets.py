"""CSV and XLSX downloads that never run a cell as a formula.

Both formats take the same rows, so a CSV and an XLSX of one link agree. The CSV
streams and the XLSX is written in openpyxl's write-only mode, so a long list is
never held in memory whole. The report inbox's CSV and the dashboard's exports use
these.

Dates and times are written as Vietnamese readers expect, "06/12/2026 00:12" in
local time (groups/formats): as text in CSV, as date cells with that number
format in XLSX.

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
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from groups.formats import XLSX_DATE, XLSX_DATETIME, date_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters Excel refuses in a sheet's name, and its length limit.
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))
SHEET_NAME_LENGTH = 31
# Words a shortened sheet name does not end on ("… đã nhận và" says nothing more
# than "… đã nhận").
_DANGLING_WORDS = frozenset(
    [
        "và",
        "hoặc",
        "của",
        "theo",
        "trong",
        "với",
        "các",
        "cho",
        "từ",
        "đến",
        "tại",
        "về",
        "là",
        "and",
        "or",
        "of",
        "by",
        "the",
        "in",
        "for",
        "with",
        "to",
        "from",
    ]
)
_DANGLING_SIGNS = " ,;:-\u2013\u2014/(&"


def sheet_name(title: str, *, taken: Iterable[str] = ()) -> str:
    """`title` as a sheet's name Excel accepts: at most 31 characters, cut after a
    whole word (never "Thời gian xác nhận đã nhận và g"), without the characters
    Excel refuses, and not one of the names already `taken` in the workbook
    (compared as Excel does, ignoring case)."""
    name = " ".join(str(title).translate(SHEET_NAME_FORBIDDEN).split()).strip("'")
    name = _shortened(name, SHEET_NAME_LENGTH) or "-"
    taken = {other.casefold() for other in taken}
    number = 1
    unique = name
    while unique.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        unique = _shortened(name, SHEET_NAME_LENGTH - len(suffix)) + suffix
    return unique


def _shortened(name: str, length: int) -> str:
    if len(name) <= length:
        return name
    words = name[: length + 1].split(" ")
    if len(words) == 1:
        return name[:length]  # one long word: nothing better than cutting it
    words.pop()  # the word the limit cuts through (or the empty one after a space)
    while len(words) > 1 and words[-1].casefold() in _DANGLING_WORDS:
        words.pop()
    return " ".join(words).rstrip(_DANGLING_SIGNS)


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
    if isinstance(value, datetime.date):
        return date_text(value)
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
        _write(workbook, sheet, name=sheet_name(sheet.title, taken=workbook.sheetnames))
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _write(workbook: Workbook, sheet: Sheet, *, name: str) -> None:
    title = str(sheet.title)
    worksheet = workbook.create_sheet(name)
    bold = Font(bold=True)
    heading = f"{title} — {sheet.subtitle}" if sheet.subtitle else title
    worksheet.append([_xlsx_cell(worksheet, heading, font=bold)])
    worksheet.append([_xlsx_cell(worksheet, column, font=bold) for column in sheet.columns])
    for row in sheet.rows:
        worksheet.append([_xlsx_cell(worksheet, value) for value in row])


def _xlsx_cell(worksheet, value, *, font: Font | None = None) -> WriteOnlyCell:
    is_text = _is_text(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    cell = WriteOnlyCell(worksheet, value=str(value) if is_text else value)
    if is_text:
        cell.data_type = "s"  # stored as text, even "=…": never a formula
    elif isinstance(value, datetime.datetime):
        cell.number_format = XLSX_DATETIME
    elif isinstance(value, datetime.date):
        cell.number_format = XLSX_DATE
    if font is not None:
        cell.font = font
    return cell
