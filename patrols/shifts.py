"""Changing one shift on its own: edit, cancel, restore, assign, swap, partners.

Each change marks the shift as changed by hand, so that regenerating the
schedule leaves it as it is (patrols/schedule.py). Only those who may edit the
group (its leaders and deputies, administrators) change shifts; a member booked
on two overlapping shifts is not refused, the leader is warned.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Member, Membership
from patrols.models import PatrolShift, ShiftAssignment, ShiftPartner, ShiftStatus

EDITABLE_FIELDS = [
    "starts_at",
    "ends_at",
    "route",
    "area",
    "meeting_point",
    "people_needed",
    "note",
]


@dataclass(frozen=True)
class DoubleBooking:
    member: Member
    other: PatrolShift


def _check(shift: PatrolShift, by) -> None:
    if not PatrolShift.objects.editable_by(by).filter(pk=shift.pk).exists():
        raise PermissionDenied(_("Only the group's leaders change its shifts."))


def edit_shift(*, shift: PatrolShift, by, changes: dict) -> list[DoubleBooking]:
    """Apply `changes` (fields of EDITABLE_FIELDS) to one shift; returns the double bookings
    the new time makes."""
    _check(shift, by)
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"not an editable field of a shift: {name}")
        setattr(shift, name, value)
    shift.changed_by_hand = True
    shift.full_clean(exclude=["group", "schedule", "members"])
    shift.save(update_fields=[*changes, "changed_by_hand", "updated_at"])
    return double_bookings(shift=shift)


def cancel_shift(*, shift: PatrolShift, by, reason: str = "") -> None:
    _check(shift, by)
    if shift.log_or_none() is not None:
        raise ValidationError(_("This patrol has a log; it cannot be cancelled."))
    PatrolShift.objects.filter(pk=shift.pk, status=ShiftStatus.PLANNED).update(
        status=ShiftStatus.CANCELLED, cancel_reason=reason.strip()[:255], changed_by_hand=True
    )
    shift.refresh_from_db()


def restore_shift(*, shift: PatrolShift, by) -> list[DoubleBooking]:
    _check(shift, by)
    PatrolShift.objects.filter(pk=shift.pk, status=ShiftStatus.CANCELLED).update(
        status=ShiftStatus.PLANNED, cancel_reason="", changed_by_hand=True
    )
    shift.refresh_from_db()
    return double_bookings(shift=shift)


def set_assignments(*, shift: PatrolShift, members, by) -> list[DoubleBooking]:
    """Book exactly `members` on the shift; returns who is now booked twice at that time."""
    _check(shift, by)
    members = list(members)
    eligible = set(
        Membership.objects.current(on=timezone.localdate(shift.starts_at))
        .filter(group_id=shift.group_id)
        .values_list("member_id", flat=True)
    ) | set(shift.assignments.values_list("member_id", flat=True))
    if any(member.pk not in eligible for member in members):
        raise ValidationError(_("Only members of the group can be booked on its shifts."))
    wanted = {member.pk for member in members}
    with transaction.atomic():
        shift.assignments.exclude(member_id__in=wanted).delete()
        ShiftAssignment.objects.bulk_create(
            [ShiftAssignment(shift=shift, member_id=pk) for pk in wanted], ignore_conflicts=True
        )
        PatrolShift.objects.filter(pk=shift.pk).update(changed_by_hand=True)
    return double_bookings(shift=shift)


def swap_assignments(*, first: ShiftAssignment, second: ShiftAssignment, by) -> None:
    """The two members trade places: each takes the other's shift."""
    if first.shift_id == second.shift_id:
        raise ValidationError(_("Choose someone on another shift."))
    _check(first.shift, by)
    _check(second.shift, by)
    if (
        ShiftAssignment.objects.filter(shift=first.shift, member=second.member).exists()
        or ShiftAssignment.objects.filter(shift=second.shift, member=first.member).exists()
    ):
        raise ValidationError(_("One of them is already on the other shift."))
    with transaction.atomic():
        first_member, second_member = first.member_id, second.member_id
        ShiftAssignment.objects.filter(pk=first.pk).update(member_id=second_member)
        ShiftAssignment.objects.filter(pk=second.pk).update(member_id=first_member)
        PatrolShift.objects.filter(pk__in=[first.shift_id, second.shift_id]).update(
            changed_by_hand=True
        )


def add_partner(*, shift: PatrolShift, by, name: str, organisation: str, kind: str):
    _check(shift, by)
    with transaction.atomic():
        partner = ShiftPartner.objects.create(
            shift=shift, name=name, organisation=organisation, kind=kind
        )
        PatrolShift.objects.filter(pk=shift.pk).update(changed_by_hand=True)
    return partner


def remove_partner(*, partner: ShiftPartner, by) -> None:
    _check(partner.shift, by)
    if partner.attendances.exists():
        raise ValidationError(_("This partner is on the patrol's attendance list."))
    partner.delete()


def double_bookings(*, shift: PatrolShift) -> list[DoubleBooking]:
    """Members of this shift who are also on another planned shift at an overlapping time."""
    if shift.status != ShiftStatus.PLANNED:
        return []
    others = (
        PatrolShift.objects.planned()
        .filter(
            assignments__member__in=shift.assignments.values("member"),
            starts_at__lt=shift.ends_at,
            ends_at__gt=shift.starts_at,
        )
        .exclude(pk=shift.pk)
        .select_related("group")
        .distinct()
    )
    members_of = defaultdict(list)
    for assignment in ShiftAssignment.objects.filter(shift__in=others).select_related("member"):
        members_of[assignment.shift_id].append(assignment.member)
    mine = set(shift.assignments.values_list("member_id", flat=True))
    return [
        DoubleBooking(member=member, other=other)
        for other in others
        for member in members_of[other.pk]
        if member.pk in mine
    ]
