"""The database is the outbox: the broker is never on a resident's path.

Whatever a task is to deliver is first written to the database in the
transaction that makes it due (a `Notice`, a `LeaderNotice`); the message sent
after commit only makes it go out sooner. If the broker cannot be reached,
publishing gives up within its timeouts (CELERY_BROKER_* settings), the error
is logged and swallowed, and the sweep (reports.tasks.sweep_escalations)
hands the rows out again once they are due. A report that is saved therefore
always gets its receipt page, whatever Redis does.
"""

import functools
import logging

from celery.contrib.django.task import DjangoTask
from django.db import transaction

logger = logging.getLogger(__name__)


def publish_after_commit(send, *args, **kwargs) -> None:
    """Call `send(*args, **kwargs)` once the current transaction commits, never raising.

    `send` publishes to the broker; its rows must already be in the outbox.
    """
    transaction.on_commit(functools.partial(publish_quietly, send, *args, **kwargs))


def publish_quietly(send, *args, **kwargs) -> bool:
    """Call `send`; False if it failed. The outbox row stays due, so nothing is lost."""
    try:
        send(*args, **kwargs)
    except Exception:
        # Any error, not only kombu's OperationalError: this runs after commit,
        # where raising would turn a saved report into a 500 page (and a
        # resubmitted duplicate) for a message the sweep sends anyway.
        logger.exception("Could not publish %s; the sweep will hand it out", send)
        return False
    return True


class OutboxTask(DjangoTask):
    """A task whose work is recorded in an outbox table before it is sent.

    `delay_on_commit` publishes after commit and swallows broker errors:
    the sweep re-enqueues what the message would have delivered.
    """

    def delay_on_commit(self, *args, **kwargs) -> None:
        publish_after_commit(self.delay, *args, **kwargs)

    def apply_async_on_commit(self, *args, **kwargs) -> None:
        publish_after_commit(self.apply_async, *args, **kwargs)
