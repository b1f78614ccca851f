"""The handlers' inbox at /reports/: who sees what, filters, sorting, deadlines, export."""

import csv
import datetime
import io

import pytest
import time_machine
from django.utils import timezone, translation

from groups.models import Area
from reports.intake import submit_report
from reports.lifecycle import apply_transition
from reports.models import Channel, Report, Status
from reports.templatetags.report_deadlines import time_left

NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def report_x(file_report, theft, ward_a, unit_a1, group_x):
    """A theft in group X's unit: group X and ward A's police handle it."""
    return file_report(category=theft, ward=ward_a, unit=unit_a1).report


@pytest.fixture
def police_only_report(file_report, about_the_group, ward_a, unit_a1, group_x):
    """A complaint about group X: ward A's police only."""
    return file_report(category=about_the_group, ward=ward_a, unit=unit_a1).report


@pytest.fixture
def report_y(file_report, fight, ward_b, unit_b1, group_y):
    return file_report(category=fight, ward=ward_b, unit=unit_b1).report


@pytest.fixture
def logged_by_member_x(theft, ward_b, member_x, group_y):
    """A report member X took by phone about a place outside group X."""
    return submit_report(
        data={
            "category": theft,
            "ward": ward_b,
            "description": "Người dân gọi điện báo mất xe đạp.",
        },
        channel=Channel.PHONE,
        logged_by=member_x,
    ).report


@pytest.fixture
def all_reports(report_x, police_only_report, report_y, logged_by_member_x):
    return {
        "report_x": report_x,
        "police_only": police_only_report,
        "report_y": report_y,
        "logged_by_member_x": logged_by_member_x,
    }


def _listed(response) -> list[int]:
    return [report.pk for report in response.context["page"].object_list]


def _links(response) -> set[int]:
    html = response.content.decode()
    return {pk for pk in Report.objects.values_list("pk", flat=True) if f"/reports/{pk}/" in html}


def test_a_leader_sees_a_report_for_the_police_only_if_they_logged_it(
    about_the_group, ward_a, unit_a1, group_x, leader_x, police_only_report, report_x
):
    logged_by_leader = submit_report(
        data={
            "category": about_the_group,
            "ward": ward_a,
            "unit": unit_a1,
            "description": "Một người dân đến nhà tổ trưởng phản ánh về tổ.",
        },
        channel=Channel.WALK_IN,
        logged_by=leader_x,
    ).report

    assert logged_by_leader.police_only
    assert set(Report.objects.visible_to(leader_x)) == {report_x, logged_by_leader}
    assert set(Report.objects.handleable_by(leader_x)) == {report_x}


def test_the_inbox_needs_a_sign_in(client, report_x):
    response = client.get("/reports/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("province_admin", {"report_x", "police_only", "report_y", "logged_by_member_x"}),
        ("police_a", {"report_x", "police_only"}),
        ("police_b", {"report_y", "logged_by_member_x"}),
        ("leader_x", {"report_x"}),
        ("member_x", {"logged_by_member_x"}),
        ("leader_y", {"report_y"}),
    ],
)
def test_the_inbox_lists_only_the_reports_the_user_may_see(
    request, client, all_reports, role, expected
):
    client.force_login(request.getfixturevalue(role))

    response = client.get("/reports/")

    assert response.status_code == 200
    expected_pks = {all_reports[name].pk for name in expected}
    assert set(_listed(response)) == expected_pks
    assert _links(response) == expected_pks


def test_each_row_shows_category_severity_place_received_status_and_deadline(
    client, leader_x, report_x
):
    client.force_login(leader_x)

    with time_machine.travel(report_x.due_at - datetime.timedelta(hours=1, minutes=20), tick=False):
        html = client.get("/reports/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f"#{report_x.pk} Theft" in html
    assert "Severity: High" in html
    assert "Tổ dân phố 1, Phường Hạ Long" in html
    assert "Status: New" in html
    # Under two hours left reads as "due soon", with a sign beside the words.
    assert "Due soon:" in html
    assert "in 1 h 20 min</time>" in html
    assert "urgency-soon" in html
    assert "urgency-overdue" not in html


def test_an_overdue_report_is_marked_with_text_and_an_icon(client, leader_x, report_x):
    client.force_login(leader_x)

    with time_machine.travel(report_x.due_at + datetime.timedelta(hours=3), tick=False):
        response = client.get("/reports/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert "urgency-overdue" in html
    assert "⚠" in html
    assert "Overdue by 3 h</time>" in html


def test_a_closed_report_shows_no_time_left(client, leader_x, report_x):
    apply_transition(report=report_x, to=Status.RESOLVED, by=leader_x, outcome="Đã tìm thấy xe.")
    client.force_login(leader_x)

    with time_machine.travel(report_x.due_at + datetime.timedelta(hours=3), tick=False):
        # The inbox opens on open reports; a closed one is found by its status.
        opening = client.get("/reports/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        html = client.get("/reports/?status=resolved", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f"#{report_x.pk} " not in opening
    assert f"#{report_x.pk} " in html
    assert "Status: Resolved" in html
    assert "urgency" not in html.split('id="report-list"')[1]
    assert "verdue by" not in html


@pytest.mark.parametrize(
    ("due_in", "text"),
    [
        (datetime.timedelta(seconds=30), "in 1 min"),
        (datetime.timedelta(minutes=45), "in 45 min"),
        (datetime.timedelta(hours=2), "in 2 h"),
        (datetime.timedelta(days=1, hours=2, minutes=5), "in 1 d 2 h"),
        (datetime.timedelta(days=3), "in 3 d"),
        (-datetime.timedelta(seconds=10), "overdue by 1 min"),
        (-datetime.timedelta(hours=3, minutes=59, seconds=59), "overdue by 3 h 59 min"),
    ],
)
def test_the_deadline_reads_as_time_left_or_overdue(due_in, text):
    with translation.override("en"):
        assert time_left(NOON + due_in, NOON) == text


# Filters and sorting


@pytest.fixture
def three_reports(file_report, theft, fight, food_safety, ward_a, unit_a1, group_x):
    """Three reports in group X's place, received a day apart, oldest first."""
    reports = []
    for days_ago, category in [(3, theft), (2, fight), (1, food_safety)]:
        with time_machine.travel(NOON - datetime.timedelta(days=days_ago), tick=False):
            reports.append(file_report(category=category, ward=ward_a, unit=unit_a1).report)
    return reports


def _listed_for(client, user, query: str) -> list[int]:
    client.force_login(user)
    with time_machine.travel(NOON, tick=False):
        response = client.get(f"/reports/?{query}")
    assert response.status_code == 200
    return _listed(response)


def test_the_inbox_filters_by_several_statuses(client, police_a, three_reports):
    theft_report, fight_report, _food_report = three_reports
    apply_transition(report=theft_report, to=Status.ACKNOWLEDGED, by=police_a)
    apply_transition(report=fight_report, to=Status.REFERRED, by=police_a)

    listed = _listed_for(client, police_a, "status=acknowledged&status=referred")

    assert sorted(listed) == sorted([theft_report.pk, fight_report.pk])


def test_the_inbox_filters_by_category_and_by_severity(client, police_a, three_reports, fight):
    theft_report, fight_report, food_report = three_reports

    assert _listed_for(client, police_a, f"category={fight.pk}") == [fight_report.pk]
    assert _listed_for(client, police_a, "severity=high") == [theft_report.pk]
    assert _listed_for(client, police_a, "severity=normal") == [food_report.pk]


def test_the_inbox_filters_by_the_day_received(client, police_a, three_reports):
    _theft_report, fight_report, food_report = three_reports
    two_days_ago = timezone.localdate(NOON - datetime.timedelta(days=2)).isoformat()

    listed = _listed_for(
        client, police_a, f"received_from={two_days_ago}&received_to={two_days_ago}"
    )

    assert listed == [fight_report.pk]
    assert _listed_for(client, police_a, f"received_from={two_days_ago}") == [
        food_report.pk,
        fight_report.pk,
    ]


def test_the_inbox_filters_overdue_reports(client, police_a, three_reports):
    theft_report, fight_report, food_report = three_reports
    # At noon the theft (2 h) and the fight (15 min) are past their deadline; the
    # food report (1 day, filed yesterday at noon) is due right now, not before.
    Report.objects.filter(pk=food_report.pk).update(due_at=NOON + datetime.timedelta(hours=1))
    apply_transition(report=fight_report, to=Status.RESOLVED, by=police_a, outcome="Đã hòa giải.")

    assert _listed_for(client, police_a, "overdue=true") == [theft_report.pk]
    assert _listed_for(client, police_a, "overdue=false") == [food_report.pk, fight_report.pk]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("-received", ["food", "fight", "theft"]),
        ("received", ["theft", "fight", "food"]),
        ("-severity", ["fight", "theft", "food"]),
        ("deadline", ["food", "theft", "fight"]),
    ],
)
def test_the_inbox_sorts_by_received_severity_or_deadline(
    client, police_a, three_reports, ordering, expected
):
    by_name = dict(zip(["theft", "fight", "food"], three_reports, strict=True))
    # Deadlines in an order of their own, so sorting by deadline is seen to work.
    for name, hours in [("food", 1), ("theft", 2), ("fight", 3)]:
        Report.objects.filter(pk=by_name[name].pk).update(
            due_at=NOON + datetime.timedelta(hours=hours)
        )

    listed = _listed_for(client, police_a, f"ordering={ordering}")

    assert listed == [by_name[name].pk for name in expected]


def test_without_a_sort_order_the_newest_report_comes_first(client, police_a, three_reports):
    assert _listed_for(client, police_a, "") == [report.pk for report in reversed(three_reports)]


def test_a_malformed_filter_value_is_shown_as_an_error_not_a_crash(client, police_a, three_reports):
    client.force_login(police_a)

    response = client.get("/reports/?received_from=yesterday&status=nonsense")

    assert response.status_code == 200
    assert response.context["filter"].form.errors.keys() == {"received_from", "status"}
    assert len(_listed(response)) == 3


# htmx and paging


def test_with_htmx_the_filter_returns_only_the_list(client, police_a, three_reports, fight):
    client.force_login(police_a)

    response = client.get(f"/reports/?category={fight.pk}", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="report-list"')
    assert "<html" not in html
    assert _listed(response) == [three_reports[1].pk]
    assert "HX-Request" in response["Vary"]


def test_without_htmx_the_filter_form_reloads_the_whole_page(client, police_a, three_reports):
    client.force_login(police_a)

    html = client.get("/reports/?severity=urgent").content.decode()

    assert "<html" in html
    assert 'method="get" action="/reports/"' in html
    assert 'hx-push-url="true"' in html
    assert 'id="report-list"' in html


def test_an_htmx_history_restore_gets_the_whole_page(client, police_a, three_reports):
    client.force_login(police_a)

    response = client.get(
        "/reports/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


def test_the_inbox_pages_by_25_and_the_page_links_keep_the_filter(
    client, police_a, theft, ward_a, unit_a1, file_report
):
    for _ in range(27):
        file_report(category=theft, ward=ward_a, unit=unit_a1)
    client.force_login(police_a)

    first = client.get("/reports/?severity=high")
    second = client.get("/reports/?severity=high&page=2")

    assert len(_listed(first)) == 25
    assert len(_listed(second)) == 2
    assert "/reports/?severity=high&amp;page=2" in first.content.decode()
    assert set(_listed(first)).isdisjoint(_listed(second))


@pytest.mark.parametrize("count", [1, 30])
def test_the_inbox_page_runs_the_same_queries_for_1_or_30_reports(
    client, leader_x, theft, ward_a, unit_a1, file_report, django_assert_num_queries, count
):
    for _ in range(count):
        file_report(category=theft, ward=ward_a, unit=unit_a1)
    client.force_login(leader_x)

    # Session, user, membership check for the "log a report" button, the
    # categories of the filter, the count and the page of reports.
    with django_assert_num_queries(6):
        response = client.get("/reports/")

    assert len(_listed(response)) == min(count, 25)


def test_signed_in_people_find_the_reports_in_the_navigation(client, leader_x):
    client.force_login(leader_x)

    html = client.get("/groups/").content.decode()

    assert 'href="/reports/"' in html


# Export


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_export_has_the_visible_filtered_reports_and_no_contact_columns(
    client, leader_x, all_reports, theft, file_report, ward_a, unit_a1, fight
):
    fight_in_x = file_report(category=fight, ward=ward_a, unit=unit_a1).report
    client.force_login(leader_x)

    response = client.get("/reports/export.csv?severity=high", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert header == [
        "Number",
        "Received",
        "Category",
        "Severity",
        "Place",
        "Status",
        "Deadline",
        "Channel",
    ]
    assert [int(row[0]) for row in rows] == [all_reports["report_x"].pk]
    assert fight_in_x.pk not in [int(row[0]) for row in rows]
    assert rows[0][3] == "High"
    assert rows[0][4] == "Tổ dân phố 1, Phường Hạ Long"
    assert rows[0][7] == "Web form"


def test_a_place_that_looks_like_a_formula_stays_text_in_the_export(
    client, leader_x, report_x, unit_a1
):
    Area.objects.filter(pk=unit_a1.pk).update(name='=HYPERLINK("http://example.com")')
    client.force_login(leader_x)

    _header, row = _csv_rows(client.get("/reports/export.csv"))

    assert row[4] == '\'=HYPERLINK("http://example.com"), Phường Hạ Long'


def test_the_export_needs_a_sign_in(client, report_x):
    assert client.get("/reports/export.csv").status_code == 302
