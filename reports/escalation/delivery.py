"""Delivering notices: claim a batch, send each through its channel, record each attempt.

A batch's notices are claimed with one conditional UPDATE (pending → sending,
with a lease), so two copies of the same task never both send a notice. A
worker killed mid-batch leaves the notices it had not finished "sending"
until their lease expires; the sweep then makes them pending again and
enqueues them.

The one window for a duplicate: the provider accepted the message and the
worker died before marking the notice sent. Each notice is marked sent right
after its own send, so the window is one UPDATE wide and holds at most one
notice of the batch; every channel passes the notice's idempotency key (email
Message-ID, webhook Idempotency-Key header, SMS reference, ZNS tracking_id) so
that a receiver or provider that honours it drops the repeat.
"""

import datetime
import logging
import random

from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.utils import timezone

from reports.escalation.channels import PermanentDeliveryError, TransientDeliveryError, channel_for
from reports.models import DeliveryAttempt, Notice

logger = logging.getLogger(__name__)

# Longer than a delivery task may run (reports.tasks.deliver_notices' hard time
# limit, 7 minutes), so that a live batch is never taken over by a second
# worker. A batch of 25 notices whose every send runs into the channels'
# timeout (HTTP 15 s) takes about 6 minutes; emails take milliseconds each.
LEASE = datetime.timedelta(minutes=8)
MAX_ATTEMPTS = 6
BACKOFF_BASE = datetime.timedelta(seconds=30)
BACKOFF_CAP = datetime.timedelta(minutes=30)


def backoff(attempt: int) -> datetime.timedelta:
    """Exponential backoff with full jitter: 30 s, 1 min, 2 min, … capped at 30 min."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(attempt - 1, 0)))
    return datetime.timedelta(seconds=random.uniform(0.5, 1.0) * ceiling.total_seconds())  # noqa: S311


def deliver_batch(*, notice_ids: list[int], now: datetime.datetime | None = None) -> list[str]:
    """Send each of the notices that is ours to send; what happened to each, in order.

    Two queries claim and load the whole batch; each notice is then sent and
    its outcome and attempt recorded (one statement) before the next is
    sent. Marking them sent in bulk at the end would widen the duplicate
    window after a crash from one notice to the whole batch.

    A notice already sent or taken by another worker is "not-ours". An
    unexpected error while sending one (a bug of ours) is logged and recorded
    on that notice as a failed attempt, and the rest of the batch goes on:
    its notices are not to blame, and re-raising afterwards would only hide
    their outcomes, since nothing retries a task (the database does).
    """
    claimed = _claim(notice_ids=notice_ids, now=now or timezone.now())
    notices = Notice.objects.select_related(
        "escalation__report__category",
        "escalation__report__ward",
        "escalation__report__unit",
        "endpoint",
    ).in_bulk(claimed)
    # The notices of one escalation share its loaded instance, and with it the
    # text rendered for the level (notice_content.notice_email).
    escalations = {}
    for notice in notices.values():
        notice.escalation = escalations.setdefault(notice.escalation_id, notice.escalation)
    outcomes = []
    for notice_id in notice_ids:
        # A notice named twice in one batch is sent once.
        notice = notices.pop(notice_id, None)
        if notice is None:
            outcomes.append("not-ours")
        else:
            # Each attempt at its own time: a batch's last send may come seconds after its first.
            outcomes.append(_send(notice=notice, now=now or timezone.now()))
    return outcomes


def _claim(*, notice_ids: list[int], now: datetime.datetime) -> list[int]:
    """Take the batch's pending notices (pending → sending, with a lease); their ids.

    One UPDATE … RETURNING: the ORM's update() counts rows but does not say
    which ones it took from a batch.
    """
    if not notice_ids:
        return []
    meta = Notice._meta
    quote = connection.ops.quote_name
    status, attempts, lease = (
        quote(meta.get_field(name).column) for name in ("status", "attempts", "next_attempt_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} "  # noqa: S608  # nosec B608  # quoted names from the model
            f"SET {status} = %s, {attempts} = {attempts} + 1, {lease} = %s "
            f"WHERE {quote(meta.pk.column)} = ANY(%s) AND {status} = %s "
            f"RETURNING {quote(meta.pk.column)}",
            [Notice.Status.SENDING, now + LEASE, list(notice_ids), Notice.Status.PENDING],
        )
        return [row[0] for row in cursor.fetchall()]


def _send(*, notice: Notice, now: datetime.datetime) -> str:
    try:
        reference = channel_for(notice.channel).send(notice=notice)
    except TransientDeliveryError as error:
        return _failed(notice=notice, error=error, now=now, final=notice.attempts >= MAX_ATTEMPTS)
    except PermanentDeliveryError as error:
        return _failed(notice=notice, error=error, now=now, final=True)
    except SoftTimeLimitExceeded as error:
        # The task's time is up: this attempt counts, and the batch stops here.
        # Its notices not yet sent stay "sending" until their lease runs out.
        _failed(notice=notice, error=error, now=now, final=notice.attempts >= MAX_ATTEMPTS)
        raise
    except Exception as error:
        # A bug of ours (a template error, say) must still be recorded and counted,
        # or the notice would stay "sending" and be retried forever.
        logger.exception("notice %s could not be sent", notice.pk)
        return _failed(notice=notice, error=error, now=now, final=notice.attempts >= MAX_ATTEMPTS)
    _record_sent(notice=notice, reference=reference, now=now)
    return "sent"


def _record_sent(*, notice: Notice, reference: str, now: datetime.datetime) -> None:
    """Mark the notice sent and record the attempt: one statement, so one round trip
    and one commit (an explicit transaction would add BEGIN and COMMIT to each)."""
    notices, attempts = Notice._meta, DeliveryAttempt._meta
    quote = connection.ops.quote_name

    def column(meta, name):
        return quote(meta.get_field(name).column)

    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH sent AS (UPDATE {quote(notices.db_table)} "  # noqa: S608  # nosec B608  # quoted model names
            f"SET {column(notices, 'status')} = %s, {column(notices, 'sent_at')} = %s, "
            f"{column(notices, 'provider_reference')} = %s, {column(notices, 'last_error')} = '' "
            f"WHERE {quote(notices.pk.column)} = %s AND {column(notices, 'status')} = %s) "
            f"INSERT INTO {quote(attempts.db_table)} ({column(attempts, 'notice')}, "
            f"{column(attempts, 'attempted_at')}, {column(attempts, 'succeeded')}, "
            f"{column(attempts, 'response')}) VALUES (%s, %s, true, %s)",
            [
                Notice.Status.SENT,
                timezone.now(),
                reference[:200],
                notice.pk,
                Notice.Status.SENDING,
                notice.pk,
                now,
                reference,
            ],
        )


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
