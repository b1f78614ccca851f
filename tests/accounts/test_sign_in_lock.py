"""The lock on guessing (django-axes, groups/sign_in_lock.py) through HTTP."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from tests.accounts.signing_in import code_on, phone_of, post_password

pytestmark = pytest.mark.django_db


def guess(client, username, times):
    return [post_password(client, username, "wrong-password").status_code for _ in range(times)]


def test_five_wrong_passwords_lock_the_username_and_even_the_right_one_waits(leader_x):
    client = Client(REMOTE_ADDR="192.0.2.10")

    statuses = guess(client, "leader_x", 5)
    locked = post_password(client, "leader_x")

    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "try again in 5 minutes" in locked.content.decode()
    assert SESSION_KEY not in client.session


def test_the_lock_message_is_in_vietnamese_with_the_time_to_wait(leader_x):
    client = Client(REMOTE_ADDR="192.0.2.10", HTTP_ACCEPT_LANGUAGE="vi")
    guess(client, "leader_x", 5)

    with override("vi"):
        response = post_password(client, "leader_x", HTTP_ACCEPT_LANGUAGE="vi")

    text = response.content.decode()
    assert response.status_code == 429
    assert "thử lại sau 5 phút" in text


def test_the_lock_ends_after_the_cool_off(leader_x):
    client = Client(REMOTE_ADDR="192.0.2.10")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        guess(client, "leader_x", 5)
    with time_machine.travel(start + datetime.timedelta(minutes=4), tick=False):
        assert post_password(client, "leader_x").status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=5, seconds=1), tick=False):
        response = post_password(client, "leader_x")

    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == leader_x.pk
    # Signing in forgets the failures: the next typo starts from nothing.
    assert not AccessAttempt.objects.filter(username="leader_x").exists()


def test_the_cool_off_grows_with_each_further_lock_but_has_a_ceiling(leader_x, settings):
    client = Client(REMOTE_ADDR="192.0.2.10")
    now = timezone.now()
    waits = []
    for _lock in range(5):
        with time_machine.travel(now, tick=False):
            guess(client, "leader_x", 5)
            text = post_password(client, "leader_x").content.decode()
        minutes = int(text.split("try again in ")[1].split(" minute")[0])
        waits.append(minutes)
        now += datetime.timedelta(minutes=minutes, seconds=1)

    # The fifth would be 80 minutes without the ceiling.
    assert waits == [5, 10, 20, 40, 60]
    assert settings.LOGIN_COOLOFF_MAX_MINUTES == 60
    # Never for good: after the last cool-off the right password works.
    with time_machine.travel(now, tick=False):
        assert post_password(client, "leader_x").status_code == 302


def test_a_client_guessing_many_usernames_is_locked(leader_x, member_x):
    client = Client(REMOTE_ADDR="192.0.2.20")
    for name in ("a", "b", "c", "d", "e"):
        post_password(client, name, "wrong-password")

    assert post_password(client, "member_x").status_code == 429
    # Another client is not held up by it.
    assert post_password(Client(REMOTE_ADDR="192.0.2.21"), "member_x").status_code == 302


def test_the_address_comes_from_our_proxies_only(leader_x, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.30")
    for name in ("a", "b", "c", "d", "e"):
        post_password(attacker, name, "wrong-password")

    # A forged extra hop does not make a new client.
    forged = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.30")
    assert post_password(forged, "z", "wrong-password").status_code == 429


def test_wrong_second_step_codes_count_towards_the_lock(police_a):
    device = phone_of(police_a)
    client = Client(REMOTE_ADDR="192.0.2.40")
    post_password(client, "police_a")
    wrong = f"{(int(code_on(device)) + 1) % 1_000_000:06d}"

    statuses = [
        client.post("/accounts/login/code/", {"token": wrong}).status_code for _ in range(5)
    ]

    assert statuses[-1] == 429
    # Locked: even the right code waits.
    assert client.post("/accounts/login/code/", {"token": code_on(device)}).status_code == 429
    assert SESSION_KEY not in client.session


def test_the_admin_sign_in_is_the_same_locked_form(leader_x):
    client = Client(REMOTE_ADDR="192.0.2.50")
    guess(client, "leader_x", 5)

    response = client.post(
        "/admin/login/?next=/admin/", {"username": "leader_x", "password": "pw"}, follow=True
    )

    assert SESSION_KEY not in client.session
    assert response.redirect_chain[0][0].startswith("/accounts/login/")


def test_authenticate_with_a_request_is_locked_too(rf, leader_x):
    # Any endpoint that checks a password (a future API token endpoint) calls
    # authenticate(request=...), which the lock's backend answers first.
    from django.contrib.auth import authenticate

    client = Client(REMOTE_ADDR="192.0.2.60")
    guess(client, "leader_x", 5)
    request = rf.post("/api/token/", {"username": "leader_x"}, REMOTE_ADDR="192.0.2.60")

    assert authenticate(request=request, username="leader_x", password="pw") is None
    assert request.axes_locked_out


def test_an_administrator_sees_and_clears_a_lock(leader_x, province_admin, client):
    attacked = Client(REMOTE_ADDR="192.0.2.70")
    guess(attacked, "leader_x", 5)
    client.force_login(province_admin)

    listing = client.get("/admin/axes/accessattempt/")
    attempt = AccessAttempt.objects.get(username="leader_x")
    assert listing.status_code == 200
    assert "leader_x" in listing.content.decode()
    cleared = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert cleared.status_code == 302
    assert post_password(attacked, "leader_x").status_code == 302


def test_the_lock_does_not_keep_the_codes_people_typed(police_a):
    phone_of(police_a)
    client = Client(REMOTE_ADDR="192.0.2.80")
    post_password(client, "police_a", "not-the-password")
    post_password(client, "police_a")
    client.post("/accounts/login/code/", {"token": "abcd2345xy"})

    kept = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "not-the-password" not in kept
    assert "abcd2345xy" not in kept
    assert AccessAttempt.objects.get(username="police_a").failures_since_start == 2
