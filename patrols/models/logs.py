"""Patrol logs: one shift as it happened (patrols/logbook.py), who came, the
hotspots checked in at and the incidents seen."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.formats import date_text
from groups.models import Member, Membership
from patrols.models.common import MapPointMixin, inactive, map_point_constraint
from patrols.models.hotspots import Hotspot
from patrols.models.shifts import PatrolShift, ShiftPartner


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
        if inactive(user):
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(shift__group__ward_id=user.police_ward_id)
        led_groups = Membership.objects.led_by(user).values("group")
        # The three ways in as one list of ids, looked up by key: an OR of them made
        # PostgreSQL read every log of the country for one leader's list
        # (docs/scale.md, as for a leader's reports).
        logs = self.model.objects.order_by().values("pk")
        reached = logs.filter(shift__group__in=led_groups).union(
            logs.filter(led_by__user=user),
            PatrolAttendance.objects.filter(member__user=user).order_by().values("log"),
        )
        return self.filter(pk__in=reached)

    def editable_by(self, user):
        """Admins: all. Leaders/deputies: their groups' logs. The member who leads the
        patrol: that log."""
        if inactive(user):
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
    leader_told_at = models.DateTimeField(
        _("leader told at"), null=True, blank=True, editable=False
    )
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
        if inactive(user):
            return self.none()
        if user.is_province_admin:
            return self
        # One list of ids for both ways in, as PatrolLogQuerySet.visible_to does.
        check_ins = self.model.objects.order_by().values("pk")
        reached = check_ins.filter(hotspot__in=Hotspot.objects.visible_to(user)).union(
            check_ins.filter(log__in=PatrolLog.objects.visible_to(user))
        )
        return self.filter(pk__in=reached)


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
        constraints = [map_point_constraint("checkin_map_point_complete_and_valid")]
        indexes = [
            # A hotspot's history, newest first.
            models.Index(fields=["hotspot", "-checked_at"], name="checkin_hotspot_time_idx"),
        ]

    def __str__(self):
        return f"{self.hotspot} · {date_text(self.checked_at)}"


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
    key = models.UUIDField(_("key"), unique=True, default=uuid.uuid4, editable=False)
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
