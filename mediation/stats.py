"""The figures a province reports on grassroots mediation, for any set of cases and period.

Callers choose the cases (``MediationCase.objects.counted_for(user)``, narrowed to a
province, a commune/ward or a group with ``in_area``/``of_group``) and the period;
``statistics`` answers in three queries whatever the number of cases: the total,
the breakdown by kind of dispute, and the rows (per commune/ward or per group).
The statistics page, its XLSX export (mediation/export.py), the dashboard and the
benchmark read these numbers and nothing else, so they always agree.

What is counted in a period:

- received: cases whose request came in during the period;
- successful, unsuccessful, withdrawn, suspended, referred: cases whose present
  status is that one and whose outcome date falls in the period (a case reopened
  after a broken agreement counts again once it has a new outcome);
- done: successful + unsuccessful + withdrawn;
- in progress: cases received in the period whose outcome is still pending;
- resolution rate: successful / (successful + unsuccessful), the share of
  mediated disputes resolved at the grassroots (none when nothing was decided);
- median days: from request to outcome, over the cases done in the period;
- agreements kept / not kept: of the successful cases, what the follow-up found.
"""

import calendar
import datetime
from dataclasses import dataclass, field, fields

from django.db.models import Aggregate, Count, F, FloatField, Func, IntegerField, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from groups.models import SelfManagementGroup
from mediation.models import OPEN_STATUSES, DisputeKind, Status, mediating_groups

DONE_STATUSES = (Status.SUCCESSFUL, Status.UNSUCCESSFUL, Status.WITHDRAWN)


class Median(Aggregate):
    """PostgreSQL's continuous median; takes ``filter=`` like any aggregate."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _days_to_outcome():
    # date - date is a whole number of days in PostgreSQL; Django's own subtraction
    # would make an interval of it.
    return Func(
        F("outcome_on"),
        F("received_on"),
        arg_joiner=" - ",
        template="(%(expressions)s)",
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = 3 * (quarter - 1) + 1
        last = first + 2
        return cls(
            datetime.date(year, first, 1),
            datetime.date(year, last, calendar.monthrange(year, last)[1]),
        )

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(
            datetime.date(year, month, 1),
            datetime.date(year, month, calendar.monthrange(year, month)[1]),
        )

    def __str__(self):
        return f"{self.start:%d/%m/%Y} - {self.end:%d/%m/%Y}"


@dataclass(frozen=True)
class Figures:
    received: int = 0
    successful: int = 0
    unsuccessful: int = 0
    withdrawn: int = 0
    suspended: int = 0
    referred: int = 0
    in_progress: int = 0
    kept: int = 0
    not_kept: int = 0
    median_days: float | None = None

    @property
    def done(self) -> int:
        return self.successful + self.unsuccessful + self.withdrawn

    @property
    def mediated(self) -> int:
        return self.successful + self.unsuccessful

    @property
    def rate(self) -> float | None:
        """Successful / (successful + unsuccessful), from 0 to 1; None when neither."""
        return self.successful / self.mediated if self.mediated else None

    @classmethod
    def from_row(cls, row: dict) -> "Figures":
        return cls(**{f.name: row[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class Row:
    key: object
    label: str
    figures: Figures


@dataclass
class Statistics:
    period: Period
    total: Figures
    by_kind: list[Row]
    rows: list[Row] = field(default_factory=list)
    per: str | None = None

    @property
    def row_heading(self) -> Promise | None:
        return PER[self.per][2] if self.per else None


# per → (key, label, heading of the rows)
PER = {
    "ward": ("group__ward_id", "group__ward__name", _("Commune/ward")),
    "group": ("group_id", "group__name", _("Mediation group")),
}


def _aggregates(period: Period) -> dict:
    span = (period.start, period.end)
    received = Q(received_on__range=span)

    def decided(status, **more):
        return Count("pk", filter=Q(status=status, outcome_on__range=span, **more))

    return {
        "received": Count("pk", filter=received),
        "successful": decided(Status.SUCCESSFUL),
        "unsuccessful": decided(Status.UNSUCCESSFUL),
        "withdrawn": decided(Status.WITHDRAWN),
        "suspended": decided(Status.SUSPENDED),
        "referred": decided(Status.REFERRED),
        "in_progress": Count("pk", filter=received & Q(status__in=OPEN_STATUSES)),
        "kept": decided(Status.SUCCESSFUL, agreement_kept=True),
        "not_kept": decided(Status.SUCCESSFUL, agreement_kept=False),
        "median_days": Median(
            _days_to_outcome(), filter=Q(status__in=DONE_STATUSES, outcome_on__range=span)
        ),
    }


def statistics(*, cases: QuerySet, period: Period, per: str | None = None) -> Statistics:
    """Figures for ``cases`` in ``period``: in all, by kind, and per ward or group.

    Three queries (two without ``per``), whatever the number of cases.
    """
    span = (period.start, period.end)
    window = cases.filter(Q(received_on__range=span) | Q(outcome_on__range=span)).order_by()
    aggregates = _aggregates(period)
    total = Figures.from_row(window.aggregate(**aggregates))
    found = {
        row["kind"]: Figures.from_row(row) for row in window.values("kind").annotate(**aggregates)
    }
    by_kind = [Row(kind, label, found.get(kind, Figures())) for kind, label in DisputeKind.choices]
    rows = []
    if per is not None:
        key, label, _heading = PER[per]
        rows = [
            Row(row[key], row[label], Figures.from_row(row))
            for row in window.values(key, label).annotate(**aggregates).order_by(label, key)
        ]
    return Statistics(period=period, total=total, by_kind=by_kind, rows=rows, per=per)


def may_count(user) -> bool:
    """Who may open the statistics page (and is shown its link): province
    administrators, ward police, and people in a mediation group."""
    return (
        user.is_province_admin
        or user.is_ward_police
        or SelfManagementGroup.objects.filter(pk__in=mediating_groups(user)).exists()
    )
