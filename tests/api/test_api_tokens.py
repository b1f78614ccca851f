"""API tokens: made on the account page or through the API from a session, shown
once, stored hashed, listed, expiring, revocable; police and administrators need
a recent second factor; the admin makes one for a user."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from knox.crypto import hash_token

from groups import second_factor
from groups.models import ApiToken, AuditEntry
from tests.api.conftest import token_for


def _make_on_account_page(client, name="Ứng dụng của phường"):
    return client.post("/accounts/security/api-tokens/", {"name": name, "days": "30"})


def _secret(page) -> str:
    html = page.content.decode()
    start = html.index('id="api-token" type="text" readonly value="') + len(
        'id="api-token" type="text" readonly value="'
    )
    return html[start : html.index('"', start)]


def test_a_leader_makes_a_token_shown_once_and_stored_as_a_hash(client, leader_x):
    client.force_login(leader_x)

    page = _make_on_account_page(client)

    assert page.status_code == 200
    secret = _secret(page)
    row = ApiToken.objects.get(user=leader_x)
    assert row.digest == hash_token(secret)
    assert secret not in {row.digest, row.token_key, row.name}
    assert row.name == "Ứng dụng của phường"
    assert row.expiry - timezone.now() > datetime.timedelta(days=29)
    account = client.get("/accounts/security/").content.decode()
    assert "Ứng dụng của phường" in account
    assert secret not in account
    assert AuditEntry.objects.filter(action="create", detail={"api_token": row.pk}).exists()


def test_the_token_works_like_the_session_and_the_session_list_shows_it(client, leader_x):
    client.force_login(leader_x)
    secret = _secret(_make_on_account_page(client))
    client.logout()

    answer = client.get("/api/v1/reports/", HTTP_AUTHORIZATION=f"Token {secret}")

    assert answer.status_code == 200
    listed = client.get("/api/v1/tokens/", HTTP_AUTHORIZATION=f"Token {secret}").json()
    assert [row["name"] for row in listed["results"]] == ["Ứng dụng của phường"]
    assert "token" not in listed["results"][0]
    assert "digest" not in listed["results"][0]


def test_an_expired_token_is_refused_and_deleted(client, leader_x):
    secret = token_for(leader_x)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        answer = client.get("/api/v1/reports/", HTTP_AUTHORIZATION=f"Token {secret}")

    assert answer.status_code == 401
    assert answer.json()["code"] == "authentication_failed"
    assert not ApiToken.objects.exists()


def test_a_revoked_token_no_longer_works(client, leader_x):
    secret = token_for(leader_x)
    client.force_login(leader_x)
    token = ApiToken.objects.get()

    client.post(f"/accounts/security/api-tokens/{token.pk}/revoke/")

    client.logout()
    assert client.get("/api/v1/reports/", HTTP_AUTHORIZATION=f"Token {secret}").status_code == 401
    assert AuditEntry.objects.filter(action="delete", detail={"api_token": token.pk}).exists()


def test_one_cannot_revoke_someone_elses_token(client, leader_x, leader_y):
    token_for(leader_y)
    client.force_login(leader_x)

    answer = client.post(f"/accounts/security/api-tokens/{ApiToken.objects.get().pk}/revoke/")

    assert answer.status_code == 404
    assert ApiToken.objects.count() == 1


def test_a_token_is_made_and_revoked_through_the_api_from_a_session(client, member_x):
    client.force_login(member_x)

    made = client.post(
        "/api/v1/tokens/", {"name": "Zalo Mini App", "days": 7}, content_type="application/json"
    )

    assert made.status_code == 201
    body = made.json()
    assert ApiToken.objects.get().digest == hash_token(body["token"])
    assert client.get("/api/v1/tokens/").json()["results"][0]["name"] == "Zalo Mini App"
    assert client.delete(f"/api/v1/tokens/{body['id']}/").status_code == 204
    assert not ApiToken.objects.exists()


def test_a_token_cannot_make_another_token(client, leader_x):
    secret = token_for(leader_x)

    answer = client.post(
        "/api/v1/tokens/",
        {"name": "more"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {secret}",
    )

    assert answer.status_code == 403
    assert ApiToken.objects.count() == 1


def test_a_token_lives_at_most_the_configured_days(client, leader_x, settings):
    client.force_login(leader_x)

    answer = client.post(
        "/api/v1/tokens/", {"name": "x", "days": 10_000}, content_type="application/json"
    )

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "days"


def test_police_make_a_token_right_after_signing_in_with_the_second_factor(client, police_a):
    client.force_login(police_a)  # the second step passed, just now (tests/conftest.py)

    assert _make_on_account_page(client).status_code == 200
    assert ApiToken.objects.filter(user=police_a).count() == 1


def test_police_whose_second_factor_sign_in_is_not_recent_cannot_make_a_token(
    client, police_a, settings
):
    client.force_login(police_a)
    later = timezone.now() + datetime.timedelta(
        minutes=settings.API_TOKEN_SECOND_FACTOR_MINUTES + 1
    )

    with time_machine.travel(later):
        page = _make_on_account_page(client)
        api = client.post("/api/v1/tokens/", {"name": "x"}, content_type="application/json")

    assert page.status_code == 302
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"
    assert not ApiToken.objects.exists()


def test_resetting_the_second_factor_deletes_the_users_tokens(police_a, superuser):
    token_for(police_a)

    second_factor.reset(user=police_a, by=superuser)

    assert not ApiToken.objects.exists()


def test_a_police_token_is_refused_while_the_second_factor_is_missing(client, police_a):
    secret = token_for(police_a)  # police_a has no authenticator in this test

    answer = client.get("/api/v1/reports/", HTTP_AUTHORIZATION=f"Token {secret}")

    assert answer.status_code == 401


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token \xff\xfe", "Token " + "x" * 300])
def test_a_malformed_token_header_is_a_401(client, db, header):
    answer = client.get("/api/v1/reports/", HTTP_AUTHORIZATION=header)

    assert answer.status_code == 401
    assert answer.json()["code"] == "authentication_failed"


def test_an_administrator_makes_a_token_for_a_user_in_the_admin(client, superuser, leader_x):
    client.force_login(superuser)

    page = client.post(
        "/admin/groups/apitoken/add/", {"user": leader_x.pk, "name": "Hệ thống xã", "days": "30"}
    )

    assert page.status_code == 200
    row = ApiToken.objects.get()
    assert (row.user, row.created_by) == (leader_x, superuser)
    assert row.digest == hash_token(_secret(page))
    changelist = client.get("/admin/groups/apitoken/").content.decode()
    assert "Hệ thống xã" in changelist


def test_a_leader_cannot_reach_the_token_admin(client, leader_x):
    client.force_login(leader_x)

    assert client.get("/admin/groups/apitoken/add/").status_code in (302, 403)
