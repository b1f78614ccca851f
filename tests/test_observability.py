"""Metrics for Prometheus and JSON log lines without personal data."""

import datetime
import io
import json
import logging
import uuid

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from config.logging import JsonFormatter, NoPersonalData
from reports import heartbeat
from reports.models import Report


def _samples(response) -> dict[tuple[str, tuple], float]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


@pytest.mark.django_db
def test_metrics_tell_how_long_the_oldest_due_report_has_waited(client, theft, ward_a):
    Report.objects.create(
        category=theft,
        description="Trộm xe đạp.",
        occurred_at=timezone.now() - datetime.timedelta(hours=3),
        ward=ward_a,
        due_at=timezone.now() - datetime.timedelta(minutes=5),
        escalate_at=timezone.now() - datetime.timedelta(minutes=5),
        receipt_digest=f"test-{uuid.uuid4().hex}",
    )
    heartbeat.record_sweep()

    samples = _samples(client.get("/metrics"))

    oldest = samples[("tuquan_oldest_due_escalation_seconds", ())]
    assert 300 <= oldest < 400
    assert samples[("tuquan_sweep_age_seconds", ())] < 60
    assert samples[("tuquan_sweep_interval_seconds", ())] == 10
    for status in ("pending", "sending", "failed"):
        assert samples[("tuquan_notices", (("status", status),))] == 0
    assert samples[("tuquan_celery_queue_length", (("queue", "celery"),))] >= 0
    # django-prometheus's request counts and latency are there too.
    assert any(name.startswith("django_http_requests_latency") for name, _ in samples)


@pytest.mark.django_db
def test_no_due_report_means_an_oldest_age_of_zero(client):
    samples = _samples(client.get("/metrics"))
    assert samples[("tuquan_oldest_due_escalation_seconds", ())] == 0


@pytest.mark.django_db
def test_metrics_are_not_served_through_the_public_proxy(client):
    # nginx sets X-Forwarded-For on every request it passes on.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404


def _json_line(message: str, *args, exc: BaseException | None = None, **extra) -> dict:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(NoPersonalData())
    # The handler itself, as a logger hands it a record: whatever levels or
    # logging.disable() other tests left behind.
    record = logging.LogRecord(
        f"tests.json.{uuid.uuid4().hex}",
        logging.WARNING,
        __file__,
        1,
        message,
        args,
        (type(exc), exc, None) if exc else None,
    )
    record.__dict__.update(extra)
    handler.handle(record)
    line = stream.getvalue()
    assert line.count("\n") == 1
    return json.loads(line)


def test_a_log_line_is_one_json_object_with_time_level_logger_and_message():
    line = _json_line("sweep took %s ms", 12)
    assert line["message"] == "sweep took 12 ms"
    assert line["level"] == "WARNING"
    assert line["logger"].startswith("tests.json.")
    assert datetime.datetime.fromisoformat(line["time"].replace(",", "."))


def test_log_lines_carry_no_client_address_contact_tracking_code_or_request():
    class FakeRequest:
        def __str__(self):
            return "<WSGIRequest: POST '/report/new/?phone=0987654321'>"

    line = _json_line(
        "Not Found: %s from %s, %s, %s, %s",
        "/report/track/?code=K7Q2-9XPM",
        "203.0.113.9",
        "2001:db8::1:2:3",
        "hoa.nguyen@example.vn",
        "+84 987 654 321",
        request=FakeRequest(),
        status_code=404,
    )
    text = json.dumps(line, ensure_ascii=False)
    for secret in ("K7Q2", "203.0.113.9", "2001:db8", "hoa.nguyen", "987"):
        assert secret not in text
    assert line["status_code"] == 404
    assert "request" not in line
    assert line["message"].startswith("Not Found: /report/track/?… from <address>")


def test_values_postgresql_echoes_in_an_error_are_left_out():
    error = ValueError(
        'duplicate key value violates unique constraint "x"\n'
        "DETAIL:  Key (phone)=(0912345678) already exists."
    )
    line = _json_line("failed", exc=error)
    assert "0912345678" not in json.dumps(line)
    assert "DETAIL: <values left out>" in line["exc_info"]
