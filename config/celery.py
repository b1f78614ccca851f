import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_init
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tuquan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Escalation's tasks live in its package (reports/escalation/tasks.py and beat.py).
app.autodiscover_tasks(["reports.escalation"], related_name="tasks")
app.autodiscover_tasks(["reports.escalation"], related_name="beat")
# The retried answers to SMS and Zalo messages (reports/inbound/tasks.py).
app.autodiscover_tasks(["reports.inbound"], related_name="tasks")
# Django's LOGGING (JSON lines without personal data) applies to workers too.
app.conf.worker_hijack_root_logger = False


@worker_init.connect
def _worker_statement_timeout(**kwargs) -> None:
    # A worker's tasks may run longer statements than a web request
    # (config/timeouts.py); sent before the pool starts and opens connections.
    from config.timeouts import use_worker_statement_timeout

    use_worker_statement_timeout()


# The whole beat schedule, in one place. Every entry expires within its interval,
# so a backlog after an outage runs each job once, not once per missed beat.
# Only one beat runs it at a time: celery-redbeat's lock (config/settings.py).
def beat_schedule(*, sweep_seconds: int) -> dict:
    return {
        # Escalations and reminders, and every outbox row (escalation notices,
        # notices to leaders) that no message delivered: a broker outage delays
        # them by REQUEUE_AFTER, never loses them (reports/escalation/outbox.py).
        "sweep-escalations": {
            "task": "reports.tasks.sweep_escalations",
            "schedule": sweep_seconds,
            "options": {"expires": sweep_seconds},
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


# Settings are read once Celery loads its configuration, not at import: the
# settings module itself imports this package.
@app.on_after_configure.connect
def _set_beat_schedule(sender, **kwargs) -> None:
    sender.conf.beat_schedule = beat_schedule(sweep_seconds=settings.ESCALATION_SWEEP_SECONDS)
