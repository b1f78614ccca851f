"""The receipt on its way from the form's POST to the receipt page: Redis only, once.

Every client has its own made-up address (see test_public_form.py), so the rate
limit of one test never gets in the way of another.
"""

import re
import secrets

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from reports import ratelimit, receipt_handoff, receipts
from reports.models import Report

CODE = re.compile(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}")


@pytest.fixture
def client():
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    yield Client(REMOTE_ADDR=address)
    cache.delete(ratelimit.cache_key(scope=ratelimit.REPORT, address=address))


def _form_data(*, category, ward, **changes) -> dict:
    data = {
        "category": category.pk,
        "description": "Hai thanh niên lấy trộm xe máy trước nhà văn hóa.",
        "occurred_at": "",
        "ward": ward.pk,
        "unit": "",
        "address": "",
        "latitude": "",
        "longitude": "",
        "name": "Nguyễn Thị Hoa",
        "phone": "0987654321",
        "passphrase": "",
        "website": "",
    }
    data.update(changes)
    return data


def _every_stored_value() -> str:
    """Every column of every row of every table (django_session too), as one string."""
    with connection.cursor() as cursor:
        values = []
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the catalogue
            values += [str(value) for row in cursor.fetchall() for value in row]
    return " ".join(values)


def _traces(code: str, passphrase: str | None = None) -> list[str]:
    traces = [code, code.replace("-", "")]
    if passphrase:
        traces += [passphrase, "".join(passphrase.split())]
    return traces


def _waiting_entries() -> list[bytes]:
    client = cache._cache.get_client(write=False)
    keys = client.keys(cache.make_key("receipt-handoff:*"))
    return [client.get(key) for key in keys]


def test_a_named_reports_receipt_reaches_no_table_and_is_shown_once(client, theft, ward_a):
    response = client.post("/report/new/", _form_data(category=theft, ward=ward_a))

    assert response.status_code == 302 and response.url == "/report/receipt/"
    cookie = response.cookies[receipt_handoff.COOKIE_NAME]
    assert cookie["httponly"] and cookie["path"] == "/report/receipt/"
    assert cookie["samesite"] == "Lax"
    page = client.get("/report/receipt/")
    code = CODE.search(page.content.decode()).group(0)
    assert receipts.receipt_digests(code)[0] == Report.objects.get().receipt_digest
    stored = _every_stored_value()
    for trace in _traces(code):
        assert trace not in stored, trace
    # The page deleted its cookie and the entry: nothing to show a second time.
    assert page.cookies[receipt_handoff.COOKIE_NAME]["max-age"] == 0
    assert CODE.search(client.get("/report/receipt/").content.decode()) is None


def test_a_tips_code_and_passphrase_reach_no_table_and_no_session(client, theft, ward_a):
    passphrase = "hoa sen nở muộn"
    data = _form_data(category=theft, ward=ward_a, anonymous="on", passphrase=passphrase)

    client.post("/report/new/", data)
    stored_before_the_page = _every_stored_value()
    html = client.get("/report/receipt/").content.decode()

    code = CODE.search(html).group(0)
    assert passphrase in html
    stored = _every_stored_value()
    for trace in _traces(code, passphrase):
        assert trace not in stored_before_the_page, trace
        assert trace not in stored, trace
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_session")
        assert cursor.fetchone() == (0,)


def test_the_waiting_receipt_is_sealed_in_redis_and_expires_unopened(
    client, settings, theft, ward_a
):
    passphrase = "mèo đen ăn cá"
    data = _form_data(category=theft, ward=ward_a, anonymous="on", passphrase=passphrase)

    response = client.post("/report/new/", data)

    token = response.cookies[receipt_handoff.COOKIE_NAME].value
    key = cache.make_key(receipt_handoff._entry_key(token))
    redis_client = cache._cache.get_client(key, write=False)
    lifetime = redis_client.ttl(key)
    assert 0 < lifetime <= settings.RECEIPT_HANDOFF_SECONDS
    assert token.encode() not in redis_client.get(key)
    for entry in _waiting_entries():
        assert passphrase.encode() not in entry
        assert b"code" not in entry
    client.get("/report/receipt/")
    assert redis_client.exists(key) == 0


def test_a_stolen_entry_key_opens_nothing_without_the_cookie(client, theft, ward_a):
    response = client.post("/report/new/", _form_data(category=theft, ward=ward_a))
    token = response.cookies[receipt_handoff.COOKIE_NAME].value

    other = Client()
    other.cookies[receipt_handoff.COOKIE_NAME] = token[:-2] + "xx"
    assert CODE.search(other.get("/report/receipt/").content.decode()) is None
    assert CODE.search(client.get("/report/receipt/").content.decode())


@pytest.mark.parametrize("cookie", ["", "x" * 300, "%00", "ü"])
def test_a_made_up_cookie_shows_no_receipt(cookie):
    client = Client()
    client.cookies[receipt_handoff.COOKIE_NAME] = cookie

    response = client.get("/report/receipt/")

    assert response.status_code == 200
    assert CODE.search(response.content.decode()) is None


def test_without_redis_the_report_is_saved_and_the_receipt_shown_in_the_answer(
    settings, theft, ward_a
):
    # Nothing listens on port 1: every cache call fails to connect.
    settings.CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.PooledRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    client = Client()
    passphrase = "cây bàng gần chợ"
    data = _form_data(category=theft, ward=ward_a, anonymous="on", passphrase=passphrase)

    response = client.post("/report/new/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert receipt_handoff.COOKIE_NAME not in response.cookies
    code = CODE.search(html).group(0)
    assert passphrase in html
    report = Report.objects.get()
    assert receipts.receipt_digests(code)[0] == report.receipt_digest
    stored = _every_stored_value()
    for trace in _traces(code, passphrase):
        assert trace not in stored, trace
