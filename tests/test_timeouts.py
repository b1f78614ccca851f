"""Timeouts: a database or Redis that never answers costs seconds, not a worker.

``black_hole`` (tests/conftest.py) is a real TCP server that accepts and never
answers; the clock is read because the time bound is the feature.
"""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.django_db(transaction=True)
def test_a_page_fails_within_the_connect_timeout_when_the_database_never_answers(
    client, black_hole
):
    reachable = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(black_hole))
    client.raise_request_exception = False
    client.cookies["sessionid"] = "s" * 32  # loading the session needs the database
    try:
        started = time.monotonic()
        response = client.get("/")
        elapsed = time.monotonic() - started
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(reachable)

    assert response.status_code == 500
    assert elapsed < 3 + 2  # DATABASE_CONNECT_TIMEOUT (3 s) and room for a busy machine


SHOW_STATEMENT_TIMEOUT = (
    "from django.db import connection; cursor = connection.cursor(); "
    "cursor.execute('SHOW statement_timeout'); print(cursor.fetchone()[0])"
)


def _statement_timeout_in_a_fresh_process(*arguments: str) -> str:
    """What PostgreSQL reports in a new process started as ``arguments``.

    A new process, because settings are read once per process, and in-process
    test workers switch this one to the workers' timeout when they start.
    """
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{connection.settings_dict['NAME']}")
    result = subprocess.run(
        [sys.executable, *arguments],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": url.geturl(),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.django_db(transaction=True)
def test_web_statements_stop_at_the_web_statement_timeout():
    shown = _statement_timeout_in_a_fresh_process(
        "-c", f"import django; django.setup(); {SHOW_STATEMENT_TIMEOUT}"
    )
    assert shown == "15s"


@pytest.mark.django_db(transaction=True)
def test_a_worker_gets_the_longer_worker_statement_timeout():
    shown = _statement_timeout_in_a_fresh_process(
        "-c",
        "import django; django.setup(); from celery.signals import worker_init; "
        f"worker_init.send(sender=None); {SHOW_STATEMENT_TIMEOUT}",
    )
    assert shown == "4min"  # WORKER_DATABASE_STATEMENT_TIMEOUT's default, 240 s


@pytest.mark.django_db(transaction=True)
def test_a_management_command_gets_the_worker_statement_timeout():
    shown = _statement_timeout_in_a_fresh_process(
        "manage.py", "shell", "-c", SHOW_STATEMENT_TIMEOUT
    )
    assert shown == "4min"


@pytest.mark.django_db
def test_the_tracking_page_answers_within_seconds_when_redis_never_answers(settings, black_hole):
    # The rate limit counts in the cache; with the configured timeouts a hung
    # Redis costs REDIS_SOCKET_TIMEOUT and the attempt is let through.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{black_hole}/0"}
    }
    client = Client(REMOTE_ADDR=f"198.51.100.{secrets.randbelow(250) + 1}")
    started = time.monotonic()
    response = client.post("/report/track/", {"code": "ABCD-EFGH-JKLM"})
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed < settings.REDIS_SOCKET_TIMEOUT + 3


def test_publishing_a_task_gives_up_within_seconds_when_the_broker_never_answers(
    settings, black_hole
):
    # Without socket timeouts this waited for ever (a web worker lost).
    from kombu.exceptions import OperationalError

    from config.celery import app

    started = time.monotonic()
    with (
        app.connection_for_write(f"redis://127.0.0.1:{black_hole}/0") as broker,
        pytest.raises(OperationalError),
    ):
        app.send_task("reports.tasks.sweep_escalations", connection=broker)
    elapsed = time.monotonic() - started

    assert elapsed < settings.CELERY_BROKER_SOCKET_TIMEOUT + 5
