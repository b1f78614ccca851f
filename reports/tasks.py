"""Celery tasks of the reports app. Each takes primary keys, refetches, and calls
one domain function; the beat schedule is in config/celery.py."""

from celery import shared_task

from reports import delivery, escalation, heartbeat
from reports.models import Report
from reports.notifications import (
    remind_leaders_of_report,
    send_failed_notices_summary,
    tell_leaders_of_new_report,
)


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=5,
)
def notify_leaders_of_new_report(report_id: int) -> None:
    report = Report.objects.filter(pk=report_id).select_related("category", "ward", "unit").first()
    if report is None:
        return
    tell_leaders_of_new_report(report=report)


# The sweep is idempotent and re-run every few seconds: a lost or late run costs
# nothing, so it is never retried and never acks late.
@shared_task(time_limit=60, soft_time_limit=50)
def sweep_escalations() -> dict:
    result = escalation.sweep()
    reminded = escalation.send_due_reminders()
    heartbeat.record_sweep()
    return {
        "escalated": result.escalated,
        "enqueued": result.notices_enqueued,
        "reminded": reminded,
    }


# Delivery retries live in the database (Notice.next_attempt_at, with backoff and
# jitter), not in the broker: the sweep re-enqueues what is due. The hard limit
# stays under delivery.LEASE (8 min), so no second worker takes a notice while
# this one may still send it; a batch cut short leaves its unsent notices
# "sending" until their lease runs out and the sweep hands them out again.
@shared_task(acks_late=True, time_limit=7 * 60, soft_time_limit=6 * 60 + 45)
def deliver_notices(notice_ids: list[int]) -> list[str]:
    return delivery.deliver_batch(notice_ids=notice_ids)


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=5,
)
def remind_leaders(report_id: int) -> None:
    report = Report.objects.filter(pk=report_id).select_related("category", "ward").first()
    if report is None:
        return
    remind_leaders_of_report(report=report)


# Both limits: a soft limit above the hard one (the global default soft limit
# is 240 s) makes Celery refuse to send the task at all.
@shared_task(time_limit=120, soft_time_limit=100)
def mail_failed_notices_summary() -> int:
    return send_failed_notices_summary()
