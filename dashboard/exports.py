"""The dashboard's downloads: the filtered report list and the dashboard's tables,
as CSV and XLSX (written by reports/spreadsheets.py).

The report list can cover a whole province for a year: it is read in chunks, so
neither format holds the whole list in memory.
"""

import datetime
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from dashboard.tables import Table
from reports.spreadsheets import Sheet

CHUNK_SIZE = 2000


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


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    # Spreadsheets know no time zones: local wall-clock time, as people read it.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def table_sheet(table: Table, *, subtitle: str = "") -> Sheet:
    return Sheet(str(table.title), table.columns, table.rows, subtitle=subtitle)
