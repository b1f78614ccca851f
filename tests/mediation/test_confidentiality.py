"""Who reads a case's content, who moves it, and who only counts it: one case per role.

The cast is described in tests/mediation/conftest.py.
"""

import datetime

import pytest

from mediation import lifecycle
from mediation.models import (
    Authority,
    CaseEvent,
    CaseMediator,
    CaseParty,
    MediationCase,
    MediationSession,
)
from mediation.stats import Period, statistics
from tests.mediation.cases import SUMMARY, fail, hold_session

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CONTENT_MODELS = [MediationCase, CaseParty, CaseMediator, MediationSession, CaseEvent]


def _refer_to(case, authority, *, by):
    return lifecycle.apply_action(
        case=case,
        action="refer",
        by=by,
        on=datetime.date(2025, 3, 4),
        note="Hành vi có dấu hiệu vi phạm hành chính.",
        authority=authority,
    )


def _sees(user, case) -> bool:
    return MediationCase.objects.visible_to(user).filter(pk=case.pk).exists()


def _edits(user, case) -> bool:
    return MediationCase.objects.editable_by(user).filter(pk=case.pk).exists()


def _counts(user, case) -> bool:
    return MediationCase.objects.counted_for(user).filter(pk=case.pk).exists()


READS_AND_RUNS = ["province_admin", "head_m", "mediator_m1", "mediator_m2"]
READS_ONLY = ["mediator_m3"]
NEITHER = ["plain_m", "head_n", "leader_x", "member_x", "police_a", "police_b", "anonymous"]


@pytest.mark.parametrize("who", READS_AND_RUNS)
def test_admins_the_head_and_the_case_mediators_read_and_run_the_case(
    request, dispute, head_m, who
):
    hold_session(dispute, by=head_m)
    user = request.getfixturevalue(who)
    assert _sees(user, dispute)
    assert _edits(user, dispute)
    for model in CONTENT_MODELS[1:]:
        assert set(model.objects.visible_to(user).values_list("case", flat=True)) == {dispute.pk}


@pytest.mark.parametrize("who", READS_ONLY)
def test_a_mediator_of_the_group_reads_the_case_without_running_it(request, dispute, who):
    user = request.getfixturevalue(who)
    assert _sees(user, dispute)
    assert not _edits(user, dispute)


@pytest.mark.parametrize("who", NEITHER)
def test_nobody_else_reads_the_case_or_anything_of_it(request, dispute, head_m, who):
    hold_session(dispute, by=head_m)
    user = request.getfixturevalue(who)
    assert not _sees(user, dispute)
    assert not _edits(user, dispute)
    for model in CONTENT_MODELS:
        assert not model.objects.visible_to(user).exists()


def test_ward_police_count_their_wards_cases_without_reading_them(dispute, police_a, police_b):
    assert _counts(police_a, dispute)
    assert not _sees(police_a, dispute)
    assert not _counts(police_b, dispute)
    figures = statistics(
        cases=MediationCase.objects.counted_for(police_a), period=Period.year(2025)
    ).total
    assert figures.received == 1


def test_ward_police_read_a_case_referred_to_them(dispute, head_m, police_a, police_b):
    _refer_to(dispute, Authority.WARD_POLICE, by=head_m)
    assert _sees(police_a, dispute)
    assert not _edits(police_a, dispute)
    assert set(CaseParty.objects.visible_to(police_a).values_list("case", flat=True)) == {
        dispute.pk
    }
    # Referred to the police of ward A, not B.
    assert not _sees(police_b, dispute)


def test_ward_police_do_not_read_a_case_referred_to_another_authority(dispute, head_m, police_a):
    _refer_to(dispute, Authority.PEOPLES_COMMITTEE, by=head_m)
    assert not _sees(police_a, dispute)
    assert _counts(police_a, dispute)


def test_ward_police_read_an_unsuccessful_case_whose_parties_were_pointed_to_them(
    dispute, head_m, police_a
):
    fail(dispute, by=head_m, authority=Authority.WARD_POLICE)
    assert _sees(police_a, dispute)


def test_a_mediator_who_steps_aside_no_longer_reads_the_case(dispute, head_m, mediator_m1):
    from mediation.mediators import recuse_mediator

    assignment = dispute.mediators.get(member__user=mediator_m1)
    recuse_mediator(assignment=assignment, by=head_m, reason="Là em họ của bà Bính.")
    assert not _sees(mediator_m1, dispute)
    assert not _edits(mediator_m1, dispute)
    assert _sees(head_m, dispute)


def test_a_former_member_of_the_group_keeps_no_access(dispute, mediator_m3):
    mediator_m3.member.memberships.update(ended=datetime.date(2024, 12, 31))
    assert not _sees(mediator_m3, dispute)


def test_an_inactive_account_reads_nothing(dispute, head_m):
    head_m.is_active = False
    head_m.save(update_fields=["is_active"])
    assert not _sees(head_m, dispute)
    assert not _counts(head_m, dispute)


# Through the pages


@pytest.mark.parametrize("who", ["plain_m", "head_n", "leader_x", "police_a"])
def test_pages_and_documents_of_a_case_are_not_found_for_those_who_may_not_read_it(
    client, request, dispute, who
):
    client.force_login(request.getfixturevalue(who))
    for path in ("", "documents/sheet/", "documents/sheet/pdf/", "edit/", "sessions/new/"):
        assert client.get(f"/mediation/{dispute.pk}/{path}").status_code == 404
    listing = client.get("/mediation/", **EN).content.decode()
    assert SUMMARY not in listing
    assert f"/mediation/{dispute.pk}/" not in listing


def test_an_anonymous_visitor_is_sent_to_sign_in(client, dispute):
    response = client.get(f"/mediation/{dispute.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_police_statistics_page_shows_counts_and_no_content(client, dispute, police_a):
    client.force_login(police_a)
    response = client.get("/mediation/statistics/?year=2025", **EN)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tổ hòa giải TDP 1" in body  # the group's line of figures
    assert SUMMARY not in body
    assert "Hoàng Văn Ất" not in body


def test_the_police_read_a_referred_case_on_its_page(client, dispute, head_m, police_a):
    hold_session(dispute, by=head_m)
    lifecycle.apply_action(
        case=dispute,
        action="fail",
        by=head_m,
        on=datetime.date(2025, 3, 12),
        authority=Authority.WARD_POLICE,
        guidance="Đề nghị Công an phường xử lý theo thẩm quyền.",
    )
    client.force_login(police_a)
    response = client.get(f"/mediation/{dispute.pk}/", **EN)
    assert response.status_code == 200
    assert "Hoàng Văn Ất" in response.content.decode()
    assert "Start mediation" not in response.content.decode()
