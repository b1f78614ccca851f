"""Patrol schedules and the shifts materialised from them (patrols/schedule.py),
with who takes each shift."""

import datetime

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.formats import date_text
from groups.models import Area, Member, Membership, SelfManagementGroup
from patrols.models.common import inactive
from patrols.models.hotspots import Hotspot


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
    def in_words(self) -> str:
        """ "Thứ Hai và Thứ Năm hằng tuần, 20:00-22:00" (patrols/schedule_words.py)."""
        from patrols.schedule_words import schedule_in_words

        return schedule_in_words(self)

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

    def missed(self, now: datetime.datetime | None = None):
        """Planned shifts that are over and have no log."""
        return self.planned().filter(ends_at__lte=now or timezone.now(), log__isnull=True)

    def untouched(self):
        """Shifts regeneration may replace: made by the schedule and never changed since."""
        return self.filter(changed_by_hand=False, log__isnull=True)

    def loggable_by(self, user):
        """Shifts the user may start or enter a log for (groups_loggable_by)."""
        return self.filter(group__in=groups_loggable_by(user))


def groups_loggable_by(user):
    """The groups whose patrols `user` may log, started on the way or entered
    afterwards: those they are a current member of; every group for a province
    administrator. The one rule the log pages and patrols/logbook.py ask."""
    if inactive(user):
        return SelfManagementGroup.objects.none()
    if user.is_province_admin:
        return SelfManagementGroup.objects.all()
    return SelfManagementGroup.objects.filter(
        pk__in=Membership.objects.current().filter(member__user=user).values("group")
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
        return f"{self.group} · {date_text(local)}"

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
        except ObjectDoesNotExist:
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
