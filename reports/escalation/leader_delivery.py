"""Sending the emails to group leaders (reports.escalation.leader_notices writes
and hands them out): each notice is claimed on its own with a conditional
UPDATE, sent, and marked sent before the next."""

import contextlib
import datetime
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.utils import timezone

from reports.escalation.delivery import LEASE, MAX_ATTEMPTS, backoff
from reports.models import LeaderNotice, Status


def deliver_batch(*, notice_ids: list[int], now: datetime.datetime | None = None) -> list[str]:
    """Send each notice that is ours to send; what happened to each, in order.

    "sent", "retry" (a transient error: pending again after a backoff),
    "failed" (a permanent error, or the last attempt), "dropped" (a reminder
    whose report was acted on meanwhile) or "not-ours" (sent already, or
    taken by another worker).
    """
    mailer = _Mailer()
    try:
        return [
            _deliver(notice_id=notice_id, mailer=mailer, now=now or timezone.now())
            for notice_id in dict.fromkeys(notice_ids)
        ]
    finally:
        mailer.close()


def _deliver(*, notice_id: int, mailer: "_Mailer", now: datetime.datetime) -> str:
    notices = LeaderNotice.objects.filter(pk=notice_id)
    claimed = notices.filter(status=LeaderNotice.Status.PENDING).update(
        status=LeaderNotice.Status.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now + LEASE,
    )
    if not claimed:
        return "not-ours"
    notice = notices.select_related("report").get()
    if notice.kind == LeaderNotice.Kind.REMINDER and notice.report.status != Status.NEW:
        notices.update(status=LeaderNotice.Status.DROPPED)
        return "dropped"
    try:
        mailer.send(notice)
    except _Permanent as error:
        notices.update(status=LeaderNotice.Status.FAILED, last_error=str(error)[:2000])
        return "failed"
    except (smtplib.SMTPException, OSError) as error:
        mailer.close()
        final = notice.attempts >= MAX_ATTEMPTS
        notices.update(
            status=LeaderNotice.Status.FAILED if final else LeaderNotice.Status.PENDING,
            next_attempt_at=now + backoff(notice.attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        return "failed" if final else "retry"
    notices.update(status=LeaderNotice.Status.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


class _Permanent(Exception):
    pass


class _Mailer:
    """One SMTP connection for a batch, opened when first needed and after an error."""

    def __init__(self):
        self._connection = None

    def send(self, notice: LeaderNotice) -> None:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ")
        if self._connection is None:
            self._connection = get_connection()
            # Opened here, it stays open between messages (the backend closes
            # only the connections it opened itself).
            self._connection.open()
        message = EmailMessage(
            notice.subject,
            notice.body,
            to=[notice.address],
            headers={"Message-ID": f"<{notice.idempotency_key}@{domain}>"},
            connection=self._connection,
        )
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            if all(code >= 500 for code in codes):
                raise _Permanent(f"recipient refused: {error.recipients}") from None
            raise

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):  # already gone
                connection.close()
