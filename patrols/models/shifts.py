"""Patrol schedules and their shifts, patrol logs, and the hotspots patrols watch.

A schedule belongs to a group and has a recurrence; its shifts are
materialised for a rolling window (patrols/schedule.py), so that each one can
be changed, cancelled or swapped on its own. A patrol log records one shift as
it happened (patrols/logbook.py). Hotspots are places prone to social evils,
registered per area and checked in at during patrols.

Visibility is decided in one place per model, as everywhere in tuquan:
``Model.objects.visible_to(user)`` and ``editable_by(user)``. In short: a
leader sees the group's patrols, ward police see their ward's, a member sees
the group's schedule and the logs they took part in.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Area, Member, Membership, SelfManagementGroup


def _inactive(user) -> bool:
    return not user.is_authenticated or not user.is_active


class MapPointMixin(models.Model):
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        abstract = True


def _map_point_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(latitude__isnull=True, longitude__isnull=True)
        | Q(latitude__range=(-90, 90), longitude__range=(-180, 180)),
        name=name,
    )


# Hotspots -------------------------------------------------------------------------


class HotspotKind(models.TextChoices):
    DRUGS = "drugs", _("Drug use")
    GAMBLING = "gambling", _("Gambling")
    PROSTITUTION = "prostitution", _("Prostitution")
    FIGHTS = "fights", _("Fights and public disorder")
    OTHER = "other", _("Other social evils")


class RiskLevel(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class HotspotQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def not_checked_for(self, days: int, now: datetime.datetime | None = None):
        """Active hotspots nobody has checked in at for `days` days (or ever)."""
        since = (now or timezone.now()) - datetime.timedelta(days=days)
        return self.active().filter(Q(last_checked_at__lt=since) | Q(last_checked_at__isnull=True))

    def _for_groups(self, groups):
        # A group of one residential unit watches that unit's hotspots and the ones
        # registered for its whole commune/ward; a ward-wide group watches the ward.
        return self.filter(
            Q(ward__in=groups.filter(unit__isnull=True).values("ward"))
            | Q(unit__in=groups.filter(unit__isnull=False).values("unit"))
            | Q(unit__isnull=True, ward__in=groups.values("ward"))
        )

    def visible_to(self, user):
        """Admins: all. Ward police: their ward's. Group people: their groups' areas'."""
        if _inactive(user):
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(ward_id=user.police_ward_id)
        return self._for_groups(SelfManagementGroup.objects.visible_to(user))

    def editable_by(self, user):
        """Admins: all. Ward police: their ward's. Leaders: their groups' areas'."""
        if _inactive(user):
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(ward_id=user.police_ward_id)
        return self._for_groups(SelfManagementGroup.objects.editable_by(user))


class Hotspot(MapPointMixin, models.Model):
    """A place prone to social evils that patrols keep an eye on."""

    ward = models.ForeignKey(
        Area,
        verbose_name=_("commune/ward"),
        on_delete=models.PROTECT,
        related_name="hotspots",
        limit_choices_to={"depth": 2},
    )
    unit = models.ForeignKey(
        Area,
        verbose_name=_("residential unit"),
        on_delete=models.PROTECT,
        related_name="unit_hotspots",
        null=True,
        blank=True,
        limit_choices_to={"depth": 3},
        help_text=_("Leave empty for a place that concerns the whole commune/ward."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=HotspotKind.choices)
    risk = models.PositiveSmallIntegerField(
        _("risk level"), choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    address = models.CharField(_("address or landmark"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(
        _("still watched"), default=True, help_text=_("Untick when the place is no longer a risk.")
    )
    # Kept by patrols.logbook.check_in, so that "not checked for N days" is one
    # indexed filter instead of an aggregate over every check-in.
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = HotspotQuerySet.as_manager()

    class Meta:
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        ordering = ["-risk", "name"]
        constraints = [
            _map_point_constraint("hotspot_map_point_complete_and_valid"),
        ]
        indexes = [
            # The hotspot list and "not checked for N days": one ward's active hotspots.
            models.Index(
                fields=["ward", "active", "last_checked_at"], name="hotspot_ward_checked_idx"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.unit_id and self.ward_id and not self.unit.path.startswith(self.ward.path):
            raise ValidationError({"unit": _("The residential unit must lie in the commune/ward.")})

    @property
    def place(self):
        return self.unit or self.ward


# Schedules and shifts ---------------------------------------------------------------


class GroupPatrolQuerySet(models.QuerySet):
    """Rows of one group's patrol planning: seen by the group, edited by its leaders."""

    group_path = "group"

    def visible_to(self, user):
        return self.filter(
            **{f"{self.group_path}__in": SelfManagementGroup.objects.visible_to(user)}
        )

    def editable_by(self, user):
        return self.filter(
            **{f"{self.group_path}__in": SelfManagementGroup.objects.editable_by(user)}
        )


class PatrolScheduleQuerySet(GroupPatrolQuerySet):
    def running(self, on: datetime.date | None = None):
        """Schedules that still produce shifts on or after `on` (today)."""
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))


class PatrolSchedule(models.Model):
    """A group's recurring patrol: when, where, how many, and the team that takes turns."""

    group = models.ForeignKey(
        SelfManagementGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="patrol_schedules",
    )
    title = models.CharField(_("name"), max_length=200)
    # An iCalendar RRULE (RFC 5545) without DTSTART, e.g. FREQ=WEEKLY;BYDAY=FR,SA;
    # patrols/recurrence.py validates and expands it in local time.
    rule = models.CharField(_("recurrence rule"), max_length=500)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(
        _("ends at"), help_text=_("A time before the start means the patrol ends the next day.")
    )
    route = models.TextField(_("route"), blank=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("residential unit patrolled"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"depth": 3},
    )
    meeting_point = models.CharField(_("meeting point"), max_length=255, blank=True)
    people_needed = models.PositiveSmallIntegerField(_("people needed"), default=2)
    team = models.ManyToManyField(
        Member,
        verbose_name=_("team"),
        related_name="patrol_schedules",
        blank=True,
        help_text=_("Members who take turns on the shifts, in rotation."),
    )
    hotspots = models.ManyToManyField(
        Hotspot,
        verbose_name=_("hotspots on the route"),
        related_name="schedules",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PatrolScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol schedule")
        verbose_name_plural = _("patrol schedules")
        ordering = ["group", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_needed__gte=1), name="patrolschedule_needs_someone"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="patrolschedule_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(start_time=models.F("end_time")),
                name="patrolschedule_has_duration",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        from patrols.recurrence import validate_rule

        if self.area_id and self.group_id and not self.area.path.startswith(self.group.ward.path):
            raise ValidationError(
                {"area": _("The residential unit must lie in the group's commune/ward.")}
            )
        if self.start_time and self.end_time and self.start_time == self.end_time:
            raise ValidationError({"end_time": _("A patrol has to last a while.")})
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day lies before the first.")})
        if self.rule and self.starts_on and self.start_time:
            self.rule = validate_rule(rule=self.rule, starts_on=self.starts_on)

    @property
    def duration(self) -> datetime.timedelta:
        start = datetime.datetime.combine(datetime.date.min, self.start_time)
        end = datetime.datetime.combine(datetime.date.min, self.end_time)
        if end <= start:
            end += datetime.timedelta(days=1)
        return end - start


class ShiftStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CANCELLED = "cancelled", _("Cancelled")


# What a shift's card says it is (PatrolShift.state); words, never colour alone.
SHIFT_STATES = {
    "upcoming": _("Upcoming"),
    "due": _("Due now"),
    "in_progress": _("Patrol under way"),
    "done": _("Done"),
    "missed": _("Missed"),
    "cancelled": _("Cancelled"),
}


class PatrolShiftQuerySet(GroupPatrolQuerySet):
    def planned(self):
        return self.filter(status=ShiftStatus.PLANNED)

    def between(self, start: datetime.datetime, end: datetime.datetime):
        """Shifts that start in [start, end)."""
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def upcoming(self, now: datetime.datetime | None = None):
        return self.filter(ends_at__gt=now or timezone.now())

    def this_week(self):
        start = local_midnight(timezone.localdate())
        start -= datetime.timedelta(days=start.weekday())
        return self.between(start, start + datetime.timedelta(days=7))

    def missed(self, now: datetime.datetime | None = None):
        """Planned shifts that are over and have no log."""
        return self.planned().filter(ends_at__lte=now or timezone.now(), log__isnull=True)

    def untouched(self):
        """Shifts regeneration may replace: made by the schedule and never changed since."""
        return self.filter(changed_by_hand=False, log__isnull=True)

    def of_member(self, member):
        return self.filter(assignments__member=member)

    def loggable_by(self, user):
        """Shifts the user may start or enter a log for: current members of the group."""
        if _inactive(user):
            return self.none()
        if user.is_province_admin:
            return self
        return self.filter(
            group__in=Membership.objects.current().filter(member__user=user).values("group")
        )


class PatrolShift(models.Model):
    """One patrol on one day: made from a schedule's recurrence, or planned on its own."""

    group = models.ForeignKey(
        SelfManagementGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="patrol_shifts",
    )
    schedule = models.ForeignKey(
        PatrolSchedule,
        verbose_name=_("schedule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shifts",
    )
    # The start the recurrence gave this shift; stays when the shift is moved, so
    # that regeneration recognises it (unique per schedule).
    occurrence = models.DateTimeField(_("planned by the schedule for"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    route = models.TextField(_("route"), blank=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("residential unit patrolled"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"depth": 3},
    )
    meeting_point = models.CharField(_("meeting point"), max_length=255, blank=True)
    people_needed = models.PositiveSmallIntegerField(_("people needed"), default=2)
    status = models.CharField(
        _("status"), max_length=16, choices=ShiftStatus.choices, default=ShiftStatus.PLANNED
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    changed_by_hand = models.BooleanField(
        _("changed by hand"),
        default=False,
        help_text=_("Changing the schedule leaves shifts changed by hand as they are."),
    )
    members = models.ManyToManyField(
        Member,
        verbose_name=_("assigned members"),
        through="ShiftAssignment",
        related_name="patrol_shifts",
        blank=True,
    )
    # When the morning notice told the leaders that this shift was missed
    # (patrols/missed.py); set once, so that each missed shift is told once.
    leader_told_at = models.DateTimeField(_("leaders told it was missed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PatrolShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol shift")
        verbose_name_plural = _("patrol shifts")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="patrolshift_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(people_needed__gte=1), name="patrolshift_needs_someone"
            ),
            models.CheckConstraint(
                condition=Q(schedule__isnull=True) | Q(occurrence__isnull=False),
                name="patrolshift_scheduled_has_occurrence",
            ),
            # Materialising twice (the nightly task and an edit at once) makes nothing twice.
            models.UniqueConstraint(
                fields=["schedule", "occurrence"],
                condition=Q(schedule__isnull=False),
                name="patrolshift_once_per_occurrence",
            ),
        ]
        indexes = [
            # Group calendar, "my shifts" and the coverage of one group: by start.
            models.Index(fields=["group", "starts_at"], name="patrolshift_group_start_idx"),
            # Coverage of a ward or the province for one month.
            models.Index(fields=["starts_at"], name="patrolshift_start_idx"),
            # The morning sweep of missed shifts: planned ones nobody was told about.
            models.Index(
                fields=["ends_at"],
                condition=Q(status="planned", leader_told_at__isnull=True),
                name="patrolshift_missed_due_idx",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.group} · {local:%d/%m/%Y %H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The shift has to end after it starts.")})
        if self.area_id and self.group_id and not self.area.path.startswith(self.group.ward.path):
            raise ValidationError(
                {"area": _("The residential unit must lie in the group's commune/ward.")}
            )

    @property
    def is_cancelled(self) -> bool:
        return self.status == ShiftStatus.CANCELLED

    @property
    def place(self):
        return self.area or self.group.place

    def log_or_none(self):
        try:
            return self.log
        except PatrolLog.DoesNotExist:
            return None

    @property
    def state(self) -> str:
        """For display: upcoming, in progress, done, missed or cancelled."""
        if self.is_cancelled:
            return "cancelled"
        if self.log_or_none() is not None:
            return "done" if self.log.is_closed else "in_progress"
        now = timezone.now()
        if self.ends_at <= now:
            return "missed"
        return "due" if self.starts_at <= now else "upcoming"

    @property
    def state_label(self) -> str:
        return SHIFT_STATES[self.state]


class ShiftAssignmentQuerySet(GroupPatrolQuerySet):
    group_path = "shift__group"

    def with_overlaps(self):
        """Annotate `double_booked`: the member is also on another planned shift
        that overlaps this one in time, in any group."""
        overlapping = ShiftAssignment.objects.filter(
            member=OuterRef("member"),
            shift__status=ShiftStatus.PLANNED,
            shift__starts_at__lt=OuterRef("shift__ends_at"),
            shift__ends_at__gt=OuterRef("shift__starts_at"),
        ).exclude(pk=OuterRef("pk"))
        return self.annotate(
            double_booked=Case(
                When(Q(shift__status=ShiftStatus.PLANNED) & Exists(overlapping), then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        )


class ShiftAssignment(models.Model):
    shift = models.ForeignKey(
        PatrolShift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="assignments"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="shift_assignments",
    )

    objects = ShiftAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift assignment")
        verbose_name_plural = _("shift assignments")
        ordering = ["member__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "member"], name="shiftassignment_unique")
        ]

    def __str__(self):
        return f"{self.member} → {self.shift}"


class PartnerKind(models.TextChoices):
    POLICE = "police", _("Commune/ward police")
    SECURITY = "security", _("Factory or company security")
    MARKET_BOARD = "market_board", _("Market board")
    MILITIA = "militia", _("Militia")
    OTHER = "other", _("Other")


class ShiftPartnerQuerySet(GroupPatrolQuerySet):
    group_path = "shift__group"


class ShiftPartner(models.Model):
    """Someone on a joint patrol who is not a member: a police officer, a factory guard, …"""

    shift = models.ForeignKey(
        PatrolShift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="partners"
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=PartnerKind.choices, default=PartnerKind.OTHER
    )

    objects = ShiftPartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol partner")
        verbose_name_plural = _("patrol partners")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


# Patrol logs ------------------------------------------------------------------------


class LogStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    FINISHED = "finished", _("Finished")
    AUTO_CLOSED = "auto_closed", _("Closed automatically")


class PatrolLogQuerySet(models.QuerySet):
    def in_progress(self):
        return self.filter(status=LogStatus.IN_PROGRESS)

    def closed(self):
        return self.exclude(status=LogStatus.IN_PROGRESS)

    def visible_to(self, user):
        """Admins: all. Ward police: their ward's. Leaders/deputies: their groups' logs.
        Members: the logs they led or are on the attendance list of."""
        if _inactive(user):
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(shift__group__ward_id=user.police_ward_id)
        led_groups = Membership.objects.led_by(user).values("group")
        return self.filter(
            Q(shift__group__in=led_groups)
            | Q(led_by__user=user)
            | Q(pk__in=PatrolAttendance.objects.filter(member__user=user).values("log"))
        )

    def editable_by(self, user):
        """Admins: all. Leaders/deputies: their groups' logs. The member who leads the
        patrol: that log."""
        if _inactive(user):
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.none()
        led_groups = Membership.objects.led_by(user).values("group")
        return self.filter(Q(shift__group__in=led_groups) | Q(led_by__user=user))


class PatrolLog(models.Model):
    """What happened on one shift: who came, the route, hotspots checked, what was seen."""

    # Regeneration never deletes a shift with a log (PatrolShiftQuerySet.untouched);
    # a shift deleted by hand, or with its group, takes its log along.
    shift = models.OneToOneField(
        PatrolShift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="log"
    )
    led_by = models.ForeignKey(
        Member,
        verbose_name=_("led by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patrol_logs",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=LogStatus.choices, default=LogStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    auto_closed_at = models.DateTimeField(_("closed automatically at"), null=True, blank=True)
    route = models.TextField(_("route taken"), blank=True)
    observations = models.TextField(_("what was observed"), blank=True)
    entered_afterwards = models.BooleanField(_("entered afterwards"), default=False)
    # Members and partners marked present; kept by patrols.logbook so that coverage
    # counts person-hours without reading every attendance row.
    people_present = models.PositiveSmallIntegerField(_("people present"), default=0)
    # When the morning notice told the leaders that the log was closed automatically.
    leader_told_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PatrolLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol log")
        verbose_name_plural = _("patrol logs")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="in_progress", finished_at__isnull=True)
                | (~Q(status="in_progress") & Q(finished_at__gte=models.F("started_at"))),
                name="patrollog_finished_iff_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status="auto_closed") | Q(auto_closed_at__isnull=False),
                name="patrollog_auto_closed_has_time",
            ),
        ]
        indexes = [
            # The auto-close sweep: logs still open, oldest first; small however many logs.
            models.Index(
                fields=["started_at"],
                condition=Q(status="in_progress"),
                name="patrollog_open_idx",
            ),
            # The list of logs, newest first.
            models.Index(fields=["-started_at", "-id"], name="patrollog_newest_idx"),
        ]

    def __str__(self):
        return str(_("Patrol log #%(pk)s") % {"pk": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status != LogStatus.IN_PROGRESS

    @property
    def was_auto_closed(self) -> bool:
        return self.auto_closed_at is not None

    @property
    def group(self):
        return self.shift.group


class LogPartQuerySet(models.QuerySet):
    """Rows that belong to one patrol log: seen and edited as the log is."""

    def visible_to(self, user):
        return self.filter(log__in=PatrolLog.objects.visible_to(user))

    def editable_by(self, user):
        return self.filter(log__in=PatrolLog.objects.editable_by(user))


class PatrolAttendance(models.Model):
    """Whether a member, or a partner of a joint patrol, was there."""

    log = models.ForeignKey(
        PatrolLog, verbose_name=_("log"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="patrol_attendances",
    )
    partner = models.ForeignKey(
        ShiftPartner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
    )
    present = models.BooleanField(_("present"))

    objects = LogPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, partner__isnull=True)
                | Q(member__isnull=True, partner__isnull=False),
                name="patrolattendance_member_or_partner",
            ),
            models.UniqueConstraint(
                fields=["log", "member"],
                condition=Q(member__isnull=False),
                name="patrolattendance_member_once",
            ),
            models.UniqueConstraint(
                fields=["log", "partner"],
                condition=Q(partner__isnull=False),
                name="patrolattendance_partner_once",
            ),
        ]

    def __str__(self):
        return f"{self.member or self.partner}: {self.present}"


class CheckInQuerySet(LogPartQuerySet):
    def visible_to(self, user):
        """Who sees the hotspot sees its history; who sees the log sees its check-ins."""
        return self.filter(
            Q(hotspot__in=Hotspot.objects.visible_to(user))
            | Q(log__in=PatrolLog.objects.visible_to(user))
        )


class HotspotCheckIn(MapPointMixin, models.Model):
    log = models.ForeignKey(
        PatrolLog, verbose_name=_("log"), on_delete=models.CASCADE, related_name="checkins"
    )
    hotspot = models.ForeignKey(
        Hotspot, verbose_name=_("hotspot"), on_delete=models.PROTECT, related_name="checkins"
    )
    checked_at = models.DateTimeField(_("checked at"))
    note = models.CharField(_("what was seen"), max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("hotspot check-in")
        verbose_name_plural = _("hotspot check-ins")
        ordering = ["-checked_at", "-pk"]
        constraints = [_map_point_constraint("checkin_map_point_complete_and_valid")]
        indexes = [
            # A hotspot's history, newest first.
            models.Index(fields=["hotspot", "-checked_at"], name="checkin_hotspot_time_idx"),
        ]

    def __str__(self):
        return f"{self.hotspot} · {timezone.localtime(self.checked_at):%d/%m/%Y %H:%M}"


class PatrolIncident(models.Model):
    """A report filed from a patrol: the patrol's log and the report point at each other
    (``log.incidents`` and ``report.patrol_incident``)."""

    log = models.ForeignKey(
        PatrolLog, verbose_name=_("log"), on_delete=models.CASCADE, related_name="incidents"
    )
    report = models.OneToOneField(
        "reports.Report",
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="patrol_incident",
    )
    hotspot = models.ForeignKey(
        Hotspot,
        verbose_name=_("found at hotspot"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )
    # The form's idempotency key: sending the form twice files one report.
    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)

    objects = LogPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident found on patrol")
        verbose_name_plural = _("incidents found on patrol")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.report_id} ← {self.log}"


class LogSubmission(models.Model):
    """The idempotency ledger of the patrol log page.

    Every change to a log (start, attendance, check-in, notes, finish, a whole log
    entered afterwards) carries a key the page makes once per submission and keeps
    while it retries. The unique key means a repeated POST (a retry after a dropped
    connection, a double tap) changes nothing: patrols.logbook claims the key in the
    same transaction as the change.
    """

    class Kind(models.TextChoices):
        START = "start", _("Start")
        ATTENDANCE = "attendance", _("Attendance")
        CHECK_IN = "check_in", _("Check-in")
        NOTES = "notes", _("Route and observations")
        FINISH = "finish", _("Finish")
        AFTERWARDS = "afterwards", _("Entered afterwards")

    key = models.UUIDField(_("key"))
    log = models.ForeignKey(
        PatrolLog,
        verbose_name=_("log"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="submissions",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    objects = LogPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("log submission")
        verbose_name_plural = _("log submissions")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["key"], name="logsubmission_key_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}"


# Calendar feed ----------------------------------------------------------------------


class CalendarFeedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins: all (to rotate a leaked link). Everyone else: their own."""
        if _inactive(user):
            return self.none()
        if user.is_province_admin:
            return self
        return self.filter(member__user=user)

    def editable_by(self, user):
        return self.visible_to(user)


class CalendarFeed(models.Model):
    """A member's secret calendar address (patrols/ical.py).

    The token is kept as it is, not hashed: it opens nothing but the member's own
    shifts, which the database holds anyway, and the member must be able to see
    the address again to add it to a second phone. Rotating it makes a new one.
    """

    member = models.OneToOneField(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("made"), default=timezone.now)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")

    def __str__(self):
        return str(self.member)


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The aware start of `day` in the portal's time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())
