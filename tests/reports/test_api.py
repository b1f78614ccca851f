"""The reports API: read-only lists through visible_to, filters, and acknowledging."""

import pytest

from reports.intake import submit_report
from reports.lifecycle import apply_transition
from reports.models import Channel, Report, ReportEvent, Status


@pytest.fixture
def report_x(file_report, theft, ward_a, unit_a1, group_x):
    return file_report(category=theft, ward=ward_a, unit=unit_a1).report


@pytest.fixture
def police_only_report(file_report, about_the_group, ward_a, unit_a1, group_x):
    return file_report(category=about_the_group, ward=ward_a, unit=unit_a1).report


@pytest.fixture
def report_y(file_report, fight, ward_b, unit_b1, group_y):
    return file_report(category=fight, ward=ward_b, unit=unit_b1).report


@pytest.fixture
def logged_by_member_x(theft, ward_a, unit_a1, member_x):
    return submit_report(
        data={"category": theft, "ward": ward_a, "unit": unit_a1, "description": "Mất ví."},
        channel=Channel.PHONE,
        logged_by=member_x,
    ).report


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_the_api_needs_a_sign_in(client, report_x):
    response = client.get("/api/reports/")

    assert response.status_code == 403
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("province_admin", {"report_x", "police_only", "report_y"}),
        ("police_a", {"report_x", "police_only"}),
        ("police_b", {"report_y"}),
        ("leader_x", {"report_x"}),
        ("member_x", set()),
        ("leader_y", {"report_y"}),
    ],
)
def test_the_api_lists_only_the_reports_the_user_may_see(
    request, client, report_x, police_only_report, report_y, role, expected
):
    reports = {"report_x": report_x, "police_only": police_only_report, "report_y": report_y}
    client.force_login(request.getfixturevalue(role))

    response = client.get("/api/reports/")

    assert response.status_code == 200
    assert set(_ids(response)) == {reports[name].pk for name in expected}


def test_a_report_the_user_cannot_see_is_not_found(client, leader_y, report_x):
    client.force_login(leader_y)

    assert client.get(f"/api/reports/{report_x.pk}/").status_code == 404


def test_a_report_carries_no_contact_and_no_receipt_data(client, leader_x, report_x):
    client.force_login(leader_x)

    row = client.get(f"/api/reports/{report_x.pk}/").json()

    assert set(row) == {
        "id",
        "category",
        "category_name",
        "severity",
        "description",
        "occurred_at",
        "ward",
        "unit",
        "place",
        "address",
        "latitude",
        "longitude",
        "channel",
        "status",
        "created_at",
        "due_at",
        "is_overdue",
        "acknowledged_at",
        "closed_at",
        "outcome",
        "duplicate_of",
    }
    assert (row["id"], row["severity"], row["place"], row["status"]) == (
        report_x.pk,
        "high",
        "Tổ dân phố 1",
        "new",
    )


def test_the_api_uses_the_inbox_filters(
    client, police_a, report_x, police_only_report, file_report, fight, ward_a, unit_a1
):
    fight_report = file_report(category=fight, ward=ward_a, unit=unit_a1).report
    apply_transition(report=report_x, to=Status.ACKNOWLEDGED, by=police_a)
    client.force_login(police_a)

    by_status = client.get("/api/reports/?status=acknowledged&status=new")
    by_severity = client.get("/api/reports/?severity=urgent")
    by_severity_rank = client.get("/api/reports/?ordering=-severity")

    assert sorted(_ids(by_status)) == sorted([report_x.pk, police_only_report.pk, fight_report.pk])
    assert _ids(by_severity) == [fight_report.pk]
    assert _ids(by_severity_rank)[0] == fight_report.pk


def test_an_invalid_filter_is_a_400_with_the_reason(client, police_a, report_x):
    client.force_login(police_a)

    response = client.get("/api/reports/?status=flying")

    assert response.status_code == 400
    assert "status" in response.json()


@pytest.mark.parametrize("count", [1, 30])
def test_the_api_list_runs_the_same_queries_for_1_or_30_reports(
    client, leader_x, theft, ward_a, unit_a1, file_report, django_assert_num_queries, count
):
    for _ in range(count):
        file_report(category=theft, ward=ward_a, unit=unit_a1)
    client.force_login(leader_x)

    # Session, user, the count and the page of reports.
    with django_assert_num_queries(4):
        response = client.get("/api/reports/")

    assert len(response.json()["results"]) == count


# Acknowledging


def test_a_leader_acknowledges_a_report_through_the_api(client, leader_x, report_x):
    client.force_login(leader_x)

    response = client.post(f"/api/reports/{report_x.pk}/acknowledge/")

    assert response.status_code == 200
    assert response.json()["status"] == "acknowledged"
    report_x.refresh_from_db()
    assert report_x.status == Status.ACKNOWLEDGED
    event = report_x.events.get(kind=ReportEvent.Kind.STATUS)
    assert (event.actor, event.to_status, event.public) == (leader_x, Status.ACKNOWLEDGED, True)


def test_a_member_who_sees_a_logged_report_may_not_acknowledge_it(
    client, member_x, logged_by_member_x
):
    client.force_login(member_x)

    response = client.post(f"/api/reports/{logged_by_member_x.pk}/acknowledge/")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    logged_by_member_x.refresh_from_db()
    assert logged_by_member_x.status == Status.NEW


def test_acknowledging_a_report_the_user_cannot_see_is_not_found(client, leader_y, report_x):
    client.force_login(leader_y)

    response = client.post(f"/api/reports/{report_x.pk}/acknowledge/")

    assert response.status_code == 404
    report_x.refresh_from_db()
    assert report_x.status == Status.NEW


def test_acknowledging_a_resolved_report_is_a_400_saying_why(client, leader_x, report_x):
    apply_transition(report=report_x, to=Status.RESOLVED, by=leader_x, outcome="Xong.")
    client.force_login(leader_x)

    response = client.post(f"/api/reports/{report_x.pk}/acknowledge/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_allowed"
    assert body["detail"] == "A report that is “Resolved” cannot become “Acknowledged”."
    report_x.refresh_from_db()
    assert report_x.status == Status.RESOLVED


def test_the_api_does_not_change_reports_otherwise(client, province_admin, report_x):
    client.force_login(province_admin)

    assert client.get(f"/api/reports/{report_x.pk}/acknowledge/").status_code == 405
    assert client.patch(f"/api/reports/{report_x.pk}/", {"status": "resolved"}).status_code == 405
    assert client.delete(f"/api/reports/{report_x.pk}/").status_code == 405
    assert Report.objects.get().status == Status.NEW
