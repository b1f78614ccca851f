"""Fixtures for the escalation tests: real servers of this test process's own.

- ``redis_server``: a redis-server on a free port for the session, which a test
  may restart (it persists nothing). The shared Redis of settings is never used.
- ``broker``: the Celery app pointed at it, emptied for each test; the app's
  configuration is put back afterwards.
- ``smtp_server`` / ``mailbox``: an aiosmtpd server that Django sends to.
- ``web``: an HTTP server for the webhook, the SMS gateway and Zalo.
- ``worker`` / ``start_worker``: a Celery worker in threads of this process;
  ``finished`` lists what it ran.
- ``worker_process``: a Celery worker subprocess (started by the test), a second
  worker beside the first, or one that a test may SIGKILL.
- ``chain``: ward A's police list and the province duty contact.

Workers see only committed rows, so every test with a worker is transactional;
tests without one run in a rolled-back transaction, which is faster.
"""

import contextlib
import importlib
import os
import threading
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from celery.contrib.testing.worker import start_worker as start_celery_worker
from celery.signals import task_postrun
from django.db import connection, connections
from kombu import pools

from config.celery import app as celery_app
from groups.models import PoliceContact
from tests.reports.escalation.servers import RedisServer, SmtpServer, Web, WorkerProcess


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = RedisServer(directory=tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


def _reset_broker_pools() -> None:
    # The app keeps a pool of broker connections (in kombu's registry); closing
    # them makes the next message go to the broker the configuration now names.
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def broker(redis_server):
    """The Celery app sends to, and workers consume from, this test's own Redis.

    Autouse: filing a report or sweeping sends tasks, and none may reach the
    shared broker of settings.
    """
    redis_server.client().flushall()
    overrides = {
        "broker_url": redis_server.url,
        # Leave pytest's log capture, and Redis without a remote-control queue.
        "worker_hijack_root_logger": False,
        "worker_enable_remote_control": False,
    }
    previous = {key: celery_app.conf[key] for key in overrides}
    celery_app.conf.update(overrides)
    _reset_broker_pools()
    yield redis_server
    celery_app.conf.update(previous)
    _reset_broker_pools()


@pytest.fixture
def smtp_server(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.mailbox.release()
    server.stop()


@pytest.fixture
def mailbox(smtp_server):
    return smtp_server.mailbox


@pytest.fixture
def web(settings):
    """The receivers run on loopback, which the worker refuses unless named
    (reports/escalation/outbound.py); tests of the refusal take this setting away again."""
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    server = Web()
    yield server
    server.close()


class Finished:
    """What the workers of this process ran: (args, return value) per task."""

    def __init__(self):
        self._runs = []
        self._lock = threading.Lock()

    def record(self, sender=None, args=(), retval=None, **kwargs):
        with self._lock:
            self._runs.append((getattr(sender, "name", ""), tuple(args or ()), retval))

    def of(self, task) -> list[tuple]:
        with self._lock:
            return [(args, retval) for name, args, retval in self._runs if name == task.name]

    def outcomes_of(self, task) -> list:
        """What each item of a batch task came to, in the order its runs finished."""
        return [outcome for _args, outcomes in self.of(task) for outcome in outcomes]


@pytest.fixture
def finished():
    runs = Finished()
    task_postrun.connect(runs.record, weak=False)
    yield runs
    task_postrun.disconnect(runs.record)


def close_other_sessions() -> None:
    """End the database sessions that worker (or sweep) threads left open.

    Their threads are gone, so nothing else will close them, and PostgreSQL
    refuses to drop a test database that still has sessions.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def start_worker(broker, smtp_server, finished):
    """Start a Celery worker in threads of this process; it stops when the test ends.

    One per process: a worker's event loop (kombu's hub) is process-global, and
    two in one process steal each other's loop and stall. A second worker runs
    as a subprocess (``worker_process``).
    """
    started = []
    with contextlib.ExitStack() as stack:

        def start(*, concurrency: int = 2):
            assert not started, "one in-process worker per test"
            started.append(concurrency)
            return stack.enter_context(
                start_celery_worker(
                    celery_app,
                    pool="threads",
                    concurrency=concurrency,
                    perform_ping_check=False,
                    shutdown_timeout=30,
                )
            )

        try:
            yield start
        finally:
            stack.close()
            close_other_sessions()


@pytest.fixture
def worker(start_worker):
    return start_worker()


def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    # A socket directory as host is percent-encoded, as django-environ reads it.
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'])}"


@pytest.fixture
def worker_process(broker, smtp_server, settings, tmp_path):
    """A Celery worker subprocess on the test database, this broker and this SMTP server."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connections["default"].settings_dict),
        "REDIS_URL": broker.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "SITE_URL": settings.SITE_URL,
        "CONN_MAX_AGE": "0",
        "OUTBOUND_ALLOWED_HOSTS": "127.0.0.1",
    }
    process = WorkerProcess(env=env, log=tmp_path / "worker.log")
    yield process
    process.stop()


@pytest.fixture
def escalation_rules(seeded):
    """The default chain of reports/migrations/0006 for every category.

    A transactional test empties every table when it ends; this puts the
    seeded rules back, as `seeded` does for the categories.
    """
    from django.apps import apps

    importlib.import_module("reports.migrations.0006_seed_escalation_rules").seed(apps, None)


@dataclass
class Chain:
    """Ward A's police list in order, and the province duty contact."""

    first: PoliceContact
    second: PoliceContact
    third: PoliceContact
    fourth: PoliceContact
    duty: PoliceContact


@pytest.fixture
def chain(ward_a, province, escalation_rules):
    """Everyone is reached by email only, unless a test says otherwise."""

    def contact(area, name, order):
        return PoliceContact.objects.create(
            area=area,
            name=name,
            order=order,
            email=f"{name.lower()}@police.example.test",
            phone=f"09120000{order:02d}",
            channels=["email"],
        )

    return Chain(
        first=contact(ward_a, "First", 1),
        second=contact(ward_a, "Second", 2),
        third=contact(ward_a, "Third", 3),
        fourth=contact(ward_a, "Fourth", 4),
        duty=contact(province, "Duty", 1),
    )
