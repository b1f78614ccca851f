"""Celery tasks of the patrols app; the beat schedule is in config/celery.py.

Each is a sweep that the database keeps safe to repeat or run twice at once
(row locks skipping what another worker holds, conditional updates, unique
shift occurrences), so none is retried: the next beat does what one missed.
"""

from celery import shared_task

from patrols import logbook, missed, schedule


@shared_task(time_limit=240, soft_time_limit=200)
def close_stale_logs() -> int:
    return logbook.auto_close_stale_logs()


@shared_task(time_limit=600, soft_time_limit=540)
def flag_missed_shifts() -> int:
    return missed.flag_missed_shifts()


@shared_task(time_limit=1800, soft_time_limit=1700)
def extend_shift_window() -> int:
    return schedule.extend_window()
