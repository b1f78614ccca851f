"""Celery tasks the reports code enqueues after commit. Each takes primary keys,
refetches, and calls one domain function. The tasks the beat schedule runs are in
beat.py; the schedule itself is in config/celery.py.

Every task keeps the name it had when it lived in ``reports/tasks.py``: messages
already queued under that name still find their task after an upgrade."""

from celery import shared_task

from reports.escalation import delivery, leader_delivery
from reports.escalation.outbox import OutboxTask
from reports.models import LeaderNotice

# Emails to leaders: their notices were written with the report (or by the
# sweep) and are claimed one by one, so a duplicate message sends nothing
# twice; retries live in the database (LeaderNotice.next_attempt_at) and the
# sweep hands out what is due. Time limits as deliver_notices', under LEASE.


@shared_task(
    name="reports.tasks.notify_leaders_of_new_report",
    base=OutboxTask,
    acks_late=True,
    time_limit=7 * 60,
    soft_time_limit=6 * 60 + 45,
)
def notify_leaders_of_new_report(report_id: int) -> list[str]:
    notice_ids = LeaderNotice.objects.filter(
        report=report_id, kind=LeaderNotice.Kind.NEW_REPORT, status=LeaderNotice.Status.PENDING
    ).values_list("pk", flat=True)
    return leader_delivery.deliver_batch(notice_ids=list(notice_ids))


@shared_task(
    name="reports.tasks.deliver_leader_notices",
    base=OutboxTask,
    acks_late=True,
    time_limit=7 * 60,
    soft_time_limit=6 * 60 + 45,
)
def deliver_leader_notices(notice_ids: list[int]) -> list[str]:
    return leader_delivery.deliver_batch(notice_ids=notice_ids)


# Delivery retries live in the database (Notice.next_attempt_at, with backoff and
# jitter), not in the broker: the sweep re-enqueues what is due. The hard limit
# stays under delivery.LEASE (8 min), so no second worker takes a notice while
# this one may still send it; a batch cut short leaves its unsent notices
# "sending" until their lease runs out and the sweep hands them out again.
@shared_task(
    name="reports.tasks.deliver_notices",
    acks_late=True,
    time_limit=7 * 60,
    soft_time_limit=6 * 60 + 45,
)
def deliver_notices(notice_ids: list[int]) -> list[str]:
    return delivery.deliver_batch(notice_ids=notice_ids)
