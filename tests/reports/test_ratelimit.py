"""The per-client limit on the public form and the tracking page.

Counters live in the real Redis of the test run, under keys made from each
test's own made-up address, and are deleted afterwards, so tests running in
parallel never count against each other.
"""

import re
import secrets

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory

from reports import ratelimit, receipts
from reports.models import Report, ReportEvent
from reports.public_views import LIMITED_MESSAGE, TRACKING_SESSION_KEY

LIMITS = {"report": (2, 3600), "track": (3, 900)}


def _fresh_address() -> str:
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


@pytest.fixture
def addresses():
    """Made-up client addresses; their counters are deleted after the test."""
    used = []

    def make():
        used.append(_fresh_address())
        return used[-1]

    yield make
    for address in used:
        for scope in (ratelimit.REPORT, ratelimit.TRACK):
            cache.delete(ratelimit.cache_key(scope=scope, address=address))


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.PUBLIC_RATE_LIMITS = LIMITS


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()


def _report(category, ward, **changes):
    return {
        "category": category.pk,
        "description": "Có người lạ đi lại nhiều lần trong ngõ 5.",
        "ward": ward.pk,
        **changes,
    }


def _rows_mentioning(text: str) -> list[str]:
    """Tables of the report app and sessions in which ``text`` occurs anywhere."""
    found = []
    with connection.cursor() as cursor:
        for table in (
            "reports_report",
            "reports_reportevent",
            "reports_reportphoto",
            "reports_reportercontact",
            "reports_reportassignment",
            "django_session",
        ):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - fixed table names
            if any(text in str(value) for row in cursor.fetchall() for value in row):
                found.append(table)
    return found


def test_a_client_over_the_report_limit_gets_429_and_nothing_is_saved(addresses, theft, ward_a):
    client = Client(REMOTE_ADDR=addresses())
    for _attempt in range(2):
        assert client.post("/report/new/", _report(theft, ward_a)).status_code == 302
        client.get("/report/receipt/")

    response = client.post(
        "/report/new/", _report(theft, ward_a, description="Lần thứ ba, bị chặn", name="Lan")
    )

    html = response.content.decode()
    assert response.status_code == 429
    assert str(LIMITED_MESSAGE) in html
    # What they typed is still there to send later; the name only if they want.
    assert "Lần thứ ba, bị chặn" in html
    assert Report.objects.count() == 2
    assert not Report.objects.filter(description="Lần thứ ba, bị chặn").exists()


def test_the_limit_counts_each_client_on_its_own(addresses, theft, ward_a):
    busy = Client(REMOTE_ADDR=addresses())
    for _attempt in range(3):
        busy.post("/report/new/", _report(theft, ward_a))

    other = Client(REMOTE_ADDR=addresses())
    response = other.post("/report/new/", _report(theft, ward_a))

    assert response.status_code == 302
    assert Report.objects.count() == 3


def test_a_client_over_the_tracking_limit_gets_429_even_with_the_right_code(
    addresses, file_report, theft, ward_a
):
    receipt = file_report(category=theft, ward=ward_a)
    client = Client(REMOTE_ADDR=addresses())
    for _attempt in range(3):
        wrong = {"code": receipts.new_receipt_code(), "passphrase": ""}
        assert client.post("/report/track/", wrong).status_code == 200

    response = client.post("/report/track/", {"code": receipt.code, "passphrase": ""})

    assert response.status_code == 429
    assert str(LIMITED_MESSAGE) in response.content.decode()
    assert TRACKING_SESSION_KEY not in client.session


def test_answers_on_the_tracking_page_count_against_the_limit(
    addresses, file_report, theft, ward_a
):
    receipt = file_report(category=theft, ward=ward_a)
    client = Client(REMOTE_ADDR=addresses())
    client.post("/report/track/", {"code": receipt.code, "passphrase": ""})
    for number in range(2):
        client.post("/report/track/message/", {"message": f"Tin thêm {number}"})

    response = client.post("/report/track/message/", {"message": "Tin bị chặn"})

    assert response.status_code == 429
    assert str(LIMITED_MESSAGE) in response.content.decode()
    assert list(
        ReportEvent.objects.filter(kind=ReportEvent.Kind.REPORTER_MESSAGE).values_list(
            "note", flat=True
        )
    ) == ["Tin thêm 0", "Tin thêm 1"]


def test_the_counter_is_kept_in_redis_under_a_keyed_hash_of_the_address(
    addresses, redis_client, theft, ward_a
):
    address = addresses()
    Client(REMOTE_ADDR=address).post("/report/new/", _report(theft, ward_a))

    digest = ratelimit.client_digest(address)
    keys = [key.decode() for key in redis_client.scan_iter(count=1000)]
    counter = [key for key in keys if key.endswith(f"ratelimit:report:{digest}")]
    assert len(counter) == 1
    assert int(redis_client.get(counter[0])) == 1
    assert 0 < redis_client.ttl(counter[0]) <= LIMITS["report"][1]
    assert not [key for key in keys if address in key]
    assert len(digest) == 64 and address not in digest
    # The database holds no trace of the address.
    assert Report.objects.count() == 1
    assert _rows_mentioning(address) == []


def test_the_hash_depends_on_the_secret_key(settings):
    before = ratelimit.client_digest("203.0.113.9")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"

    assert ratelimit.client_digest("203.0.113.9") != before


def test_ipv6_clients_are_counted_per_64_block():
    same_block = ratelimit.client_digest("2001:db8:1:2:aaaa::1")

    assert ratelimit.client_digest("2001:db8:1:2:bbbb:cccc:dddd:eeee") == same_block
    assert ratelimit.client_digest("2001:db8:1:3::1") != same_block
    assert ratelimit.client_digest("::ffff:192.0.2.5") == ratelimit.client_digest("192.0.2.5")


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.1"),  # no proxy trusted: the header is ignored
        (1, "198.51.100.7", "198.51.100.7"),
        # A client's forged entry stays on the left; our one proxy appended the real one.
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (2, "6.6.6.6, 198.51.100.7, 192.0.2.1", "198.51.100.7"),
        (1, "", "10.0.0.1"),  # no header: the peer itself
    ],
)
def test_the_client_address_comes_from_trusted_proxies_only(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get(
        "/report/new/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for
    )

    assert ratelimit.client_address(request) == expected


def test_without_redis_the_form_still_takes_reports(settings, theft, ward_a):
    # Nothing listens on port 1: every cache call fails to connect.
    settings.CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.PooledRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Nothing can be counted, so there is nothing to delete afterwards.
    client = Client(REMOTE_ADDR=_fresh_address())

    for _attempt in range(3):
        response = client.post("/report/new/", _report(theft, ward_a))
        # No store to hand the receipt over through: it is shown in the answer.
        assert response.status_code == 200
        assert re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}", response.content.decode())

    assert Report.objects.count() == 3
