"""Celery tasks of the reports app. Each takes primary keys, refetches, and calls
one domain function; the beat schedule is in config/celery.py."""

from celery import shared_task

from reports import delivery, escalation, leader_notices
from reports.models import LeaderNotice
from reports.notifications import send_failed_notices_summary
from reports.outbox import OutboxTask

# Emails to leaders: their notices were written with the report (or by the
# sweep) and are claimed one by one, so a duplicate message sends nothing
# twice; retries live in the database (LeaderNotice.next_attempt_at) and the
# sweep hands out what is due. Time limits as deliver_notices', under LEASE.


@shared_task(base=OutboxTask, acks_late=True, time_limit=7 * 60, soft_time_limit=6 * 60 + 45)
def notify_leaders_of_new_report(report_id: int) -> list[str]:
    notice_ids = LeaderNotice.objects.filter(
        report=report_id, kind=LeaderNotice.Kind.NEW_REPORT, status=LeaderNotice.Status.PENDING
    ).values_list("pk", flat=True)
    return leader_notices.deliver_batch(notice_ids=list(notice_ids))


@shared_task(base=OutboxTask, acks_late=True, time_limit=7 * 60, soft_time_limit=6 * 60 + 45)
def deliver_leader_notices(notice_ids: list[int]) -> list[str]:
    return leader_notices.deliver_batch(notice_ids=notice_ids)


# The sweep is idempotent and re-run every few seconds: a lost or late run costs
# nothing, so it is never retried and never acks late.
@shared_task(time_limit=60, soft_time_limit=50)
def sweep_escalations() -> dict:
    result = escalation.sweep()
    reminded = escalation.send_due_reminders()
    return {
        "escalated": result.escalated,
        "enqueued": result.notices_enqueued,
        "reminded": reminded,
        "leader_notices": leader_notices.enqueue_due(),
    }


# Delivery retries live in the database (Notice.next_attempt_at, with backoff and
# jitter), not in the broker: the sweep re-enqueues what is due. The hard limit
# stays under delivery.LEASE (8 min), so no second worker takes a notice while
# this one may still send it; a batch cut short leaves its unsent notices
# "sending" until their lease runs out and the sweep hands them out again.
@shared_task(acks_late=True, time_limit=7 * 60, soft_time_limit=6 * 60 + 45)
def deliver_notices(notice_ids: list[int]) -> list[str]:
    return delivery.deliver_batch(notice_ids=notice_ids)


# Both limits: a soft limit above the hard one (the global default soft limit
# is 240 s) makes Celery refuse to send the task at all.
@shared_task(time_limit=120, soft_time_limit=100)
def mail_failed_notices_summary() -> int:
    return send_failed_notices_summary()
