"""The ledger of SMS and Zalo messages taken in (reports/inbound/).

Providers send a message again until they hear a 2xx, and may send it twice
at once: one row per provider and message id, inserted in the transaction that
files the report, makes the second attempt do nothing. The row holds neither
the sender nor the text.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models.reports import Report


class InboundMessage(models.Model):
    class Provider(models.TextChoices):
        SMS = "sms", _("SMS")
        ZALO = "zalo", _("Zalo")

    provider = models.CharField(_("provider"), max_length=8, choices=Provider.choices)
    message_id = models.CharField(_("provider's message id"), max_length=128)
    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "message_id"], name="inboundmessage_once_per_provider_id"
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.message_id}"
