"""The dashboard's "Now" panel: what needs the police's attention at this moment.

Everything starts from the reports the dashboard's filter leaves (themselves
drawn from ``Report.objects.visible_to``), minus the period: "now" is about
what is open today, whenever it came in. Patrols go through
``PatrolLog.objects.visible_to``. Each function is one query, whatever the
number of rows, so that the panel's query count stays fixed.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django_filters.constants import EMPTY_VALUES

from dashboard.filters import DashboardFilter
from groups.models import SelfManagementGroup
from patrols.models import PatrolLog
from reports.models import OPEN_STATUSES, Escalation, Report, Status

MOST_URGENT_ROWS = 10
AWAITING_ROWS = 20
PATROL_ROWS = 20

# The period does not apply to "now"; every other filter does.
PERIOD_FILTERS = frozenset({"start", "end"})


@dataclass(frozen=True)
class Counts:
    new: int
    open: int
    overdue: int
    escalated: int


def now_reports(filterset: DashboardFilter) -> QuerySet:
    """The filter's reports (ward, unit, category, …) whatever their date.

    A filter the user got wrong (a ward outside their scope) is left out, not
    applied: the scope itself comes from ``visible_to``, never from the form.
    """
    reports = filterset.queryset
    for name, value in _chosen_filters(filterset).items():
        reports = filterset.filters[name].filter(reports, value)
    return reports


def _chosen_filters(filterset: DashboardFilter) -> dict:
    form = filterset.form
    if not form.is_bound:
        return {}
    form.is_valid()  # fills cleaned_data with the fields that are valid
    return {
        name: value
        for name, value in form.cleaned_data.items()
        if name not in PERIOD_FILTERS and value not in EMPTY_VALUES
    }


def unacknowledged_escalations() -> QuerySet:
    """Escalations the police still have to take: the latest level of an open report,
    not yet acknowledged.

    Only the latest level counts: acknowledging it stops the chain, and the
    levels before it need no separate acknowledgement. Unlike
    ``Escalation.objects.awaiting_acknowledgement`` this keeps a report whose chain
    is exhausted (no next level due) until someone takes it.
    """
    return Escalation.objects.filter(
        acknowledged_at__isnull=True,
        level=F("report__escalation_level"),
        report__status__in=OPEN_STATUSES,
    )


def counts(reports: QuerySet, now: datetime.datetime) -> Counts:
    """New, open, overdue and escalated-and-unacknowledged reports, in one query."""
    is_open = Q(status__in=OPEN_STATUSES)
    escalated = Exists(unacknowledged_escalations().filter(report=OuterRef("pk")))
    # Every figure is about open reports: reading only those lets the partial
    # index on open reports serve the count, not five years of closed ones.
    figures = (
        reports.filter(is_open)
        .order_by()
        .aggregate(
            new=Count("pk", filter=Q(status=Status.NEW)),
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            escalated=Count("pk", filter=Q(escalated)),
        )
    )
    return Counts(**figures)


def awaiting_acknowledgement(user, reports: QuerySet) -> list[Escalation]:
    """The escalations of these reports waiting for the user's acknowledgement,
    longest waiting first."""
    return list(
        unacknowledged_escalations()
        .visible_to(user)
        .filter(report__in=reports)
        .select_related("report__category", "report__ward", "report__unit")
        .order_by("created_at", "pk")[:AWAITING_ROWS]
    )


def due_soon(reports: QuerySet, now: datetime.datetime) -> list[Report]:
    """Open reports still within their deadline, the nearest deadline first: a report
    that came in a few minutes ago with an hour to go is on top here, whatever
    number of old reports lie overdue (they have a list of their own)."""
    return list(
        reports.open()
        .filter(due_at__gte=now)
        .select_related("category", "ward", "unit")
        .order_by("due_at", "pk")[:MOST_URGENT_ROWS]
    )


def overdue(reports: QuerySet, now: datetime.datetime) -> list[Report]:
    """Open reports past their deadline, the one that went past most recently first:
    a report overdue by minutes can still be saved; one overdue since last year is
    counted in the figures above and listed last."""
    return list(
        reports.open()
        .filter(due_at__lt=now)
        .select_related("category", "ward", "unit")
        .order_by("-due_at", "-pk")[:MOST_URGENT_ROWS]
    )


def patrols_under_way(user, filterset: DashboardFilter, now: datetime.datetime) -> list[PatrolLog]:
    """Patrols out at this moment: started logs not yet finished (the patrols app's
    "under way"), in the chosen ward, unit or model kind."""
    logs = PatrolLog.objects.visible_to(user).in_progress().filter(started_at__lte=now)
    chosen = _chosen_filters(filterset)
    if ward := chosen.get("ward"):
        logs = logs.filter(shift__group__ward=ward)
    if unit := chosen.get("unit"):
        # A shift patrols its own unit if it names one, else its group's.
        logs = logs.filter(
            Q(shift__area=unit) | Q(shift__area__isnull=True, shift__group__unit=unit)
        )
    if model_kind := chosen.get("model_kind"):
        logs = logs.filter(
            shift__group__in=SelfManagementGroup.objects.filter(model_types=model_kind)
        )
    return list(
        logs.select_related(
            "shift__group__ward", "shift__group__unit", "shift__area", "led_by"
        ).order_by("started_at", "pk")[:PATROL_ROWS]
    )


@dataclass(frozen=True)
class NowPanel:
    counts: Counts
    awaiting: list[Escalation]
    due_soon: list[Report]
    overdue: list[Report]
    patrols: list[PatrolLog]


def now_panel(*, user, filterset: DashboardFilter, now: datetime.datetime) -> NowPanel:
    reports = now_reports(filterset)
    return NowPanel(
        counts=counts(reports, now),
        awaiting=awaiting_acknowledgement(user, reports),
        due_soon=due_soon(reports, now),
        overdue=overdue(reports, now),
        patrols=patrols_under_way(user, filterset, now),
    )
