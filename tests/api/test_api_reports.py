"""The reports API under /api/v1/: lists through visible_to, filters, paging, the
lifecycle actions, the timeline and messages, the logged reveal; the old paths."""

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
    response = client.get("/api/v1/reports/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


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

    response = client.get("/api/v1/reports/")

    assert response.status_code == 200
    assert set(_ids(response)) == {reports[name].pk for name in expected}


def test_a_report_the_user_cannot_see_is_not_found(client, leader_y, report_x):
    client.force_login(leader_y)

    assert client.get(f"/api/v1/reports/{report_x.pk}/").status_code == 404


def test_a_report_carries_no_contact_and_no_receipt_data(client, leader_x, report_x):
    client.force_login(leader_x)

    row = client.get(f"/api/v1/reports/{report_x.pk}/").json()

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

    by_status = client.get("/api/v1/reports/?status=acknowledged&status=new")
    by_severity = client.get("/api/v1/reports/?severity=urgent")
    by_severity_rank = client.get("/api/v1/reports/?ordering=-severity")

    assert sorted(_ids(by_status)) == sorted([report_x.pk, police_only_report.pk, fight_report.pk])
    assert _ids(by_severity) == [fight_report.pk]
    assert _ids(by_severity_rank)[0] == fight_report.pk


def test_an_invalid_filter_is_a_400_with_the_reason(client, police_a, report_x):
    client.force_login(police_a)

    response = client.get("/api/v1/reports/?status=flying")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert [error["field"] for error in body["errors"]] == ["status"]
    assert body["errors"][0]["code"] == "invalid_choice"


@pytest.mark.parametrize("count", [1, 30])
def test_the_api_list_runs_the_same_queries_for_1_or_30_reports(
    client, leader_x, theft, ward_a, unit_a1, file_report, django_assert_num_queries, count
):
    for _ in range(count):
        file_report(category=theft, ward=ward_a, unit=unit_a1)
    client.force_login(leader_x)

    # Session, user, the count and the page of reports.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/reports/")

    assert len(response.json()["results"]) == count


# Acknowledging


def test_a_leader_acknowledges_a_report_through_the_api(client, leader_x, report_x):
    client.force_login(leader_x)

    response = client.post(f"/api/v1/reports/{report_x.pk}/acknowledge/")

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

    response = client.post(f"/api/v1/reports/{logged_by_member_x.pk}/acknowledge/")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "permission_denied"
    logged_by_member_x.refresh_from_db()
    assert logged_by_member_x.status == Status.NEW


def test_acknowledging_a_report_the_user_cannot_see_is_not_found(client, leader_y, report_x):
    client.force_login(leader_y)

    response = client.post(f"/api/v1/reports/{report_x.pk}/acknowledge/")

    assert response.status_code == 404
    report_x.refresh_from_db()
    assert report_x.status == Status.NEW


def test_acknowledging_a_resolved_report_is_a_409_saying_why(client, leader_x, report_x):
    apply_transition(report=report_x, to=Status.RESOLVED, by=leader_x, outcome="Xong.")
    client.force_login(leader_x)

    response = client.post(f"/api/v1/reports/{report_x.pk}/acknowledge/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "not_allowed"
    assert body["message"] == "A report that is “Resolved” cannot become “Acknowledged”."
    report_x.refresh_from_db()
    assert report_x.status == Status.RESOLVED


def test_the_api_does_not_change_reports_otherwise(client, province_admin, report_x):
    client.force_login(province_admin)

    assert client.get(f"/api/v1/reports/{report_x.pk}/acknowledge/").status_code == 405
    assert (
        client.patch(f"/api/v1/reports/{report_x.pk}/", {"status": "resolved"}).status_code == 405
    )
    assert client.delete(f"/api/v1/reports/{report_x.pk}/").status_code == 405
    assert Report.objects.get().status == Status.NEW


# Version 1: paging, tokens, the lifecycle actions, messages, the reveal


def test_the_list_is_paginated_with_a_page_size(client, police_a, report_x, police_only_report):
    client.force_login(police_a)

    first = client.get("/api/v1/reports/?page_size=1").json()
    second = client.get("/api/v1/reports/?page_size=1&page=2").json()

    assert first["count"] == 2
    assert first["next"].endswith("page=2&page_size=1") or "page=2" in first["next"]
    assert {first["results"][0]["id"], second["results"][0]["id"]} == {
        report_x.pk,
        police_only_report.pk,
    }
    assert client.get("/api/v1/reports/?page=9").status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_with_a_token_runs_the_same_queries_for_1_or_30_reports(
    leader_x, theft, ward_a, unit_a1, file_report, api_as, django_assert_num_queries, count
):
    for _ in range(count):
        file_report(category=theft, ward=ward_a, unit=unit_a1)
    api = api_as(leader_x)

    # The token with its user, the user's other tokens (expired ones are
    # deleted), the count and the page.
    with django_assert_num_queries(4):
        response = api.get("/api/v1/reports/")

    assert len(response.json()["results"]) == count


def test_a_token_sees_exactly_what_the_session_sees(client, police_a, api_as, report_x, report_y):
    client.force_login(police_a)
    police_a_device = police_a.totpdevice_set.exists()

    by_session = _ids(client.get("/api/v1/reports/"))
    by_token = _ids(api_as(police_a).get("/api/v1/reports/"))

    assert police_a_device
    assert by_session == by_token == [report_x.pk]


def test_a_leader_moves_a_report_through_its_lifecycle(client, leader_x, report_x):
    client.force_login(leader_x)
    post = lambda action, **data: client.post(  # noqa: E731
        f"/api/v1/reports/{report_x.pk}/{action}/", data, content_type="application/json"
    )

    assert post("start", note="Đang xác minh.").json()["status"] == "in_progress"
    assert post("resolve").status_code == 400
    resolved = post("resolve", outcome="Đã trả lại xe.", public=True)

    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["outcome"] == "Đã trả lại xe."
    moves = list(report_x.events.filter(kind=ReportEvent.Kind.STATUS).values_list("to_status"))
    assert moves == [("in_progress",), ("resolved",)]


def test_handing_to_police_and_rejecting_need_what_the_page_needs(
    client, leader_x, report_x, police_a, police_only_report
):
    client.force_login(leader_x)

    referred = client.post(f"/api/v1/reports/{report_x.pk}/hand-to-police/")
    client.force_login(police_a)
    no_reason = client.post(f"/api/v1/reports/{police_only_report.pk}/reject/")
    rejected = client.post(
        f"/api/v1/reports/{police_only_report.pk}/reject/",
        {"note": "Không thuộc thẩm quyền."},
        content_type="application/json",
    )

    assert referred.json()["status"] == "referred"
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["field"] == "note"
    assert rejected.json()["status"] == "rejected"


def test_a_member_who_sees_a_report_may_not_move_it(client, member_x, logged_by_member_x):
    client.force_login(member_x)

    answer = client.post(f"/api/v1/reports/{logged_by_member_x.pk}/start/")

    assert answer.status_code == 403
    logged_by_member_x.refresh_from_db()
    assert logged_by_member_x.status == Status.NEW


def test_merging_closes_the_report_as_a_duplicate(client, police_a, report_x, police_only_report):
    client.force_login(police_a)

    merged = client.post(
        f"/api/v1/reports/{report_x.pk}/merge/",
        {"duplicate_of": police_only_report.pk},
        content_type="application/json",
    )
    again = client.post(
        f"/api/v1/reports/{report_x.pk}/merge/",
        {"duplicate_of": police_only_report.pk},
        content_type="application/json",
    )

    assert merged.json()["status"] == "duplicate"
    assert merged.json()["duplicate_of"] == police_only_report.pk
    assert again.status_code == 409


def test_merging_into_a_report_one_cannot_see_is_refused(client, police_a, report_x, report_y):
    client.force_login(police_a)

    answer = client.post(
        f"/api/v1/reports/{report_x.pk}/merge/",
        {"duplicate_of": report_y.pk},
        content_type="application/json",
    )

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "duplicate_of"


def test_questions_reach_the_timeline_and_internal_notes_stay_with_handlers(
    client, leader_x, member_x, logged_by_member_x
):
    client.force_login(leader_x)
    url = f"/api/v1/reports/{logged_by_member_x.pk}"

    asked = client.post(
        f"{url}/messages/", {"kind": "question", "text": "Xe màu gì?"}, "application/json"
    )
    noted = client.post(
        f"{url}/messages/", {"kind": "note", "text": "Nghi là người quen."}, "application/json"
    )
    empty = client.post(f"{url}/messages/", {"kind": "note", "text": " "}, "application/json")
    leader_sees = [e["note"] for e in client.get(f"{url}/timeline/").json()]
    client.force_login(member_x)
    member_sees = [e["note"] for e in client.get(f"{url}/timeline/").json()]

    assert (asked.status_code, noted.status_code, empty.status_code) == (201, 201, 400)
    assert {"Xe màu gì?", "Nghi là người quen."} <= set(leader_sees)
    assert "Xe màu gì?" in member_sees
    assert "Nghi là người quen." not in member_sees


def test_police_reveal_the_reporter_with_a_reason_and_it_is_logged(client, police_a, report_x):
    from groups.models import AuditEntry
    from reports.models import ContactReveal

    client.force_login(police_a)
    url = f"/api/v1/reports/{report_x.pk}/reveal/"

    without_reason = client.post(url, {}, "application/json")
    revealed = client.post(url, {"reason": "Cần lấy lời khai."}, "application/json")

    assert without_reason.status_code == 400
    assert revealed.status_code == 200
    assert revealed.json() == {"name": "Nguyễn Thị Hoa", "phone": "0987654321"}
    assert revealed["Cache-Control"] == "no-store"
    reveal = ContactReveal.objects.get()
    assert (reveal.revealed_by, reveal.reason) == (police_a, "Cần lấy lời khai.")
    assert AuditEntry.objects.filter(action="contact_reveal", actor_id=police_a.pk).count() == 1


@pytest.mark.parametrize("role", ["leader_x", "police_b"])
def test_others_never_reach_the_reporter(request, client, report_x, role):
    from reports.models import ContactReveal

    client.force_login(request.getfixturevalue(role))

    answer = client.post(
        f"/api/v1/reports/{report_x.pk}/reveal/", {"reason": "Tò mò."}, "application/json"
    )

    assert answer.status_code == (403 if role == "leader_x" else 404)
    assert "0987654321" not in answer.content.decode()
    assert not ContactReveal.objects.exists()


def test_no_list_or_detail_carries_the_reporter(client, province_admin, report_x):
    client.force_login(province_admin)

    pages = [
        client.get("/api/v1/reports/").content.decode(),
        client.get(f"/api/v1/reports/{report_x.pk}/").content.decode(),
        client.get(f"/api/v1/reports/{report_x.pk}/timeline/").content.decode(),
    ]

    assert not any("0987654321" in page or "Nguyễn Thị Hoa" in page for page in pages)


def test_the_old_paths_answer_the_same_marked_deprecated(client, police_a, report_x):
    client.force_login(police_a)

    old = client.get("/api/reports/")
    new = client.get("/api/v1/reports/")
    old_detail = client.get(f"/api/reports/{report_x.pk}/")

    assert old.json() == new.json()
    assert old["Deprecation"].startswith("@")
    assert old["Link"] == '</api/v1/reports/>; rel="successor-version"'
    assert old_detail["Link"] == f'</api/v1/reports/{report_x.pk}/>; rel="successor-version"'
    assert "Deprecation" not in new
