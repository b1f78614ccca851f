"""The monthly summary a commune/ward (or the province) sends upwards: reports by
category, handling times, escalations, mediation results and patrols.

The summary is the dashboard itself filtered to one calendar month (local time)
and one commune/ward, so its figures are those the page shows for the same
filters: the handling times, mediation and patrol tables are the trends' own
(dashboard/trends.py, which read mediation/stats.py and
patrols/coverage.py); the reports by category and the escalations by level are
added here. Each part is a dashboard `Table`: the XLSX writes one sheet per
table, the PDF draws them one after another from the same rows.
"""

import calendar
import datetime

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboard import durations, trends
from dashboard.filters import DashboardFilter
from dashboard.tables import Table
from reports.models import Category, Escalation, Report
from reports.models.reports import OPEN_STATUSES, Status


def month_filter(*, user, ward, year: int, month: int) -> DashboardFilter:
    """The dashboard's filter for one month and `ward` (None: all the user's wards).

    `ward` must be one of the user's (dashboard.filters.dashboard_wards):
    a ward outside them makes the filter invalid, which the caller must refuse.
    """
    first = datetime.date(year, month, 1)
    last = first.replace(day=calendar.monthrange(year, month)[1])
    data = {"start": first.isoformat(), "end": last.isoformat()}
    if ward is not None:
        data["ward"] = str(ward.pk)
    return DashboardFilter(data, queryset=Report.objects.visible_to(user), user=user)


def monthly_summary(*, user, ward, year: int, month: int) -> list[Table]:
    """The summary of `ward` (None: every ward the user sees) for one month."""
    filterset = month_filter(user=user, ward=ward, year=year, month=month)
    if not filterset.form.is_valid():
        raise ValueError(f"not a ward of this user's dashboard: {ward}")
    return [
        reports_by_category(filterset),
        trends.handling_times_by_ward(filterset),
        escalations_by_level(filterset),
        trends.mediation_resolution(filterset),
        trends.patrol_coverage(filterset),
    ]


def reports_by_category(filterset: DashboardFilter, *, now=None) -> Table:
    """Reports received, how many missed their deadline, and where they stand: two queries."""
    now = now or timezone.now()
    is_open = Q(status__in=OPEN_STATUSES)
    figures = {
        "received": Count("pk"),
        "late": Count("pk", filter=Q(acknowledged_at__gt=F("due_at"))),
        "overdue": Count("pk", filter=is_open & Q(due_at__lt=now)),
        "open": Count("pk", filter=is_open),
        "resolved": Count("pk", filter=Q(status=Status.RESOLVED)),
    }
    counted = {
        row.pop("category"): row
        for row in filterset.qs.order_by().values("category").annotate(**figures)
    }
    rows = [
        [str(category), *(counted[category.pk][name] for name in figures)]
        for category in Category.objects.filter(pk__in=list(counted))
    ]
    totals = [sum(row[column] for row in rows) for column in range(1, len(figures) + 1)]
    return Table(
        key="reports_by_category",
        title=_("Reports by category"),
        columns=[
            _("Category"),
            _("Received"),
            _("Acknowledged after the deadline"),
            _("Open past the deadline now"),
            _("Still open"),
            _("Resolved"),
        ],
        rows=[*rows, [_("Total"), *totals]],
    )


def escalations_by_level(filterset: DashboardFilter) -> Table:
    """The escalations of the filtered reports, per level of the police chain: two queries."""
    escalations = (
        Escalation.objects.visible_to(filterset.user)
        .filter(report__in=filterset.qs.order_by().values("pk"))
        .order_by()
    )
    figures = {
        "escalated": Count("pk"),
        "acknowledged": Count("pk", filter=durations.ACKNOWLEDGED),
        # An escalation has the same two moments as a report: when it was made and
        # when it was acknowledged.
        "hours": durations.median_hours_to_acknowledge(),
    }

    def line(label, row: dict) -> list:
        minutes = row["hours"] * 60 if row["hours"] is not None else None
        return [label, row["escalated"], row["acknowledged"], trends.one_decimal(minutes)]

    rows = [
        line(row["level"], row)
        for row in escalations.values("level").annotate(**figures).order_by("level")
    ]
    return Table(
        key="escalations_by_level",
        title=_("Escalations to the police"),
        columns=[
            _("Level"),
            _("Escalations"),
            _("Acknowledged by the police"),
            _("Median minutes to acknowledge"),
        ],
        rows=[*rows, line(_("Total"), escalations.aggregate(**figures))],
    )
