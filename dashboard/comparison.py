"""The province administrators' comparison of communes/wards over the chosen period.

One row per commune/ward the filter covers, those without a report included
(a ward where nothing is reported is a question too): reports received in the
period, how many of them are still open, overdue and escalated without the
police's acknowledgement, and the median hours to acknowledge and to resolve.
Three queries whatever the number of wards and reports: the wards, the
reports grouped by ward, the escalations grouped by ward. The page and the
exports read the same `Table`.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboard import durations
from dashboard.filters import DashboardFilter
from dashboard.now import unacknowledged_escalations
from dashboard.tables import Table
from dashboard.trends import one_decimal
from reports.models import OPEN_STATUSES


@dataclass(frozen=True)
class Column:
    key: str
    title: str


COLUMNS = [
    Column("ward", _("Commune/ward")),
    Column("reports", _("Reports")),
    Column("open", _("Open")),
    Column("overdue", _("Overdue")),
    Column("escalated", _("Escalated, not acknowledged")),
    Column("acknowledge_hours", _("Median hours to acknowledge")),
    Column("resolve_hours", _("Median hours to resolve")),
]
COLUMN_KEYS = [column.key for column in COLUMNS]
DEFAULT_SORT = "ward"


def _report_figures(filterset: DashboardFilter, now) -> dict[int, dict]:
    is_open = Q(status__in=OPEN_STATUSES)
    rows = (
        filterset.qs.order_by()
        .values("ward")
        .annotate(
            reports=Count("pk"),
            open=Count("pk", filter=is_open),
            overdue=Count("pk", filter=is_open & Q(due_at__lt=now)),
            acknowledge_hours=durations.median_hours_to_acknowledge(),
            resolve_hours=durations.median_hours_to_resolve(),
        )
    )
    return {row.pop("ward"): row for row in rows}


def _escalated_by_ward(filterset: DashboardFilter) -> dict[int, int]:
    rows = (
        unacknowledged_escalations()
        .filter(report__in=filterset.qs.order_by().values("pk"))
        .order_by()
        .values("report__ward")
        .annotate(escalated=Count("report", distinct=True))
    )
    return {row["report__ward"]: row["escalated"] for row in rows}


def parse_sort(value: str | None) -> tuple[str, bool]:
    """(column key, descending) from ``?sort=overdue`` or ``?sort=-overdue``."""
    value = value or DEFAULT_SORT
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in COLUMN_KEYS:
        return DEFAULT_SORT, False
    return key, descending


def _sorted(rows: list[list], *, key: str, descending: bool) -> list[list]:
    index = COLUMN_KEYS.index(key)

    def value(row):
        return str(row[index]).casefold() if index == 0 else row[index]

    by_name = sorted(rows, key=lambda row: str(row[0]).casefold())
    filled = [row for row in by_name if row[index] is not None]
    empty = [row for row in by_name if row[index] is None]
    # Python's sort is stable, in reverse too: ties stay in name order. Wards
    # without a median (nothing acknowledged or resolved) go last either way.
    return sorted(filled, key=value, reverse=descending) + empty


def ward_comparison(filterset: DashboardFilter, sort: str | None = None) -> Table:
    """The comparison table; its first column holds the commune/ward itself (an
    `Area`, shown by name), so that the page can link down to it."""
    now = timezone.now()
    figures = _report_figures(filterset, now)
    escalated = _escalated_by_ward(filterset)
    rows = []
    for ward in filterset.wards().order_by("name"):
        row = figures.get(ward.pk, {})
        rows.append(
            [
                ward,
                row.get("reports", 0),
                row.get("open", 0),
                row.get("overdue", 0),
                escalated.get(ward.pk, 0),
                one_decimal(row.get("acknowledge_hours")),
                one_decimal(row.get("resolve_hours")),
            ]
        )
    key, descending = parse_sort(sort)
    return Table(
        key="ward-comparison",
        title=_("Communes/wards compared"),
        columns=[column.title for column in COLUMNS],
        rows=_sorted(rows, key=key, descending=descending),
    )


@dataclass(frozen=True)
class Header:
    title: str
    query: str  # the query string that sorts by this column
    aria_sort: str  # "ascending", "descending" or "" when not sorted by it


def headers(params, sort: str | None) -> list[Header]:
    """The column headers' sort links: the current column flips its order; another
    column sorts names A to Z and figures largest first, what one looks for first."""
    key, descending = parse_sort(sort)
    kept = params.copy()
    kept.pop("sort", None)
    result = []
    for column in COLUMNS:
        if column.key == key:
            next_sort = column.key if descending else f"-{column.key}"
            aria_sort = "descending" if descending else "ascending"
        else:
            next_sort = column.key if column.key == "ward" else f"-{column.key}"
            aria_sort = ""
        kept["sort"] = next_sort
        result.append(Header(title=column.title, query=kept.urlencode(), aria_sort=aria_sort))
    return result


def ward_query(params) -> str:
    """The filters to keep when going down to one commune/ward, without the ward
    and the sort (the comparison is not shown there)."""
    kept = params.copy()
    for name in ("ward", "sort"):
        kept.pop(name, None)
    return kept.urlencode()
