"""The dashboard's trends: whether the self-management models work, figure by figure.

Each function takes the dashboard's filter (dashboard/filters.py) and returns
one Table, from a fixed number of aggregate queries whatever the number of reports,
cases or shifts: PostgreSQL counts and takes the medians, Python only lays out rows.

- Incidents per month and category, months in Asia/Ho_Chi_Minh.
- Year on year: reports in the period against the same dates a year earlier, per
  commune/ward, per residential unit and per model kind, beside whether an active
  self-management group works there; the summary splits the reports between the
  places an active group covers and the rest (the province's "incidents down
  15-25 % where the models work").
- Grassroots mediation per commune/ward (mediation/stats.py: "70-85 % mediated
  successfully").
- Patrol coverage per commune/ward (patrols/coverage.py).
- Median hours from a report to its acknowledgement and to its resolution.

Mediation and patrol figures follow the period, commune/ward, residential unit and
model kind filters; category and channel belong to reports only.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dashboard import durations
from dashboard.filters import ONE_DAY, day_start
from dashboard.tables import Table
from groups.models import Area, ModelType, SelfManagementGroup
from mediation.models import MediationCase
from mediation.stats import Figures as CaseFigures
from mediation.stats import Period, statistics
from patrols import coverage
from reports import routing_summary
from reports.models import RoutingSummary

TITLES = {
    "headlines": _("The province's outcome figures"),
    "incidents_by_month": _("Incidents per month by category"),
    "year_on_year": _("Incidents year on year, where an active group works and where none does"),
    "year_on_year_by_ward": _("Incidents year on year per commune/ward"),
    "year_on_year_by_unit": _("Incidents year on year per residential unit"),
    "year_on_year_by_model_kind": _("Incidents year on year per model kind"),
    "mediation_resolution": _("Grassroots mediation per commune/ward"),
    "patrol_coverage": _("Patrol coverage per commune/ward"),
    "handling_times": _("Median time to acknowledge and to resolve a report, per month"),
    "handling_times_by_ward": _(
        "Median time to acknowledge and to resolve a report, per commune/ward"
    ),
}

PREVIOUS = _("Same period a year earlier")
CURRENT = _("This period")
CHANGE = _("Change (%)")
ACTIVE_GROUP = _("Active group")
YES, NO = _("Yes"), _("No")


# Rules of the figures -------------------------------------------------------


def change(previous: int, current: int) -> float | None:
    """Change from ``previous`` to ``current`` in percent, one decimal; None from zero."""
    if not previous:
        return None
    return round(100 * (current - previous) / previous, 1)


def percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def a_year_earlier(day: datetime.date) -> datetime.date:
    """The same date a year earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def previous_bounds(filterset) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's dates a year earlier, as a half-open range of aware datetimes."""
    start, end = filterset.period
    return day_start(a_year_earlier(start)), day_start(a_year_earlier(end)) + ONE_DAY


def months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of every month from ``start``'s to ``end``'s, both included."""
    first, last = start.replace(day=1), end.replace(day=1)
    found = []
    while first <= last:
        found.append(first)
        first = (first + datetime.timedelta(days=32)).replace(day=1)
    return found


def month_label(month: datetime.date) -> str:
    return f"{month:%m/%Y}"


# Shared pieces of the queries ---------------------------------------------


def _active_groups(filterset):
    """Active groups, of the chosen model kind if there is one."""
    groups = SelfManagementGroup.objects.active()
    kind = filterset.chosen("model_kind")
    return groups.filter(model_types=kind) if kind else groups


def _covered_by_active_group(filterset):
    """Whether a report's place has an active group: one of its residential unit, or one
    that covers its whole commune/ward. A report without a unit counts as covered only
    by a ward-wide group, since nobody knows which unit's group it concerns."""
    # Two uncorrelated subqueries, which PostgreSQL hashes once (a "hashed
    # SubPlan"), rather than one EXISTS probe per report: seconds at province scale.
    # Coalesce: "unit IN (…)" is NULL, not false, for a report without a unit.
    groups = _active_groups(filterset)
    return Coalesce(
        ExpressionWrapper(
            Q(unit__in=groups.filter(unit__isnull=False).values("unit"))
            | Q(ward__in=groups.filter(unit__isnull=True).values("ward")),
            output_field=BooleanField(),
        ),
        Value(False),
    )


def _wards(filterset):
    """The wards the rows cover, narrowed to the chosen unit's ward."""
    wards = filterset.wards()
    unit = filterset.chosen("unit")
    if unit is not None:
        wards = wards.filter(path=unit.path[: 2 * unit.steplen])
    return wards.order_by("name", "pk")


def _two_periods(filterset, *, distinct=False):
    """The reports of the period and of the same dates a year earlier, and the counts
    of each; ``distinct`` where a join repeats a report."""
    start, end = filterset.bounds
    previous_start, previous_end = previous_bounds(filterset)
    current = Q(created_at__gte=start, created_at__lt=end)
    previous = Q(created_at__gte=previous_start, created_at__lt=previous_end)
    counts = {
        "previous": Count("pk", filter=previous, distinct=distinct),
        "current": Count("pk", filter=current, distinct=distinct),
    }
    return filterset.without_period().filter(current | previous), counts


def _comparison(previous: int, current: int) -> list:
    return [previous, current, change(previous, current)]


def _handling_figures() -> dict:
    return {
        "received": Count("pk"),
        "acknowledged": Count("pk", filter=durations.ACKNOWLEDGED),
        "to_acknowledge": durations.median_hours_to_acknowledge(),
        "resolved": Count("pk", filter=durations.RESOLVED),
        "to_resolve": durations.median_hours_to_resolve(),
    }


def _handling_row(label, row: dict) -> list:
    return [
        label,
        row["received"],
        row["acknowledged"],
        one_decimal(row.get("to_acknowledge")),
        row["resolved"],
        one_decimal(row.get("to_resolve")),
    ]


HANDLING_COLUMNS = [
    _("Reports received"),
    _("Acknowledged"),
    _("Median hours to acknowledge"),
    _("Resolved"),
    _("Median hours to resolve"),
]


def _narrowed(queryset, filterset, *, to_group: str = ""):
    """Groups, or rows of a group (``to_group`` the lookup to it, "group__"), narrowed
    as the reports are: to the filter's wards, chosen unit and chosen model kind."""
    queryset = queryset.filter(**{f"{to_group}ward__in": filterset.wards()})
    if unit := filterset.chosen("unit"):
        queryset = queryset.filter(**{f"{to_group}unit": unit})
    if kind := filterset.chosen("model_kind"):
        queryset = queryset.filter(**{f"{to_group}model_types": kind})
    return queryset


def _mediation(filterset, *, per=None):
    cases = _narrowed(
        MediationCase.objects.counted_for(filterset.user), filterset, to_group="group__"
    )
    return statistics(cases=cases, period=Period(*filterset.period), per=per)


# The tables -----------------------------------------------------------------


def incidents_by_month(filterset) -> Table:
    """Reports per month (local time) and category: one query."""
    rows = (
        filterset.qs.order_by()
        .annotate(month=TruncMonth("created_at", tzinfo=timezone.get_default_timezone()))
        .values("month", "category", "category__name", "category__name_en", "category__order")
        .annotate(count=Count("pk"))
    )
    counts, categories = {}, {}
    english = get_language() == "en"
    for row in rows:
        month = timezone.localtime(row["month"]).date()
        counts[month, row["category"]] = row["count"]
        name = (english and row["category__name_en"]) or row["category__name"]
        categories[row["category"]] = (row["category__order"], row["category__name"], name)
    order = sorted(categories, key=lambda category: categories[category][:2])
    return Table(
        key="incidents_by_month",
        title=TITLES["incidents_by_month"],
        columns=[_("Month"), *(categories[category][2] for category in order)],
        rows=[
            [month_label(month), *(counts.get((month, category), 0) for category in order)]
            for month in months(*filterset.period)
        ],
        chart="line",
    )


def year_on_year(filterset) -> Table:
    """The headline split: reports where an active group covers the place, and the rest."""
    split = _year_on_year_split(filterset)
    both = {
        "previous": sum(row["previous"] for row in split.values()),
        "current": sum(row["current"] for row in split.values()),
    }
    rows = [
        [_("Where an active group works"), *_comparison(**split[True])],
        [_("Where no active group works"), *_comparison(**split[False])],
        [_("All reports"), *_comparison(**both)],
    ]
    return Table(
        key="year_on_year",
        title=TITLES["year_on_year"],
        columns=[_("Place of the report"), PREVIOUS, CURRENT, CHANGE],
        rows=rows,
        chart="bar",
    )


def _year_on_year_split(filterset) -> dict[bool, dict]:
    reports, counts = _two_periods(filterset)
    found = (
        reports.annotate(covered=_covered_by_active_group(filterset))
        .values("covered")
        .annotate(**counts)
    )
    split = {True: {"previous": 0, "current": 0}, False: {"previous": 0, "current": 0}}
    for row in found:
        split[row["covered"]] = {"previous": row["previous"], "current": row["current"]}
    return split


def year_on_year_by_ward(filterset) -> Table:
    """Every commune/ward covered, with or without reports: two queries."""
    reports, counts = _two_periods(filterset)
    found = {row.pop("ward"): row for row in reports.values("ward").annotate(**counts)}
    wards = _wards(filterset).annotate(
        active_group=Exists(_active_groups(filterset).filter(ward=OuterRef("pk")))
    )
    rows = []
    for ward in wards:
        row = found.get(ward.pk, {"previous": 0, "current": 0})
        rows.append([ward.name, YES if ward.active_group else NO, *_comparison(**row)])
    return Table(
        key="year_on_year_by_ward",
        title=TITLES["year_on_year_by_ward"],
        columns=[_("Commune/ward"), ACTIVE_GROUP, PREVIOUS, CURRENT, CHANGE],
        rows=rows,
        chart="bar",
    )


def year_on_year_by_unit(filterset) -> Table:
    """The residential units with a report in either period: two queries.

    The counts are grouped by the units' and wards' ids, and their names read after
    in a query of their own: grouping a province's 250,000 rows by the names sorted
    them, text and all, on disk (1.56 s against 1.73 to 2.09 s on a loaded machine).
    """
    reports, counts = _two_periods(filterset)
    found = list(
        reports.filter(unit__isnull=False)
        .annotate(active_group=_covered_by_active_group(filterset))
        .values("unit", "ward", "active_group")
        .annotate(**counts)
    )
    places = {row["unit"] for row in found} | {row["ward"] for row in found}
    names, rank = {}, {}
    # Ordered by PostgreSQL, so the rows sort by name as the database's collation does.
    for pk, name in Area.objects.filter(pk__in=places).order_by("name").values_list("pk", "name"):
        names[pk] = name
        rank.setdefault(name, len(rank))
    found.sort(key=lambda row: (rank[names[row["ward"]]], rank[names[row["unit"]]], row["unit"]))
    return Table(
        key="year_on_year_by_unit",
        title=TITLES["year_on_year_by_unit"],
        columns=[_("Residential unit"), _("Commune/ward"), ACTIVE_GROUP, PREVIOUS, CURRENT, CHANGE],
        rows=[
            [
                names[row["unit"]],
                names[row["ward"]],
                YES if row["active_group"] else NO,
                *_comparison(row["previous"], row["current"]),
            ]
            for row in found
        ],
        chart="bar",
    )


def year_on_year_by_model_kind(filterset) -> Table:
    """Reports routed to groups of each kind, beside how many such groups are active
    in the wards covered, for the kinds present: three queries at most."""
    found = _reports_per_kind(filterset)
    kinds = ModelType.objects.annotate(
        active_groups=Count(
            "groups",
            filter=Q(
                groups__status=SelfManagementGroup.Status.ACTIVE,
                groups__ward__in=filterset.wards(),
            ),
        )
    ).order_by("name", "pk")
    chosen = filterset.chosen("model_kind")
    if chosen:
        kinds = kinds.filter(pk=chosen.pk)
    rows = []
    for kind in kinds:
        row = found.get(kind.pk, {"previous": 0, "current": 0})
        # Kinds with neither a group nor a report here would only crowd the chart.
        if chosen or kind.active_groups or row["previous"] or row["current"]:
            rows.append([str(kind), kind.active_groups, *_comparison(**row)])
    return Table(
        key="year_on_year_by_model_kind",
        title=TITLES["year_on_year_by_model_kind"],
        columns=[_("Model kind"), _("Active groups"), PREVIOUS, CURRENT, CHANGE],
        rows=rows,
        chart="bar",
    )


def _reports_per_kind(filterset) -> dict[int, dict]:
    """{kind id: {"previous": n, "current": n}}: the reports routed to a group of each
    kind (a report routed to two groups of one kind counts once for that kind).

    Whole months come from ``RoutingSummary`` (a few thousand rows, kept exact by
    the database), the days of a period outside whole months from the reports
    themselves; where the summary cannot tell (a unit, category or channel chosen,
    another time zone) everything is counted from the reports.
    """
    previous, current = _previous_period(filterset), filterset.period
    if _summary_serves(filterset):
        spans = {"previous": _days(*previous), "current": _days(*current)}
    else:
        spans = {"previous": ([], [previous]), "current": ([], [current])}
    found: dict[int, dict] = {}

    def add(kind_id, label, count):
        found.setdefault(kind_id, {"previous": 0, "current": 0})[label] += count or 0

    whole = {label: months_ for label, (months_, _edges) in spans.items()}
    if whole["previous"] or whole["current"]:
        summary = RoutingSummary.objects.filter(month__in=[*whole["previous"], *whole["current"]])
        if ward := _summary_ward(filterset):
            summary = summary.filter(ward=ward)
        if kind := filterset.chosen("model_kind"):
            summary = summary.filter(kind=kind)
        rows = summary.values("kind").annotate(
            previous=Sum("reports", filter=Q(month__in=whole["previous"])),
            current=Sum("reports", filter=Q(month__in=whole["current"])),
        )
        for row in rows:
            add(row["kind"], "previous", row["previous"])
            add(row["kind"], "current", row["current"])

    edges = {label: _in_days(days) for label, (_months, days) in spans.items()}
    edges = {label: q for label, q in edges.items() if q is not None}
    if edges:
        either = Q()
        for q in edges.values():
            either |= q
        rows = (
            filterset.without_period()
            .filter(either, assignments__isnull=False)
            .values("assignments__group__model_types")
            .annotate(
                **{
                    label: Count("pk", filter=q, distinct=True)  # a join repeats a report
                    for label, q in edges.items()
                }
            )
        )
        for row in rows:
            kind_id = row.pop("assignments__group__model_types")
            for label, count in row.items():
                add(kind_id, label, count)
    return found


def _previous_period(filterset) -> tuple[datetime.date, datetime.date]:
    start, end = filterset.period
    return a_year_earlier(start), a_year_earlier(end)


def _days(first: datetime.date, last: datetime.date) -> tuple[list, list]:
    """The whole months from ``first`` to ``last`` (both included), and the spans of
    days left over before and after them, as (first, last) pairs."""
    whole = [month for month in months(first, last) if month >= first and _last_day(month) <= last]
    if not whole:
        return [], [(first, last)]
    left = []
    if first < whole[0]:
        left.append((first, whole[0] - ONE_DAY))
    if _last_day(whole[-1]) < last:
        left.append((_last_day(whole[-1]) + ONE_DAY, last))
    return whole, left


def _last_day(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - ONE_DAY


def _in_days(days: list) -> Q | None:
    if not days:
        return None
    q = Q()
    for first, last in days:
        q |= Q(created_at__gte=day_start(first), created_at__lt=day_start(last) + ONE_DAY)
    return q


def _summary_serves(filterset) -> bool:
    """Whether RoutingSummary holds what the filter asks: reports of all units,
    categories and channels, of all the wards the user sees or of one, in months of
    the summary's time zone."""
    if filterset.is_bound and not filterset.form.is_valid():
        return False
    if settings.TIME_ZONE != routing_summary.TIME_ZONE:
        return False
    user = filterset.user
    if not (user.is_province_admin or user.is_ward_police):
        return False
    return not any(filterset.chosen(name) for name in ("unit", "category", "channel"))


def _summary_ward(filterset):
    """The ward the summary rows are narrowed to, as Report.visible_to and the ward
    filter narrow the reports; None for all of them (a province administrator)."""
    ward = filterset.chosen("ward")
    if ward is not None:
        return ward
    user = filterset.user
    return None if user.is_province_admin else user.police_ward


def _table_per_ward(filterset, *, key: str, columns: list, cells) -> Table:
    """A bar chart's table with a row for every commune/ward covered, those without
    figures included: the ward's name, then ``cells(ward)``."""
    return Table(
        key=key,
        title=TITLES[key],
        columns=[_("Commune/ward"), *columns],
        rows=[[ward.name, *cells(ward)] for ward in _wards(filterset)],
        chart="bar",
    )


def mediation_resolution(filterset) -> Table:
    """Per commune/ward, the cases of mediation/stats.py: four queries."""
    found = {row.key: row.figures for row in _mediation(filterset, per="ward").rows}

    def cells(ward) -> list:
        figures = found.get(ward.pk, CaseFigures())
        return [
            figures.received,
            figures.mediated,
            figures.successful,
            figures.unsuccessful,
            figures.withdrawn,
            percent(figures.rate),
            figures.median_days,
        ]

    return _table_per_ward(
        filterset,
        key="mediation_resolution",
        columns=[
            _("Cases received"),
            _("Cases mediated"),
            _("Successful"),
            _("Unsuccessful"),
            _("Withdrawn"),
            _("Mediated successfully (%)"),
            _("Median days to outcome"),
        ],
        cells=cells,
    )


def patrol_coverage(filterset) -> Table:
    """Per commune/ward, the shifts of its groups that start in the period
    (patrols/coverage.py, per group, added up here): four queries."""
    groups = _narrowed(SelfManagementGroup.objects.visible_to(filterset.user), filterset)
    ward_of, active_in = {}, {}
    for group in groups.values("pk", "ward", "status"):
        ward_of[group["pk"]] = group["ward"]
        active = group["status"] == SelfManagementGroup.Status.ACTIVE
        active_in[group["ward"]] = active_in.get(group["ward"], 0) + active
    start, end = filterset.bounds
    per_ward = {}
    for group, figures in coverage.by_group(groups=groups, start=start, end=end).items():
        per_ward.setdefault(ward_of[group], []).append(figures)

    def cells(ward) -> list:
        figures = _added_up(per_ward.get(ward.pk, []))
        return [
            active_in.get(ward.pk, 0),
            figures.planned,
            figures.done,
            figures.missed,
            figures.done_share,
            figures.person_hours,
            figures.checkins,
        ]

    return _table_per_ward(
        filterset,
        key="patrol_coverage",
        columns=[
            _("Active groups"),
            _("Shifts planned"),
            _("Shifts done"),
            _("Shifts missed"),
            _("Done, of the shifts over (%)"),
            _("Person-hours"),
            _("Hotspot check-ins"),
        ],
        cells=cells,
    )


def _added_up(figures: list[coverage.Figures]) -> coverage.Figures:
    """Groups' coverage figures added together. Distinct hotspots do not add up (two
    groups may check the same one), so the sum leaves them out."""
    return coverage.Figures(
        planned=sum(each.planned for each in figures),
        done=sum(each.done for each in figures),
        missed=sum(each.missed for each in figures),
        cancelled=sum(each.cancelled for each in figures),
        person_time=sum((each.person_time for each in figures), datetime.timedelta(0)),
        checkins=sum(each.checkins for each in figures),
    )


def handling_times(filterset) -> Table:
    """Per month of receipt, medians in hours: one query."""
    found = {
        timezone.localtime(row.pop("month")).date(): row
        for row in filterset.qs.order_by()
        .annotate(month=TruncMonth("created_at", tzinfo=timezone.get_default_timezone()))
        .values("month")
        .annotate(**_handling_figures())
    }
    empty = dict.fromkeys(["received", "acknowledged", "resolved"], 0)
    return Table(
        key="handling_times",
        title=TITLES["handling_times"],
        columns=[_("Month"), *HANDLING_COLUMNS],
        rows=[
            _handling_row(month_label(month), found.get(month, empty))
            for month in months(*filterset.period)
        ],
        chart="line",
    )


def handling_times_by_ward(filterset) -> Table:
    """Per commune/ward with reports in the period, medians in hours: one query."""
    found = (
        filterset.qs.order_by("ward__name", "ward")
        .values("ward", "ward__name")
        .annotate(**_handling_figures())
    )
    return Table(
        key="handling_times_by_ward",
        title=TITLES["handling_times_by_ward"],
        columns=[_("Commune/ward"), *HANDLING_COLUMNS],
        rows=[_handling_row(row["ward__name"], row) for row in found],
        chart="bar",
    )


@dataclass(frozen=True)
class Headlines:
    """The figures the province reports, for the filter's wards, kind and period."""

    covered: dict  # reports where an active group works: {"previous": n, "current": n}
    uncovered: dict  # and where none does
    mediation: CaseFigures
    hours_to_acknowledge: float | None
    hours_to_resolve: float | None

    @property
    def covered_change(self) -> float | None:
        return change(**self.covered)

    @property
    def uncovered_change(self) -> float | None:
        return change(**self.uncovered)

    @property
    def mediated_successfully(self) -> float | None:
        return percent(self.mediation.rate)


def headline_figures(filterset) -> Headlines:
    """Four queries: the year-on-year split, the mediation figures (two) and the medians."""
    split = _year_on_year_split(filterset)
    handling = filterset.qs.order_by().aggregate(**_handling_figures())
    return Headlines(
        covered=split[True],
        uncovered=split[False],
        mediation=_mediation(filterset).total,
        hours_to_acknowledge=one_decimal(handling["to_acknowledge"]),
        hours_to_resolve=one_decimal(handling["to_resolve"]),
    )


def headlines(filterset) -> Table:
    figures = headline_figures(filterset)
    return Table(
        key="headlines",
        title=TITLES["headlines"],
        columns=[_("Figure"), _("Value")],
        rows=[
            [
                _("Change in incidents year on year where an active group works (%)"),
                figures.covered_change,
            ],
            [
                _("Change in incidents year on year where no active group works (%)"),
                figures.uncovered_change,
            ],
            [
                _("Disputes mediated successfully at the grassroots (%)"),
                figures.mediated_successfully,
            ],
            [_("Median hours to acknowledge a report"), figures.hours_to_acknowledge],
            [_("Median hours to resolve a report"), figures.hours_to_resolve],
        ],
    )


TRENDS = {
    "headlines": headlines,
    "incidents_by_month": incidents_by_month,
    "year_on_year": year_on_year,
    "year_on_year_by_ward": year_on_year_by_ward,
    "year_on_year_by_unit": year_on_year_by_unit,
    "year_on_year_by_model_kind": year_on_year_by_model_kind,
    "mediation_resolution": mediation_resolution,
    "patrol_coverage": patrol_coverage,
    "handling_times": handling_times,
    "handling_times_by_ward": handling_times_by_ward,
}

# The columns each chart draws (indexes into the table's columns); a trend not named
# here draws every column after the first. Counts and percentages never share an axis.
CHART_SERIES = {
    "year_on_year": (1, 2),
    "year_on_year_by_ward": (2, 3),
    "year_on_year_by_unit": (3, 4),
    "year_on_year_by_model_kind": (2, 3),
    "mediation_resolution": (6,),
    "patrol_coverage": (5,),
    "handling_times": (3, 5),
    "handling_times_by_ward": (3, 5),
}


def trend_table(key: str, filterset) -> Table:
    """One trend by its key; KeyError for an unknown key."""
    return TRENDS[key](filterset)


# The charts of the page, in its order; the headlines are written out as text instead.
CHARTS = [key for key in TRENDS if key != "headlines"]
