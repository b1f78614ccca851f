"""Admin-configured outbound URLs cannot reach inside, and their admins are the superuser's.

The receivers are real HTTP servers on loopback (`web`), which the worker may
reach only because the `web` fixture names 127.0.0.1 in OUTBOUND_ALLOWED_HOSTS;
each refusal test takes that away and shows that nothing arrives. DNS is
outside the machine: where a name must resolve to a given address, getaddrinfo
answers as a DNS server would.
"""

import datetime
import re
import socket
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from groups.models import User
from reports.escalation import delivery, outbound
from reports.escalation.chain import sweep
from reports.models import Notice, Report, WebhookEndpoint, ZaloToken
from tests.reports.escalation.servers import Answer, Web

pytestmark = pytest.mark.django_db

SECRET = "whsec-do-not-show-0123456789"
ACCESS_TOKEN = "zalo-access-do-not-show-abc"
REFRESH_TOKEN = "zalo-refresh-do-not-show-xyz"


@pytest.fixture
def overdue(chain, file_report, theft, ward_a, unit_a1, group_x):
    """Ward A's report whose deadline passed: a sweep makes its notices."""

    def make() -> Report:
        receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
        past = timezone.now() - datetime.timedelta(minutes=2)
        Report.objects.filter(pk=receipt.report.pk).update(due_at=past, escalate_at=past)
        sweep()
        return receipt.report

    return make


def _webhook_to(url, ward_a) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(name="Trực ban", url=url, secret=SECRET, area=ward_a)


def _deliver(endpoint) -> tuple[str, Notice]:
    notice = Notice.objects.get(endpoint=endpoint)
    outcome = delivery.deliver_batch(notice_ids=[notice.pk])[0]
    notice.refresh_from_db()
    return outcome, notice


# The worker -----------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_webhook_to_loopback_is_refused_and_nothing_is_sent(web, overdue, ward_a, settings, host):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    endpoint = _webhook_to(web.url("/hook").replace("127.0.0.1", host), ward_a)
    overdue()

    outcome, notice = _deliver(endpoint)

    assert outcome == "failed"  # permanent: retrying would not make it public
    assert notice.status == Notice.Status.FAILED
    assert "internal address" in notice.last_error
    assert "127.0.0.1" in notice.last_error
    assert web.requests == []


def test_a_host_named_in_the_setting_is_reached_even_when_internal(web, overdue, ward_a, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["LocalHost"]
    endpoint = _webhook_to(web.url("/hook").replace("127.0.0.1", "localhost"), ward_a)
    overdue()

    outcome, _notice = _deliver(endpoint)

    assert outcome == "sent"
    assert len(web.received("/hook")) == 1
    # Named by host, not by address: the same server by its address is still refused.
    settings.OUTBOUND_ALLOWED_HOSTS = ["localhost"]
    other = _webhook_to(web.url("/other"), ward_a)
    overdue()
    assert _deliver(other)[0] == "failed"
    assert web.received("/other") == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_even_between_allowed_hosts(
    web, overdue, ward_a, settings, status
):
    inside = Web()  # the redirect's target: a second loopback server
    try:
        web.answer(
            "/hook",
            lambda request: Answer(status=status, headers={"Location": inside.url("/admin")}),
        )
        endpoint = _webhook_to(web.url("/hook"), ward_a)
        overdue()

        outcome, notice = _deliver(endpoint)

        assert outcome == "failed"
        assert f"HTTP {status}: redirects are not followed" in notice.last_error
        assert len(web.received("/hook")) == 1
        assert inside.requests == []
    finally:
        inside.close()


def test_the_sms_gateway_url_is_held_to_the_same_rule(web, chain, overdue, settings):
    settings.SMS_GATEWAY_URL = web.url("/sms")
    chain.first.channels = ["sms"]
    chain.first.save(update_fields=["channels"])
    settings.OUTBOUND_ALLOWED_HOSTS = []
    overdue()
    notice = Notice.objects.get(channel="sms")

    assert delivery.deliver_batch(notice_ids=[notice.pk])[0] == "failed"
    assert web.requests == []

    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    Notice.objects.filter(pk=notice.pk).update(status=Notice.Status.PENDING)
    assert delivery.deliver_batch(notice_ids=[notice.pk])[0] == "sent"
    assert len(web.received("/sms")) == 1


def test_a_name_that_resolves_inside_is_refused_before_connecting(
    web, overdue, ward_a, settings, monkeypatch
):
    """A public-looking name whose DNS answer includes an internal address (a
    rebinding server answers public first, then private) is refused as a whole,
    and the connection goes only to the addresses that were checked."""
    settings.OUTBOUND_ALLOWED_HOSTS = []
    port = int(web.url("/").rsplit(":", 1)[1].split("/")[0])
    real_getaddrinfo = socket.getaddrinfo

    def dns(host, *args, **kwargs):
        if host == "hooks.example.test":
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
            ]
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    endpoint = _webhook_to(f"http://hooks.example.test:{port}/hook", ward_a)
    overdue()

    outcome, notice = _deliver(endpoint)

    assert outcome == "failed"
    assert "resolves to 127.0.0.1" in notice.last_error
    assert web.requests == []


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.9.9.9",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "100.64.0.1",  # shared address space (carrier NAT)
        "169.254.169.254",  # cloud metadata
        "100.100.100.200",  # another cloud's metadata, in the shared space
        "0.0.0.0",  # noqa: S104 (an address checked, not bound)
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fd00:ec2::254",  # metadata over IPv6 (unique local)
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
    ],
)
def test_internal_addresses_are_not_public(address):
    assert not outbound.is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_public(address):
    assert outbound.is_public(address)


# The admin ------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password="pw", email="root@x.test")


@pytest.fixture
def broad_staff(db):
    """Staff with every model permission granted one by one, but not a superuser."""
    user = User.objects.create_user(username="broad", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return User.objects.get(pk=user.pk)


def _form_errors(response) -> str:
    return unescape(
        " ".join(
            re.findall(
                r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S
            )
        )
    )


def _add_webhook(client, ward_a, url):
    return client.post(
        reverse("admin:reports_webhookendpoint_add"),
        {"name": "Trực ban", "url": url, "secret": SECRET, "area": ward_a.pk, "active": "on"},
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/hook",
        "http://[::1]:9000/hook",
        "http://192.168.0.10/hook",
    ],
)
def test_the_admin_refuses_an_internal_webhook_url_with_a_clear_error(
    client, superuser, ward_a, settings, url
):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(superuser)

    response = _add_webhook(client, ward_a, url)

    assert response.status_code == 200
    assert "internal address; only public addresses may be reached" in _form_errors(response)
    assert not WebhookEndpoint.objects.exists()


def test_the_admin_accepts_a_loopback_webhook_url_the_setting_names(
    client, superuser, ward_a, settings, web
):
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    client.force_login(superuser)

    response = _add_webhook(client, ward_a, web.url("/hook"))

    assert response.status_code == 302, _form_errors(response)
    assert WebhookEndpoint.objects.get().url == web.url("/hook")


@pytest.mark.parametrize("who", ["province_admin", "broad_staff"])
@pytest.mark.parametrize("page", ["groups_user", "reports_webhookendpoint", "reports_zalotoken"])
def test_logins_and_secrets_are_for_the_superuser_only(
    request, client, who, page, ward_a, superuser
):
    staff = request.getfixturevalue(who)
    endpoint = _webhook_to("https://93.184.216.34/hook", ward_a)
    token = ZaloToken.objects.create(
        access_token=ACCESS_TOKEN,
        refresh_token=REFRESH_TOKEN,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    obj = {"groups_user": superuser, "reports_webhookendpoint": endpoint}.get(page, token)
    client.force_login(staff)

    for url in (
        reverse(f"admin:{page}_changelist"),
        reverse(f"admin:{page}_add"),
        reverse(f"admin:{page}_change", args=[obj.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        for secret in (SECRET, ACCESS_TOKEN, REFRESH_TOKEN):
            assert secret not in response.content.decode()
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse(f"admin:{page}_changelist") not in index


@pytest.mark.parametrize("who", ["province_admin", "broad_staff"])
def test_a_staff_account_cannot_make_itself_superuser(request, client, who):
    staff = request.getfixturevalue(who)
    client.force_login(staff)

    response = client.post(
        reverse("admin:groups_user_change", args=[staff.pk]),
        {
            "username": staff.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "role": staff.role,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 403
    staff.refresh_from_db()
    assert not staff.is_superuser


def test_the_webhook_secret_is_write_only(client, superuser, ward_a):
    endpoint = _webhook_to("https://93.184.216.34/hook", ward_a)
    client.force_login(superuser)
    change = reverse("admin:reports_webhookendpoint_change", args=[endpoint.pk])

    page = client.get(change)

    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    assert 'type="password" name="secret"' in page.content.decode()

    # Left empty: the stored secret stays.
    kept = client.post(
        change,
        {
            "name": "Trực ban 2",
            "url": endpoint.url,
            "secret": "",
            "area": ward_a.pk,
            "active": "on",
        },
    )
    assert kept.status_code == 302, _form_errors(kept)
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.secret) == ("Trực ban 2", SECRET)
    # Typed: replaced.
    client.post(
        change,
        {"name": "Trực ban 2", "url": endpoint.url, "secret": "new-secret", "area": ward_a.pk},
    )
    endpoint.refresh_from_db()
    assert endpoint.secret == "new-secret"
    assert "new-secret" not in client.get(change).content.decode()


def test_a_new_webhook_needs_a_secret(client, superuser, ward_a):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:reports_webhookendpoint_add"),
        {"name": "Trực ban", "url": "https://93.184.216.34/hook", "secret": "", "area": ward_a.pk},
    )

    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()


def test_zalo_tokens_are_write_only(client, superuser):
    token = ZaloToken.objects.create(
        access_token=ACCESS_TOKEN,
        refresh_token=REFRESH_TOKEN,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    client.force_login(superuser)
    change = reverse("admin:reports_zalotoken_change", args=[token.pk])

    html = client.get(change).content.decode()

    assert ACCESS_TOKEN not in html and REFRESH_TOKEN not in html
    expires = timezone.localtime(token.expires_at)
    response = client.post(
        change,
        {
            "access_token": "",
            "refresh_token": "fresh-refresh",
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, _form_errors(response)
    token.refresh_from_db()
    assert (token.access_token, token.refresh_token) == (ACCESS_TOKEN, "fresh-refresh")


def test_a_host_without_an_address_is_tried_again_later(web, overdue, ward_a):
    # .invalid never resolves (RFC 6761): as a DNS outage would, for now.
    endpoint = _webhook_to("http://hooks.tuquan.invalid/hook", ward_a)
    overdue()

    outcome, notice = _deliver(endpoint)

    assert outcome == "retry"
    assert notice.status == Notice.Status.PENDING
    assert "hooks.tuquan.invalid" in notice.last_error
