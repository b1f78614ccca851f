"""The mediation statistics as an XLSX workbook, laid out for reporting upwards.

The numbers are exactly those of mediation/stats.py: one sheet per commune/ward or
group with a total line, one sheet by kind of dispute. Cells hold numbers (rates
as percentages), not text, so the receiving office can add them up.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from groups.formats import date_text
from mediation.stats import Figures, Row, Statistics
from reports.spreadsheets import sheet_name

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ROW = 5


def columns() -> list[tuple[str, str]]:
    """(heading, attribute of Figures) for each number column, in order."""
    return [
        (_("Received"), "received"),
        (_("Done"), "done"),
        (_("Successful"), "successful"),
        (_("Unsuccessful"), "unsuccessful"),
        (_("Withdrawn"), "withdrawn"),
        (_("Suspended"), "suspended"),
        (_("Outside scope, referred"), "referred"),
        (_("In progress"), "in_progress"),
        (_("Resolution rate"), "rate"),
        (_("Median days to outcome"), "median_days"),
        (_("Agreements kept"), "kept"),
        (_("Agreements not kept"), "not_kept"),
    ]


def statistics_workbook(*, stats: Statistics, scope: str) -> bytes:
    workbook = Workbook()
    first = workbook.active
    if stats.per:
        _sheet(first, stats=stats, scope=scope, heading=str(stats.row_heading), rows=stats.rows)
        first.title = sheet_name(_("Summary"))
        by_kind = workbook.create_sheet(sheet_name(_("By kind of dispute"), taken=[first.title]))
    else:
        by_kind = first
        by_kind.title = sheet_name(_("By kind of dispute"))
    _sheet(by_kind, stats=stats, scope=scope, heading=_("Kind of dispute"), rows=stats.by_kind)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet(sheet, *, stats: Statistics, scope: str, heading: str, rows: list[Row]) -> None:
    cols = columns()
    width = len(cols) + 1
    sheet.cell(1, 1, _("REPORT ON GRASSROOTS MEDIATION")).font = Font(bold=True, size=14)
    _text(sheet.cell(2, 1), scope).font = Font(bold=True)
    sheet.cell(
        3,
        1,
        _("Period: %(start)s to %(end)s")
        % {
            "start": date_text(stats.period.start),
            "end": date_text(stats.period.end),
        },
    )
    for row in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    for col, title in enumerate([heading, *(title for title, _attr in cols)], start=1):
        cell = sheet.cell(HEADER_ROW, col, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = BOX
    line = HEADER_ROW
    for row in rows:
        line += 1
        _figures(sheet, line, row.label, row.figures)
    line += 1
    _figures(sheet, line, _("Total"), stats.total, bold=True)
    sheet.column_dimensions["A"].width = 40
    for col in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 13
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)


def _text(cell, value: str):
    """A name as text, never as a formula, whatever it starts with ("=…" would run)."""
    cell.value = str(value)
    cell.data_type = "s"
    return cell


def _figures(sheet, line: int, label: str, figures: Figures, *, bold: bool = False) -> None:
    _text(sheet.cell(line, 1), label).border = BOX
    for col, (_title, attribute) in enumerate(columns(), start=2):
        value = getattr(figures, attribute)
        cell = sheet.cell(line, col, value)
        cell.border = BOX
        if attribute == "rate":
            cell.number_format = "0.0%"
        elif attribute == "median_days":
            cell.number_format = "0.0"
    if bold:
        for col in range(1, len(columns()) + 2):
            sheet.cell(line, col).font = Font(bold=True)
