"""Celery tasks the reports code enqueues after commit. Each takes primary keys,
refetches, and calls one domain function. The tasks the beat schedule runs are in
beat.py; the schedule itself is in config/celery.py.

Every task keeps the name it had when it lived in ``reports/tasks.py``: messages
already queued under that name still find their task after an upgrade."""

from celery import shared_task

from reports.escalation import delivery
from reports.escalation.notifications import remind_leaders_of_report, tell_leaders_of_new_report
from reports.models import Report


@shared_task(
    name="reports.tasks.notify_leaders_of_new_report",
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


@shared_task(
    name="reports.tasks.remind_leaders",
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
