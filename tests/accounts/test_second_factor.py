"""Two-factor sign-in through HTTP: who must, who may, enrolment, recovery, reset."""

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from groups import second_factor, security_events
from tests.accounts.signing_in import code_on, phone_of, post_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    seen = []

    def receiver(sender, event, user, by, request, **kwargs):
        seen.append((event, user.username, by.username if by else None))

    security_events.staff_security_event.connect(receiver, weak=False, dispatch_uid="test")
    yield seen
    security_events.staff_security_event.disconnect(dispatch_uid="test")


@pytest.mark.parametrize("who", ["police_a", "province_admin"])
def test_the_password_alone_does_not_sign_police_or_administrators_in(client, who, request):
    user = request.getfixturevalue(who)
    phone_of(user)

    response = post_password(client, user.username)

    assert response.status_code == 302
    assert response.url == "/accounts/login/code/"
    assert SESSION_KEY not in client.session
    # Every page still asks to sign in.
    assert client.get("/groups/").status_code == 302
    assert client.get("/admin/").url.startswith("/admin/login/")


def test_police_sign_in_with_the_code_from_their_phone(client, police_a):
    device = phone_of(police_a)
    post_password(client, "police_a")

    response = client.post("/accounts/login/code/", {"token": code_on(device)})

    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == police_a.pk
    assert client.get("/groups/").status_code == 200


def test_a_code_typed_with_a_space_as_the_phone_shows_it_is_accepted(client, police_a):
    device = phone_of(police_a)
    post_password(client, "police_a")
    code = code_on(device)

    client.post("/accounts/login/code/", {"token": f"{code[:3]} {code[3:]}"})

    assert int(client.session[SESSION_KEY]) == police_a.pk


def test_a_wrong_code_does_not_sign_in_and_says_so(client, police_a, events):
    device = phone_of(police_a)
    post_password(client, "police_a")
    wrong = f"{(int(code_on(device)) + 1) % 1_000_000:06d}"

    response = client.post("/accounts/login/code/", {"token": wrong})

    assert response.status_code == 200
    assert "This code is not right" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert ("second_factor_failed", "police_a", "police_a") in events


def test_a_used_code_cannot_be_replayed(client, police_a):
    device = phone_of(police_a)
    with time_machine.travel(timezone.now(), tick=False):
        code = code_on(device)
        post_password(client, "police_a")
        client.post("/accounts/login/code/", {"token": code})
        client.post("/accounts/logout/")
        post_password(client, "police_a")

        response = client.post("/accounts/login/code/", {"token": code})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_the_second_step_expires(client, police_a):
    device = phone_of(police_a)
    post_password(client, "police_a")

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6), tick=False):
        response = client.post("/accounts/login/code/", {"token": code_on(device)})

    assert response.url == "/accounts/login/"
    assert SESSION_KEY not in client.session


def test_the_second_step_without_a_password_sends_back_to_the_form(client, police_a):
    device = phone_of(police_a)

    response = client.post("/accounts/login/code/", {"token": code_on(device)})

    assert response.url == "/accounts/login/"
    assert SESSION_KEY not in client.session


def test_police_without_a_phone_enrol_at_the_next_sign_in(client, police_a, events):
    response = post_password(client, "police_a")
    assert response.url == "/accounts/login/authenticator/"

    page = client.get("/accounts/login/authenticator/")
    assert page.status_code == 200
    assert page.context["qr_code"].startswith("data:image/svg+xml")
    device = TOTPDevice.objects.get(user=police_a, confirmed=False)
    # Reloading keeps the same key: the phone may already have scanned it.
    assert client.get("/accounts/login/authenticator/").context["secret"] == page.context["secret"]

    done = client.post("/accounts/login/authenticator/", {"token": code_on(device)})

    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert all(code in done.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert int(client.session[SESSION_KEY]) == police_a.pk
    assert client.get("/groups/").status_code == 200
    assert ("second_factor_enrolled", "police_a", "police_a") in events


def test_a_wrong_enrolment_code_confirms_nothing(client, police_a):
    post_password(client, "police_a")
    client.get("/accounts/login/authenticator/")

    response = client.post("/accounts/login/authenticator/", {"token": "000000x"})

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=police_a, confirmed=True).exists()
    assert SESSION_KEY not in client.session


def test_the_password_alone_cannot_replace_an_enrolled_phone(client, police_a):
    phone_of(police_a)
    post_password(client, "police_a")

    response = client.get("/accounts/login/authenticator/")

    assert response.url == "/accounts/login/code/"
    assert TOTPDevice.objects.filter(user=police_a).count() == 1


def test_a_recovery_code_signs_in_once(client, police_a, events):
    codes = second_factor.renew_recovery_codes(user=police_a)
    phone_of(police_a)
    post_password(client, "police_a")

    client.post("/accounts/login/code/", {"token": codes[0]})

    assert int(client.session[SESSION_KEY]) == police_a.pk
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    assert ("recovery_code_used", "police_a", "police_a") in events
    client.post("/accounts/logout/")
    post_password(client, "police_a")
    again = client.post("/accounts/login/code/", {"token": codes[0]})
    assert again.status_code == 200
    assert SESSION_KEY not in client.session


def test_leaders_sign_in_with_the_password_alone_until_they_choose_a_second_factor(
    client, leader_x
):
    response = post_password(client, "leader_x")

    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == leader_x.pk


def test_a_leader_who_chose_a_second_factor_is_asked_for_it(client, leader_x):
    client.force_login(leader_x)
    client.get("/accounts/login/authenticator/")
    device = TOTPDevice.objects.get(user=leader_x)
    client.post("/accounts/login/authenticator/", {"token": code_on(device)})
    client.post("/accounts/logout/")

    response = post_password(client, "leader_x")

    assert response.url == "/accounts/login/code/"
    assert SESSION_KEY not in client.session


def test_a_session_that_has_not_passed_the_second_factor_is_signed_out(client, police_a):
    # As a session from before the second factor was required would be.
    client.force_login(police_a)
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()

    response = client.get("/groups/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert SESSION_KEY not in client.session


def test_the_admin_asks_for_the_second_factor(client, province_admin):
    phone_of(province_admin)
    post_password(client, "province_admin")

    assert client.get("/admin/").status_code == 302
    # The admin's own sign-in page is the site's, with its second step.
    login_page = client.get("/admin/login/?next=/admin/")
    assert login_page.url == "/accounts/login/?next=%2Fadmin%2F"
    posted = client.post("/admin/login/", {"username": "province_admin", "password": "pw"})
    assert SESSION_KEY not in client.session
    assert posted.status_code == 302


def test_an_administrator_resets_a_lost_phone_and_the_officer_is_signed_out(
    client, police_a, superuser, events
):
    from django.test import Client

    officer = Client()
    officer.force_login(police_a)
    assert officer.get("/groups/").status_code == 200
    client.force_login(superuser)

    response = client.post(
        "/admin/groups/user/",
        {"action": "reset_second_factor", "_selected_action": [police_a.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=police_a).exists()
    assert ("second_factor_reset", "police_a", "superuser") in events
    history = client.get(f"/admin/groups/user/{police_a.pk}/history/").content.decode()
    assert "Second factor reset" in history
    assert officer.get("/groups/").status_code == 302
    # At the next sign-in the officer enrols a new phone.
    assert post_password(Client(), "police_a").url == "/accounts/login/authenticator/"


def test_a_user_makes_new_recovery_codes_and_the_old_ones_stop_working(client, police_a):
    old = second_factor.renew_recovery_codes(user=police_a)
    client.force_login(police_a)

    response = client.post("/accounts/security/recovery-codes/")

    new = response.context["codes"]
    assert set(new).isdisjoint(old)
    assert not StaticToken.objects.filter(token__in=old).exists()
    assert second_factor.recovery_codes_left(police_a) == 10


def test_the_account_page_shows_the_second_factor_and_sessions(client, police_a):
    client.force_login(police_a)

    response = client.get("/accounts/security/")

    assert response.status_code == 200
    assert len(response.context["sessions"]) == 1
    assert response.context["has_device"]


def test_the_user_list_shows_who_has_a_second_factor(client, superuser, police_a, police_b):
    phone_of(police_a)
    client.force_login(superuser)

    response = client.get("/admin/groups/user/")

    shown = {user.username: user.second_factor for user in response.context["cl"].result_list}
    assert shown["police_a"] is True
    assert shown["police_b"] is False


def test_the_api_refuses_a_police_session_without_the_second_factor(client, police_a):
    client.force_login(police_a)
    assert client.get("/api/reports/").status_code == 200
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()

    assert client.get("/api/reports/").status_code == 401
