"""One shift on its own: double bookings, joint patrols, cancel and restore in place, swaps."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from groups.models import Membership
from patrols import shifts as shift_rules
from patrols.models import PartnerKind, PatrolShift, ShiftAssignment, ShiftStatus
from tests.patrols.conftest import at, member_of


@pytest.fixture
def member_x_also_in_y(member_x, group_y):
    """Member X also serves in group Y, so can be booked by two leaders."""
    Membership.objects.create(member=member_of(member_x), group=group_y)
    return member_of(member_x)


def test_a_member_booked_on_two_overlapping_shifts_is_reported_to_the_leader(
    monday, make_shift, group_y, leader_x, member_x_also_in_y
):
    other = make_shift(group=group_y, start=at("2026-03-06", 22), members=[member_x_also_in_y])
    shift = make_shift(start=at("2026-03-06", 21))

    bookings = shift_rules.set_assignments(shift=shift, members=[member_x_also_in_y], by=leader_x)

    assert [(booking.member, booking.other) for booking in bookings] == [
        (member_x_also_in_y, other)
    ]
    flags = dict(ShiftAssignment.objects.with_overlaps().values_list("shift_id", "double_booked"))
    assert flags == {shift.pk: True, other.pk: True}


def test_back_to_back_and_cancelled_shifts_are_no_double_booking(
    monday, make_shift, leader_x, member_x
):
    member = member_of(member_x)
    make_shift(start=at("2026-03-06", 19), hours=2, members=[member])
    cancelled = make_shift(start=at("2026-03-06", 21, 30), members=[member])
    PatrolShift.objects.filter(pk=cancelled.pk).update(status=ShiftStatus.CANCELLED)
    shift = make_shift(start=at("2026-03-06", 21))

    assert shift_rules.set_assignments(shift=shift, members=[member], by=leader_x) == []
    assert not any(ShiftAssignment.objects.with_overlaps().values_list("double_booked", flat=True))


def test_the_crew_form_warns_in_place_through_htmx(client, monday, make_shift, leader_x, member_x):
    member = member_of(member_x)
    make_shift(start=at("2026-03-06", 20), members=[member])
    shift = make_shift(start=at("2026-03-06", 21))
    client.force_login(leader_x)

    response = client.post(
        f"/patrols/shifts/{shift.pk}/crew/", {"members": [member.pk]}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="crew"')
    assert "Member X is also booked on another shift at this time" in html
    assert list(shift.members.all()) == [member]
    assert PatrolShift.objects.get(pk=shift.pk).changed_by_hand


def test_only_members_of_the_group_can_be_booked(monday, make_shift, leader_x, leader_y):
    shift = make_shift(start=at("2026-03-06", 21))

    with pytest.raises(ValidationError):
        shift_rules.set_assignments(shift=shift, members=[member_of(leader_y)], by=leader_x)

    assert not shift.assignments.exists()


def test_a_joint_patrol_records_its_partners_by_name_and_organisation(
    client, friday_shift, leader_x
):
    client.force_login(leader_x)

    response = client.post(
        f"/patrols/shifts/{friday_shift.pk}/partners/",
        {
            "name": "Thượng úy Lê Văn Cường",
            "organisation": "Công an phường Hạ Long",
            "kind": "police",
        },
    )

    assert response.status_code == 302
    partner = friday_shift.partners.get()
    assert (partner.organisation, partner.kind) == ("Công an phường Hạ Long", PartnerKind.POLICE)
    page = client.get(f"/patrols/shifts/{friday_shift.pk}/").content.decode()
    assert "Thượng úy Lê Văn Cường" in page
    assert "Công an phường Hạ Long" in page


def test_the_leader_cancels_a_shift_from_the_calendar_and_gets_its_card_back(
    client, friday_shift, leader_x, group_x
):
    client.force_login(leader_x)

    response = client.post(
        f"/patrols/shifts/{friday_shift.pk}/cancel/", {"reason": "Mưa to"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="shift-{friday_shift.pk}"')
    assert "Mưa to" in html
    assert "Plan again" in html
    friday_shift.refresh_from_db()
    assert (friday_shift.status, friday_shift.cancel_reason) == (ShiftStatus.CANCELLED, "Mưa to")

    client.post(f"/patrols/shifts/{friday_shift.pk}/restore/", HTTP_HX_REQUEST="true")

    friday_shift.refresh_from_db()
    assert (friday_shift.status, friday_shift.changed_by_hand) == (ShiftStatus.PLANNED, True)


@pytest.mark.parametrize("who", ["member_x", "police_a"])
def test_members_and_police_cannot_change_a_shift(client, request, who, friday_shift):
    client.force_login(request.getfixturevalue(who))

    cancel = client.post(f"/patrols/shifts/{friday_shift.pk}/cancel/")
    edit = client.get(f"/patrols/shifts/{friday_shift.pk}/edit/")

    assert (cancel.status_code, edit.status_code) == (403, 403)
    friday_shift.refresh_from_db()
    assert friday_shift.status == ShiftStatus.PLANNED


def test_a_shift_with_a_log_cannot_be_cancelled(started_log, leader_x):
    with pytest.raises(ValidationError):
        shift_rules.cancel_shift(shift=started_log.shift, by=leader_x)

    assert started_log.shift.status == ShiftStatus.PLANNED


def test_two_members_swap_their_shifts(weekend_schedule, leader_x, member_x, group_x):
    from groups.models import Member

    third = Member.objects.create(full_name="Phạm Thị Ba")
    Membership.objects.create(member=third, group=group_x)
    friday, saturday = weekend_schedule.shifts.order_by("starts_at")[:2]
    shift_rules.set_assignments(shift=saturday, members=[third], by=leader_x)
    mine = friday.assignments.get(member=member_of(member_x))

    shift_rules.swap_assignments(first=mine, second=saturday.assignments.get(), by=leader_x)

    assert set(friday.members.all()) == {member_of(leader_x), third}
    assert list(saturday.members.all()) == [member_of(member_x)]


def test_the_swap_form_on_the_shift_page(client, weekend_schedule, leader_x, member_x):
    friday, saturday = weekend_schedule.shifts.order_by("starts_at")[:2]
    shift_rules.set_assignments(shift=saturday, members=[member_of(leader_x)], by=leader_x)
    client.force_login(leader_x)

    response = client.post(
        f"/patrols/shifts/{friday.pk}/swap/",
        {
            "mine": friday.assignments.get(member=member_of(member_x)).pk,
            "other": saturday.assignments.get().pk,
        },
    )

    # Leader X is already on Friday: trading would book them twice on it.
    assert response.status_code == 400
    assert "already on the other shift" in response.content.decode()


def test_a_leader_of_another_group_cannot_touch_the_shift(friday_shift, leader_y):
    with pytest.raises(PermissionDenied):
        shift_rules.edit_shift(shift=friday_shift, by=leader_y, changes={"note": "x"})


def test_editing_a_shift_time_on_the_page_marks_it_changed_by_hand(client, friday_shift, leader_x):
    client.force_login(leader_x)

    response = client.post(
        f"/patrols/shifts/{friday_shift.pk}/edit/",
        {
            "starts_at": "2026-03-06T20:00",
            "ends_at": "2026-03-06T22:30",
            "route": friday_shift.route,
            "area": "",
            "meeting_point": "Cổng trường",
            "people_needed": "3",
            "note": "",
        },
    )

    assert response.status_code == 302
    friday_shift.refresh_from_db()
    assert (friday_shift.starts_at, friday_shift.ends_at) == (
        at("2026-03-06", 20),
        at("2026-03-06", 22, 30),
    )
    assert (friday_shift.meeting_point, friday_shift.people_needed) == ("Cổng trường", 3)
    assert friday_shift.changed_by_hand
