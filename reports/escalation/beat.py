"""Celery tasks the beat schedule runs (config/celery.py): the escalation sweep every
few seconds and the morning summary of failed notices. Their names are the ones
the schedule and queued messages use, kept from ``reports/tasks.py``."""

from celery import shared_task

from reports import heartbeat
from reports.escalation import chain, leader_notices
from reports.escalation.notifications import send_failed_notices_summary


# The sweep is idempotent and re-run every few seconds: a lost or late run costs
# nothing, so it is never retried and never acks late.
@shared_task(name="reports.tasks.sweep_escalations", time_limit=60, soft_time_limit=50)
def sweep_escalations() -> dict:
    result = chain.sweep()
    reminded = chain.send_due_reminders()
    heartbeat.record_sweep()
    return {
        "escalated": result.escalated,
        "enqueued": result.notices_enqueued,
        "reminded": reminded,
        "leader_notices": leader_notices.enqueue_due(),
    }


# Both limits: a soft limit above the hard one (the global default soft limit
# is 240 s) makes Celery refuse to send the task at all.
@shared_task(name="reports.tasks.mail_failed_notices_summary", time_limit=120, soft_time_limit=100)
def mail_failed_notices_summary() -> int:
    return send_failed_notices_summary()
