"""The broker is never on a resident's path: with Redis down a report is saved and
its receipt shown, and what was to be sent goes out once Redis is back, exactly once.

Against real processes: a redis-server of this test (broker, cache and rate
limits, as in production one Redis serves all three), a Celery worker
subprocess, aiosmtpd on loopback, and the public form through Django's test
client. Time is moved by passing `now=` to the sweeps, never by sleeping.
"""

import datetime
import os
import re
import secrets
import time
from collections import Counter

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from config.celery import app as celery_app
from reports.escalation import leader_delivery, leader_notices
from reports.escalation.chain import REQUEUE_AFTER, sweep
from reports.escalation.outbox import publish_quietly
from reports.escalation.tasks import deliver_leader_notices, notify_leaders_of_new_report
from reports.models import LeaderNotice, Notice, Report
from tests.conftest import add_leader
from tests.reports.escalation.conftest import _database_url, _reset_broker_pools
from tests.reports.escalation.servers import (
    Mailbox,
    RedisServer,
    SmtpServer,
    WorkerProcess,
    free_port,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)

SECOND = datetime.timedelta(seconds=1)
LEADER = "leader.x@example.test"
DEPUTY = "deputy.x@example.test"
THIRD = "third.x@example.test"
# Publishing gives up within the broker's timeouts; a resident waits no longer
# than this (generous for a busy machine: the page takes well under a second).
PAGE_BOUND_SECONDS = 10


@pytest.fixture
def leaders(group_x):
    """Group X's leader and two deputies, each with an address."""
    return [
        add_leader(group_x, "leader", email=LEADER),
        add_leader(group_x, "deputy", email=DEPUTY, deputy=True),
        add_leader(group_x, "third", email=THIRD, deputy=True),
    ]


@pytest.fixture
def private_redis(broker, settings, tmp_path):
    """A redis-server this test may stop: the broker, the cache and the rate limits.

    The session's Redis (`broker`) stays up for the other tests; the app is
    pointed back at it afterwards.
    """
    server = RedisServer(directory=tmp_path)
    server.start()
    celery_app.conf.broker_url = server.url
    _reset_broker_pools()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": server.url, "KEY_PREFIX": "outage"}
    }
    yield server
    server.stop()
    celery_app.conf.broker_url = broker.url
    _reset_broker_pools()


@pytest.fixture
def worker_on_private_redis(private_redis, smtp_server, settings, tmp_path):
    """A Celery worker subprocess on the test database, that Redis and the SMTP server."""
    process = WorkerProcess(
        env={
            **os.environ,
            "DATABASE_URL": _database_url(connections["default"].settings_dict),
            "REDIS_URL": private_redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
            "SITE_URL": settings.SITE_URL,
            "CONN_MAX_AGE": "0",
        },
        log=tmp_path / "worker.log",
    )
    yield process
    process.stop()


def _form(*, category, ward, unit) -> dict:
    return {
        "category": category.pk,
        "description": "Hai thanh niên lạ mặt đi lại nhiều lần quanh bãi xe.",
        "occurred_at": "",
        "ward": ward.pk,
        "unit": unit.pk,
        "address": "Số 12 đường Lê Thánh Tông",
        "latitude": "",
        "longitude": "",
        "name": "",
        "phone": "",
        "passphrase": "",
        "website": "",
    }


def _resident_reports(data: dict) -> tuple[str, float]:
    """One resident (an address of their own) files the form; the receipt page and
    how long the form's POST took."""
    client = Client(REMOTE_ADDR=f"10.9.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}")
    started = time.monotonic()
    response = client.post("/report/new/", data)
    elapsed = time.monotonic() - started
    if response.status_code == 200:
        # The cache's Redis is down too: the receipt comes in the answer itself
        # (reports/receipt_handoff.py).
        return response.content.decode(), elapsed
    assert response.status_code == 302, response.status_code
    assert response.url == "/report/receipt/"
    page = client.get("/report/receipt/")
    assert page.status_code == 200
    return page.content.decode(), elapsed


def _has_receipt_code(html: str) -> bool:
    return re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}", html) is not None


def _finished_runs(worker) -> int:
    return worker.output().count(" succeeded in ")


def _mail_per_leader_and_report(mailbox) -> Counter:
    return Counter(
        (message["To"], message["Subject"].split("#", 1)[1].split(":", 1)[0])
        for message in mailbox.messages()
    )


def test_residents_get_receipts_while_redis_is_down_and_each_leader_is_mailed_once_after(
    private_redis, worker_on_private_redis, mailbox, leaders, theft, ward_a, unit_a1
):
    worker_on_private_redis.start()
    data = _form(category=theft, ward=ward_a, unit=unit_a1)

    # Before the outage: the after-commit message delivers at once.
    for _resident in range(2):
        html, _elapsed = _resident_reports(data)
        assert _has_receipt_code(html)
    wait_until(lambda: mailbox.count() == 6, what=lambda: f"6 emails, {mailbox.count()} so far")

    private_redis.stop()
    waits = []
    for _resident in range(4):
        html, elapsed = _resident_reports(data)
        assert _has_receipt_code(html)  # every resident gets a receipt
        waits.append(elapsed)
    assert max(waits) < PAGE_BOUND_SECONDS, waits

    assert Report.objects.count() == 6
    waiting = LeaderNotice.objects.filter(status=LeaderNotice.Status.PENDING)
    assert waiting.count() == 12  # three leaders of each of the four reports
    assert mailbox.count() == 6

    private_redis.start()  # empty: whatever was queued before is gone too
    # Written moments ago: the sweep leaves them to their own message for now.
    assert leader_notices.enqueue_due() == 0
    later = timezone.now() + leader_notices.REQUEUE_AFTER + SECOND
    assert leader_notices.enqueue_due(now=later) == 12
    assert leader_notices.enqueue_due(now=later) == 0  # handed out once per REQUEUE_AFTER
    wait_until(lambda: mailbox.count() == 18, what=lambda: f"18 emails, {mailbox.count()} so far")
    wait_until(
        lambda: not LeaderNotice.objects.exclude(status=LeaderNotice.Status.SENT).exists(),
        what="every notice marked sent",
    )

    # Every message again, as a redelivery or a second sweep would: none is re-sent.
    runs = _finished_runs(worker_on_private_redis)
    deliver_leader_notices.delay(list(LeaderNotice.objects.values_list("pk", flat=True)))
    for report in Report.objects.all():
        notify_leaders_of_new_report.delay(report.pk)
    wait_until(
        lambda: _finished_runs(worker_on_private_redis) == runs + 7,
        what="the seven repeated messages to be run",
    )

    per_leader = _mail_per_leader_and_report(mailbox)
    reports = {str(pk) for pk in Report.objects.values_list("pk", flat=True)}
    assert {report for _to, report in per_leader} == reports
    assert set(per_leader.values()) == {1}, per_leader
    assert len(per_leader) == 18
    ids = [message["Message-ID"] for message in mailbox.messages()]
    assert len(set(ids)) == len(ids)


def test_a_sweep_with_redis_down_loses_no_escalation_notice(
    private_redis, worker_on_private_redis, mailbox, chain, theft, ward_a
):
    past = timezone.now() - datetime.timedelta(minutes=1)
    Report.objects.create(
        category=theft,
        description="Tụ tập đánh bạc ở bãi đất trống cuối ngõ.",
        occurred_at=past - theft.deadline,
        ward=ward_a,
        created_at=past - theft.deadline,
        due_at=past,
        escalate_at=past,
        receipt_digest="outage-1",
    )
    private_redis.stop()

    # The sweep escalates and commits; publishing fails and is only logged.
    assert sweep().notices_enqueued == 2

    private_redis.start()
    worker_on_private_redis.start()
    assert sweep(now=timezone.now() + REQUEUE_AFTER + SECOND).notices_enqueued == 2
    wait_until(lambda: mailbox.count() == 2, what="the two level-1 emails")
    wait_until(
        lambda: not Notice.objects.exclude(status=Notice.Status.SENT).exists(),
        what="both notices marked sent",
    )
    assert sorted(message["To"] for message in mailbox.messages()) == [
        chain.first.email,
        chain.second.email,
    ]


def test_a_report_is_kept_and_its_receipt_shown_when_publishing_fails(
    broker, leaders, theft, ward_a, unit_a1, caplog
):
    # Nothing listens there: every publish is refused.
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    _reset_broker_pools()

    html, elapsed = _resident_reports(_form(category=theft, ward=ward_a, unit=unit_a1))

    assert _has_receipt_code(html)
    assert elapsed < PAGE_BOUND_SECONDS
    report = Report.objects.get()  # committed, not rolled back
    assert sorted(
        LeaderNotice.objects.filter(report=report, status="pending").values_list(
            "address", flat=True
        )
    ) == sorted([DEPUTY, LEADER, THIRD])
    assert "Could not publish" in caplog.text


def test_publishing_quietly_reports_a_failure_instead_of_raising(caplog):
    def refused():
        raise ConnectionRefusedError("broker down")

    assert publish_quietly(refused) is False
    assert publish_quietly(lambda: None) is True
    assert "ConnectionRefusedError" in caplog.text


class _RefusesOnce(Mailbox):
    """Answers 451 (try again later) to the first message for one address."""

    def __init__(self, address: str):
        super().__init__()
        self.refuse = {address}

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        if self.refuse & set(envelope.rcpt_tos):
            self.refuse.clear()
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.django_db
def test_a_retry_half_way_through_the_leaders_mails_only_those_not_mailed_yet(
    broker, settings, leaders, file_report, theft, ward_a, unit_a1
):
    smtp = SmtpServer()
    smtp.mailbox = _RefusesOnce(DEPUTY)
    smtp.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        report = file_report(category=theft, ward=ward_a, unit=unit_a1).report

        # The first run: the leader is mailed, the deputy's server says "later",
        # the third is mailed.
        assert notify_leaders_of_new_report(report.pk) == ["sent", "retry", "sent"]
        # The task run again (a redelivered or retried message): only the deputy.
        assert notify_leaders_of_new_report(report.pk) == ["sent"]
        assert notify_leaders_of_new_report(report.pk) == []
        everything = list(LeaderNotice.objects.values_list("pk", flat=True))
        assert leader_delivery.deliver_batch(notice_ids=everything) == ["not-ours"] * 3

        accepted = Counter(to for message in smtp.mailbox.messages() for to in [message["To"]])
        assert accepted == {LEADER: 1, DEPUTY: 1, THIRD: 1}
        deputy = LeaderNotice.objects.get(address=DEPUTY)
        assert (deputy.status, deputy.attempts) == ("sent", 2)
    finally:
        smtp.stop()


def test_the_report_form_answers_within_seconds_when_redis_never_answers(
    broker, settings, black_hole, leaders, theft, ward_a, unit_a1
):
    # Broker, cache and rate limits on a server that accepts and never answers:
    # each gives up within its timeout and the resident still gets a receipt.
    hung = f"redis://127.0.0.1:{black_hole}/0"
    celery_app.conf.broker_url = hung
    _reset_broker_pools()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": hung}}

    html, elapsed = _resident_reports(_form(category=theft, ward=ward_a, unit=unit_a1))

    assert _has_receipt_code(html)
    assert LeaderNotice.objects.filter(status="pending").count() == 3
    # About 9 s here: the rate limit's cache round trips, then one publish
    # that gives up after CELERY_BROKER_SOCKET_TIMEOUT (5 s); well inside
    # gunicorn's 30 s, after which the worker would be killed (a bare 500).
    assert elapsed < 20
