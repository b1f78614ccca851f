"""The patrol log: start, attendance, check-ins, notes, finish; or all of it afterwards.

Idempotency: every change carries a key the page makes once per submission (the
patrol page keeps it while it retries after a dropped connection). The key is
claimed in `LogSubmission` (unique) in the same transaction as the change, so a
repeated POST changes nothing and answers as the first one did.

Times: a change sent late (queued on a phone without network) carries the time
it was made (`at`); it is believed within bounds: never in the future, never
before the patrol started, and a start at most `MAX_BACKDATE` ago.

Who: a current member of the group starts a log and leads that patrol; the
leader of the patrol and the group's leaders change it (`PatrolLog.editable_by`).
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Member, Membership
from patrols.models import (
    Hotspot,
    HotspotCheckIn,
    LogStatus,
    LogSubmission,
    PatrolAttendance,
    PatrolLog,
    PatrolShift,
    ShiftPartner,
    ShiftStatus,
    groups_loggable_by,
)

MAX_BACKDATE = datetime.timedelta(hours=24)
Kind = LogSubmission.Kind


@dataclass(frozen=True)
class Outcome:
    log: PatrolLog
    replayed: bool = False


def auto_close_after() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.PATROL_AUTO_CLOSE_HOURS)


def _claim(*, key: uuid.UUID, kind: str, log: PatrolLog | None) -> bool:
    """Record the key; False if it was recorded before (a repeat)."""
    try:
        with transaction.atomic():
            LogSubmission.objects.create(key=key, kind=kind, log=log)
    except IntegrityError:
        return False
    return True


def _replay(key: uuid.UUID) -> Outcome:
    submission = LogSubmission.objects.select_related("log").get(key=key)
    return Outcome(log=submission.log, replayed=True)


def _when(at, *, not_before, now) -> datetime.datetime:
    if at is None:
        return now
    return min(max(at, not_before), now)


def _check_editable(log: PatrolLog, by) -> None:
    if not PatrolLog.objects.editable_by(by).filter(pk=log.pk).exists():
        raise PermissionDenied(
            _("Only the patrol's leader and the group's leaders change its log.")
        )


# As it happens ----------------------------------------------------------------------


def start_log(*, shift: PatrolShift, by, key: uuid.UUID, at=None) -> Outcome:
    """Start the patrol of `shift`, led by `by`. If someone started it already, that log."""
    if not PatrolShift.objects.loggable_by(by).filter(pk=shift.pk).exists():
        raise PermissionDenied(_("Only members of the group log its patrols."))
    if shift.status == ShiftStatus.CANCELLED:
        raise ValidationError(_("This shift is cancelled."))
    now = timezone.now()
    started_at = _when(at, not_before=now - MAX_BACKDATE, now=now)
    with transaction.atomic():
        if not _claim(key=key, kind=Kind.START, log=None):
            return _replay(key)
        leader = Member.objects.filter(user=by).first()
        try:
            with transaction.atomic():
                log = PatrolLog.objects.create(
                    shift=shift, led_by=leader, started_by=by, started_at=started_at
                )
        except IntegrityError:
            # Somebody else started this shift's patrol a moment ago: join theirs.
            log = PatrolLog.objects.get(shift=shift)
            LogSubmission.objects.filter(key=key).update(log=log)
            return Outcome(log=log, replayed=True)
        LogSubmission.objects.filter(key=key).update(log=log)
        if leader is not None:
            PatrolAttendance.objects.create(log=log, member=leader, present=True)
            _count_present(log)
    return Outcome(log=log)


def checkable_hotspots(user, log: PatrolLog):
    """The hotspots `user` may check in at on `log`'s patrol: active, of the group's
    commune/ward, seen by the user. The log page and the API offer these."""
    return Hotspot.objects.visible_to(user).active().filter(ward=log.shift.group.ward_id)


def attendance_choices(log: PatrolLog) -> tuple[list[Member], list[ShiftPartner]]:
    """Who can be marked: the members booked and every current member of the group, then
    the shift's partners."""
    shift = log.shift
    members = Member.objects.filter(
        pk__in=Membership.objects.current(on=timezone.localdate(shift.starts_at))
        .filter(group_id=shift.group_id)
        .values("member")
    ) | Member.objects.filter(pk__in=shift.assignments.values("member"))
    return list(members.distinct().order_by("full_name", "pk")), list(shift.partners.all())


def record_attendance(
    *, log: PatrolLog, by, key: uuid.UUID, members: dict[int, bool], partners: dict[int, bool]
) -> Outcome:
    """Mark members and partners present (True) or absent (False); others stay as they were."""
    _check_editable(log, by)
    allowed_members, allowed_partners = attendance_choices(log)
    if not set(members) <= {member.pk for member in allowed_members} or not set(partners) <= {
        partner.pk for partner in allowed_partners
    }:
        raise ValidationError(_("Only the group's members and the shift's partners can be marked."))
    with transaction.atomic():
        if not _claim(key=key, kind=Kind.ATTENDANCE, log=log):
            return _replay(key)
        for member_id, present in members.items():
            PatrolAttendance.objects.update_or_create(
                log=log, member_id=member_id, defaults={"present": present}
            )
        for partner_id, present in partners.items():
            PatrolAttendance.objects.update_or_create(
                log=log, partner_id=partner_id, defaults={"present": present}
            )
        _count_present(log)
    return Outcome(log=log)


def _count_present(log: PatrolLog) -> None:
    count = log.attendances.filter(present=True).count()
    PatrolLog.objects.filter(pk=log.pk).update(people_present=count)
    log.people_present = count


def check_in(
    *,
    log: PatrolLog,
    hotspot: Hotspot,
    by,
    key: uuid.UUID,
    at=None,
    latitude=None,
    longitude=None,
    note: str = "",
) -> Outcome:
    """Record that the patrol checked `hotspot`, when, and optionally where from."""
    _check_editable(log, by)
    if not Hotspot.objects.visible_to(by).filter(pk=hotspot.pk).exists():
        raise PermissionDenied(_("This hotspot is not in your area."))
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("A position needs both latitude and longitude."))
    now = timezone.now()
    checked_at = _when(at, not_before=log.started_at, now=now)
    if log.finished_at is not None and checked_at > log.finished_at and not log.was_auto_closed:
        raise ValidationError(_("The patrol is finished; check-ins after its end are refused."))
    with transaction.atomic():
        if not _claim(key=key, kind=Kind.CHECK_IN, log=log):
            return _replay(key)
        HotspotCheckIn.objects.create(
            log=log,
            hotspot=hotspot,
            checked_at=checked_at,
            latitude=latitude,
            longitude=longitude,
            note=note.strip()[:500],
            checked_by=by,
        )
        Hotspot.objects.filter(pk=hotspot.pk).update(
            last_checked_at=Greatest(Coalesce(F("last_checked_at"), checked_at), checked_at)
        )
    return Outcome(log=log)


def save_notes(*, log: PatrolLog, by, key: uuid.UUID, route: str, observations: str) -> Outcome:
    _check_editable(log, by)
    with transaction.atomic():
        if not _claim(key=key, kind=Kind.NOTES, log=log):
            return _replay(key)
        log.route, log.observations = route.strip(), observations.strip()
        log.save(update_fields=["route", "observations", "updated_at"])
    return Outcome(log=log)


def finish_log(*, log: PatrolLog, by, key: uuid.UUID, at=None) -> Outcome:
    """Finish the patrol. A finish that arrives after the log was closed automatically
    (a phone long without network) still sets the real end; the flag stays."""
    _check_editable(log, by)
    finished_at = _when(at, not_before=log.started_at, now=timezone.now())
    with transaction.atomic():
        if not _claim(key=key, kind=Kind.FINISH, log=log):
            return _replay(key)
        PatrolLog.objects.filter(
            pk=log.pk, status__in=[LogStatus.IN_PROGRESS, LogStatus.AUTO_CLOSED]
        ).update(status=LogStatus.FINISHED, finished_at=finished_at)
    log.refresh_from_db()
    return Outcome(log=log)


# Afterwards -------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerEntry:
    name: str
    organisation: str
    kind: str


def enter_afterwards(
    *,
    by,
    key: uuid.UUID,
    group=None,
    shift: PatrolShift | None = None,
    started_at: datetime.datetime,
    finished_at: datetime.datetime,
    route: str = "",
    observations: str = "",
    present: list[Member] = (),
    partners_present: list[ShiftPartner] = (),
    partners: list[PartnerEntry] = (),
    hotspots: list[Hotspot] = (),
) -> Outcome:
    """A whole log entered after the patrol: for a planned shift, or (no shift) for a
    patrol that was not planned, which gets a shift of its own. `present` are the
    members who came, `partners_present` the shift's partners who came, `partners`
    partners who were not on the shift."""
    if shift is None and group is None:
        raise ValueError("give the shift or, for a patrol that was not planned, the group")
    now = timezone.now()
    if not started_at < finished_at <= now + datetime.timedelta(minutes=5):
        raise ValidationError(_("The patrol has to end after it starts, and not in the future."))
    if shift is not None:
        if not PatrolShift.objects.loggable_by(by).filter(pk=shift.pk).exists():
            raise PermissionDenied(_("Only members of the group log its patrols."))
        if shift.status == ShiftStatus.CANCELLED:
            raise ValidationError(_("This shift is cancelled."))
    elif not groups_loggable_by(by).filter(pk=group.pk).exists():
        raise PermissionDenied(_("Only members of the group log its patrols."))
    visible = set(
        Hotspot.objects.visible_to(by)
        .filter(pk__in=[hotspot.pk for hotspot in hotspots])
        .values_list("pk", flat=True)
    )
    if len(visible) != len({hotspot.pk for hotspot in hotspots}):
        raise PermissionDenied(_("This hotspot is not in your area."))
    with transaction.atomic():
        if not _claim(key=key, kind=Kind.AFTERWARDS, log=None):
            return _replay(key)
        if shift is None:
            shift = PatrolShift.objects.create(
                group=group, starts_at=started_at, ends_at=finished_at, changed_by_hand=True
            )
        elif PatrolLog.objects.filter(shift=shift).exists():
            raise ValidationError(_("This shift already has a log."))
        log = PatrolLog.objects.create(
            shift=shift,
            led_by=Member.objects.filter(user=by).first(),
            started_by=by,
            status=LogStatus.FINISHED,
            started_at=started_at,
            finished_at=finished_at,
            route=route.strip(),
            observations=observations.strip(),
            entered_afterwards=True,
        )
        LogSubmission.objects.filter(key=key).update(log=log)
        PatrolAttendance.objects.bulk_create(
            [PatrolAttendance(log=log, member=member, present=True) for member in present]
            + [
                PatrolAttendance(log=log, partner=partner, present=True)
                for partner in partners_present
                if partner.shift_id == shift.pk
            ]
        )
        for entry in partners:
            partner = ShiftPartner.objects.create(
                shift=shift, name=entry.name, organisation=entry.organisation, kind=entry.kind
            )
            PatrolAttendance.objects.create(log=log, partner=partner, present=True)
        for hotspot in hotspots:
            HotspotCheckIn.objects.create(
                log=log, hotspot=hotspot, checked_at=started_at, checked_by=by
            )
            Hotspot.objects.filter(pk=hotspot.pk).update(
                last_checked_at=Greatest(Coalesce(F("last_checked_at"), started_at), started_at)
            )
        _count_present(log)
    return Outcome(log=log)


# Forgotten logs -----------------------------------------------------------------------

AUTO_CLOSE_BATCH = 200


def auto_close_stale_logs(*, now: datetime.datetime | None = None) -> int:
    """Close the logs still in progress `PATROL_AUTO_CLOSE_HOURS` after they started, and
    flag them. Their end is the last thing known: the shift's planned end or the last
    check-in, whichever is later, and never after now.

    Safe to run in several workers at once: each batch locks its rows, skipping
    those another worker holds, and the update only touches logs still in progress.
    """
    now = now or timezone.now()
    closed = 0
    while True:
        with transaction.atomic():
            batch = list(
                PatrolLog.objects.in_progress()
                .filter(started_at__lt=now - auto_close_after())
                .select_related("shift")
                .annotate(last_checkin=Max("checkins__checked_at"))
                .order_by("started_at")[:AUTO_CLOSE_BATCH]
            )
            locked = set(
                PatrolLog.objects.filter(pk__in=[log.pk for log in batch], status="in_progress")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)
            )
            for log in batch:
                if log.pk not in locked:
                    continue
                known = [log.started_at, log.shift.ends_at, log.last_checkin or log.started_at]
                closed += PatrolLog.objects.filter(pk=log.pk, status=LogStatus.IN_PROGRESS).update(
                    status=LogStatus.AUTO_CLOSED,
                    finished_at=max(log.started_at, min(max(known), now)),
                    auto_closed_at=now,
                )
        if len(batch) < AUTO_CLOSE_BATCH or not locked:
            return closed
