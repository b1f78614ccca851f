import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tuquan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Escalation's tasks live in its package (reports/escalation/tasks.py and beat.py).
app.autodiscover_tasks(["reports.escalation"], related_name="tasks")
app.autodiscover_tasks(["reports.escalation"], related_name="beat")


@worker_init.connect
def _worker_statement_timeout(**kwargs) -> None:
    # A worker's tasks may run longer statements than a web request
    # (config/timeouts.py); sent before the pool starts and opens connections.
    from config.timeouts import use_worker_statement_timeout

    use_worker_statement_timeout()


# The whole beat schedule, in one place. Every entry expires within its interval,
# so a backlog after an outage runs each job once, not once per missed beat.
SWEEP_SECONDS = 10
app.conf.beat_schedule = {
    # Escalations and reminders, and every outbox row (escalation notices,
    # notices to leaders) that no message delivered: a broker outage delays
    # them by REQUEUE_AFTER, never loses them (reports/escalation/outbox.py).
    "sweep-escalations": {
        "task": "reports.tasks.sweep_escalations",
        "schedule": SWEEP_SECONDS,
        "options": {"expires": SWEEP_SECONDS},
    },
    "mail-failed-notices-summary": {
        "task": "reports.tasks.mail_failed_notices_summary",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 24 * 3600},
    },
    # Patrol logs nobody finished are closed and flagged (patrols/logbook.py).
    "close-stale-patrol-logs": {
        "task": "patrols.tasks.close_stale_logs",
        "schedule": 15 * 60,
        "options": {"expires": 15 * 60},
    },
    # Leaders hear of yesterday's missed shifts in the morning (patrols/missed.py).
    "flag-missed-patrol-shifts": {
        "task": "patrols.tasks.flag_missed_shifts",
        "schedule": crontab(hour=6, minute=30),
        "options": {"expires": 12 * 3600},
    },
    # Closed reports past their category's retention are anonymised (reports/retention.py).
    "anonymise-expired-reports": {
        "task": "reports.tasks.anonymise_expired_reports",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 12 * 3600},
    },
    # Shifts are materialised eight weeks ahead; the window moves on nightly.
    "extend-patrol-shift-window": {
        "task": "patrols.tasks.extend_shift_window",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 12 * 3600},
    },
}
