"""Celery tasks of the reports app outside escalation (whose tasks are in
reports/escalation/); the beat schedule is in config/celery.py."""

from celery import shared_task

from reports import retention


# Nightly; idempotent (reports/retention.py), so a lost run is made up the next night.
# Batches of retention.BATCH_SIZE, each report in its own transaction, until none is
# due or the soft limit nears; what is left waits for the next run.
@shared_task(time_limit=30 * 60, soft_time_limit=25 * 60)
def anonymise_expired_reports() -> int:
    total = 0
    while True:
        done = retention.anonymise_due()
        total += done
        if done < retention.BATCH_SIZE:
            return total
