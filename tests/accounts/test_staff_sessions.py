"""Idle timeout, absolute lifetime, the list of one's sessions, signing out everywhere."""

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from groups.models import StaffSession
from tests.accounts.signing_in import code_on, phone_of, post_password

pytestmark = pytest.mark.django_db


def test_police_are_signed_out_after_30_idle_minutes(client, police_a):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(police_a)
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get("/groups/").status_code == 200
    # Each request counts as activity.
    with time_machine.travel(start + datetime.timedelta(minutes=58), tick=False):
        assert client.get("/groups/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=89), tick=False):
        response = client.get("/groups/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "signed out after 30 minutes without activity" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not StaffSession.objects.filter(user=police_a).exists()


def test_leaders_on_patrol_stay_signed_in_longer(client, leader_x, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(leader_x)
    with time_machine.travel(start + datetime.timedelta(hours=3), tick=False):
        assert client.get("/groups/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=11, minutes=1), tick=False):
        assert client.get("/groups/").status_code == 302
    assert settings.COMMUNITY_IDLE_MINUTES == 480


def test_the_idle_timeout_is_a_setting(client, police_a, settings):
    settings.STAFF_IDLE_MINUTES = 5
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(police_a)
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        assert client.get("/groups/").status_code == 302


def test_a_session_ends_at_its_absolute_lifetime_even_when_busy(client, leader_x):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(leader_x)
    for hour in range(1, 12):
        with time_machine.travel(start + datetime.timedelta(hours=hour), tick=False):
            assert client.get("/groups/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=12, minutes=1), tick=False):
        assert client.get("/groups/").status_code == 302


def test_the_account_page_lists_only_ones_own_sessions(police_a, police_b):
    phone, desktop, other = Client(HTTP_USER_AGENT="Phone"), Client(), Client()
    post_password(phone, "police_a")
    phone.post("/accounts/login/code/", {"token": code_on(phone_of(police_a))})
    desktop.force_login(police_a)
    other.force_login(police_b)

    response = desktop.get("/accounts/security/")

    sessions = response.context["sessions"]
    assert {s.user_id for s in sessions} == {police_a.pk}
    assert len(sessions) == 2
    assert "Phone" in response.content.decode()


def test_sign_out_everywhere_ends_every_session_of_the_user_only(police_a, police_b, events_seen):
    phone, desktop, other = Client(), Client(), Client()
    phone.force_login(police_a)
    desktop.force_login(police_a)
    other.force_login(police_b)

    response = desktop.post("/accounts/security/sign-out-everywhere/")

    assert response.url == "/accounts/login/"
    assert phone.get("/groups/").status_code == 302
    assert desktop.get("/groups/").status_code == 302
    assert other.get("/groups/").status_code == 200
    assert not StaffSession.objects.filter(user=police_a).exists()
    assert ("signed_out_everywhere", "police_a") in events_seen


def test_signing_out_removes_the_session_from_the_list(client, leader_x):
    client.force_login(leader_x)
    assert StaffSession.objects.filter(user=leader_x).count() == 1

    client.post("/accounts/logout/")

    assert not StaffSession.objects.filter(user=leader_x).exists()


def test_sign_out_everywhere_needs_a_post(client, leader_x):
    client.force_login(leader_x)

    assert client.get("/accounts/security/sign-out-everywhere/").status_code == 405
    assert client.get("/groups/").status_code == 200


@pytest.fixture
def events_seen():
    from groups import security_events

    seen = []

    def receiver(sender, event, user, **kwargs):
        seen.append((event, user.username))

    security_events.staff_security_event.connect(receiver, weak=False, dispatch_uid="sessions")
    yield seen
    security_events.staff_security_event.disconnect(dispatch_uid="sessions")


def test_the_dashboards_own_refresh_does_not_keep_an_unattended_session_alive(client, police_a):
    start = timezone.now()
    refresh = {"HTTP_HX_REQUEST": "true", "HTTP_X_BACKGROUND_REFRESH": "1"}
    with time_machine.travel(start, tick=False):
        client.force_login(police_a)
        page = client.get("/dashboard/").content.decode()
    assert "X-Background-Refresh" in page
    for minute in range(1, 30, 5):
        with time_machine.travel(start + datetime.timedelta(minutes=minute), tick=False):
            assert client.get("/dashboard/now/", **refresh).status_code == 200

    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        response = client.get("/dashboard/now/", **refresh)

    # htmx takes the whole page to the sign-in.
    assert response["HX-Redirect"].startswith("/accounts/login/")
