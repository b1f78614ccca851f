"""Reports by SMS and Zalo, end to end: the provider POSTs a signed message, the report
lands in the group's inbox, and the receipt code goes back to the provider's server;
of a tip, the sender's number is left nowhere."""

import hashlib
import hmac
import json
import random
import types

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from reports import receipts
from reports.inbound import answers, tasks, waiting
from reports.models import Channel, InboundMessage, Report, ReporterContact
from reports.privacy import ReporterPrivacyFilter
from tests.reports.escalation.servers import Answer, free_port, run_together, wait_until
from tests.reports.inbound.conftest import (
    SMS_SECRET,
    SMS_SENDER,
    ZALO_USER,
    post_sms,
    post_zalo,
    sms_body,
    zalo_body,
    zalo_mac,
)

pytestmark = pytest.mark.django_db

# Measured: filing one SMS, routing and the leaders' notices included; a retry.
FILED_QUERIES = 20
RETRY_QUERIES = 6


def _code_in(text: str) -> str:
    # "… Ma bien nhan: ABCD-EFGH. …": the receipt code as the answer spells it.
    after = text.split(":", 1)[1].strip()
    return after.split(".")[0].split(",")[0].strip()


def _text_columns_holding(needle: str) -> list[str]:
    """Every text-like column of every table in which `needle` appears."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' "
            "AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'character')"
        )
        for table, column in cursor.fetchall():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE %s',  # noqa: S608
                [f"%{needle}%"],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def test_an_sms_with_the_posters_code_lands_in_the_groups_inbox_and_the_receipt_goes_back(
    client, providers, place_code, unit_a1, ward_a, leader_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_sms(
            client, sms_body(text=f"{place_code.lower()} Có người lạ cạy cửa nhà số 5 ngõ 12")
        )

    assert response.status_code == 200
    assert response.json() == {"outcome": "filed"}
    report = Report.objects.get()
    assert (report.channel, report.ward, report.unit) == (Channel.SMS, ward_a, unit_a1)
    assert report.description == "Có người lạ cạy cửa nhà số 5 ngõ 12"
    assert not report.is_anonymous
    assert report.contact.phone == SMS_SENDER  # in the vault, sealed
    assert _text_columns_holding("345678") == []
    assert _text_columns_holding("cạy cửa") == ["reports_report.description"]  # the scan finds
    # The answer went out through the SMS gateway, in plain letters, with the receipt code.
    (sent,) = providers.received("/sms/send")
    assert sent.headers["authorization"] == "Bearer gateway-token"
    answer = sent.json()
    assert answer["to"] == "84912345678"
    assert answer["message"].isascii()
    assert "Ma bien nhan" in answer["message"]  # Vietnamese, in plain letters
    assert receipts.receipt_digests(_code_in(answer["message"]))[0] == report.receipt_digest
    # The group's leader finds it in the inbox.
    client.force_login(leader_x)
    inbox = client.get(reverse("reports:inbox"))
    assert inbox.status_code == 200
    assert reverse("reports:detail", args=[report.pk]) in inbox.content.decode()


def test_a_tip_by_sms_leaves_nothing_of_the_number_once_answered(
    client, providers, place_code, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_sms(client, sms_body(text=f"Tố giác {place_code} bán ma túy ở bãi xe"))

    assert response.json() == {"outcome": "filed"}
    report = Report.objects.get()
    assert report.is_anonymous
    assert report.channel == Channel.SMS
    assert not ReporterContact.objects.exists()
    (sent,) = providers.received("/sms/send")
    assert "Cum mat khau" in sent.json()["message"]
    for form in ("0912345678", "84912345678", "912345678", "345678"):
        assert _text_columns_holding(form) == [], form
    assert waiting.waiting_message(provider="sms", sender=SMS_SENDER) is None


def test_a_zalo_message_without_a_place_is_asked_for_it_and_filed_with_the_answer(
    client, providers, place_code, unit_a1, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = post_zalo(
            client, zalo_body(message_id="z-1", text="TOGIAC có đánh bạc ở quán nước")
        )
    assert first.json() == {"outcome": "asked_for_place"}
    assert not Report.objects.exists()
    (question,) = providers.received("/zalo/cs")
    assert question.headers["access_token"] == "access-1"
    assert question.json()["recipient"] == {"user_id": ZALO_USER}
    assert "113" in question.json()["message"]["text"]
    # The text waits, sealed, under a key that does not show the sender.
    assert _text_columns_holding(ZALO_USER) == []

    with django_capture_on_commit_callbacks(execute=True):
        second = post_zalo(client, zalo_body(message_id="z-2", text=place_code))

    assert second.json() == {"outcome": "filed"}
    report = Report.objects.get()
    assert (report.channel, report.unit, report.is_anonymous) == (Channel.ZALO, unit_a1, True)
    assert report.description == "có đánh bạc ở quán nước"
    assert len(providers.received("/zalo/cs")) == 2
    assert _text_columns_holding(ZALO_USER) == []
    assert waiting.waiting_message(provider="zalo", sender=ZALO_USER) is None


def test_a_named_zalo_report_keeps_the_user_in_the_vault_only(
    client, providers, place_code, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_zalo(client, zalo_body(text=f"{place_code} cháy dây điện trước chợ"))

    assert response.json() == {"outcome": "filed"}
    assert Report.objects.get().contact.name == f"Zalo {ZALO_USER}"
    assert _text_columns_holding(ZALO_USER) == []


def test_an_unknown_code_is_named_in_the_question(client, providers, place_code):
    response = post_sms(client, sms_body(text="ZZ22ZZ trộm xe máy"))
    assert response.json() == {"outcome": "asked_for_place"}
    assert waiting.waiting_message(provider="sms", sender=SMS_SENDER).text == "trộm xe máy"


def test_retries_of_a_message_file_one_report_and_answer_once(
    client, providers, place_code, django_capture_on_commit_callbacks
):
    body = sms_body(message_id="gw-77", text=f"{place_code} trộm chó")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [post_sms(client, body).json() for _ in range(3)]

    assert answers == [{"outcome": "filed"}, {"outcome": "repeat"}, {"outcome": "repeat"}]
    assert Report.objects.count() == 1
    assert InboundMessage.objects.get().report == Report.objects.get()
    assert len(providers.received("/sms/send")) == 1


def test_the_same_id_from_the_other_provider_is_another_message(client, providers, place_code):
    assert post_sms(client, sms_body(message_id="m-1", text=f"{place_code} a")).json() == {
        "outcome": "filed"
    }
    assert post_zalo(client, zalo_body(message_id="m-1", text=f"{place_code} b")).json() == {
        "outcome": "filed"
    }
    assert Report.objects.count() == 2


def test_a_wrong_signature_is_refused(client, providers, place_code, settings):
    body = sms_body(text=f"{place_code} trộm")
    assert post_sms(client, body, secret="guessed").status_code == 403
    # A signature of another body (a replayed header on a changed message).
    other = sms_body(text="x")
    signature = "sha256=" + hmac.new(SMS_SECRET.encode(), other, hashlib.sha256).hexdigest()
    replayed = client.post(
        "/inbound/sms/",
        data=body,
        content_type="application/json",
        headers={"X-Signature": signature},
    )
    assert replayed.status_code == 403
    assert (
        client.post("/inbound/sms/", data=body, content_type="application/json").status_code == 403
    )
    zalo = zalo_body(text=f"{place_code} x")
    assert post_zalo(client, zalo, secret="guessed").status_code == 403
    assert post_zalo(client, zalo, signature="mac=").status_code == 403
    # Signed right, but for another app than ours.
    settings.ZALO_APP_ID = "another-app"
    assert post_zalo(client, zalo).status_code == 403
    assert not Report.objects.exists()
    assert not InboundMessage.objects.exists()


def test_a_webhook_without_its_secret_does_not_exist(client, settings):
    settings.SMS_INBOUND_SECRET = ""
    settings.ZALO_OA_SECRET_KEY = ""
    assert post_sms(client, sms_body(text="x"), secret="").status_code == 404
    assert post_zalo(client, zalo_body(text="x"), secret="").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"id": "1", "from": "0912345678"}',
        b'{"id": "", "from": "0912345678", "text": "x"}',
        b'{"id": {"a": 1}, "from": "0912345678", "text": "x"}',
        b'{"id": "1", "from": "\xc2\xb2\xc2\xb2\xc2\xb2\xc2\xb2\xc2\xb2\xc2\xb2", "text": "x"}',
        b'{"id": "1", "from": "0912345678", "text": 5}',
        b'{"id": "1", "from": null, "text": "x"}',
        b'{"id": "' + b"9" * 200 + b'", "from": "0912345678", "text": "x"}',
    ],
)
def test_a_malformed_sms_payload_is_a_400(client, providers, body):
    response = post_sms(client, body)
    assert response.status_code == 400
    assert "error" in response.json()
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize(
    "event",
    [
        [],
        {"app_id": "app-4242"},
        {"app_id": "app-4242", "timestamp": "1", "event_name": "user_send_text"},
        {
            "app_id": "app-4242",
            "timestamp": "1",
            "event_name": "user_send_text",
            "sender": "me",
            "message": {"msg_id": "1", "text": "x"},
        },
        {
            "app_id": "app-4242",
            "timestamp": "1",
            "event_name": "user_send_text",
            "sender": {"id": "1"},
            "message": {"msg_id": "1", "text": ["x"]},
        },
    ],
)
def test_a_malformed_zalo_event_is_a_400(client, providers, event):
    body = json.dumps(event).encode()
    response = post_zalo(client, body, signature=_mac_for(event, body))
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


def _mac_for(event, body: bytes) -> str:
    timestamp = event.get("timestamp", "") if isinstance(event, dict) else ""
    return zalo_mac(body, timestamp=timestamp)


def test_other_zalo_events_are_acknowledged_and_ignored(client, providers):
    response = post_zalo(client, zalo_body(event="user_send_sticker"))
    assert response.json() == {"outcome": "ignored"}
    assert not InboundMessage.objects.exists()


def test_control_characters_never_reach_the_database(
    client, providers, place_code, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_sms(client, sms_body(text=f"{place_code} trộm\u0000 xe \ud800máy"))
    assert response.status_code == 200
    assert Report.objects.get().description == "trộm xe máy"


def test_a_gateway_that_refuses_the_answer_does_not_undo_the_report(
    client, providers, place_code, django_capture_on_commit_callbacks
):
    providers.answer("/sms/send", lambda request: Answer(status=500, body={"error": "down"}))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_sms(client, sms_body(text=f"{place_code} trộm gà"))
    assert response.json() == {"outcome": "filed"}
    assert Report.objects.count() == 1


# Transactional: the worker's threads see only what is committed, and end their sessions.
@pytest.mark.django_db(transaction=True)
def test_an_answer_the_gateway_could_not_take_is_sent_again_by_a_worker(
    seeded, client, providers, place_code, settings, start_worker
):
    settings.INBOUND_REPLY_RETRY_SECONDS = (0.2, 0.2, 0.2)
    tries = []

    def down_twice(request):
        tries.append(request)
        return Answer(status=503, body={"error": "busy"}) if len(tries) <= 2 else Answer()

    providers.answer("/sms/send", down_twice)
    start_worker()
    response = post_sms(client, sms_body(text=f"Tố giác {place_code} bán ma túy ở bãi xe"))

    assert response.json() == {"outcome": "filed"}
    # The webhook's own try, then two by the worker: the third reaches the resident.
    wait_until(lambda: len(tries) == 3, what="three tries of the answer", timeout=20)
    sent = [request.json()["message"] for request in tries]
    assert len(set(sent)) == 1
    assert receipts.receipt_digests(_code_in(sent[0]))[0] == Report.objects.get().receipt_digest
    for form in ("0912345678", "84912345678", "345678"):
        assert _text_columns_holding(form) == [], form


def test_an_answer_the_gateway_refuses_is_not_tried_again(providers, settings):
    providers.answer("/sms/send", lambda request: Answer(status=400, body={"error": "bad"}))

    outcome = tasks.answer(provider="sms", recipient="84912345678", text="x", reference="r")

    assert outcome == answers.REFUSED
    assert len(providers.received("/sms/send")) == 1


def test_a_message_without_text_gets_the_instructions(
    client, providers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_sms(client, sms_body(text="  TOGIAC  "))
    assert response.json() == {"outcome": "explained"}
    assert "TOGIAC" in providers.received("/sms/send")[0].json()["message"]


def test_webhooks_answer_only_post(client, providers):
    assert client.get("/inbound/sms/").status_code == 405
    assert client.get("/inbound/zalo/").status_code == 405


def test_two_deliveries_of_one_message_at_the_same_moment_file_one_report(
    transactional_db, providers, place_code
):
    body = sms_body(message_id="gw-race", text=f"{place_code} đánh nhau ở chợ")

    def deliver():
        return post_sms(Client(), body).json()["outcome"]

    outcomes = run_together(deliver, deliver)

    assert sorted(outcomes) == ["filed", "repeat"]
    assert Report.objects.count() == 1
    wait_until(lambda: providers.received("/sms/send"), what="the receipt by SMS")
    assert len(providers.received("/sms/send")) == 1


def test_signed_nonsense_never_gets_a_server_error(client, providers, place_code):
    """Signed bodies of every shape a broken gateway or Zalo could send: 200 or 400, never 5xx."""
    chooser = random.Random(15)
    values = [
        None,
        True,
        0,
        -1,
        2**70,
        1.5,
        "",
        " ",
        "\x00",
        "\ud800",
        "²",
        "x" * 300,
        [],
        {},
        ["a"],
    ]
    for round_ in range(150):
        sms_event = {"id": f"f-{round_}", "from": "0912345678", "text": f"{place_code} x"}
        zalo_event = json.loads(zalo_body(message_id=f"zf-{round_}", text=f"{place_code} y"))
        for event in (sms_event, zalo_event):
            key = chooser.choice(sorted(event))
            event[key] = chooser.choice(values)
            if isinstance(event.get("message"), dict) and chooser.random() < 0.5:
                event["message"][chooser.choice(["msg_id", "text"])] = chooser.choice(values)
        body = json.dumps(sms_event).encode()
        assert post_sms(client, body).status_code in (200, 400), body
        body = json.dumps(zalo_event).encode()
        timestamp = zalo_event.get("timestamp")
        signature = zalo_mac(body, timestamp=timestamp if isinstance(timestamp, str) else "")
        assert post_zalo(client, body, signature=signature).status_code in (200, 400, 403), body


def test_an_error_report_of_a_webhook_names_nothing_of_the_sender(rf):
    request = rf.post("/inbound/sms/", data=b"{}", content_type="application/json")
    assert ReporterPrivacyFilter().get_traceback_frame_variables(
        request, _frame_with(sender="0912345678")
    ) == [("sender", ReporterPrivacyFilter.cleansed_substitute)]


def _frame_with(**local_variables):
    return types.SimpleNamespace(f_locals=local_variables)


def test_queries_of_a_filed_message_and_of_a_retry(
    client, providers, place_code, django_assert_max_num_queries
):
    body = sms_body(message_id="q-1", text=f"{place_code} trộm xe đạp")
    with django_assert_max_num_queries(FILED_QUERIES):
        assert post_sms(client, body).json() == {"outcome": "filed"}
    # A retry asks the ledger only: the insert that the unique index refuses.
    with django_assert_max_num_queries(RETRY_QUERIES):
        assert post_sms(client, body).json() == {"outcome": "repeat"}


def test_with_the_cache_out_of_reach_a_message_is_still_taken_in(
    client, providers, place_code, settings, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.PooledRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nobody listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        asked = post_sms(client, sms_body(message_id="c-1", text="trộm xe máy"))
        filed = post_sms(client, sms_body(message_id="c-2", text=f"{place_code} trộm xe máy"))

    assert asked.json() == {"outcome": "asked_for_place"}
    assert filed.json() == {"outcome": "filed"}
    assert len(providers.received("/sms/send")) == 2
