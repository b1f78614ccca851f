"""An incident report turned into a mediation case in one action by its handler."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mediation.intake import open_case_from_report
from mediation.models import DisputeKind, MediationCase, Origin, Status
from reports.intake import submit_report
from reports.models import Category, Channel, ReportEvent

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DESCRIPTION = "Hai hộ cãi nhau to về bức tường xây lấn lối đi chung, hàng xóm phải can ngăn."


@pytest.fixture
def report(seeded, ward_a, unit_a1, group_x):
    """A report routed to group X (leader_x handles it) in ward A (police_a handles it)."""
    fight = Category.objects.get(name="Đánh nhau, gây rối trật tự công cộng")
    data = {"category": fight, "ward": ward_a, "unit": unit_a1, "anonymous": False}
    data |= {"description": DESCRIPTION, "name": "Nguyễn Thị Hoa", "phone": "0987654321"}
    return submit_report(data=data, channel=Channel.WEB).report


def _convert(client, user, report, group, kind=DisputeKind.NEIGHBOURS):
    client.force_login(user)
    return client.post(
        f"/mediation/from-report/{report.pk}/", {"group": group.pk, "kind": kind}, **EN
    )


def test_the_reports_handler_turns_it_into_a_case_and_both_keep_the_link(
    client, report, group_m, leader_x
):
    response = _convert(client, leader_x, report, group_m)

    case = MediationCase.objects.get()
    assert case.report == report
    assert list(report.mediation_cases.all()) == [case]
    assert (case.group, case.kind, case.status) == (
        group_m,
        DisputeKind.NEIGHBOURS,
        Status.RECEIVED,
    )
    assert case.summary == DESCRIPTION
    assert case.origin == Origin.OTHER_BODY
    assert case.created_by == leader_x
    note = report.events.get(kind=ReportEvent.Kind.NOTE)
    assert note.note == f"Turned into mediation case #{case.pk} of Tổ hòa giải TDP 1."
    assert (note.actor, note.public) == (leader_x, False)
    # The leader of group X is no mediator: back to the report, which names the case.
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/"
    page = client.get(response["Location"], **EN).content.decode()
    assert f"Mediation case #{case.pk}" in page
    assert f'href="/mediation/{case.pk}/"' not in page
    assert "only the group's head and mediators open the case" in page


def test_a_handler_who_mediates_in_the_group_lands_on_the_case_which_links_the_report(
    client, report, group_m, head_m, group_x
):
    # The head of M also leads group X, so handles the report.
    from groups.models import Membership

    Membership.objects.create(member=head_m.member, group=group_x, is_leader=True)
    response = _convert(client, head_m, report, group_m)
    case = MediationCase.objects.get()
    assert case.origin == Origin.MEDIATOR_INITIATIVE
    assert response["Location"] == f"/mediation/{case.pk}/"
    page = client.get(response["Location"], **EN).content.decode()
    assert f'href="/reports/{report.pk}/"' in page


def test_the_ward_police_refer_a_report_to_mediation(client, report, group_m, police_a):
    _convert(client, police_a, report, group_m)
    assert MediationCase.objects.get().origin == Origin.POLICE


def test_the_report_page_offers_the_action_to_handlers_only(client, report, group_m, leader_x):
    client.force_login(leader_x)
    page = client.get(f"/reports/{report.pk}/", **EN).content.decode()
    assert "Turn into a mediation case" in page
    assert f'action="/mediation/from-report/{report.pk}/"' in page
    assert f'<option value="{group_m.pk}">Tổ hòa giải TDP 1</option>' in page


@pytest.mark.parametrize("who", ["member_x", "head_m", "police_b"])
def test_someone_who_does_not_handle_the_report_cannot_turn_it_into_a_case(
    client, request, report, group_m, who
):
    response = _convert(client, request.getfixturevalue(who), report, group_m)
    assert response.status_code in (403, 404)
    assert not MediationCase.objects.exists()
    assert not report.events.filter(kind=ReportEvent.Kind.NOTE).exists()


def test_a_report_becomes_a_case_only_once(client, report, group_m, leader_x, police_a):
    _convert(client, leader_x, report, group_m)
    response = _convert(client, police_a, report, group_m)
    assert response.status_code == 302
    assert MediationCase.objects.count() == 1
    assert report.events.filter(kind=ReportEvent.Kind.NOTE).count() == 1
    with pytest.raises(ValidationError):
        open_case_from_report(report=report, group=group_m, kind="other", by=police_a)


def test_the_case_goes_to_a_mediation_group_of_the_reports_ward(
    report, group_m, group_n, group_x, leader_x
):
    for group in (group_n, group_x):
        with pytest.raises(ValidationError):
            open_case_from_report(report=report, group=group, kind="other", by=leader_x)
    assert not MediationCase.objects.exists()


def test_the_domain_function_checks_the_handler(report, group_m, member_x):
    with pytest.raises(PermissionDenied):
        open_case_from_report(report=report, group=group_m, kind="other", by=member_x)
