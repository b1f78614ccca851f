"""The escalations API: listing what a user may see, and acknowledging by POST.

The sweep is called with `now=` to stand at a moment of the chain, as in
test_chain.py; these tests need no worker.
"""

import datetime

import pytest

from reports.escalation.chain import sweep
from reports.models import Escalation, ReportEvent

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def escalated(chain, file_report, theft, ward_a, unit_a1, group_x):
    """A report of ward A at level 1 of its chain."""
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    assert sweep(now=report.due_at + SECOND).escalated == 1
    return Escalation.objects.get(report=report, level=1)


def _past_level_one(escalation: Escalation) -> datetime.datetime:
    level = escalation.report.category.escalation_rule.levels.get(number=1)
    return escalation.report.due_at + datetime.timedelta(minutes=level.window_minutes, days=1)


def _acknowledge(client, escalation: Escalation):
    return client.post(f"/api/escalations/{escalation.pk}/acknowledge/")


def test_police_acknowledgement_by_api_stops_level_two(client, police_a, escalated):
    client.force_login(police_a)

    response = _acknowledge(client, escalated)

    assert response.status_code == 200
    body = response.json()
    assert body["acknowledged"] is True
    assert body["id"] == escalated.pk
    assert body["report"] == escalated.report_id
    assert body["level"] == 1
    assert body["acknowledged_at"] is not None
    assert body["acknowledged_by"] == str(police_a)
    assert sweep(now=_past_level_one(escalated)).escalated == 0
    assert list(
        Escalation.objects.filter(report=escalated.report_id).values_list("level", flat=True)
    ) == [1]
    assert ReportEvent.objects.filter(
        report=escalated.report_id, kind=ReportEvent.Kind.POLICE_ACKNOWLEDGED, actor=police_a
    ).exists()


def test_without_acknowledgement_level_two_follows(escalated):
    # The counterpart of the test above: the same sweep does escalate.
    assert sweep(now=_past_level_one(escalated)).escalated == 1


def test_a_second_acknowledgement_says_it_came_too_late(
    client, police_a, province_admin, escalated
):
    client.force_login(police_a)
    _acknowledge(client, escalated)
    client.force_login(province_admin)

    response = _acknowledge(client, escalated)

    assert response.status_code == 200
    assert response.json()["acknowledged"] is False
    assert response.json()["acknowledged_by"] == str(police_a)
    escalated.refresh_from_db()
    assert escalated.acknowledged_by == police_a


def test_a_province_administrator_may_acknowledge(client, province_admin, escalated):
    client.force_login(province_admin)

    response = _acknowledge(client, escalated)

    assert response.status_code == 200
    assert response.json()["acknowledged"] is True


def test_a_leader_who_sees_the_report_may_not_acknowledge(client, leader_x, escalated):
    client.force_login(leader_x)

    response = _acknowledge(client, escalated)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "police of this commune/ward" in response.json()["message"]
    escalated.refresh_from_db()
    assert escalated.acknowledged_at is None
    assert escalated.report.escalate_at is not None


@pytest.mark.parametrize("role", ["police_b", "leader_y", "member_x"])
def test_who_cannot_see_the_report_finds_no_escalation(request, client, role, escalated):
    client.force_login(request.getfixturevalue(role))

    assert _acknowledge(client, escalated).status_code == 404
    assert client.get(f"/api/escalations/{escalated.pk}/").status_code == 404
    escalated.refresh_from_db()
    assert escalated.acknowledged_at is None


def test_the_api_needs_a_sign_in(client, escalated):
    response = _acknowledge(client, escalated)

    # 401 with a challenge, now that the API also takes tokens.
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"]
    escalated.refresh_from_db()
    assert escalated.acknowledged_at is None


def test_acknowledging_takes_a_post(client, police_a, escalated):
    client.force_login(police_a)

    assert client.get(f"/api/escalations/{escalated.pk}/acknowledge/").status_code == 405


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("province_admin", True),
        ("police_a", True),
        ("leader_x", True),
        ("police_b", False),
        ("leader_y", False),
        ("member_x", False),
    ],
)
def test_the_list_holds_the_escalations_of_visible_reports(request, client, role, sees, escalated):
    client.force_login(request.getfixturevalue(role))

    response = client.get("/api/escalations/")

    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == ([escalated.pk] if sees else [])


def test_awaiting_lists_only_the_unacknowledged(client, police_a, escalated):
    # Level 2 of the same report: level 1 acknowledged first would stop it.
    sweep(now=_past_level_one(escalated))
    level_two = Escalation.objects.get(report=escalated.report_id, level=2)
    escalated.acknowledged_at = level_two.created_at
    escalated.save(update_fields=["acknowledged_at"])
    client.force_login(police_a)

    awaiting = client.get("/api/escalations/", {"awaiting": "true"}).json()["results"]
    done = client.get("/api/escalations/", {"awaiting": "false"}).json()["results"]

    assert [row["id"] for row in awaiting] == [level_two.pk]
    assert [row["id"] for row in done] == [escalated.pk]


def test_a_row_says_nothing_of_the_reporter(client, leader_x, escalated):
    client.force_login(leader_x)

    row = client.get(f"/api/escalations/{escalated.pk}/").json()

    assert set(row) == {"id", "report", "level", "created_at", "acknowledged_at", "acknowledged_by"}
    assert "Nguyễn Thị Hoa" not in str(row)
    assert "0987654321" not in str(row)


def test_filtering_by_an_invisible_report_tells_nothing(client, leader_y, police_a, escalated):
    client.force_login(leader_y)

    hidden = client.get("/api/escalations/", {"report": escalated.report_id})
    missing = client.get("/api/escalations/", {"report": escalated.report_id + 1000})

    assert (hidden.status_code, hidden.json()["results"]) == (200, [])
    assert (missing.status_code, missing.json()["results"]) == (200, [])
    client.force_login(police_a)
    shown = client.get("/api/escalations/", {"report": escalated.report_id}).json()["results"]
    assert [row["id"] for row in shown] == [escalated.pk]
