"""Following a report at /report/track/ with its receipt code (and a tip's passphrase).

The page shows the status, the public timeline and a way to answer; it never
shows internal notes or who handles the report, and it answers a wrong code,
a wrong passphrase and a code that does not exist the same way.
"""

import datetime
import re
import secrets

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from reports import ratelimit, receipts, tracking
from reports.conversation import add_note, ask_reporter
from reports.lifecycle import apply_transition
from reports.models import ReportEvent, Status
from reports.public_views import NOT_FOUND_MESSAGE, TRACKING_SESSION_KEY


@pytest.fixture
def client_address():
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    yield address
    for scope in (ratelimit.REPORT, ratelimit.TRACK):
        cache.delete(ratelimit.cache_key(scope=scope, address=address))


@pytest.fixture
def client(client_address):
    return Client(REMOTE_ADDR=client_address)


@pytest.fixture
def named(file_report, theft, ward_a, unit_a1, group_x):
    return file_report(category=theft, ward=ward_a, unit=unit_a1, address="Chợ Hạ Long 1")


@pytest.fixture
def tip(file_report, theft, ward_a, unit_a1, group_x):
    return file_report(category=theft, ward=ward_a, unit=unit_a1, anonymous=True)


def _follow(client, code, passphrase=""):
    return client.post("/report/track/", {"code": code, "passphrase": passphrase})


def _without_tokens(html: str) -> str:
    """The page without what differs between any two renderings or typed inputs."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'(name="(?:code|passphrase)"[^>]*?) value="[^"]*"', r"\1", html)


def test_the_tracking_page_asks_for_the_code(client):
    response = client.get("/report/track/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="code"' in html and 'name="passphrase"' in html


def test_the_right_code_shows_the_report(client, named):
    response = _follow(client, named.code)

    assert response.status_code == 302 and response.url == "/report/track/"
    page = client.get("/report/track/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "New" in html  # the status, by its label
    assert str(named.report.category) in html
    assert "Tổ dân phố 1" in html and "Phường Hạ Long" in html and "Chợ Hạ Long 1" in html
    assert "Received" in html
    assert 'action="/report/track/message/"' in html
    # The session remembers which report, never the code.
    assert client.session[TRACKING_SESSION_KEY] == named.report.pk
    assert named.code not in str(dict(client.session.items()))


def test_a_code_typed_in_lower_case_with_spaces_is_found(client, named):
    typed = " " + named.code.lower().replace("-", " ") + " "

    response = _follow(client, typed)

    assert response.status_code == 302
    assert client.session[TRACKING_SESSION_KEY] == named.report.pk


def test_an_anonymous_tip_opens_with_its_code_and_passphrase(client, tip):
    response = _follow(client, tip.code, tip.passphrase.replace(" ", ""))

    assert response.status_code == 302
    assert client.session[TRACKING_SESSION_KEY] == tip.report.pk


def test_wrong_passphrase_wrong_code_and_unknown_code_get_the_same_answer(client, tip):
    mistyped = ("0" if tip.code[0] != "0" else "1") + tip.code[1:]
    attempts = {
        "wrong passphrase": (tip.code, "000 000 000 000 000 000"),
        "missing passphrase": (tip.code, ""),
        "wrong code": (mistyped, tip.passphrase),
        "unknown code": (receipts.new_receipt_code(), tip.passphrase),
        "not a code": ("HELLO", tip.passphrase),
    }

    responses = {name: _follow(client, *typed) for name, typed in attempts.items()}

    assert {response.status_code for response in responses.values()} == {200}
    pages = {
        name: _without_tokens(response.content.decode()) for name, response in responses.items()
    }
    assert len(set(pages.values())) == 1, pages.keys()
    assert str(NOT_FOUND_MESSAGE) in pages["unknown code"]
    assert TRACKING_SESSION_KEY not in client.session


def test_the_reporter_answers_a_question_on_the_tracking_page(client, named, leader_x):
    ask_reporter(report=named.report, by=leader_x, text="Xe máy màu gì?")
    _follow(client, named.code)
    assert "Xe máy màu gì?" in client.get("/report/track/").content.decode()

    response = client.post("/report/track/message/", {"message": "Màu đỏ, biển số 14B1"})

    assert response.status_code == 302 and response.url == "/report/track/"
    answer = ReportEvent.objects.get(kind=ReportEvent.Kind.REPORTER_MESSAGE)
    assert answer.report == named.report
    assert answer.note == "Màu đỏ, biển số 14B1"
    assert answer.public and answer.actor is None
    html = client.get("/report/track/").content.decode()
    assert "Màu đỏ, biển số 14B1" in html
    assert html.index("Xe máy màu gì?") < html.index("Màu đỏ, biển số 14B1")


def test_an_empty_answer_is_refused(client, named):
    _follow(client, named.code)

    response = client.post("/report/track/message/", {"message": "   "})

    assert response.status_code == 200
    assert response.context["message_form"].errors["message"]
    assert not ReportEvent.objects.filter(kind=ReportEvent.Kind.REPORTER_MESSAGE).exists()


def test_nobody_can_answer_a_report_they_do_not_follow(client, named):
    response = client.post("/report/track/message/", {"message": "Tin giả"})

    assert response.status_code == 302
    assert not ReportEvent.objects.filter(kind=ReportEvent.Kind.REPORTER_MESSAGE).exists()


def test_internal_notes_and_handlers_never_appear_on_the_tracking_page(
    client, named, leader_x, police_a
):
    add_note(report=named.report, by=leader_x, text="Nghi là con nhà ông Ba")
    apply_transition(
        report=named.report, to=Status.ACKNOWLEDGED, by=leader_x, note="Ghi chú nội bộ"
    )
    apply_transition(
        report=named.report,
        to=Status.IN_PROGRESS,
        by=police_a,
        note="Công an phường đang xác minh",
        public=True,
    )
    add_note(report=named.report, by=police_a, text="Đã xem camera chợ", public=True)
    _follow(client, named.code)

    html = client.get("/report/track/").content.decode()

    assert "In progress" in html
    assert "Công an phường đang xác minh" in html and "Đã xem camera chợ" in html
    for hidden in ("Nghi là con nhà ông Ba", "Ghi chú nội bộ", "leader_x", "Leader X", "police_a"):
        assert hidden not in html, hidden
    # The non-public status change is not listed either.
    assert "Acknowledged" not in html


def test_a_merged_report_keeps_its_receipt_working(
    client, file_report, theft, ward_a, unit_a1, group_x, leader_x
):
    original = file_report(category=theft, ward=ward_a, unit=unit_a1)
    merged = file_report(category=theft, ward=ward_a, unit=unit_a1, anonymous=True)
    ReportEvent.objects.create(
        report=original.report,
        kind=ReportEvent.Kind.REPORTER_MESSAGE,
        note="Tôi là hàng xóm nhà số 14",
        public=True,
    )
    ask_reporter(report=original.report, by=leader_x, text="Chị thấy mấy người?")
    apply_transition(
        report=merged.report,
        to=Status.DUPLICATE,
        by=leader_x,
        duplicate_of=original.report,
        note="Cùng vụ với một tin báo khác",
        public=True,
    )
    apply_transition(report=original.report, to=Status.ACKNOWLEDGED, by=leader_x, public=True)
    add_note(report=original.report, by=leader_x, text="Đã báo công an phường", public=True)

    _follow(client, merged.code, merged.passphrase)
    html = client.get("/report/track/").content.decode()

    assert "Closed as duplicate" in html and "Cùng vụ với một tin báo khác" in html
    assert "Acknowledged" in html and "Đã báo công an phường" in html
    # What belongs to the other reporter's thread stays there.
    assert "Tôi là hàng xóm nhà số 14" not in html
    assert "Chị thấy mấy người?" not in html

    client.post("/report/track/message/", {"message": "Thêm: có ba người"})
    assert merged.report.events.filter(note="Thêm: có ba người").exists()


def test_stop_following_forgets_the_report_in_this_browser(client, named):
    _follow(client, named.code)

    response = client.post("/report/track/stop/")

    assert response.status_code == 302
    assert TRACKING_SESSION_KEY not in client.session
    assert 'name="code"' in client.get("/report/track/").content.decode()


def test_following_starts_a_new_session(client, named):
    client.get("/report/track/")
    client.session.save()
    before = client.cookies["sessionid"].value

    _follow(client, named.code)

    assert client.cookies["sessionid"].value != before


# The life of a receipt: readable for a while after closing, then gone


def _resolve(receipt, leader_x):
    apply_transition(
        report=receipt.report,
        to=Status.RESOLVED,
        by=leader_x,
        outcome="Đã trả lại xe cho chủ.",
        public=True,
    )


def _later(days: float):
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=False)


def test_a_closed_report_says_so_and_offers_a_new_report_instead_of_a_reply_box(
    client, named, leader_x
):
    _resolve(named, leader_x)
    _follow(client, named.code)

    html = client.get("/report/track/").content.decode()

    assert "This report is closed" in html
    assert "Resolved" in html
    assert 'action="/report/track/message/"' not in html
    assert 'name="message"' not in html
    assert 'href="/report/new/"' in html
    until = timezone.localtime(named.report.closed_at) + datetime.timedelta(days=90)
    assert date_format(until, "SHORT_DATE_FORMAT") in html


def test_a_message_to_a_closed_report_is_refused_with_409_and_not_saved(client, named, leader_x):
    _follow(client, named.code)
    _resolve(named, leader_x)  # closed while the reporter had the page open

    response = client.post("/report/track/message/", {"message": "Thêm một chi tiết"})

    assert response.status_code == 409
    html = response.content.decode()
    assert str(tracking.CLOSED_MESSAGE) in html
    assert 'href="/report/new/"' in html
    assert not ReportEvent.objects.filter(kind=ReportEvent.Kind.REPORTER_MESSAGE).exists()


def test_a_reopened_report_takes_messages_again(client, named, leader_x, police_a):
    _resolve(named, leader_x)
    apply_transition(
        report=named.report, to=Status.IN_PROGRESS, by=police_a, note="Chưa xong", public=True
    )
    _follow(client, named.code)

    response = client.post("/report/track/message/", {"message": "Cảm ơn"})

    assert response.status_code == 302
    assert ReportEvent.objects.filter(kind=ReportEvent.Kind.REPORTER_MESSAGE).count() == 1


def test_the_receipt_opens_a_closed_report_for_ninety_days_then_as_a_wrong_code(
    client, tip, leader_x
):
    _resolve(tip, leader_x)
    with _later(89.9):
        assert _follow(client, tip.code, tip.passphrase).status_code == 302
        client.post("/report/track/stop/")
        client.get("/report/track/")  # shows (and so clears) the "no longer follows" note

    with _later(90.1):
        expired = _follow(client, tip.code, tip.passphrase)
        unknown = _follow(client, receipts.new_receipt_code(), tip.passphrase)

    # No oracle: the same page as for a code that never existed.
    assert expired.status_code == unknown.status_code == 200
    assert _without_tokens(expired.content.decode()) == _without_tokens(unknown.content.decode())
    assert str(NOT_FOUND_MESSAGE) in expired.content.decode()
    assert TRACKING_SESSION_KEY not in client.session


def test_a_browser_following_a_report_loses_it_when_the_receipt_expires(
    client, named, leader_x, settings
):
    # A day, and a session (SESSION_ABSOLUTE_HOURS in production) that outlives it.
    settings.RECEIPT_DAYS_AFTER_CLOSING = 1
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    _follow(client, named.code)
    _resolve(named, leader_x)
    with _later(0.9):
        assert str(named.report.category) in client.get("/report/track/").content.decode()

    with _later(1.1):
        page = client.get("/report/track/")
        refused = client.post("/report/track/message/", {"message": "Còn ai đọc không?"})

    assert 'name="code"' in page.content.decode()
    assert str(named.report.category) not in page.content.decode()
    assert refused.status_code == 302 and refused.url == "/report/track/"
    assert TRACKING_SESSION_KEY not in client.session
    assert not ReportEvent.objects.filter(kind=ReportEvent.Kind.REPORTER_MESSAGE).exists()


def test_the_days_after_closing_are_a_setting(client, named, leader_x, settings):
    settings.RECEIPT_DAYS_AFTER_CLOSING = 7
    _resolve(named, leader_x)

    with _later(6):
        assert _follow(client, named.code).status_code == 302
        client.post("/report/track/stop/")
    with _later(8):
        assert _follow(client, named.code).status_code == 200
    assert TRACKING_SESSION_KEY not in client.session


def test_a_merged_receipt_lives_as_long_as_the_report_it_was_merged_into(
    client, file_report, theft, ward_a, unit_a1, group_x, leader_x
):
    original = file_report(category=theft, ward=ward_a, unit=unit_a1)
    merged = file_report(category=theft, ward=ward_a, unit=unit_a1)
    apply_transition(
        report=merged.report,
        to=Status.DUPLICATE,
        by=leader_x,
        duplicate_of=original.report,
        public=True,
    )

    # The report followed is still being handled: the receipt works, and takes messages.
    with _later(200):
        assert _follow(client, merged.code).status_code == 302
        assert client.post("/report/track/message/", {"message": "Vẫn chờ"}).status_code == 302
        client.post("/report/track/stop/")
        _resolve(original, leader_x)
    with _later(289):
        assert _follow(client, merged.code).status_code == 302
        assert client.post("/report/track/message/", {"message": "Hết"}).status_code == 409
        client.post("/report/track/stop/")
    with _later(291):
        assert _follow(client, merged.code).status_code == 200
    assert TRACKING_SESSION_KEY not in client.session


def test_a_json_client_gets_409_json_for_a_message_to_a_closed_report(client, named, leader_x):
    _follow(client, named.code)
    asking_json = {"HTTP_ACCEPT": "application/json"}
    sent = client.post("/report/track/message/", {"message": "Thêm"}, **asking_json)
    assert sent.status_code == 201 and sent.json() == {"sent": True}
    empty = client.post("/report/track/message/", {"message": " "}, **asking_json)
    assert empty.status_code == 400 and "message" in empty.json()["fields"]
    _resolve(named, leader_x)

    refused = client.post("/report/track/message/", {"message": "Thêm nữa"}, **asking_json)

    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/json"
    assert refused.json() == {"error": "closed", "message": str(tracking.CLOSED_MESSAGE)}
    assert ReportEvent.objects.filter(kind=ReportEvent.Kind.REPORTER_MESSAGE).count() == 1
    client.post("/report/track/stop/")
    stranger = client.post("/report/track/message/", {"message": "?"}, **asking_json)
    assert stranger.status_code == 403 and stranger.json()["error"] == "not_following"
