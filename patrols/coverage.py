"""Patrol coverage per group and month: shifts planned, done, missed, person-hours and
hotspots checked.

A shift belongs to the month its start falls in (local time). Planned counts
every shift not cancelled; done, the ones with a log (finished, in progress or
closed automatically); missed, the ones that ended without a log; the rest are
still to come. Person-hours add up, over the closed logs, the people present
times the time between start and finish.

The figures come from a fixed number of aggregate queries, however many groups,
shifts or check-ins there are: one per table for the groups asked, one per
table for the totals.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from patrols.models import HotspotCheckIn, PatrolShift, ShiftStatus, local_midnight


@dataclass(frozen=True)
class Figures:
    planned: int = 0
    done: int = 0
    missed: int = 0
    cancelled: int = 0
    person_time: datetime.timedelta = datetime.timedelta(0)
    hotspots_checked: int = 0
    checkins: int = 0

    @property
    def upcoming(self) -> int:
        return self.planned - self.done - self.missed

    @property
    def person_hours(self) -> float:
        return round(self.person_time.total_seconds() / 3600, 1)

    @property
    def done_share(self) -> int | None:
        """Done as a whole percentage of the shifts that are over."""
        over = self.done + self.missed
        return round(100 * self.done / over) if over else None


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The month as [start, end) aware datetimes in local time."""
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return local_midnight(first), local_midnight(following)


def _shift_figures(now):
    person_time = ExpressionWrapper(
        F("log__people_present") * (F("log__finished_at") - F("log__started_at")),
        output_field=DurationField(),
    )
    planned = Q(status=ShiftStatus.PLANNED)
    return {
        "planned": Count("pk", filter=planned),
        "done": Count("pk", filter=planned & Q(log__isnull=False)),
        "missed": Count("pk", filter=planned & Q(log__isnull=True, ends_at__lte=now)),
        "cancelled": Count("pk", filter=Q(status=ShiftStatus.CANCELLED)),
        "person_time": Sum(person_time, filter=planned),
    }


def _checkin_figures():
    return {"hotspots_checked": Count("hotspot", distinct=True), "checkins": Count("pk")}


def _figures(**values) -> Figures:
    values["person_time"] = values.get("person_time") or datetime.timedelta(0)
    return Figures(**{name: value for name, value in values.items() if value is not None})


def by_group(
    *, groups, start: datetime.datetime, end: datetime.datetime, now=None
) -> dict[int, Figures]:
    """Figures of each of `groups` (a queryset or ids) for shifts starting in [start, end)."""
    now = now or timezone.now()
    shifts = PatrolShift.objects.filter(group__in=groups).between(start, end).order_by()
    shift_rows = {
        row.pop("group"): row for row in shifts.values("group").annotate(**_shift_figures(now))
    }
    checkin_rows = {
        row.pop("log__shift__group"): row
        for row in HotspotCheckIn.objects.filter(log__shift__in=shifts)
        .order_by()
        .values("log__shift__group")
        .annotate(**_checkin_figures())
    }
    return {
        group: _figures(**shift_rows.get(group, {}), **checkin_rows.get(group, {}))
        for group in set(shift_rows) | set(checkin_rows)
    }


def total(*, groups: QuerySet, start: datetime.datetime, end: datetime.datetime, now=None):
    """The same figures for all of `groups` together; hotspots are counted once each."""
    now = now or timezone.now()
    shifts = PatrolShift.objects.filter(group__in=groups).between(start, end).order_by()
    return _figures(
        **shifts.aggregate(**_shift_figures(now)),
        **HotspotCheckIn.objects.filter(log__shift__in=shifts).aggregate(**_checkin_figures()),
    )
