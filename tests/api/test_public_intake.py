"""The public intake API at /api/v1/public/: a phone app files, follows and
answers reports through the same rules as the web form."""

import datetime
import io
import secrets

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from reports import ratelimit
from reports.escalation.chain import sweep
from reports.lifecycle import apply_transition
from reports.models import Escalation, Report, ReporterContact, ReportEvent, Status
from tests.api.conftest import error_fields

INTAKE = "/api/v1/public/reports/"
TRACK = "/api/v1/public/track/"
MESSAGE = "/api/v1/public/track/messages/"


@pytest.fixture
def app():
    """A phone app's client, from an address of its own; its counters go afterwards."""
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    yield Client(REMOTE_ADDR=address)
    for scope in (ratelimit.REPORT, ratelimit.TRACK):
        cache.delete(ratelimit.cache_key(scope=scope, address=address))


def _report(category, ward, **changes):
    return {
        "category": category.pk,
        "description": "Có người lạ cạy khóa xe máy trước nhà văn hóa.",
        "ward": ward.pk,
        **changes,
    }


def _jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "anh.jpg"
    return buffer


def test_a_report_filed_by_the_api_answers_with_its_receipt_and_reaches_the_leaders_inbox(
    app, client, theft, ward_a, unit_a1, group_x, leader_x
):
    body = _report(theft, ward_a, unit=unit_a1.pk, name="Trần Văn Nam", phone="0912 345 678")

    response = app.post(INTAKE, body, content_type="application/json")

    assert response.status_code == 201
    answer = response.json()
    assert answer["passphrase"] is None and answer["anonymous"] is False
    report = Report.objects.get()
    assert report.channel == "app" and report.status == Status.NEW
    assert list(report.groups.all()) == [group_x]
    assert report.contact.phone == "0912345678"
    client.force_login(leader_x)
    inbox = client.get("/reports/")
    assert f"/reports/{report.pk}/" in inbox.content.decode()
    # The receipt opens the report through the API.
    thread = app.post(TRACK, {"code": answer["code"]}, content_type="application/json")
    assert thread.status_code == 200
    assert thread.json()["report"]["status"] == "new"


def test_a_report_filed_by_the_api_escalates_like_any_other(
    app, chain, theft, ward_a, unit_a1, group_x
):
    response = app.post(
        INTAKE, _report(theft, ward_a, unit=unit_a1.pk), content_type="application/json"
    )
    report = Report.objects.get()

    outcome = sweep(now=report.due_at + datetime.timedelta(seconds=1))

    assert response.status_code == 201
    assert outcome.escalated == 1
    assert Escalation.objects.get(report=report).level == 1


def test_a_tip_filed_by_the_api_keeps_no_trace_of_its_sender(app, theft, ward_a, unit_a1, group_x):
    name, phone = "Lê Thị Bí Mật", "0987001122"
    body = _report(theft, ward_a, anonymous=True, name=name, phone=phone)

    response = app.post(
        INTAKE,
        body,
        content_type="application/json",
        HTTP_USER_AGENT="ZaloMiniApp/9.9 secret-device",
    )

    assert response.status_code == 201
    answer = response.json()
    assert answer["anonymous"] is True and len(answer["passphrase"]) >= 8
    report = Report.objects.get()
    assert report.is_anonymous and not ReporterContact.objects.exists()
    address = app.defaults["REMOTE_ADDR"]
    for trace in (name, phone, address, "secret-device", answer["code"], answer["passphrase"]):
        assert _rows_mentioning(trace) == [], trace
    # The code alone does not open a tip; with the passphrase it does.
    assert (
        app.post(TRACK, {"code": answer["code"]}, content_type="application/json").status_code
        == 404
    )
    opened = app.post(
        TRACK,
        {"code": answer["code"], "passphrase": answer["passphrase"]},
        content_type="application/json",
    )
    assert opened.status_code == 200


def test_a_tipster_may_choose_the_passphrase_and_too_short_a_one_is_refused(app, theft, ward_a):
    short = app.post(
        INTAKE,
        _report(theft, ward_a, anonymous=True, passphrase="abc"),
        content_type="application/json",
    )
    chosen = app.post(
        INTAKE,
        _report(theft, ward_a, anonymous=True, passphrase="cây đa đầu làng"),
        content_type="application/json",
    )

    assert short.status_code == 400
    assert "passphrase" in error_fields(short)
    assert chosen.status_code == 201 and chosen.json()["passphrase"] == "cây đa đầu làng"


def test_photos_come_in_a_multipart_request(app, theft, ward_a):
    body = {**_report(theft, ward_a), "photos": [_jpeg(), _jpeg()]}

    response = app.post(INTAKE, body)

    assert response.status_code == 201
    assert Report.objects.get().photos.count() == 2


def test_a_file_that_is_no_photo_is_refused_with_its_field(app, theft, ward_a):
    not_a_photo = io.BytesIO(b"MZ\x90\x00 not an image")
    not_a_photo.name = "anh.jpg"

    response = app.post(INTAKE, {**_report(theft, ward_a), "photos": [not_a_photo]})

    assert response.status_code == 400
    assert "photos" in error_fields(response)
    assert not Report.objects.exists()


def test_the_honeypot_gets_a_receipt_and_nothing_is_saved(app, theft, ward_a):
    response = app.post(
        INTAKE,
        _report(theft, ward_a, website="http://spam.example"),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert len(response.json()["code"]) == 19
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": None}, "category"),
        ({"category": "²", "ward": 1, "description": "x"}, "category"),
        ({"category": [1], "ward": 1, "description": "x"}, "category"),
        ({"category": {"a": 1}, "ward": 1, "description": "x"}, "category"),
        ({"latitude": 91}, "latitude"),
        ({"latitude": 21.0}, "longitude"),
        ({"occurred_at": "2099-01-01T00:00:00+07:00"}, "occurred_at"),
        ({"occurred_at": "1999-12-31T00:00:00+07:00"}, "occurred_at"),
        ({"occurred_at": "not a time"}, "occurred_at"),
        ({"description": "\x00"}, "description"),
        ({"phone": "call me"}, "phone"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(app, theft, ward_a, body, field):
    response = app.post(INTAKE, {**_report(theft, ward_a), **body}, content_type="application/json")

    assert response.status_code == 400, response.content
    assert field in error_fields(response)
    assert not Report.objects.exists()


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"{not json", b"null", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_a_400(app, seeded, raw):
    response = app.post(INTAKE, raw, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_a_unit_outside_the_ward_is_refused_as_on_the_web(app, theft, ward_a, unit_b1):
    response = app.post(
        INTAKE, _report(theft, ward_a, unit=unit_b1.pk), content_type="application/json"
    )

    assert response.status_code == 400
    assert "unit" in error_fields(response)


def test_the_rate_limit_of_the_web_form_counts_api_reports_too(settings, app, theft, ward_a):
    settings.PUBLIC_RATE_LIMITS = {"report": (2, 3600), "track": (3, 900)}
    for _attempt in range(2):
        assert (
            app.post(INTAKE, _report(theft, ward_a), content_type="application/json").status_code
            == 201
        )

    limited = app.post(INTAKE, _report(theft, ward_a), content_type="application/json")
    web = app.post("/report/new/", _report(theft, ward_a))

    assert limited.status_code == 429
    assert web.status_code == 429
    assert Report.objects.count() == 2


def test_tracking_is_rate_limited(settings, app, file_report, theft, ward_a):
    settings.PUBLIC_RATE_LIMITS = {"report": (2, 3600), "track": (3, 900)}
    receipt = file_report(category=theft, ward=ward_a)
    for _attempt in range(3):
        app.post(TRACK, {"code": "K7QF-3MZC-9TXA-W2RD"}, content_type="application/json")

    response = app.post(TRACK, {"code": receipt.code}, content_type="application/json")

    assert response.status_code == 429


def test_the_reporter_answers_with_the_receipt_in_the_body(
    app,
    file_report,
    theft,
    ward_a,
    leader_x,
):
    receipt = file_report(category=theft, ward=ward_a)

    response = app.post(
        MESSAGE,
        {"code": receipt.code, "message": "Xe màu đỏ, biển số 14B1."},
        content_type="application/json",
    )

    assert response.status_code == 201
    event = ReportEvent.objects.get(kind=ReportEvent.Kind.REPORTER_MESSAGE)
    assert event.note == "Xe màu đỏ, biển số 14B1." and event.actor is None
    thread = app.post(TRACK, {"code": receipt.code}, content_type="application/json").json()
    assert [entry["kind"] for entry in thread["events"]] == ["created", "reporter_message"]


def test_a_closed_report_takes_no_reply_409(
    app,
    file_report,
    theft,
    ward_a,
    unit_a1,
    leader_x,
):
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    apply_transition(report=receipt.report, to=Status.RESOLVED, by=leader_x, outcome="Xong.")

    response = app.post(
        MESSAGE, {"code": receipt.code, "message": "Còn nữa"}, content_type="application/json"
    )

    assert response.status_code == 409
    assert not ReportEvent.objects.filter(kind=ReportEvent.Kind.REPORTER_MESSAGE).exists()


def test_a_receipt_past_its_life_opens_nothing(
    settings,
    app,
    file_report,
    theft,
    ward_a,
    unit_a1,
    leader_x,
):
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    apply_transition(report=receipt.report, to=Status.RESOLVED, by=leader_x, outcome="Xong.")
    Report.objects.filter(pk=receipt.report.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=settings.RECEIPT_DAYS_AFTER_CLOSING + 1)
    )

    response = app.post(TRACK, {"code": receipt.code}, content_type="application/json")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "body", [{}, {"code": ["x"]}, {"code": "x" * 500}, {"code": "K7QF", "passphrase": {"a": 1}}]
)
def test_a_malformed_receipt_is_a_400(app, seeded, body):
    response = app.post(TRACK, body, content_type="application/json")

    assert response.status_code == 400


def test_no_endpoint_takes_the_receipt_in_the_url(app, seeded):
    assert app.get(TRACK, {"code": "K7QF-3MZC-9TXA-W2RD"}).status_code == 405
    assert app.get(MESSAGE).status_code == 405


def _rows_mentioning(text: str) -> list[str]:
    """Every table whose any text column holds ``text``."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb')"
        )
        columns = cursor.fetchall()
        for table, column in columns:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s LIMIT 1',  # noqa: S608
                [f"%{text}%"],
            )
            if cursor.fetchone():
                found.append(f"{table}.{column}")
    return found


def test_following_a_report_takes_a_fixed_number_of_queries(
    app, file_report, theft, ward_a, unit_a1, django_assert_num_queries
):
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)

    # The report by its receipt, its category, its place, its public timeline.
    with django_assert_num_queries(4):
        response = app.post(TRACK, {"code": receipt.code}, content_type="application/json")

    assert response.status_code == 200


def test_an_app_finds_the_categories_and_a_wards_units_to_file_with(
    app, theft, about_the_group, ward_a, unit_a1, unit_b1, django_assert_num_queries
):
    about_the_group.active = False
    about_the_group.save()

    with django_assert_num_queries(1):
        categories = app.get("/api/v1/public/categories/").json()
    with django_assert_num_queries(2):
        places = app.get("/api/v1/public/places/", {"ward": "07030"}).json()

    theft_entry = next(entry for entry in categories if entry["id"] == theft.pk)
    assert theft_entry["allows_anonymous"] is True and theft_entry["severity"] == "high"
    assert about_the_group.pk not in [entry["id"] for entry in categories]
    assert places == {
        "ward": {"id": ward_a.pk, "name": ward_a.name, "code": "07030"},
        "units": [{"id": unit_a1.pk, "name": unit_a1.name}],
    }


@pytest.mark.parametrize("code", ["", "99999", "²", "0" * 500])
def test_an_unknown_ward_code_is_a_404(app, ward_a, code):
    assert app.get("/api/v1/public/places/", {"ward": code}).status_code == 404


# CORS: web-based apps (a Zalo Mini App) call the public API from their own origin -----------

MINI_APP = "https://h5.zdn.vn"


@pytest.fixture
def mini_app_allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [MINI_APP]


def _preflight(client, path, origin):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )


@pytest.mark.django_db
def test_an_allowed_origin_may_call_the_public_api_without_cookies(client, mini_app_allowed):
    response = _preflight(client, "/api/v1/public/reports/", MINI_APP)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == MINI_APP
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response
    listed = client.get("/api/v1/public/categories/", HTTP_ORIGIN=MINI_APP)
    assert listed["Access-Control-Allow-Origin"] == MINI_APP


@pytest.mark.parametrize(
    ("path", "origin"),
    [
        ("/api/v1/public/reports/", "https://evil.example"),
        # Staff APIs answer no other origin, even an allowed one.
        ("/api/v1/reports/", MINI_APP),
        ("/api/v1/tokens/", MINI_APP),
    ],
)
def test_other_origins_and_the_staff_api_get_no_cors_headers(
    client, mini_app_allowed, path, origin
):
    response = _preflight(client, path, origin)

    assert "Access-Control-Allow-Origin" not in response
