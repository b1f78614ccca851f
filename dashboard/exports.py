"""The dashboard's downloads: the filtered report list and the dashboard's tables,
as CSV and XLSX.

Both formats take the same rows, so a CSV and an XLSX of one link agree. The
report list can cover a whole province for a year: the CSV streams and the
XLSX is written in openpyxl's write-only mode, both reading the reports in
chunks, so neither holds the whole list in memory.

Text cells never run as formulas in the spreadsheet that opens them: in CSV a
leading = + - @ gets an apostrophe (the OWASP advice); in XLSX every text is
stored as text, which Excel and LibreOffice never evaluate.
"""

import csv
import datetime
import io
import numbers
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from reports.dashboard.tables import Table

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000
# Characters Excel refuses in a sheet's name, and its length limit.
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))
SHEET_NAME_LENGTH = 31


def neutralised(text: str) -> str:
    """`text` as a spreadsheet shows it, never as a formula it would run."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


# The report list


def report_columns() -> list[str]:
    # No description, address, photos or reporter: exports leave the portal (by
    # email, on USB sticks, into other offices' files), and a description often
    # names people. The figures an office needs are all here; the text stays in
    # the portal, behind its access checks and its audit log.
    return [
        _("Number"),
        _("Received"),
        _("Category"),
        _("Severity"),
        _("Status"),
        _("Commune/ward"),
        _("Residential unit"),
        _("Channel"),
        _("Deadline"),
        _("Acknowledged"),
        _("Closed"),
        _("Escalation level"),
    ]


def report_rows(reports) -> Iterator[list]:
    """One row per report of `reports` (already scoped and filtered), in its order."""
    reports = reports.select_related("category", "ward", "unit").only(
        "created_at",
        "status",
        "channel",
        "due_at",
        "acknowledged_at",
        "closed_at",
        "escalation_level",
        "category__name",
        "category__name_en",
        "category__severity",
        "ward__name",
        "unit__name",
    )
    for report in reports.iterator(chunk_size=CHUNK_SIZE):
        yield [
            report.pk,
            _local(report.created_at),
            str(report.category),
            report.category.get_severity_display(),
            report.get_status_display(),
            report.ward.name,
            report.unit.name if report.unit_id else "",
            report.get_channel_display(),
            _local(report.due_at),
            _local(report.acknowledged_at),
            _local(report.closed_at),
            report.escalation_level,
        ]


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    # Spreadsheets know no time zones: local wall-clock time, as people read it.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


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


def table_sheet(table: Table, *, subtitle: str = "") -> Sheet:
    return Sheet(str(table.title), table.columns, table.rows, subtitle=subtitle)


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
