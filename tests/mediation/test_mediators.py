"""Choosing mediators, and a mediator who must step aside for a conflict of interest."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mediation.lifecycle import apply_action
from mediation.mediators import assign_mediator, eligible_mediators, recuse_mediator
from mediation.models import CaseEvent, CaseMediator, MediationCase
from tests.mediation.cases import succeed

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
REASON = "Là em họ của bà Vũ Thị Bính."


def test_a_mediator_related_to_a_party_is_replaced_and_the_reason_kept(
    dispute, head_m, mediator_m1, mediator_m3
):
    seat = dispute.mediators.get(member__user=mediator_m1)
    new = recuse_mediator(assignment=seat, by=head_m, reason=REASON, replacement=mediator_m3.member)
    seat.refresh_from_db()
    assert seat.recused_on is not None
    assert seat.recusal_reason == REASON
    assert seat.replaced_by == new
    assert new.member == mediator_m3.member and new.is_active
    assert set(dispute.mediators.active().values_list("member__full_name", flat=True)) == {
        "Phạm Văn Đức",
        "Lê Thị Mai",
    }
    event = dispute.events.get(kind=CaseEvent.Kind.MEDIATOR_RECUSED)
    assert REASON in event.note and "Lê Thị Mai" in event.note


def test_a_mediator_may_step_aside_on_their_own_and_then_loses_the_case(
    dispute, mediator_m1, mediator_m3
):
    seat = dispute.mediators.get(member__user=mediator_m1)
    recuse_mediator(assignment=seat, by=mediator_m1, reason=REASON, replacement=mediator_m3.member)
    assert not MediationCase.objects.visible_to(mediator_m1).filter(pk=dispute.pk).exists()
    # Once recused, never back on this case.
    assert not eligible_mediators(case=dispute).filter(pk=mediator_m1.member.pk).exists()
    with pytest.raises(PermissionDenied):
        assign_mediator(case=dispute, member=mediator_m1.member, by=mediator_m1)


def test_a_recusal_needs_a_reason(dispute, head_m, mediator_m1):
    seat = dispute.mediators.get(member__user=mediator_m1)
    with pytest.raises(ValidationError) as caught:
        recuse_mediator(assignment=seat, by=head_m, reason="  ")
    assert "reason" in caught.value.error_dict
    seat.refresh_from_db()
    assert seat.is_active


def test_the_only_mediator_of_a_case_being_mediated_needs_a_replacement(
    dispute, head_m, mediator_m1, mediator_m2
):
    apply_action(case=dispute, action="start", by=head_m)
    recuse_mediator(
        assignment=dispute.mediators.get(member__user=mediator_m2), by=head_m, reason=REASON
    )
    last = dispute.mediators.get(member__user=mediator_m1)
    with pytest.raises(ValidationError) as caught:
        recuse_mediator(assignment=last, by=head_m, reason=REASON)
    assert "replacement" in caught.value.error_dict
    last.refresh_from_db()
    assert last.is_active


def test_the_replacement_must_be_a_mediator_of_the_group_not_yet_on_the_case(
    dispute, head_m, mediator_m1, mediator_m2, plain_m, head_n
):
    seat = dispute.mediators.get(member__user=mediator_m1)
    for person in (mediator_m2.member, plain_m.member, head_n.member):
        with pytest.raises(ValidationError) as caught:
            recuse_mediator(assignment=seat, by=head_m, reason=REASON, replacement=person)
        assert "replacement" in caught.value.error_dict
    assert CaseMediator.objects.filter(case=dispute).count() == 2


def test_the_mediators_of_a_decided_case_no_longer_change(dispute, head_m, mediator_m3):
    succeed(dispute, by=head_m)
    with pytest.raises(ValidationError):
        assign_mediator(case=dispute, member=mediator_m3.member, by=head_m)


def test_a_mediator_is_added_from_the_groups_mediators(dispute, head_m, mediator_m3, plain_m):
    assert list(eligible_mediators(case=dispute)) == [mediator_m3.member, head_m.member]
    assign_mediator(case=dispute, member=mediator_m3.member, by=head_m)
    assert dispute.mediators.active().count() == 3
    with pytest.raises(ValidationError):
        assign_mediator(case=dispute, member=plain_m.member, by=head_m)


def test_a_recusal_through_the_case_page(client, dispute, head_m, mediator_m1, mediator_m3):
    seat = dispute.mediators.get(member__user=mediator_m1)
    client.force_login(head_m)
    page = client.get(f"/mediation/{dispute.pk}/", **EN).content.decode()
    assert f'<option value="{seat.pk}">Nguyễn Thị Lan</option>' in page
    response = client.post(
        f"/mediation/{dispute.pk}/mediators/recuse/",
        {
            "recuse-assignment": seat.pk,
            "recuse-reason": REASON,
            "recuse-replacement": mediator_m3.member.pk,
        },
        **EN,
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.recusal_reason == REASON
    assert dispute.mediators.active().filter(member=mediator_m3.member).exists()


def test_a_mediator_who_steps_aside_on_the_page_is_taken_back_to_the_list(
    client, dispute, mediator_m1, mediator_m3
):
    seat = dispute.mediators.get(member__user=mediator_m1)
    client.force_login(mediator_m1)
    response = client.post(
        f"/mediation/{dispute.pk}/mediators/recuse/",
        {
            "recuse-assignment": seat.pk,
            "recuse-reason": REASON,
            "recuse-replacement": mediator_m3.member.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/mediation/"
