"""Patrol schedules and the shifts they make.

Shifts are materialised for a rolling window (`WINDOW` ahead of now): the
nightly task moves the window on, and saving a schedule regenerates it. Only
future shifts nobody has touched are replaced; a shift changed by hand,
cancelled, swapped or already logged stays as it is, and the schedule makes no
second shift on its day.

Every function here that writes takes the schedule's row lock first, so the
nightly task and a leader's edit never materialise the same day twice (the
unique (schedule, occurrence) constraint would refuse it anyway).
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.audit import Action, record
from groups.models import Member, SelfManagementGroup
from patrols import recurrence
from patrols.models import Hotspot, PatrolSchedule, PatrolShift, ShiftAssignment

WINDOW = datetime.timedelta(weeks=8)


def save_schedule(
    *, schedule: PatrolSchedule, team: Iterable[Member], hotspots: Iterable[Hotspot], by
) -> int:
    """Save a new or changed schedule and regenerate its future shifts.

    Returns how many shifts were made. The caller has validated the schedule
    (its form runs `clean`); this checks that `by` may plan the group's patrols.
    """
    if not SelfManagementGroup.objects.editable_by(by).filter(pk=schedule.group_id).exists():
        raise PermissionDenied(_("Only the group's leaders plan its patrols."))
    with transaction.atomic():
        schedule.save()
        schedule.team.set(team)
        schedule.hotspots.set(hotspots)
        return regenerate(schedule=schedule)


def delete_schedule(*, schedule: PatrolSchedule, by) -> None:
    """Remove a schedule with its future untouched shifts; past and logged shifts stay."""
    if not PatrolSchedule.objects.editable_by(by).filter(pk=schedule.pk).exists():
        raise PermissionDenied(_("Only the group's leaders plan its patrols."))
    with transaction.atomic():
        _lock(schedule)
        schedule.shifts.untouched().filter(starts_at__gt=timezone.now()).delete()
        record(action=Action.DELETE, actor=by, obj=schedule, ward=schedule.group.ward_id)
        schedule.delete()


def regenerate(*, schedule: PatrolSchedule, now: datetime.datetime | None = None) -> int:
    """Replace the future shifts nobody has touched with what the schedule now says."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock(schedule)
        schedule.shifts.untouched().filter(starts_at__gt=now).delete()
        return _materialise(schedule, now=now, until=now + WINDOW)


def materialise(
    *,
    schedule: PatrolSchedule,
    now: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> int:
    """Make the schedule's missing shifts from now until `until` (default: the window)."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock(schedule)
        return _materialise(schedule, now=now, until=until or now + WINDOW)


def extend_window(*, now: datetime.datetime | None = None) -> int:
    """Move every running schedule's window on (the nightly task); one transaction each."""
    now = now or timezone.now()
    made = 0
    for schedule in PatrolSchedule.objects.running(timezone.localdate(now)).iterator():
        made += materialise(schedule=schedule, now=now)
    return made


def _lock(schedule: PatrolSchedule) -> None:
    PatrolSchedule.objects.select_for_update().filter(pk=schedule.pk).first()


def _materialise(schedule: PatrolSchedule, *, now, until) -> int:
    occurrences = recurrence.expand(
        rule=schedule.rule,
        starts_on=schedule.starts_on,
        ends_on=schedule.ends_on,
        start_time=schedule.start_time,
        duration=schedule.duration,
        after=now,
        before=until,
    )
    if not occurrences:
        return 0
    # The days that already have a shift of this schedule, kept or just made.
    taken = {
        timezone.localdate(occurrence)
        for occurrence in schedule.shifts.filter(
            occurrence__gte=occurrences[0][0] - datetime.timedelta(days=1),
            occurrence__lte=occurrences[-1][0] + datetime.timedelta(days=1),
        ).values_list("occurrence", flat=True)
    }
    team = _team(schedule)
    first_turn = recurrence.turns_before(
        rule=schedule.rule,
        starts_on=schedule.starts_on,
        start_time=schedule.start_time,
        before=occurrences[0][0],
    )
    shifts, crews = [], []
    for turn, (start, end) in enumerate(occurrences, start=first_turn):
        if timezone.localdate(start) in taken:
            continue
        shifts.append(
            PatrolShift(
                group_id=schedule.group_id,
                schedule=schedule,
                occurrence=start,
                starts_at=start,
                ends_at=end,
                route=schedule.route,
                area_id=schedule.area_id,
                meeting_point=schedule.meeting_point,
                people_needed=schedule.people_needed,
            )
        )
        crews.append(rotation(team=team, needed=schedule.people_needed, turn=turn))
    PatrolShift.objects.bulk_create(shifts)
    ShiftAssignment.objects.bulk_create(
        ShiftAssignment(shift=shift, member_id=member_id)
        for shift, crew in zip(shifts, crews, strict=True)
        for member_id in crew
    )
    return len(shifts)


def _team(schedule: PatrolSchedule) -> list[int]:
    # A stable order, so that the same turn always gives the same crew.
    return list(schedule.team.order_by("full_name", "pk").values_list("pk", flat=True))


def rotation(*, team: list[int], needed: int, turn: int) -> list[int]:
    """The crew of the `turn`-th shift: the team takes turns, `needed` at a time."""
    if not team:
        return []
    size = min(needed, len(team))
    return [team[(turn * size + seat) % len(team)] for seat in range(size)]
