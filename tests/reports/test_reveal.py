"""The reporter's contact: revealed to ward police and administrators only, with a
reason and a log row; never shown to group leaders in any page, export or API."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.models import ContactReveal, ReporterContact
from reports.vault_access import reveal_contact

NAME = "Nguyễn Thị Hoa"
PHONE = "0987654321"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def report(file_report, theft, ward_a, unit_a1, group_x):
    return file_report(category=theft, ward=ward_a, unit=unit_a1, name=NAME, phone=PHONE).report


def _reveal(client, user, report, reason="Cần xác minh lời khai."):
    client.force_login(user)
    return client.post(f"/reports/{report.pk}/reveal/", {"reason": reason}, **EN)


def _leaks(text: str) -> list[str]:
    # The JSON renderer may write non-ASCII characters escaped.
    escaped_name = json.dumps(NAME)[1:-1]
    return [secret for secret in (NAME, escaped_name, PHONE) if secret in text]


def _leaking(shown: dict[str, str]) -> dict[str, list[str]]:
    return {place: _leaks(text) for place, text in shown.items() if _leaks(text)}


def _everything_a_user_is_shown(client, user, report) -> dict[str, str]:
    client.force_login(user)
    return {
        "inbox": client.get("/reports/").content.decode(),
        "detail": client.get(f"/reports/{report.pk}/").content.decode(),
        "export": b"".join(client.get("/reports/export.csv").streaming_content).decode("utf-8-sig"),
        "api list": client.get("/api/reports/").content.decode(),
        "api detail": client.get(f"/api/reports/{report.pk}/").content.decode(),
    }


def test_a_leader_sees_the_report_but_never_the_reporters_contact(client, leader_x, report):
    shown = _everything_a_user_is_shown(client, leader_x, report)

    assert f'href="/reports/{report.pk}/"' in shown["inbox"]
    assert f"#{report.pk} " in shown["detail"]
    assert f"\n{report.pk}," in shown["export"]
    assert f'"id":{report.pk},' in shown["api list"]
    assert f'"id":{report.pk},' in shown["api detail"]
    assert _leaking(shown) == {}
    assert f"/reports/{report.pk}/reveal/" not in shown["detail"]


def test_ward_police_see_the_contact_only_after_revealing_it(client, police_a, report):
    before = _everything_a_user_is_shown(client, police_a, report)

    response = _reveal(client, police_a, report)

    assert _leaking(before) == {}
    assert f'action="/reports/{report.pk}/reveal/"' in before["detail"]
    html = response.content.decode()
    assert response.status_code == 200
    assert NAME in html
    assert f'<a href="tel:{PHONE}">{PHONE}</a>' in html
    reveal = ContactReveal.objects.get()
    assert (reveal.report, reveal.revealed_by, reveal.reason) == (
        report,
        police_a,
        "Cần xác minh lời khai.",
    )
    assert reveal.revealed_at is not None


def test_the_revealed_contact_is_kept_neither_in_the_session_nor_in_caches(
    client, police_a, report
):
    response = _reveal(client, police_a, report)

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert 'hx-history="false"' in response.content.decode()
    session_data = json.dumps(dict(client.session.items()), ensure_ascii=False)
    assert _leaks(session_data) == []
    # The detail page afterwards shows no more than before.
    assert _leaks(client.get(f"/reports/{report.pk}/").content.decode()) == []


def test_an_administrator_may_reveal_and_it_is_logged(client, province_admin, report):
    response = _reveal(client, province_admin, report, reason="Yêu cầu của công an tỉnh.")

    assert NAME in response.content.decode()
    assert ContactReveal.objects.get().revealed_by == province_admin


def test_a_reveal_needs_a_reason(client, police_a, report):
    response = _reveal(client, police_a, report, reason="   ")

    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert _leaks(html) == []
    assert not ContactReveal.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("leader_x", 403), ("police_b", 404)])
def test_others_may_not_reveal(request, client, report, role, status):
    user = request.getfixturevalue(role)
    client.force_login(user)

    assert client.get(f"/reports/{report.pk}/reveal/").status_code == status
    response = _reveal(client, user, report)

    assert response.status_code == status
    assert _leaks(response.content.decode()) == []
    assert not ContactReveal.objects.exists()


def test_the_reveal_page_asks_for_a_reason_before_showing_anything(client, police_a, report):
    client.force_login(police_a)

    html = client.get(f"/reports/{report.pk}/reveal/", **EN).content.decode()

    assert 'name="reason"' in html
    assert _leaks(html) == []
    assert not ContactReveal.objects.exists()


def test_an_anonymous_tip_has_nothing_to_reveal(
    client, police_a, file_report, theft, ward_a, unit_a1, group_x
):
    tip = file_report(category=theft, ward=ward_a, unit=unit_a1, anonymous=True).report
    client.force_login(police_a)

    detail = client.get(f"/reports/{tip.pk}/", **EN).content.decode()
    page = client.get(f"/reports/{tip.pk}/reveal/", **EN).content.decode()
    response = _reveal(client, police_a, tip)

    message = "This is an anonymous tip: nothing that identifies the sender was kept."
    assert message in detail
    assert f'action="/reports/{tip.pk}/reveal/"' not in detail
    assert message in page
    assert 'name="reason"' not in page
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ContactReveal.objects.exists()


def test_a_reporter_who_left_no_contact_has_nothing_to_reveal(
    client, police_a, file_report, theft, ward_a, unit_a1, group_x
):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1, name="", phone="").report
    assert not ReporterContact.objects.filter(report=report).exists()

    response = _reveal(client, police_a, report)

    assert "The reporter left no name or phone number." in response.content.decode()
    assert not ContactReveal.objects.exists()


# The domain function


@pytest.mark.parametrize("role", ["leader_x", "member_x", "police_b", "anonymous"])
def test_reveal_contact_refuses_everyone_but_the_wards_police_and_admins(request, report, role):
    with pytest.raises(PermissionDenied):
        reveal_contact(report=report, by=request.getfixturevalue(role), reason="Tò mò.")

    assert not ContactReveal.objects.exists()


def test_reveal_contact_refuses_an_empty_reason(police_a, report):
    with pytest.raises(ValidationError) as refused:
        reveal_contact(report=report, by=police_a, reason="  \n ")

    assert "reason" in refused.value.message_dict
    assert not ContactReveal.objects.exists()


def test_reveal_contact_returns_the_contact_and_logs_the_reason(police_a, report):
    assert reveal_contact(report=report, by=police_a, reason=" Xác minh ") == (NAME, PHONE)

    assert ContactReveal.objects.get().reason == "Xác minh"
