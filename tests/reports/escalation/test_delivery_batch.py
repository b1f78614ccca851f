"""One delivery task sends a batch of notices: a few queries for the batch, then
each notice recorded on its own, and one notice's bug does not stop the others.

Delivered in the test itself, as a worker would, to a real SMTP server. The
SAVEPOINT statements of the test's own transaction are left out of the counts.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import PoliceContact
from reports.escalation import delivery
from reports.escalation.notice_content import read_acknowledge_token
from reports.models import DeliveryAttempt, Escalation, Notice, NoticeChannel, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def escalation(theft, ward_a):
    past = timezone.now() - datetime.timedelta(minutes=1)
    report = Report.objects.create(
        category=theft,
        description="Tụ tập đánh bạc ở bãi đất trống cuối ngõ.",
        occurred_at=past - theft.deadline,
        ward=ward_a,
        created_at=past - theft.deadline,
        due_at=past,
        receipt_digest="test-delivery-batch",
        escalation_level=1,
    )
    return Escalation.objects.create(report=report, level=1)


@pytest.fixture
def email_notices(escalation, ward_a):
    """`make(count)`: that many pending email notices of the escalation, to new contacts."""
    made = []

    def make(count: int) -> list[Notice]:
        start = len(made)
        contacts = PoliceContact.objects.bulk_create(
            PoliceContact(
                area=ward_a,
                name=f"Cán bộ {index}",
                email=f"cb{index}@police.example.test",
                order=index,
                channels=["email"],
            )
            for index in range(start, start + count)
        )
        notices = Notice.objects.bulk_create(
            Notice(
                escalation=escalation,
                contact=contact,
                channel=NoticeChannel.EMAIL,
                address=contact.email,
                next_attempt_at=timezone.now(),
            )
            for contact in contacts
        )
        made.extend(notices)
        return notices

    return make


def _queries_of_batch(notices: list[Notice]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        outcomes = delivery.deliver_batch(notice_ids=[notice.pk for notice in notices])
    statements = [
        query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]
    ]
    return len(statements), outcomes


def test_a_batch_costs_two_queries_and_then_one_per_notice_sent(email_notices, mailbox):
    # The first send opens the worker thread's SMTP connection, outside the counts.
    assert delivery.deliver_batch(notice_ids=[email_notices(1)[0].pk]) == ["sent"]

    few, few_outcomes = _queries_of_batch(email_notices(5))
    many, many_outcomes = _queries_of_batch(email_notices(20))

    assert few_outcomes == ["sent"] * 5
    assert many_outcomes == ["sent"] * 20
    # Claim (UPDATE … RETURNING) and load (one SELECT with its joins) for the batch;
    # for each notice, marking it sent and inserting its attempt, in one statement.
    per_notice = (many - few) / 15
    assert per_notice == 1
    assert few - 5 * per_notice == 2
    assert mailbox.count() == 26
    assert Notice.objects.filter(status=Notice.Status.SENT, attempts=1).count() == 26
    assert DeliveryAttempt.objects.filter(succeeded=True).count() == 26


def test_a_notice_that_is_not_ours_is_left_alone_and_named_so(email_notices, mailbox):
    sent, taken, pending = email_notices(3)
    assert delivery.deliver_batch(notice_ids=[sent.pk])[0] == "sent"
    Notice.objects.filter(pk=taken.pk).update(status=Notice.Status.SENDING)

    outcomes = delivery.deliver_batch(notice_ids=[sent.pk, taken.pk, pending.pk, pending.pk])

    # A notice named twice in one batch is sent once.
    assert outcomes == ["not-ours", "not-ours", "sent", "not-ours"]
    assert sorted(envelope.rcpt_tos for envelope in mailbox.envelopes) == sorted(
        [[sent.address], [pending.address]]
    )
    taken.refresh_from_db()
    assert (taken.status, taken.attempts) == (Notice.Status.SENDING, 0)
    assert not taken.delivery_attempts.exists()


def test_a_bug_on_one_notice_is_recorded_on_it_and_the_rest_of_the_batch_goes_out(
    email_notices, escalation, ward_a, mailbox, caplog
):
    before, after = email_notices(2)
    # A notice no code path makes: a contact's on the webhook channel, which has no
    # endpoint to sign with. Sending it raises an AttributeError, a bug of ours.
    contact = PoliceContact.objects.create(
        area=ward_a, name="Không có webhook", email="x@police.example.test", order=99
    )
    broken = Notice.objects.create(
        escalation=escalation,
        contact=contact,
        channel=NoticeChannel.WEBHOOK,
        address="http://127.0.0.1:9/hook",
        next_attempt_at=timezone.now(),
    )

    outcomes = delivery.deliver_batch(notice_ids=[before.pk, broken.pk, after.pk])

    assert outcomes == ["sent", "retry", "sent"]
    assert sorted(envelope.rcpt_tos for envelope in mailbox.envelopes) == sorted(
        [[before.address], [after.address]]
    )
    broken.refresh_from_db()
    assert broken.status == Notice.Status.PENDING
    assert broken.attempts == 1
    assert "'NoneType' object has no attribute 'secret'" in broken.last_error
    [attempt] = broken.delivery_attempts.all()
    assert not attempt.succeeded
    assert attempt.response == broken.last_error
    # With its traceback in the worker's log.
    [logged] = [record for record in caplog.records if record.name == "reports.escalation.delivery"]
    assert logged.exc_info is not None
    assert str(broken.pk) in logged.getMessage()
    for notice in (before, after):
        notice.refresh_from_db()
        assert notice.status == Notice.Status.SENT


def test_each_email_of_a_batch_carries_its_own_notices_acknowledgement_link(email_notices, mailbox):
    notices = email_notices(3)  # one escalation: its text is rendered once for the batch

    assert delivery.deliver_batch(notice_ids=[notice.pk for notice in notices]) == ["sent"] * 3

    # The links are read back rather than compared with fresh ones: a signed
    # token carries the second it was made, so a fresh one may differ.
    notice_at = {notice.address: notice for notice in notices}
    link_prefix = settings.SITE_URL + reverse("reports:acknowledge", args=["TOKEN"])
    link_pattern = re.escape(link_prefix).replace("TOKEN", r"([^/\s]+)")
    for envelope, message in zip(mailbox.envelopes, mailbox.messages(), strict=True):
        body = message.get_body().get_content()
        [address] = envelope.rcpt_tos
        [token] = re.findall(link_pattern, body)
        notice = notice_at[address]
        assert read_acknowledge_token(token) == {"e": notice.escalation_id, "n": notice.pk}
        assert "[[" not in body
