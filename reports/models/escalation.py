"""The escalation chain's rules and its ledger (see reports/escalation/chain.py)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.formats import date_text
from groups.models import Area
from reports.models.reports import Category, Report
from reports.vault import EncryptedTextField

# reports/escalation/chain.py decides; these rows are its ledger. The unique
# constraints are what makes "exactly once per level" and "one notice per
# contact and channel" hold with several workers and sweeps at once.


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo (ZNS)")
    WEBHOOK = "webhook", _("Webhook")


class EscalationRule(models.Model):
    """How a category's reports go up the chain when nobody acts on them."""

    category = models.OneToOneField(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="escalation_rule",
    )
    remind_leaders_at_percent = models.PositiveSmallIntegerField(
        _("remind the leaders at (% of the deadline)"),
        default=75,
        help_text=_("0 sends no reminder."),
    )

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(remind_leaders_at_percent__lt=100),
                name="escalationrule_reminder_before_deadline",
            )
        ]

    def __str__(self):
        return str(self.category)


class EscalationLevel(models.Model):
    class Reach(models.TextChoices):
        WARD_FIRST = "ward_first", _("The ward's contact list, from the top")
        WARD_NEXT = "ward_next", _("The ward's contact list, after those already reached")
        PROVINCE_DUTY = "province_duty", _("The province duty contacts")

    rule = models.ForeignKey(EscalationRule, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(_("level"))
    reaches = models.CharField(_("reaches"), max_length=16, choices=Reach.choices)
    contact_count = models.PositiveSmallIntegerField(
        _("how many contacts"),
        null=True,
        blank=True,
        help_text=_("Empty: every active contact of the list."),
    )
    window_minutes = models.PositiveIntegerField(
        _("minutes for the police to acknowledge before the next level"), default=30
    )
    channels = ArrayField(
        models.CharField(max_length=16, choices=NoticeChannel.choices),
        verbose_name=_("channels"),
        default=list,
        help_text=_("Each contact is reached on those of these channels they prefer."),
    )

    class Meta:
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")
        ordering = ["rule", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="escalationlevel_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="escalationlevel_from_one"),
            models.CheckConstraint(
                condition=Q(window_minutes__gt=0), name="escalationlevel_window_positive"
            ),
        ]

    def __str__(self):
        return f"{self.rule} · {self.number}"


class EscalationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(report__in=Report.objects.visible_to(user))

    def editable_by(self, user):
        # The ledger is written by the sweep and by acknowledgements only.
        return self.none()

    def awaiting_acknowledgement(self):
        return self.filter(acknowledged_at__isnull=True, report__escalate_at__isnull=False)


class Escalation(models.Model):
    """A report taken to one level of the chain. Exactly one per report and level."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="escalations"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    created_at = models.DateTimeField(_("escalated at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="acknowledged_escalations",
    )

    objects = EscalationQuerySet.as_manager()

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "level"], name="escalation_once_per_level")
        ]

    def __str__(self):
        return f"#{self.report_id} · {self.level}"


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(escalation__report__in=Report.objects.visible_to(user))

    def holder_in_service(self):
        """Notices whose recipient still holds the post: an active contact whose login,
        if any, is active, or an active webhook endpoint.

        An acknowledgement link dies with the contact it was sent to
        (reports/escalation_views.py), as a calendar feed dies with its member.
        """
        return self.filter(
            Q(contact__active=True)
            & (Q(contact__user__isnull=True) | Q(contact__user__is_active=True))
            | Q(endpoint__active=True)
        )

    def editable_by(self, user):
        if user.is_authenticated and user.is_province_admin:
            return self
        return self.none()


class Notice(models.Model):
    """One message to one contact (or webhook) on one channel, and its delivery."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    escalation = models.ForeignKey(
        Escalation, verbose_name=_("escalation"), on_delete=models.CASCADE, related_name="notices"
    )
    contact = models.ForeignKey(
        "groups.PoliceContact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    endpoint = models.ForeignKey(
        "WebhookEndpoint",
        verbose_name=_("webhook endpoint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=NoticeChannel.choices)
    # The address used, copied so that the log stays true when a contact changes.
    address = models.CharField(_("address"), max_length=500)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the sweep may hand the notice to a worker (again): set on creation,
    # after a transient failure (backoff) and when a delivery's lease runs out.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=200, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["escalation", "contact", "channel"],
                condition=Q(contact__isnull=False),
                name="notice_once_per_contact_and_channel",
            ),
            models.UniqueConstraint(
                fields=["escalation", "endpoint"],
                condition=Q(endpoint__isnull=False),
                name="notice_once_per_endpoint",
            ),
            models.CheckConstraint(
                condition=Q(contact__isnull=False, endpoint__isnull=True)
                | Q(contact__isnull=True, endpoint__isnull=False, channel="webhook"),
                name="notice_contact_or_endpoint",
            ),
        ]
        indexes = [
            # The sweep's second query: notices still to deliver whose time has come.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="notice_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.address}"

    @property
    def idempotency_key(self) -> str:
        """Stable for the notice's life: providers that honour it drop a repeat."""
        return f"tuquan-notice-{self.pk}"


class DeliveryAttempt(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="delivery_attempts")
    attempted_at = models.DateTimeField(default=timezone.now)
    succeeded = models.BooleanField(default=False)
    response = models.TextField(blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["attempted_at", "pk"]

    def __str__(self):
        return f"{self.notice_id} {self.attempted_at:%Y-%m-%d %H:%M:%S}"


class WebhookEndpoint(models.Model):
    """A system that receives every escalation of its area as a signed JSON POST."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("web address (URL)"))
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        help_text=_("Shared with the receiver; signs each POST."),
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("province or commune/ward"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        limit_choices_to={"depth__lte": 2},
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.name


class ZaloToken(models.Model):
    """The Zalo OA's current access and (single-use) refresh token; one row."""

    access_token = EncryptedTextField(_("access token"))
    refresh_token = EncryptedTextField(_("refresh token"))
    expires_at = models.DateTimeField(_("expires at"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Zalo token")
        verbose_name_plural = _("Zalo tokens")

    def __str__(self):
        return f"Zalo token until {date_text(self.expires_at)}"
