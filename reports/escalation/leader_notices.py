"""Emails to group leaders through the outbox: each reaches each leader exactly once.

A `LeaderNotice` row per leader is written in the transaction that makes the
email due (a new report, a reminder, a morning's missed patrol shifts); the
message published after commit (reports.escalation.outbox) only makes it go out at once.
When the broker was down, the sweep (reports.tasks.sweep_escalations) hands
out every notice still pending `REQUEUE_AFTER` after it was written.

A worker claims each notice on its own with a conditional UPDATE (pending →
sending, with a lease), sends it and marks it sent before the next: a retry or
a duplicate message half-way through a list of leaders finds the first ones
sent and mails only the rest. The one window for a duplicate is the one of
escalation notices (docs/escalation.md): the SMTP server took the message and
the worker died before marking it sent; the Message-ID
(`<tuquan-leader-notice-<id>@…>`) is the same on every attempt.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from reports.escalation.outbox import publish_after_commit
from reports.escalation.tasks import deliver_leader_notices
from reports.models import LeaderNotice

# A notice the after-commit message has not delivered by then is handed out by
# the sweep; so is one handed out again, once more, this long afterwards.
REQUEUE_AFTER = datetime.timedelta(minutes=2)
ENQUEUE_BATCH = 1000
# Notices per delivery task, as for escalation notices (reports.escalation).
DELIVERY_BATCH = 25


def render(*, template: str, context: dict) -> tuple[str, str]:
    """Subject (on one line) and body of `template`, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    return " ".join(subject.split()), body


def queue(
    *,
    kind: str,
    recipients,
    subject: str,
    body: str,
    report=None,
    now: datetime.datetime,
) -> list[int]:
    """Write one pending notice per (user id, address) of `recipients`; their ids.

    Call inside the transaction that makes the email due, then
    `deliver_after_commit` with the ids.
    """
    notices = LeaderNotice.objects.bulk_create(
        pending(
            kind=kind, recipients=recipients, subject=subject, body=body, report=report, now=now
        )
    )
    return [notice.pk for notice in notices]


def pending(
    *,
    kind: str,
    recipients,
    subject: str,
    body: str,
    report=None,
    now: datetime.datetime,
) -> list[LeaderNotice]:
    """The notices `queue` writes, unsaved: for a caller that writes them in its own statement."""
    return [
        LeaderNotice(
            kind=kind,
            report=report,
            user_id=user_id,
            address=address,
            subject=subject,
            body=body,
            created_at=now,
            next_attempt_at=now + REQUEUE_AFTER,
        )
        for user_id, address in recipients
    ]


def deliver_after_commit(notice_ids: list[int]) -> None:
    """Hand the notices to the workers once the transaction commits; never raises."""
    if notice_ids:
        publish_after_commit(_publish, list(notice_ids))


def _publish(notice_ids: list[int]) -> None:
    with deliver_leader_notices.app.producer_or_acquire() as producer:
        for start in range(0, len(notice_ids), DELIVERY_BATCH):
            chunk = notice_ids[start : start + DELIVERY_BATCH]
            deliver_leader_notices.apply_async((chunk,), producer=producer)


def enqueue_due(*, now: datetime.datetime | None = None) -> int:
    """Hand every notice whose time has come to the workers; how many.

    Pending notices that no message delivered (the broker was down), that
    wait after a transient failure, or whose lease ran out (a worker died).
    """
    now = now or timezone.now()
    due_notices = LeaderNotice.objects.filter(
        status__in=[LeaderNotice.Status.PENDING, LeaderNotice.Status.SENDING],
        next_attempt_at__lte=now,
    )
    # Nothing due is the common case: one read on leadernotice_due_idx.
    if not due_notices.exists():
        return 0
    enqueued = 0
    while True:
        with transaction.atomic():
            due = list(
                due_notices.order_by("next_attempt_at")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:ENQUEUE_BATCH]
            )
            if due:
                LeaderNotice.objects.filter(pk__in=due).update(
                    status=LeaderNotice.Status.PENDING, next_attempt_at=now + REQUEUE_AFTER
                )
                deliver_after_commit(due)
                enqueued += len(due)
        if len(due) < ENQUEUE_BATCH:
            return enqueued


def retry_now(*, notices) -> int:
    """Admins' "retry now": failed notices go back to pending, due at once."""
    return notices.filter(status=LeaderNotice.Status.FAILED).update(
        status=LeaderNotice.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
