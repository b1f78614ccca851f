"""Issue 15, item 5 over HTTP: the inbox opens on open reports with their first words
and the time they have left; a move is confirmed before it is made, with or
without JavaScript."""

import datetime
import re

import pytest
from django.utils import timezone

from reports.lifecycle import apply_transition
from reports.models import Report, Status

HTMX = {"HTTP_HX_REQUEST": "true"}
VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}


@pytest.fixture
def report(file_report, theft, ward_a, unit_a1, group_x):
    return file_report(
        category=theft,
        ward=ward_a,
        unit=unit_a1,
        description="Hai thanh niên lấy trộm xe máy trước cổng chợ lúc nửa đêm hôm qua, "
        "một người mặc áo khoác đỏ và đội mũ bảo hiểm màu đen không có kính.",
    ).report


@pytest.fixture
def closed(file_report, theft, ward_a, unit_a1, group_x, leader_x):
    report = file_report(
        category=theft, ward=ward_a, unit=unit_a1, description="Đã xử lý xong vụ này."
    ).report
    apply_transition(report=report, to=Status.RESOLVED, by=leader_x, outcome="Xong.")
    return report


def _inbox(client, user, query=""):
    client.force_login(user)
    return client.get(f"/reports/{query}", **VI).content.decode()


def test_the_inbox_opens_on_open_reports_and_shows_all_on_request(client, leader_x, report, closed):
    html = _inbox(client, leader_x)
    assert f"/reports/{report.pk}/" in html
    assert f"/reports/{closed.pk}/" not in html
    # The filter says so: the open statuses are ticked.
    for status in ("new", "acknowledged", "in_progress"):
        assert re.search(rf'name="status" value="{status}"[^>]*checked', html), status
    assert not re.search(r'name="status" value="resolved"[^>]*checked', html)

    everything = _inbox(client, leader_x, "?ordering=-received")
    assert f"/reports/{closed.pk}/" in everything


def test_a_page_number_alone_keeps_the_inbox_on_open_reports(client, leader_x, report, closed):
    html = _inbox(client, leader_x, "?page=1")
    assert f"/reports/{closed.pk}/" not in html


def test_the_inbox_shows_the_first_words_of_each_report(client, leader_x, report):
    html = _inbox(client, leader_x)
    assert "Hai thanh niên lấy trộm xe máy trước cổng chợ" in html
    # The first words only, not the whole text.
    assert "không có kính" not in html


def test_a_report_with_minutes_left_is_marked_due_soon_in_inbox_and_page(client, leader_x, report):
    Report.objects.filter(pk=report.pk).update(
        due_at=timezone.now() + datetime.timedelta(minutes=15)
    )
    inbox = _inbox(client, leader_x)
    page = client.get(f"/reports/{report.pk}/", **VI).content.decode()
    for html in (inbox, page):
        assert "urgency-soon" in html
        assert "Sắp đến hạn:" in html
        assert "15 phút" in html


def test_an_overdue_report_says_by_how_long_in_words(client, leader_x, report):
    Report.objects.filter(pk=report.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=3, minutes=1)
    )
    html = _inbox(client, leader_x)
    assert "urgency-overdue" in html
    assert "3 giờ" in html


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_move_asks_for_confirmation_first_and_changes_nothing(client, leader_x, report, headers):
    client.force_login(leader_x)
    response = client.post(f"/reports/{report.pk}/status/", {"to": "acknowledged"}, **VI, **headers)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="confirm-step"' in html
    assert 'name="confirmed" value="1"' in html
    assert "Xác nhận:" in html
    assert f'href="/reports/{report.pk}/"' in html  # the way back
    report.refresh_from_db()
    assert report.status == Status.NEW


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_confirmed_move_is_made(client, leader_x, report, headers):
    client.force_login(leader_x)
    response = client.post(
        f"/reports/{report.pk}/status/",
        {"to": "resolved", "outcome": "Đã trả xe.", "note": "Dòng một\nDòng hai", "confirmed": "1"},
        **VI,
        **headers,
    )

    assert response.status_code in (200, 302)
    report.refresh_from_db()
    assert report.status == Status.RESOLVED
    assert report.outcome == "Đã trả xe."


def test_the_confirmation_step_carries_what_was_typed(client, leader_x, report):
    client.force_login(leader_x)
    html = client.post(
        f"/reports/{report.pk}/status/",
        {"to": "resolved", "outcome": "Đã trả xe <b>cho</b> chủ.", "public": "on"},
        **VI,
    ).content.decode()
    assert 'name="outcome" value="Đã trả xe &lt;b&gt;cho&lt;/b&gt; chủ."' in html
    assert 'name="public" value="on"' in html


def test_a_move_the_user_may_not_make_is_refused_without_a_confirmation_step(
    client, member_x, report
):
    client.force_login(member_x)
    response = client.post(f"/reports/{report.pk}/status/", {"to": "resolved"}, **VI)
    assert response.status_code in (403, 404)
    assert 'id="confirm-step"' not in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.NEW


def test_the_actions_say_they_will_be_confirmed_and_stand_apart(client, leader_x, report):
    client.force_login(leader_x)
    html = client.get(f"/reports/{report.pk}/", **VI).content.decode()
    actions = html[html.index('class="actions-irreversible"') :]
    actions = actions[: actions.index("</div>\n")]
    assert 'name="to" value="acknowledged"' in actions
    # Writing a note is not among the moves.
    assert f"reports/{report.pk}/messages/" not in actions
