import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tuquan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue_after_commit(task, *args) -> None:
    """Send `task` to the broker once the current transaction commits.

    A worker that picks it up then finds the rows the task refers to; if the
    transaction rolls back, nothing is sent.
    """
    from django.db import transaction

    transaction.on_commit(lambda: task.delay(*args))
