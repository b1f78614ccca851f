"""The outbox of emails to leaders: who sees its rows, and the admin's "retry now".

Delivery itself, against real Redis, Celery and SMTP, is in
tests/reports/escalation/test_broker_outage.py.
"""

import pytest
from django.test import Client

from groups.models import PoliceContact
from reports.models import Escalation, LeaderNotice, Notice


@pytest.fixture
def notices(leader_x, leader_y, file_report, theft, ward_a, unit_a1):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report

    def notice(user, status):
        return LeaderNotice.objects.create(
            kind=LeaderNotice.Kind.NEW_REPORT,
            report=report,
            user=user,
            address=f"{user.username}@example.test",
            subject="Báo cáo mới",
            body="…",
            status=status,
        )

    return {"x": notice(leader_x, "failed"), "y": notice(leader_y, "sent")}


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("province_admin", {"x", "y"}),  # every notice
        ("leader_x", {"x"}),  # the ones sent to them
        ("leader_y", {"y"}),
        ("member_x", set()),
        ("police_a", set()),
        ("anonymous", set()),
    ],
)
def test_each_role_sees_only_its_leader_notices(request, notices, who, sees):
    user = request.getfixturevalue(who)
    visible = set(LeaderNotice.objects.visible_to(user).values_list("pk", flat=True))
    assert visible == {notices[name].pk for name in sees}


@pytest.mark.parametrize(("who", "editable"), [("province_admin", True), ("leader_x", False)])
def test_only_province_admins_edit_leader_notices(request, notices, who, editable):
    user = request.getfixturevalue(who)
    assert LeaderNotice.objects.editable_by(user).exists() is editable


def test_retry_now_makes_failed_leader_notices_pending_and_due(province_admin, notices):
    client = Client()
    client.force_login(province_admin)

    response = client.post(
        "/admin/reports/leadernotice/",
        {
            "action": "retry_failed_now",
            "_selected_action": [notices["x"].pk, notices["y"].pk],
        },
    )

    assert response.status_code == 302
    failed, sent = (LeaderNotice.objects.get(pk=notices[name].pk) for name in ("x", "y"))
    assert (failed.status, failed.attempts) == ("pending", 0)
    assert sent.status == "sent"  # only failed ones go back


def test_retry_now_of_escalation_notices_answers_and_makes_them_pending(
    province_admin, file_report, theft, ward_a
):
    # The same action on escalation notices failed with a 500 (it filtered an
    # intersection(), which Django refuses).
    report = file_report(category=theft, ward=ward_a).report
    escalation = Escalation.objects.create(report=report, level=1)
    contact = PoliceContact.objects.create(
        area=ward_a, name="First", email="first@police.example.test", channels=["email"], order=1
    )
    notice = Notice.objects.create(
        escalation=escalation,
        contact=contact,
        channel="email",
        address=contact.email,
        status=Notice.Status.FAILED,
        attempts=6,
    )
    client = Client()
    client.force_login(province_admin)

    response = client.post(
        "/admin/reports/notice/", {"action": "retry_failed_now", "_selected_action": [notice.pk]}
    )

    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == ("pending", 0)
