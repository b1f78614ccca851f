import time

import pytest
import time_machine
from django.db import connection

from reports import heartbeat


@pytest.fixture(autouse=True)
def _escalation_sweeping():
    # The beat's sweep, as it runs every ESCALATION_SWEEP_SECONDS in production.
    heartbeat.record_sweep()


@pytest.mark.django_db
def test_healthz_reports_database_and_redis_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok", "sweep": "ok", "status": "ok"}


@pytest.mark.django_db
def test_healthz_names_redis_when_it_is_down(client, settings):
    # A port nothing listens on: a real refused connection, not a mock.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "down", "sweep": "down", "status": "down"}


@pytest.mark.django_db(transaction=True)
def test_healthz_names_the_database_when_postgresql_cannot_be_reached(client):
    # A port nothing listens on: the real driver gets a refused connection.
    reachable = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(reachable)

    assert response.status_code == 503
    assert response.json() == {"database": "down", "redis": "ok", "sweep": "ok", "status": "down"}
    # The connection works again for the rest of the run.
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_within_seconds_when_database_and_redis_never_answer(
    client, settings, black_hole
):
    reachable = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(black_hole))
    settings.REDIS_URL = f"redis://127.0.0.1:{black_hole}/0"
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(reachable)

    assert response.status_code == 503
    assert response.json() == {
        "database": "down",
        "redis": "down",
        "sweep": "down",
        "status": "down",
    }
    # The bound is "about 3 seconds"; the assertion leaves room for a busy machine.
    assert elapsed < 5, f"/healthz took {elapsed:.1f} s"
    print(f"/healthz with a hung database and Redis: {elapsed:.2f} s")  # noqa: T201


@pytest.mark.django_db
def test_healthz_turns_unhealthy_when_no_sweep_finished_for_three_intervals(client, settings):
    settings.ESCALATION_SWEEP_SECONDS = 10
    heartbeat.record_sweep()
    with time_machine.travel(time.time() + 29, tick=False):
        assert client.get("/healthz").status_code == 200
    with time_machine.travel(time.time() + 31, tick=False):
        response = client.get("/healthz")
        # The load balancer's probe keeps the web machines in: residents can still report.
        web = client.get("/healthz/web")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "ok", "sweep": "down", "status": "down"}
    assert web.status_code == 200
    assert web.json() == {"database": "ok", "redis": "ok", "status": "ok"}


@pytest.mark.django_db
def test_a_finished_sweep_task_makes_healthz_healthy_again(client, settings):
    from reports.escalation.beat import sweep_escalations

    settings.ESCALATION_SWEEP_SECONDS = 10
    with time_machine.travel(time.time() + 3600, tick=False):
        assert client.get("/healthz").json()["sweep"] == "down"
        sweep_escalations()
        assert client.get("/healthz").json()["sweep"] == "ok"
