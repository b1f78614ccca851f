"""The dashboard's "Now" panel: its counts, lists and scope, its polling partial, and
acknowledging an escalation from it."""

import datetime
from dataclasses import dataclass

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dashboard.now import Counts, counts, now_panel, now_reports
from dashboard.views import dashboard_filter
from reports.escalation.chain import sweep
from reports.intake import submit_report
from reports.models import (
    Channel,
    Escalation,
    EscalationLevel,
    Report,
    ReportAssignment,
    ReportEvent,
    Status,
)
from tests.dashboard.now_fixtures import escalate, make_report, patrol

HTMX = {"HTTP_HX_REQUEST": "true"}
NOW_URL = reverse("dashboard:now")


@dataclass
class Scene:
    fresh: Report  # ward A, new, received two years ago, not yet due
    late: Report  # ward A unit 1, new, overdue
    escalated: Report  # ward A, in progress, overdue, level 1 waiting
    taken: Report  # ward A, acknowledged, level 2 acknowledged by the police
    closed: Report  # ward A, resolved with an escalation nobody acknowledged
    other_ward: Report  # ward B, new, overdue, level 1 waiting
    waiting_a: Escalation
    waiting_b: Escalation


@pytest.fixture
def scene(ward_a, ward_b, unit_a1, theft, fight, police_a):
    fresh = make_report(category=theft, ward=ward_a, created_hours_ago=2 * 365 * 24)
    late = make_report(category=fight, ward=ward_a, unit=unit_a1, due_in_hours=-2)
    escalated = make_report(category=theft, ward=ward_a, status=Status.IN_PROGRESS, due_in_hours=-5)
    waiting_a = escalate(escalated)
    taken = make_report(category=theft, ward=ward_a, status=Status.ACKNOWLEDGED)
    escalate(taken, level=1)  # the earlier level needs no acknowledgement of its own
    escalate(taken, level=2, acknowledged_by=police_a)
    closed = make_report(category=theft, ward=ward_a, status=Status.RESOLVED, due_in_hours=-9)
    escalate(closed)
    other_ward = make_report(category=theft, ward=ward_b, due_in_hours=-1)
    waiting_b = escalate(other_ward)
    return Scene(fresh, late, escalated, taken, closed, other_ward, waiting_a, waiting_b)


def _filter(user, **params):
    request = RequestFactory().get("/dashboard/", params)
    request.user = user
    return dashboard_filter(request)


def _panel(user, **params):
    return now_panel(user=user, filterset=_filter(user, **params), now=timezone.now())


# Counts


def test_counts_for_ward_police_cover_their_ward_only(scene, police_a):
    assert _panel(police_a).counts == Counts(new=2, open=4, overdue=2, escalated=1)


def test_counts_for_the_province_cover_every_ward(scene, province_admin):
    assert _panel(province_admin).counts == Counts(new=3, open=5, overdue=3, escalated=2)


def test_counts_follow_the_chosen_ward_unit_and_category(
    scene, province_admin, ward_a, ward_b, unit_a1, fight, theft
):
    assert _panel(province_admin, ward=ward_b.pk).counts == Counts(1, 1, 1, 1)
    assert _panel(province_admin, ward=ward_a.pk, unit=unit_a1.pk).counts == Counts(1, 1, 1, 0)
    # An administrator picks a commune/ward first; a unit alone is not obeyed.
    assert _panel(province_admin, unit=unit_a1.pk).counts == _panel(province_admin).counts
    assert _panel(province_admin, category=fight.pk).counts == Counts(1, 1, 1, 0)
    assert _panel(province_admin, category=theft.pk).counts == Counts(2, 4, 2, 2)


def test_counts_follow_the_model_kind_and_the_channel(
    scene, province_admin, group_x, five_families
):
    ReportAssignment.objects.create(report=scene.late, group=group_x)
    assert _panel(province_admin, model_kind=five_families.pk).counts == Counts(1, 1, 1, 0)
    assert _panel(province_admin, channel=Channel.PHONE).counts == Counts(0, 0, 0, 0)


def test_the_period_does_not_apply_to_now(scene, police_a):
    # The fresh report came in two years ago, long before the period chosen.
    panel = _panel(police_a, start="2026-01-01", end="2026-01-31")
    assert panel.counts.new == 2
    assert scene.fresh in panel.due_soon


def test_a_ward_outside_the_officers_scope_is_ignored_not_obeyed(scene, police_a, ward_b):
    filterset = _filter(police_a, ward=ward_b.pk)
    assert not filterset.form.is_valid()
    assert _panel(police_a, ward=ward_b.pk).counts == Counts(new=2, open=4, overdue=2, escalated=1)


def test_counts_are_one_query(scene, police_a, django_assert_num_queries):
    reports = now_reports(_filter(police_a))
    with django_assert_num_queries(1):
        counts(reports, timezone.now())


def test_overdue_is_decided_by_the_moment_given(scene, police_a):
    reports = now_reports(_filter(police_a))
    # Ten hours on, every open report of ward A is past its deadline.
    later = counts(reports, timezone.now() + datetime.timedelta(hours=10))
    assert later.overdue == 4


# Lists


def test_awaiting_lists_the_latest_unacknowledged_level_of_open_reports(scene, police_a):
    assert _panel(police_a).awaiting == [scene.waiting_a]


def test_awaiting_for_the_province_is_every_ward_or_the_chosen_one(scene, province_admin, ward_b):
    assert _panel(province_admin).awaiting == [scene.waiting_a, scene.waiting_b]
    assert _panel(province_admin, ward=ward_b.pk).awaiting == [scene.waiting_b]


def test_due_soon_lists_reports_within_their_deadline_nearest_first(scene, police_a, ward_a, theft):
    extra = [
        make_report(category=theft, ward=ward_a, due_in_hours=10 + hours) for hours in range(12)
    ]
    due_soon = _panel(police_a).due_soon
    assert due_soon[:2] == [scene.fresh, scene.taken]
    assert due_soon[2:] == extra[:8]
    assert len(due_soon) == 10


def test_overdue_lists_the_most_recently_overdue_first(scene, police_a):
    assert _panel(police_a).overdue == [scene.late, scene.escalated]


def test_a_new_urgent_report_is_listed_however_many_old_ones_are_overdue(
    scene, police_a, ward_a, theft
):
    # Issue 15: reports overdue since 2024 filled "most urgent"; a new one was not listed.
    for days in range(15):
        make_report(category=theft, ward=ward_a, due_in_hours=-24 * (700 + days))
    urgent = make_report(category=theft, ward=ward_a, due_in_hours=0.25)
    just_late = make_report(category=theft, ward=ward_a, due_in_hours=-0.1)

    panel = _panel(police_a)

    assert panel.due_soon[0] == urgent
    assert panel.overdue[0] == just_late
    assert len(panel.overdue) == 10


def test_patrols_under_way_are_started_unfinished_logs_in_scope(
    scene, police_a, province_admin, group_x, group_y, ward_a, ward_b, unit_a1
):
    out_a = patrol(group_x)
    patrol(group_x, started_hours_ago=5, finished=True)
    out_b = patrol(group_y)
    assert _panel(police_a).patrols == [out_a]
    assert _panel(province_admin).patrols == [out_a, out_b]
    assert _panel(province_admin, ward=ward_b.pk).patrols == [out_b]
    assert _panel(province_admin, ward=ward_a.pk, unit=unit_a1.pk).patrols == [out_a]


# The partial over HTTP


def test_the_partial_shows_the_figures_and_polls_itself_keeping_the_query(
    client, scene, police_a, fight
):
    client.force_login(police_a)
    html = client.get(NOW_URL, {"category": fight.pk}, **HTMX).content.decode()

    assert html.lstrip().startswith('<section id="now"')
    assert "<html" not in html
    assert f'hx-get="{NOW_URL}?category={fight.pk}"' in html
    assert 'hx-trigger="every 30s"' in html
    assert 'hx-swap="outerHTML"' in html
    assert 'aria-live="polite"' in html
    assert "autofocus" not in html
    assert f'href="/reports/{scene.late.pk}/"' in html
    assert f'href="/reports/{scene.escalated.pk}/"' not in html  # a theft


def test_ward_a_police_never_see_ward_b_in_the_panel(client, scene, police_a, group_y):
    out_b = patrol(group_y)
    client.force_login(police_a)
    html = client.get(NOW_URL).content.decode()

    assert f"/reports/{scene.escalated.pk}/" in html
    assert f"/escalations/{scene.waiting_a.pk}/" in html
    assert f"/reports/{scene.other_ward.pk}/" not in html
    assert f"/escalations/{scene.waiting_b.pk}/" not in html
    assert f"/patrols/logs/{out_b.pk}/" not in html
    assert "Xã Quảng Tân" not in html


@pytest.mark.parametrize("who", ["leader_x", "member_x"])
def test_group_people_get_403(client, scene, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(NOW_URL).status_code == 403
    ack = reverse("dashboard:acknowledge", args=[scene.waiting_a.pk])
    assert client.post(ack).status_code == 403
    assert Escalation.objects.get(pk=scene.waiting_a.pk).acknowledged_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client, scene):
    response = client.get(NOW_URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# Acknowledging


def _acknowledge_url(escalation, query=""):
    url = reverse("dashboard:acknowledge", args=[escalation.pk])
    return f"{url}?{query}" if query else url


def test_police_cannot_acknowledge_another_wards_escalation(client, scene, police_a):
    client.force_login(police_a)
    assert client.post(_acknowledge_url(scene.waiting_b)).status_code == 404
    assert client.post(_acknowledge_url(scene.waiting_b), **HTMX).status_code == 404
    scene.waiting_b.refresh_from_db()
    assert scene.waiting_b.acknowledged_at is None


def test_acknowledging_without_js_redirects_back_with_the_query(client, scene, police_a, theft):
    client.force_login(police_a)
    query = f"category={theft.pk}&start=2026-01-01"
    response = client.post(_acknowledge_url(scene.waiting_a, query))

    assert response.status_code == 302
    assert response.url == f"/dashboard/?{query}"
    scene.waiting_a.refresh_from_db()
    assert scene.waiting_a.acknowledged_by == police_a
    assert scene.waiting_a.acknowledged_at is not None
    page = client.get(response.url).content.decode()
    assert f"Report #{scene.escalated.pk} acknowledged: further escalation is stopped." in page


def test_acknowledging_with_htmx_swaps_in_the_panel(client, scene, police_a, theft):
    client.force_login(police_a)
    response = client.post(_acknowledge_url(scene.waiting_a, f"category={theft.pk}"), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="now"')
    assert f"Report #{scene.escalated.pk} acknowledged" in html
    assert f"/escalations/{scene.waiting_a.pk}/" not in html
    assert f'hx-get="{NOW_URL}?category={theft.pk}"' in html
    assert "Nothing is waiting for acknowledgement." in html


def test_acknowledging_twice_says_it_was_already_done(client, scene, police_a, province_admin):
    client.force_login(province_admin)
    client.post(_acknowledge_url(scene.waiting_a))
    first = Escalation.objects.get(pk=scene.waiting_a.pk)

    client.force_login(police_a)
    html = client.post(_acknowledge_url(scene.waiting_a), **HTMX).content.decode()
    plain = client.post(_acknowledge_url(scene.waiting_a), follow=True).content.decode()

    assert f"Report #{scene.escalated.pk} was already acknowledged." in html
    assert f"Report #{scene.escalated.pk} was already acknowledged." in plain
    again = Escalation.objects.get(pk=scene.waiting_a.pk)
    assert (again.acknowledged_by, again.acknowledged_at) == (province_admin, first.acknowledged_at)


def test_acknowledging_is_a_post(client, scene, police_a):
    client.force_login(police_a)
    assert client.get(_acknowledge_url(scene.waiting_a)).status_code == 405


def test_acknowledging_from_the_dashboard_stops_the_chain(client, police_a, ward_a, theft):
    receipt = submit_report(
        data={
            "category": theft,
            "ward": ward_a,
            "description": "Mất xe máy trong ngõ 7.",
            "name": "Lê Văn Minh",
            "phone": "0912345678",
        },
        channel=Channel.WEB,
    )
    report = receipt.report
    levels = list(EscalationLevel.objects.filter(rule__category=theft).order_by("number"))
    assert len(levels) >= 2, "the seeded theft chain has a second level"
    first_due = report.due_at + datetime.timedelta(minutes=1)
    sweep(now=first_due)
    waiting = Escalation.objects.get(report=report, level=1)

    client.force_login(police_a)
    html = client.post(_acknowledge_url(waiting), **HTMX).content.decode()
    assert f"Report #{report.pk} acknowledged" in html

    past_window = first_due + datetime.timedelta(minutes=levels[0].window_minutes + 1)
    sweep(now=past_window)
    assert not Escalation.objects.filter(report=report, level=2).exists()
    waiting.refresh_from_db()
    assert waiting.acknowledged_by == police_a
    assert waiting.acknowledged_at is not None
    event = report.events.get(kind=ReportEvent.Kind.POLICE_ACKNOWLEDGED)
    assert event.actor == police_a
