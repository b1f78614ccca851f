"""Exactly once per level and once per notice: with several workers and sweeps at
once, and when a worker, the broker or the SMTP server goes away.

What counts is what the SMTP server accepted: one message per notice, and no
Message-ID twice. Time is moved by passing `now=` to the sweep, never by sleeping.
"""

import base64
import datetime
import json
import uuid
from collections import Counter

import pytest
from django.utils import timezone

from groups.models import PoliceContact
from reports.escalation.beat import mail_failed_notices_summary
from reports.escalation.chain import DELIVERY_BATCH, REQUEUE_AFTER, enqueue_due_notices, sweep
from reports.escalation.delivery import MAX_ATTEMPTS
from reports.escalation.tasks import deliver_notices
from reports.models import DeliveryAttempt, Escalation, Notice, Report
from tests.reports.escalation.servers import run_together, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

SECOND = datetime.timedelta(seconds=1)
ADMIN_EMAIL = "admin@tinh.example.test"


def _due_reports(*, count: int, category, ward) -> list[Report]:
    """`count` reports of `ward` whose group let the deadline pass a minute ago."""
    past = timezone.now() - datetime.timedelta(minutes=1)
    batch = uuid.uuid4().hex[:8]
    return Report.objects.bulk_create(
        Report(
            category=category,
            description="Tụ tập đánh bạc ở bãi đất trống cuối ngõ.",
            occurred_at=past - category.deadline,
            ward=ward,
            created_at=past - category.deadline,
            due_at=past,
            escalate_at=past,
            receipt_digest=f"test-{batch}-{index:05d}",
        )
        for index in range(count)
    )


@pytest.fixture
def only_contact(ward_a, escalation_rules):
    """Ward A's list has one officer: each escalation makes exactly one notice."""
    return PoliceContact.objects.create(
        area=ward_a, name="Only", email="only@police.example.test", channels=["email"], order=1
    )


def _delivered(finished) -> list[str]:
    """What each delivery did, in the order this process's worker finished them."""
    return finished.outcomes_of(deliver_notices)


def _outcomes(finished) -> Counter:
    return Counter(_delivered(finished))


def _wait_for_deliveries(finished, count: int, *, timeout: float = 30) -> None:
    """Wait for this process's worker to have tried `count` deliveries."""
    wait_until(
        lambda: len(_delivered(finished)) >= count,
        what=lambda: f"{count} deliveries (so far {dict(_outcomes(finished))})",
        timeout=timeout,
    )


def _broker_drained(broker) -> bool:
    """Every message was taken and acknowledged: none waits, none is in a worker's hands.

    Tasks acknowledge late, so a message leaves kombu's "unacked" hash (where the
    Redis transport keeps what workers hold) only once its task ran.
    """
    client = broker.client()
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def _keys_accepted(mailbox) -> list[str]:
    # Message-ID is "<tuquan-notice-<pk>@<domain>>": the notice's idempotency key.
    return [message["Message-ID"][1:].split("@")[0] for message in mailbox.messages()]


def _queued_deliveries(broker) -> list[list[int]]:
    """The notice ids of each delivery message waiting in the queue."""
    waiting = [json.loads(raw) for raw in broker.client().lrange("celery", 0, -1)]
    return [
        json.loads(base64.b64decode(message["body"]))[0][0]
        for message in waiting
        if message["headers"]["task"] == deliver_notices.name
    ]


def test_two_workers_and_two_concurrent_sweeps_escalate_500_reports_once_and_send_each_once(
    broker, worker_process, start_worker, mailbox, only_contact, theft, ward_a
):
    reports = _due_reports(count=500, category=theft, ward=ward_a)
    # Two workers in two processes, competing for the same queue.
    worker_process.start(concurrency=2)
    start_worker(concurrency=3)
    now = timezone.now()

    results = run_together(
        lambda: sweep(now=now, batch_size=25), lambda: sweep(now=now, batch_size=25)
    )

    assert sum(result.escalated for result in results) == 500
    assert Escalation.objects.count() == 500
    assert set(Escalation.objects.values_list("report_id", flat=True)) == {r.pk for r in reports}
    assert set(Escalation.objects.values_list("level", flat=True)) == {1}
    notices = list(Notice.objects.all())
    assert len(notices) == 500
    # Each notice was handed to the workers by exactly one of the sweeps.
    assert sum(result.notices_enqueued for result in results) == 500
    # And once more each, as a broker redelivers a message whose acknowledgement it lost.
    for notice in notices:
        deliver_notices.delay([notice.pk])
    wait_until(
        lambda: mailbox.count() >= 500 and _broker_drained(broker),
        what=lambda: f"1000 delivery tasks to run (so far {mailbox.count()} messages)",
        timeout=150,
    )

    accepted = _keys_accepted(mailbox)
    assert len(accepted) == 500
    assert sorted(accepted) == sorted(notice.idempotency_key for notice in notices)
    # The second copy of each message found its notice claimed or sent: no second attempt.
    assert Notice.objects.filter(status=Notice.Status.SENT, attempts=1).count() == 500
    assert DeliveryAttempt.objects.filter(succeeded=True).count() == 500
    assert not DeliveryAttempt.objects.filter(succeeded=False).exists()
    # A third sweep, later, finds nothing left to do.
    assert sweep(now=now + REQUEUE_AFTER + SECOND).notices_enqueued == 0


def test_notice_whose_worker_was_killed_mid_delivery_is_delivered_once_after_its_lease(
    worker_process, start_worker, finished, smtp_server, mailbox, only_contact, theft, ward_a
):
    _due_reports(count=1, category=theft, ward=ward_a)
    mailbox.hold()  # the SMTP server takes the DATA and does not answer
    worker_process.start()

    assert sweep().notices_enqueued == 1
    wait_until(mailbox.is_holding_one.is_set, what="the worker to send the message's DATA")
    notice = Notice.objects.get()
    assert notice.status == Notice.Status.SENDING
    worker_process.kill()
    mailbox.release()  # refused: the killed worker never got a 250
    start_worker()  # a worker comes back

    # Its lease still runs: nobody else may send the notice yet.
    assert sweep().notices_enqueued == 0
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENDING
    assert sweep(now=notice.next_attempt_at + SECOND).notices_enqueued == 1
    _wait_for_deliveries(finished, 1)
    # The killed worker's own message, redelivered by the broker much later, finds it done.
    deliver_notices.delay([notice.pk])
    _wait_for_deliveries(finished, 2)

    assert _delivered(finished) == ["sent", "not-ours"]
    assert _keys_accepted(mailbox) == [notice.idempotency_key]
    # The attempt that died carried the same key: a receiver that had kept it can drop
    # the repeat (the window docs/escalation.md describes).
    [held] = mailbox.held
    assert f"<{notice.idempotency_key}@".encode() in held.content
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert notice.attempts == 2
    assert list(notice.delivery_attempts.values_list("succeeded", flat=True)) == [True]


def test_every_notice_is_delivered_after_the_broker_restarts_with_messages_pending(
    broker, start_worker, finished, mailbox, chain, theft, ward_a
):
    _due_reports(count=5, category=theft, ward=ward_a)
    assert sweep().notices_enqueued == 10  # two contacts each; no worker yet
    queued = [pk for ids in _queued_deliveries(broker) for pk in ids]
    assert sorted(queued) == sorted(Notice.objects.values_list("pk", flat=True))

    broker.restart()  # Redis keeps nothing: the ten messages are gone

    assert broker.queued() == 0
    start_worker()
    # Enqueued moments ago: not yet taken for lost.
    assert sweep().notices_enqueued == 0
    assert sweep(now=timezone.now() + REQUEUE_AFTER + SECOND).notices_enqueued == 10
    _wait_for_deliveries(finished, 10)
    assert _outcomes(finished) == {"sent": 10}
    accepted = _keys_accepted(mailbox)
    assert sorted(accepted) == sorted(notice.idempotency_key for notice in Notice.objects.all())
    assert not Notice.objects.exclude(status=Notice.Status.SENT).exists()


def test_notices_back_off_while_smtp_is_down_and_go_out_once_when_it_is_back(
    worker, finished, smtp_server, mailbox, chain, theft, ward_a
):
    smtp_server.stop()
    _due_reports(count=1, category=theft, ward=ward_a)
    before = timezone.now()

    assert sweep().notices_enqueued == 2
    _wait_for_deliveries(finished, 2)

    assert _outcomes(finished) == {"retry": 2}
    notices = list(Notice.objects.all())
    for notice in notices:
        assert notice.status == Notice.Status.PENDING
        assert notice.attempts == 1
        assert "ConnectionRefusedError" in notice.last_error
        assert notice.next_attempt_at > before
        [attempt] = notice.delivery_attempts.all()
        assert not attempt.succeeded
        assert "ConnectionRefusedError" in attempt.response
    # Backing off: the next sweep leaves them alone.
    assert sweep().notices_enqueued == 0

    smtp_server.start()
    retry_at = max(notice.next_attempt_at for notice in notices) + SECOND
    assert sweep(now=retry_at).notices_enqueued == 2
    _wait_for_deliveries(finished, 4)

    assert _outcomes(finished) == {"retry": 2, "sent": 2}
    assert sorted(_keys_accepted(mailbox)) == sorted(n.idempotency_key for n in notices)
    for notice in notices:
        notice.refresh_from_db()
        assert (notice.status, notice.attempts, notice.last_error) == (Notice.Status.SENT, 2, "")
        succeeded = list(notice.delivery_attempts.values_list("succeeded", flat=True))
        assert succeeded == [False, True]


def test_notice_that_exhausts_its_retries_fails_and_is_in_the_daily_summary_to_admins(
    worker, finished, smtp_server, mailbox, only_contact, theft, ward_a, province_admin
):
    province_admin.email = ADMIN_EMAIL
    province_admin.save(update_fields=["email"])
    smtp_server.stop()
    [report] = _due_reports(count=1, category=theft, ward=ward_a)
    moment = timezone.now()

    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert sweep(now=moment).notices_enqueued == 1
        _wait_for_deliveries(finished, attempt)
        notice = Notice.objects.get()
        assert notice.attempts == attempt
        moment = max(moment, notice.next_attempt_at) + SECOND

    assert _delivered(finished) == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
    assert notice.status == Notice.Status.FAILED
    assert "ConnectionRefusedError" in notice.last_error
    assert notice.delivery_attempts.filter(succeeded=False).count() == MAX_ATTEMPTS
    # A failed notice waits for an administrator; the sweep no longer hands it out.
    assert enqueue_due_notices(now=moment + datetime.timedelta(days=1)) == 0

    smtp_server.start()
    mail_failed_notices_summary.delay()

    wait_until(lambda: mailbox.count(to=ADMIN_EMAIL), what="the summary of failed notices")
    [summary] = mailbox.messages(to=ADMIN_EMAIL)
    body = summary.get_body().get_content()
    assert f"#{report.pk} " in body  # the list writes "#<report> · <channel> → …"
    assert only_contact.email in body
    assert "ConnectionRefusedError" in body
    assert "/admin/reports/notice/?status__exact=failed" in body
    assert mailbox.count() == 1  # the summary only; the notice itself never went out
    assert finished.of(mail_failed_notices_summary) == [((), 1)]


def test_one_sweep_hands_every_due_notice_to_the_workers_however_many(
    broker, escalation_rules, theft, ward_a
):
    [report] = _due_reports(count=1, category=theft, ward=ward_a)
    contacts = PoliceContact.objects.bulk_create(
        PoliceContact(area=ward_a, name=f"Cán bộ {index}", email=f"cb{index}@example.test")
        for index in range(1500)
    )
    escalation = Escalation.objects.create(report=report, level=1)
    Report.objects.filter(pk=report.pk).update(escalation_level=1, escalate_at=None)
    now = timezone.now()
    Notice.objects.bulk_create(
        Notice(
            escalation=escalation,
            contact=contact,
            channel="email",
            address=contact.email,
            next_attempt_at=now,
        )
        for contact in contacts
    )

    assert sweep(now=now).notices_enqueued == 1500

    queued = _queued_deliveries(broker)
    # In messages of DELIVERY_BATCH notices, each notice in one of them.
    assert len(queued) == 1500 // DELIVERY_BATCH
    assert {len(ids) for ids in queued} == {DELIVERY_BATCH}
    assert sorted(pk for ids in queued for pk in ids) == sorted(
        notice.pk for notice in Notice.objects.all()
    )
    assert not Notice.objects.filter(enqueued_at__isnull=True).exists()
