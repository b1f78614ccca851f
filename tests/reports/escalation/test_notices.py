"""What reaches the police when a deadline passes, on each channel.

The messages land on a real SMTP server and a real HTTP server (webhook
receiver, SMS gateway, Zalo). Where a real worker runs the sweep and the
deliveries, the test is transactional (the worker sees committed rows only);
tests of one channel's request deliver in the test itself, inside its
rolled-back transaction.
"""

import datetime
import hashlib
import hmac
import re
import threading
import time
from urllib.parse import parse_qs

import pytest
from django.conf import settings
from django.core import signing
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from reports.escalation import delivery
from reports.escalation.beat import sweep_escalations
from reports.escalation.chain import sweep
from reports.escalation.notice_content import ACK_SALT, acknowledge_link
from reports.escalation.tasks import deliver_notices
from reports.models import (
    DeliveryAttempt,
    Escalation,
    Notice,
    Report,
    ReportEvent,
    WebhookEndpoint,
    ZaloToken,
)
from tests.reports.escalation.servers import Answer, run_together, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

# What file_report gives the reporter; it must never leave the vault.
REPORTER_NAME = "Nguyễn Thị Hoa"
REPORTER_PHONE = "0987654321"
DESCRIPTION = "Xe máy bị lấy trộm trước cửa nhà văn hóa."
WEBHOOK_SECRET = "whsec-ward-a-0123456789"


def _names_report(report: Report, text: str) -> bool:
    # "#12" in English, "số 12" in Vietnamese: the number, not part of another.
    return re.search(rf"(?<!\d){report.pk}(?!\d)", text) is not None


def _shown(category) -> str:
    """The category as notices name it: in the site's language (its English name in English)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(category)


def _overdue(receipt, *, late: datetime.timedelta) -> Report:
    """The group's deadline passed `late` ago and nobody acknowledged."""
    past = timezone.now() - late
    Report.objects.filter(pk=receipt.report.pk).update(due_at=past, escalate_at=past)
    return Report.objects.get(pk=receipt.report.pk)


def _everything_in(message) -> str:
    """The message as received and decoded: an encoded part could hide a name."""
    headers = "\n".join(f"{name}: {value}" for name, value in message.items())
    return "\n".join([message.as_string(), headers, message.get_body().get_content()])


def _minutes_late(count: int) -> str:
    return ngettext("%(minutes)s minute late", "%(minutes)s minutes late", count) % {
        "minutes": count
    }


def _deliver_every_notice_of(report: Report) -> list[str]:
    """Deliver in the test itself, as a worker would; what each delivery did."""
    notices = Notice.objects.filter(escalation__report=report).order_by("pk")
    return [delivery.deliver_batch(notice_ids=[notice.pk])[0] for notice in notices]


def _sent_notices(finished, count: int) -> None:
    wait_until(
        lambda: len(finished.outcomes_of(deliver_notices)) >= count,
        what=f"{count} deliveries",
    )


def test_police_email_arrives_within_one_sweep_with_the_facts_and_no_reporter(
    worker, finished, mailbox, chain, file_report, theft, ward_a, unit_a1, group_x, settings
):
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1, address="Cổng chợ Hạ Long")
    report = _overdue(receipt, late=datetime.timedelta(minutes=5, seconds=20))

    sweep_escalations.delay()

    _sent_notices(finished, 2)
    # Level 1 of the seeded chain: the first two contacts of the ward's list, once each.
    assert sorted(envelope.rcpt_tos for envelope in mailbox.envelopes) == [
        [chain.first.email],
        [chain.second.email],
    ]
    escalation = Escalation.objects.get(report=report)
    assert escalation.level == 1
    notices = {notice.address: notice for notice in escalation.notices.all()}
    assert all(notice.status == Notice.Status.SENT for notice in notices.values())
    assert ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.ESCALATED).count() == 1
    with translation.override(settings.LANGUAGE_CODE):
        severity = str(theft.get_severity_display())
        # Five minutes and some seconds late when sent; a little more on a slow machine.
        late = [_minutes_late(minutes) for minutes in range(5, 10)]
    happened = timezone.localtime(report.occurred_at).strftime("%d/%m/%Y %H:%M")
    deadline = timezone.localtime(report.due_at).strftime("%d/%m/%Y %H:%M")
    for envelope, message in zip(mailbox.envelopes, mailbox.messages(), strict=True):
        notice = notices[envelope.rcpt_tos[0]]
        assert message["Message-ID"].startswith(f"<{notice.idempotency_key}@")
        assert _names_report(report, message["Subject"])
        assert _shown(theft) in message["Subject"]
        assert unit_a1.name in message["Subject"]
        body = message.get_body().get_content()
        for fact in (_shown(theft), severity, unit_a1.name, ward_a.name, "Cổng chợ Hạ Long"):
            assert fact in body
        assert happened in body
        assert deadline in body
        assert any(text in body for text in late)
        assert f"{settings.SITE_URL}/reports/{report.pk}/" in body
        raw = envelope.content.decode("utf-8", errors="replace")
        for text in (raw, _everything_in(message)):
            for secret in (REPORTER_NAME, REPORTER_PHONE, receipt.code):
                assert secret not in text


def test_acknowledge_link_in_the_email_asks_the_officer_to_confirm_then_stops_escalation(
    worker,
    finished,
    mailbox,
    chain,
    file_report,
    theft,
    ward_a,
    unit_a1,
    group_x,
    police_a,
    client,
    settings,
):
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    report = _overdue(receipt, late=datetime.timedelta(minutes=1))
    sweep_escalations.delay()
    _sent_notices(finished, 2)
    body = mailbox.messages(to=chain.first.email)[0].get_body().get_content()
    link = re.search(re.escape(settings.SITE_URL) + r"(/reports/acknowledge/\S+/)", body)
    assert link, body
    client.force_login(police_a)

    # A GET (a mail scanner, a link preview, the officer's first click) changes nothing.
    shown = client.get(link.group(1))

    assert shown.status_code == 200
    page = shown.content.decode()
    assert 'method="post"' in page
    assert "<button" in page
    assert _shown(theft) in page
    assert unit_a1.name in page
    escalation = Escalation.objects.get(report=report)
    assert escalation.acknowledged_at is None

    taken = client.post(link.group(1))

    assert taken.status_code == 302
    assert taken.url == reverse("reports:detail", args=[report.pk])
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == police_a
    assert escalation.acknowledged_at is not None
    report.refresh_from_db()
    assert report.escalate_at is None
    assert ReportEvent.objects.filter(
        report=report, kind=ReportEvent.Kind.POLICE_ACKNOWLEDGED, actor=police_a
    ).exists()
    # However late the next sweep, no level 2.
    assert sweep(now=timezone.now() + datetime.timedelta(days=3)).escalated == 0
    assert Escalation.objects.filter(report=report).count() == 1


@pytest.mark.django_db
def test_acknowledge_link_is_refused_to_police_of_another_ward_and_when_forged(
    chain, file_report, theft, ward_a, unit_a1, group_x, police_a, police_b, client, settings
):
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    report = _overdue(receipt, late=datetime.timedelta(minutes=1))
    sweep()
    notice = Notice.objects.filter(escalation__report=report).first()
    path = acknowledge_link(notice).removeprefix(settings.SITE_URL)
    escalation = notice.escalation
    forged = signing.dumps({"e": escalation.pk, "n": 1}, salt=ACK_SALT, key="not-our-secret")

    client.force_login(police_b)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    client.force_login(police_a)
    assert client.post(reverse("reports:acknowledge", args=[forged])).status_code == 404

    escalation.refresh_from_db()
    assert escalation.acknowledged_at is None
    assert Report.objects.get(pk=report.pk).escalate_at is not None


@pytest.mark.django_db
def test_acknowledge_link_dies_with_the_contact_it_was_sent_to(
    chain, file_report, theft, ward_a, unit_a1, group_x, police_a, client, settings
):
    chain.first.user = police_a
    chain.first.save(update_fields=["user"])
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    report = _overdue(receipt, late=datetime.timedelta(minutes=1))
    sweep()
    notice = Notice.objects.get(escalation__report=report, contact=chain.first)
    path = acknowledge_link(notice).removeprefix(settings.SITE_URL)
    escalation = notice.escalation
    client.force_login(police_a)
    assert client.get(path).status_code == 200

    # The contact leaves the ward's list: the link stops speaking for anyone.
    chain.first.active = False
    chain.first.save(update_fields=["active"])
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    chain.first.active = True
    chain.first.save(update_fields=["active"])
    assert client.get(path).status_code == 200

    # The contact's login is deactivated: refused, even to a session opened before.
    police_a.is_active = False
    police_a.save(update_fields=["is_active"])
    refused = client.post(path)
    assert refused.status_code == 302
    assert refused.url.startswith(reverse("login"))
    # Another officer of the ward cannot use a link sent to the deactivated login.
    colleague = type(police_a).objects.create_user(
        "police_a2", role=police_a.role, police_ward=police_a.police_ward
    )
    client.force_login(colleague)
    assert client.post(path).status_code == 404

    escalation.refresh_from_db()
    assert escalation.acknowledged_at is None
    assert Report.objects.get(pk=report.pk).escalate_at is not None


def test_webhook_arrives_signed_with_the_endpoints_secret_and_an_idempotency_key(
    worker, finished, web, chain, file_report, theft, ward_a, unit_a1, group_x
):
    endpoint = WebhookEndpoint.objects.create(
        name="Trung tâm chỉ huy", url=web.url("/hook"), secret=WEBHOOK_SECRET, area=ward_a
    )
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    report = _overdue(receipt, late=datetime.timedelta(minutes=3))

    sweep_escalations.delay()

    _sent_notices(finished, 3)  # two emails and the webhook
    [request] = web.received("/hook")
    notice = Notice.objects.get(endpoint=endpoint)
    assert notice.status == Notice.Status.SENT
    # What a receiver does: recompute the HMAC over "<timestamp>.<body>" and compare.
    timestamp = request.headers["x-tuquan-timestamp"]
    expected = hmac.new(
        WEBHOOK_SECRET.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(request.headers["x-tuquan-signature"], f"sha256={expected}")
    assert abs(int(timestamp) - time.time()) < 120
    assert request.headers["idempotency-key"] == notice.idempotency_key
    assert request.headers["content-type"] == "application/json"
    payload = request.json()
    assert payload["event"] == "report.escalated"
    assert payload["report"] == report.pk
    assert payload["level"] == 1
    assert payload["category"] == theft.name
    assert payload["place"] == unit_a1.name
    assert payload["ward_code"] == ward_a.code
    assert payload["late_minutes"] >= 3
    assert "/reports/acknowledge/" in payload["link"]
    text = request.body.decode()
    for secret in (REPORTER_NAME, REPORTER_PHONE, DESCRIPTION, receipt.code):
        assert secret not in text
    # A signature made with another secret does not match.
    forged = hmac.new(b"guess", timestamp.encode() + b"." + request.body, hashlib.sha256)
    assert request.headers["x-tuquan-signature"] != f"sha256={forged.hexdigest()}"


@pytest.mark.django_db
def test_sms_gateway_gets_reference_place_category_and_link_but_no_description_or_reporter(
    web, chain, file_report, theft, ward_a, unit_a1, group_x, settings
):
    settings.SMS_GATEWAY_URL = web.url("/sms")
    settings.SMS_GATEWAY_TOKEN = "gateway-token"
    for contact in (chain.first, chain.second):
        contact.channels = ["sms"]
        contact.save(update_fields=["channels"])
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    report = _overdue(receipt, late=datetime.timedelta(minutes=2))
    sweep()

    assert _deliver_every_notice_of(report) == ["sent", "sent"]

    requests = web.received("/sms")
    notices = {n.idempotency_key: n for n in Notice.objects.filter(escalation__report=report)}
    assert sorted(request.json()["to"] for request in requests) == ["84912000001", "84912000002"]
    for request in requests:
        payload = request.json()
        assert set(payload) == {"to", "message", "reference"}
        notice = notices[payload["reference"]]
        notice.refresh_from_db()
        assert notice.status == Notice.Status.SENT
        assert notice.channel == "sms"
        assert request.headers["authorization"] == "Bearer gateway-token"
        message = payload["message"]
        assert _names_report(report, message)
        assert _shown(theft) in message
        assert unit_a1.name in message
        assert "/reports/acknowledge/" in message
        for secret in (DESCRIPTION, REPORTER_NAME, REPORTER_PHONE, receipt.code):
            assert secret not in message


@pytest.mark.django_db
def test_sms_gateway_error_is_retried_later_not_lost(
    web, chain, file_report, theft, ward_a, unit_a1, group_x, settings
):
    settings.SMS_GATEWAY_URL = web.url("/sms")
    chain.first.channels = ["sms"]
    chain.first.save(update_fields=["channels"])
    web.answer("/sms", lambda request: Answer(status=503, body={"error": "busy"}))
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    _overdue(receipt, late=datetime.timedelta(minutes=2))
    before = timezone.now()
    sweep()
    notice = Notice.objects.get(channel="sms")

    assert delivery.deliver_batch(notice_ids=[notice.pk])[0] == "retry"

    assert len(web.received("/sms")) == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PENDING
    assert notice.attempts == 1
    assert "503" in notice.last_error
    assert notice.next_attempt_at > before
    [attempt] = DeliveryAttempt.objects.filter(notice=notice)
    assert not attempt.succeeded
    assert "503" in attempt.response


@pytest.mark.django_db
def test_webhook_receiver_answering_garbage_is_an_attempt_to_retry_not_a_stuck_notice(
    web, chain, file_report, theft, ward_a, unit_a1, group_x
):
    WebhookEndpoint.objects.create(
        name="Hệ thống cũ", url=web.url("/hook"), secret=WEBHOOK_SECRET, area=ward_a
    )
    web.answer("/hook", lambda request: Answer(raw=b"SURPRISE\r\n\r\n"))
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    _overdue(receipt, late=datetime.timedelta(minutes=2))
    sweep()
    notice = Notice.objects.get(channel="webhook")
    before = timezone.now()

    assert delivery.deliver_batch(notice_ids=[notice.pk])[0] == "retry"

    assert len(web.received("/hook")) == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PENDING
    assert notice.next_attempt_at > before
    [attempt] = notice.delivery_attempts.all()
    assert not attempt.succeeded
    assert "BadStatusLine" in attempt.response


# Zalo ZNS --------------------------------------------------------------------------


@pytest.fixture
def zalo(settings, web):
    settings.ZALO_APP_ID = "app-4242"
    settings.ZALO_SECRET_KEY = "zalo-secret"
    settings.ZALO_ZNS_TEMPLATE_ID = "zns-template-7"
    settings.ZALO_ZNS_URL = web.url("/zns")
    settings.ZALO_OAUTH_URL = web.url("/oauth")
    return ZaloToken.objects.create(
        access_token="access-1",
        refresh_token="refresh-1",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )


@pytest.fixture
def zalo_contacts(chain):
    for contact in (chain.first, chain.second):
        contact.channels = ["zalo"]
        contact.save(update_fields=["channels"])
    return chain


@pytest.mark.django_db
def test_zns_request_has_the_84_phone_template_tracking_id_and_access_token(
    web, zalo, zalo_contacts, file_report, theft, ward_a, unit_a1, group_x
):
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    report = _overdue(receipt, late=datetime.timedelta(minutes=2))
    sweep()

    assert _deliver_every_notice_of(report) == ["sent", "sent"]

    requests = web.received("/zns")
    notices = {n.idempotency_key: n for n in Notice.objects.filter(escalation__report=report)}
    assert sorted(request.json()["phone"] for request in requests) == [
        "84912000001",
        "84912000002",
    ]
    for request in requests:
        payload = request.json()
        assert request.headers["access_token"] == "access-1"
        assert payload["template_id"] == "zns-template-7"
        notice = notices[payload["tracking_id"]]
        notice.refresh_from_db()
        assert notice.channel == "zalo"
        assert notice.status == Notice.Status.SENT
        assert notice.provider_reference == "msg-1"
        data = payload["template_data"]
        assert data["report"] == report.pk
        assert data["category"] == theft.name
        assert data["place"] == unit_a1.name
        assert "/reports/acknowledge/" in data["link"]
        for secret in (DESCRIPTION, REPORTER_NAME, REPORTER_PHONE, receipt.code):
            assert secret not in request.body.decode()
    assert web.received("/oauth") == []


@pytest.mark.django_db
def test_zns_http_200_with_a_nonzero_error_is_a_failed_notice(
    web, zalo, zalo_contacts, file_report, theft, ward_a, unit_a1, group_x
):
    web.answer(
        "/zns", lambda request: Answer(body={"error": -108, "message": "Phone number invalid"})
    )
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    report = _overdue(receipt, late=datetime.timedelta(minutes=2))
    sweep()

    assert _deliver_every_notice_of(report) == ["failed", "failed"]

    assert len(web.received("/zns")) == 2
    for notice in Notice.objects.filter(escalation__report=report):
        assert notice.status == Notice.Status.FAILED
        assert notice.sent_at is None
        assert "-108" in notice.last_error
        [attempt] = notice.delivery_attempts.all()
        assert not attempt.succeeded
        assert "Phone number invalid" in attempt.response


@pytest.mark.parametrize(
    ("refused_after", "refresh_takes"),
    [
        pytest.param(0.0, 0.5, id="both-refused-at-once-while-the-refresh-is-slow"),
        pytest.param(1.0, 0.0, id="second-refusal-arrives-after-the-refresh"),
    ],
)
def test_expired_zalo_token_is_refreshed_once_by_two_deliveries_at_the_same_time(
    web,
    zalo,
    zalo_contacts,
    file_report,
    theft,
    ward_a,
    unit_a1,
    group_x,
    refused_after,
    refresh_takes,
):
    refusals = []
    # Both deliveries are refused, whichever of them the machine runs first.
    both_asked = threading.Barrier(2, timeout=20)

    def zns(request):
        if request.headers["access_token"] == "access-2":
            return Answer(body={"error": 0, "data": {"msg_id": request.json()["tracking_id"]}})
        refusals.append(request)
        late = refused_after if both_asked.wait() == 0 else 0.0
        return Answer(body={"error": -124, "message": "Access token expired"}, delay=late)

    current = {"refresh": "refresh-1"}

    def oauth(request):
        # The refresh token is single-use: a second refresh with it is refused.
        fields = parse_qs(request.body.decode())
        if fields["refresh_token"] != [current["refresh"]] or current["refresh"] != "refresh-1":
            return Answer(body={"error": -14014, "message": "Invalid refresh token"})
        current["refresh"] = "spent"
        body = {"access_token": "access-2", "refresh_token": "refresh-2", "expires_in": "90000"}
        return Answer(body=body, delay=refresh_takes)

    web.answer("/zns", zns)
    web.answer("/oauth", oauth)
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    report = _overdue(receipt, late=datetime.timedelta(minutes=2))
    sweep()  # makes the notices; no worker here, the two threads deliver
    first, second = Notice.objects.filter(escalation__report=report).order_by("pk")

    results = run_together(
        lambda: delivery.deliver_batch(notice_ids=[first.pk])[0],
        lambda: delivery.deliver_batch(notice_ids=[second.pk])[0],
    )

    assert results == ["sent", "sent"]
    [refresh] = web.received("/oauth")
    assert parse_qs(refresh.body.decode()) == {
        "refresh_token": ["refresh-1"],
        "app_id": ["app-4242"],
        "grant_type": ["refresh_token"],
    }
    assert refresh.headers["secret_key"] == "zalo-secret"
    assert len(refusals) == 2
    for notice in (first, second):
        notice.refresh_from_db()
        assert notice.status == Notice.Status.SENT
        assert notice.provider_reference == notice.idempotency_key
    token = ZaloToken.objects.get()
    assert (token.access_token, token.refresh_token) == ("access-2", "refresh-2")
    assert token.expires_at > timezone.now() + datetime.timedelta(hours=24)
    # Encrypted at rest: the columns do not hold the tokens themselves.
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM reports_zalotoken")
        stored = " ".join(cursor.fetchone())
    assert "access-2" not in stored
    assert "refresh-2" not in stored
