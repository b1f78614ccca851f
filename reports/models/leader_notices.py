"""The outbox of emails to group leaders (see reports/escalation/leader_notices.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models.reports import Report


class LeaderNoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Province administrators see every notice; anyone else the ones sent to them."""
        if not user.is_authenticated:
            return self.none()
        if user.is_province_admin:
            return self
        return self.filter(user=user)

    def editable_by(self, user):
        if user.is_authenticated and user.is_province_admin:
            return self
        return self.none()


class LeaderNotice(models.Model):
    """One email to one leader, written in the transaction that makes it due.

    The row is the delivery record: a worker claims it (pending → sending)
    with a conditional UPDATE before sending and marks it sent right after,
    so that a retry half-way through a list of leaders mails only those not
    mailed yet, and a broker outage loses nothing (the sweep hands out what
    is due).
    """

    class Kind(models.TextChoices):
        NEW_REPORT = "new_report", _("New report")
        REMINDER = "reminder", _("Reminder before the deadline")
        MISSED_SHIFTS = "missed_shifts", _("Missed patrol shifts")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # A reminder whose report was acknowledged before it went out.
        DROPPED = "dropped", _("No longer needed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="leader_notices",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.CASCADE,
        related_name="leader_notices",
    )
    # Copied, as Notice.address is, so that the record stays true when the user changes.
    address = models.EmailField(_("address"))
    subject = models.CharField(_("subject"), max_length=500)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the sweep may hand the notice to a worker (again): a grace after
    # creation (the after-commit message normally delivers it first), after a
    # transient failure (backoff), and when a delivery's lease runs out.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = LeaderNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice to a leader")
        verbose_name_plural = _("notices to leaders")
        ordering = ["-pk"]
        constraints = [
            # A leader hears of a report's arrival, and is reminded of it, once.
            models.UniqueConstraint(
                fields=["kind", "report", "user"],
                condition=Q(report__isnull=False),
                name="leadernotice_once_per_report_kind_and_leader",
            ),
            models.CheckConstraint(
                condition=Q(kind="missed_shifts") | Q(report__isnull=False),
                name="leadernotice_report_notices_name_their_report",
            ),
        ]
        indexes = [
            # The sweep's query (leader_notices.enqueue_due): what is still to
            # deliver and whose time has come.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="leadernotice_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.address}"

    @property
    def idempotency_key(self) -> str:
        """The Message-ID's local part: a mail server that honours it drops a repeat."""
        return f"tuquan-leader-notice-{self.pk}"
