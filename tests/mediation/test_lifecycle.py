"""A case from request to follow-up, the moves the rules refuse, and the same through HTTP."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from mediation import lifecycle
from mediation.lifecycle import TransitionNotAllowed, apply_action, record_follow_up
from mediation.models import Authority, CaseEvent, MediationCase, Status
from mediation.sessions import record_session
from tests.mediation.cases import AGREED, GUIDANCE, SESSION, TERMS, hold_session, reload, succeed

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _statuses(case):
    return list(
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.STATUS).values_list(
            "from_status", "to_status"
        )
    )


# The whole way


def test_a_case_goes_from_request_through_a_session_to_an_agreement_that_is_kept(
    dispute, head_m, mediator_m1
):
    assert dispute.status == Status.RECEIVED
    hold_session(dispute, by=mediator_m1)
    case = apply_action(
        case=dispute, action="succeed", by=mediator_m1, on=AGREED, agreement_terms=TERMS
    )
    record_follow_up(case=case, by=head_m, on=datetime.date(2025, 5, 2), kept=True, note="Đã tháo.")

    case = reload(dispute)
    assert case.status == Status.SUCCESSFUL
    assert case.outcome_on == AGREED
    assert case.agreement_terms == TERMS
    assert (case.followed_up_on, case.agreement_kept) == (datetime.date(2025, 5, 2), True)
    assert (case.outcome_on - case.received_on).days == 9
    assert _statuses(case) == [
        (Status.RECEIVED, Status.IN_MEDIATION),
        (Status.IN_MEDIATION, Status.SUCCESSFUL),
    ]
    assert list(case.events.values_list("kind", flat=True)) == [
        CaseEvent.Kind.CREATED,
        CaseEvent.Kind.STATUS,
        CaseEvent.Kind.SESSION,
        CaseEvent.Kind.STATUS,
        CaseEvent.Kind.FOLLOW_UP,
    ]


def test_a_broken_agreement_reopens_the_case_and_a_new_agreement_replaces_the_follow_up(
    dispute, head_m
):
    succeed(dispute, by=head_m)
    record_follow_up(case=dispute, by=head_m, on=datetime.date(2025, 6, 1), kept=False)
    apply_action(case=dispute, action="reopen", by=head_m, note="Bức tường chưa được tháo dỡ.")
    case = reload(dispute)
    assert (case.status, case.outcome_on, case.agreement_kept) == (Status.IN_MEDIATION, None, False)

    apply_action(
        case=case,
        action="succeed",
        by=head_m,
        on=datetime.date(2025, 6, 5),
        agreement_terms="Tháo dỡ trước ngày 15/6/2025.",
    )
    case = reload(dispute)
    assert case.status == Status.SUCCESSFUL
    assert (case.followed_up_on, case.agreement_kept) == (None, None)


def test_an_unsuccessful_mediation_records_where_the_parties_were_pointed(dispute, head_m):
    hold_session(dispute, by=head_m)
    apply_action(
        case=dispute,
        action="fail",
        by=head_m,
        on=AGREED,
        authority=Authority.COURT,
        guidance=GUIDANCE,
    )
    case = reload(dispute)
    assert (case.status, case.authority, case.guidance) == (
        Status.UNSUCCESSFUL,
        Authority.COURT,
        GUIDANCE,
    )


def test_a_matter_outside_the_scope_is_referred_not_mediated(dispute, head_m):
    apply_action(
        case=dispute,
        action="refer",
        by=head_m,
        on=datetime.date(2025, 3, 4),
        note="Có dấu hiệu cố ý gây thương tích: phải xử lý hình sự.",
        authority=Authority.WARD_POLICE,
    )
    case = reload(dispute)
    assert (case.status, case.in_scope) == (Status.REFERRED, False)
    assert case.scope_note.startswith("Có dấu hiệu")
    with pytest.raises(TransitionNotAllowed):
        apply_action(case=case, action="start", by=head_m)


def test_a_suspended_case_resumes_and_can_then_be_withdrawn(dispute, head_m):
    hold_session(dispute, by=head_m)
    apply_action(case=dispute, action="suspend", by=head_m, on=AGREED, note="Một bên đi làm xa.")
    assert reload(dispute).outcome_on == AGREED
    apply_action(case=dispute, action="resume", by=head_m)
    assert (reload(dispute).status, reload(dispute).outcome_on) == (Status.IN_MEDIATION, None)
    apply_action(
        case=dispute, action="withdraw", by=head_m, on=AGREED, note="Các bên tự thỏa thuận."
    )
    assert reload(dispute).status == Status.WITHDRAWN


# Refused moves: the case stays as it was


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("succeed", {"agreement_terms": TERMS}),
        ("fail", {"authority": Authority.COURT, "guidance": GUIDANCE}),
        ("suspend", {"note": "x"}),
        ("resume", {}),
        ("reopen", {"note": "x"}),
    ],
)
def test_a_received_case_cannot_skip_mediation(dispute, head_m, action, extra):
    with pytest.raises(TransitionNotAllowed):
        apply_action(case=dispute, action=action, by=head_m, on=AGREED, **extra)
    assert reload(dispute).status == Status.RECEIVED
    assert _statuses(dispute) == []


def test_a_decided_case_cannot_be_withdrawn_or_decided_again(dispute, head_m):
    succeed(dispute, by=head_m)
    for action in ("withdraw", "fail", "suspend", "start"):
        with pytest.raises(TransitionNotAllowed):
            apply_action(case=dispute, action=action, by=head_m, note="x", guidance="x")
    assert reload(dispute).status == Status.SUCCESSFUL


def test_mediation_needs_a_mediator_and_two_sides(dispute, head_m):
    dispute.mediators.all().delete()
    with pytest.raises(ValidationError, match="at least one mediator"):
        apply_action(case=dispute, action="start", by=head_m)
    dispute.parties.filter(side=2).delete()
    with pytest.raises(ValidationError, match="two sides"):
        apply_action(case=dispute, action="start", by=head_m)
    assert reload(dispute).status == Status.RECEIVED


def test_no_outcome_without_a_session(dispute, head_m):
    apply_action(case=dispute, action="start", by=head_m)
    with pytest.raises(ValidationError, match="at least one session"):
        apply_action(case=dispute, action="succeed", by=head_m, on=AGREED, agreement_terms=TERMS)
    assert reload(dispute).status == Status.IN_MEDIATION


@pytest.mark.parametrize(
    ("action", "extra", "field"),
    [
        ("succeed", {"agreement_terms": "  "}, "agreement_terms"),
        ("fail", {"authority": "", "guidance": GUIDANCE}, "authority"),
        ("fail", {"authority": Authority.COURT, "guidance": ""}, "guidance"),
        ("suspend", {"note": ""}, "note"),
        ("withdraw", {"note": ""}, "note"),
    ],
)
def test_an_outcome_needs_what_its_record_shows(dispute, head_m, action, extra, field):
    hold_session(dispute, by=head_m)
    with pytest.raises(ValidationError) as caught:
        apply_action(case=dispute, action=action, by=head_m, on=AGREED, **extra)
    assert field in caught.value.error_dict
    assert reload(dispute).status == Status.IN_MEDIATION


def test_an_outcome_date_cannot_precede_the_last_session_or_lie_ahead(dispute, head_m):
    hold_session(dispute, by=head_m)
    for on in (SESSION - datetime.timedelta(days=1), datetime.date(2999, 1, 1)):
        with pytest.raises(ValidationError) as caught:
            apply_action(case=dispute, action="succeed", by=head_m, on=on, agreement_terms=TERMS)
        assert "on" in caught.value.error_dict


def test_a_follow_up_is_only_for_an_agreement(dispute, head_m):
    with pytest.raises(TransitionNotAllowed):
        record_follow_up(case=dispute, by=head_m, on=AGREED, kept=True)


def test_sessions_are_recorded_only_while_the_case_is_being_mediated(dispute, head_m):
    with pytest.raises(ValidationError, match="being mediated"):
        record_session(case=dispute, by=head_m, held_on=SESSION, place="Nhà văn hóa", minutes="x")
    assert not dispute.sessions.exists()


def test_the_database_refuses_an_agreement_without_terms(dispute):
    with pytest.raises(IntegrityError), transaction.atomic():
        MediationCase.objects.filter(pk=dispute.pk).update(
            status=Status.SUCCESSFUL, outcome_on=AGREED
        )


# Who may move a case


@pytest.mark.parametrize(
    "who", ["mediator_m3", "plain_m", "head_n", "leader_x", "police_a", "anonymous"]
)
def test_only_the_head_the_case_mediators_and_admins_move_a_case(request, dispute, who):
    user = request.getfixturevalue(who)
    assert lifecycle.allowed_actions(user=user, case=dispute) == []
    with pytest.raises(PermissionDenied):
        apply_action(case=dispute, action="start", by=user)
    assert reload(dispute).status == Status.RECEIVED


@pytest.mark.parametrize("who", ["head_m", "mediator_m1", "province_admin"])
def test_the_head_a_case_mediator_and_an_admin_may_start_it(request, dispute, who):
    user = request.getfixturevalue(who)
    assert lifecycle.allowed_actions(user=user, case=dispute) == ["start", "refer", "withdraw"]
    apply_action(case=dispute, action="start", by=user)
    assert reload(dispute).status == Status.IN_MEDIATION


# Through the case page


def test_the_case_page_takes_an_action_and_shows_the_new_status(client, dispute, head_m):
    client.force_login(head_m)
    response = client.post(f"/mediation/{dispute.pk}/actions/start/", **EN)
    assert response.status_code == 302
    assert reload(dispute).status == Status.IN_MEDIATION
    page = client.get(response["Location"], **EN)
    assert "The case is now “Being mediated”." in page.content.decode()


def test_the_case_page_refuses_a_skipped_step_with_a_conflict(client, dispute, head_m):
    client.force_login(head_m)
    response = client.post(
        f"/mediation/{dispute.pk}/actions/succeed/",
        {"succeed-agreement_terms": TERMS, "succeed-on": "2025-03-12"},
        **EN,
    )
    assert response.status_code == 409
    assert "cannot become" in response.content.decode()
    assert reload(dispute).status == Status.RECEIVED


def test_the_case_page_shows_what_an_outcome_lacks(client, dispute, head_m):
    hold_session(dispute, by=head_m)
    client.force_login(head_m)
    response = client.post(
        f"/mediation/{dispute.pk}/actions/fail/",
        {"fail-authority": "court", "fail-guidance": "", "fail-on": "2025-03-12"},
        **EN,
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert reload(dispute).status == Status.IN_MEDIATION


def test_a_member_who_is_not_a_mediator_cannot_open_the_case_page(client, dispute, plain_m):
    client.force_login(plain_m)
    assert client.get(f"/mediation/{dispute.pk}/").status_code == 404
    assert client.post(f"/mediation/{dispute.pk}/actions/start/").status_code == 404
    assert reload(dispute).status == Status.RECEIVED


def test_a_mediator_of_the_group_not_on_the_case_reads_it_but_gets_no_actions(
    client, dispute, mediator_m3
):
    client.force_login(mediator_m3)
    page = client.get(f"/mediation/{dispute.pk}/", **EN)
    assert page.status_code == 200
    assert "Start mediation" not in page.content.decode()
    response = client.post(f"/mediation/{dispute.pk}/actions/start/", **EN)
    assert response.status_code == 403
    assert reload(dispute).status == Status.RECEIVED


def test_a_session_is_recorded_through_its_page(client, dispute, head_m, mediator_m1):
    apply_action(case=dispute, action="start", by=head_m)
    parties = list(dispute.parties.values_list("pk", flat=True))
    assignment = dispute.mediators.get(member__user=mediator_m1)
    client.force_login(mediator_m1)
    response = client.post(
        f"/mediation/{dispute.pk}/sessions/new/",
        {
            "held_on": "2025-03-10",
            "place": "Nhà văn hóa Tổ dân phố 1",
            "parties_present": parties,
            "mediators_present": [assignment.pk],
            "minutes": "Hai bên đồng ý gặp lại.",
        },
        **EN,
    )
    assert response.status_code == 302
    session = dispute.sessions.get()
    assert (session.held_on, session.recorded_by) == (SESSION, mediator_m1)
    assert set(session.parties_present.values_list("pk", flat=True)) == set(parties)
    assert list(session.mediators_present.all()) == [assignment]


def test_a_follow_up_is_recorded_through_the_case_page(client, dispute, head_m):
    succeed(dispute, by=head_m)
    client.force_login(head_m)
    response = client.post(
        f"/mediation/{dispute.pk}/follow-up/",
        {"follow_up-kept": "no", "follow_up-on": "2025-05-02", "follow_up-note": "Chưa tháo."},
        **EN,
    )
    assert response.status_code == 302
    case = reload(dispute)
    assert (case.agreement_kept, case.follow_up_note) == (False, "Chưa tháo.")
