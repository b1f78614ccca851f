"""Delivering one notice: claim it, send it through its channel, record the attempt.

A notice is claimed with a conditional UPDATE (pending → sending, with a
lease), so two copies of the same task never both send. A worker killed
mid-delivery leaves the notice "sending" until its lease expires; the sweep
then makes it pending again and enqueues it.

The one window for a duplicate: the provider accepted the message and the
worker died before marking the notice sent. It is as short as one UPDATE,
and every channel passes the notice's idempotency key (email Message-ID,
webhook Idempotency-Key header, SMS reference, ZNS tracking_id) so that a
receiver or provider that honours it drops the repeat.
"""

import datetime
import random

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reports.channels import PermanentDeliveryError, TransientDeliveryError, channel_for
from reports.models import DeliveryAttempt, Notice

# Longer than a delivery task may run (its hard time limit), so that a live
# delivery is never taken over by a second worker.
LEASE = datetime.timedelta(minutes=2)
MAX_ATTEMPTS = 6
BACKOFF_BASE = datetime.timedelta(seconds=30)
BACKOFF_CAP = datetime.timedelta(minutes=30)


def backoff(attempt: int) -> datetime.timedelta:
    """Exponential backoff with full jitter: 30 s, 1 min, 2 min, … capped at 30 min."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(attempt - 1, 0)))
    return datetime.timedelta(seconds=random.uniform(0.5, 1.0) * ceiling.total_seconds())  # noqa: S311


def deliver(*, notice_id: int, now: datetime.datetime | None = None) -> str:
    """Send one notice if it is ours to send; returns what happened."""
    now = now or timezone.now()
    claimed = Notice.objects.filter(pk=notice_id, status=Notice.Status.PENDING).update(
        status=Notice.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + LEASE
    )
    if not claimed:
        return "not-ours"
    notice = Notice.objects.select_related(
        "escalation__report__category",
        "escalation__report__ward",
        "escalation__report__unit",
        "endpoint",
    ).get(pk=notice_id)
    try:
        reference = channel_for(notice.channel).send(notice=notice)
    except TransientDeliveryError as error:
        return _failed(notice=notice, error=error, now=now, final=notice.attempts >= MAX_ATTEMPTS)
    except PermanentDeliveryError as error:
        return _failed(notice=notice, error=error, now=now, final=True)
    except Exception as error:
        # A bug of ours (a template error, say) must still be recorded and counted,
        # or the notice would stay "sending" and be retried forever.
        _failed(notice=notice, error=error, now=now, final=notice.attempts >= MAX_ATTEMPTS)
        raise
    # One commit for the outcome and its record: half the waits on the log's flush.
    with transaction.atomic():
        Notice.objects.filter(pk=notice.pk, status=Notice.Status.SENDING).update(
            status=Notice.Status.SENT,
            sent_at=timezone.now(),
            provider_reference=reference[:200],
            last_error="",
        )
        DeliveryAttempt.objects.create(
            notice=notice, attempted_at=now, succeeded=True, response=reference
        )
    return "sent"


def _failed(*, notice: Notice, error: Exception, now, final: bool) -> str:
    message = str(error)[:2000]
    with transaction.atomic():
        if final:
            Notice.objects.filter(pk=notice.pk).update(
                status=Notice.Status.FAILED, last_error=message
            )
        else:
            Notice.objects.filter(pk=notice.pk).update(
                status=Notice.Status.PENDING,
                last_error=message,
                next_attempt_at=now + backoff(notice.attempts),
            )
        DeliveryAttempt.objects.create(
            notice=notice, attempted_at=now, succeeded=False, response=message
        )
    return "failed" if final else "retry"


def retry_now(*, notices) -> int:
    """Admins' "retry now": failed notices go back to pending, due at once."""
    return notices.filter(status=Notice.Status.FAILED).update(
        status=Notice.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
