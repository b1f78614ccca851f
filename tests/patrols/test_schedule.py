"""Schedules make shifts for a rolling window; regeneration keeps what people changed."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from patrols import schedule as planning
from patrols import shifts as shift_rules
from patrols.logbook import start_log
from patrols.models import PatrolSchedule, PatrolShift, ShiftStatus
from tests.patrols.conftest import MONDAY, at, member_of


def _starts(patrol):
    return [shift.starts_at for shift in patrol.shifts.order_by("starts_at")]


def test_a_new_schedule_plans_eight_weeks_of_shifts_with_the_team_taking_turns(
    weekend_schedule, leader_x, member_x
):
    shifts = list(weekend_schedule.shifts.order_by("starts_at"))

    assert len(shifts) == 16  # Friday and Saturday, eight weeks
    assert shifts[0].starts_at == at("2026-03-06", 21)
    assert shifts[0].ends_at == at("2026-03-06", 23)
    assert shifts[-1].starts_at == at("2026-04-25", 21)
    assert all(shift.meeting_point == "Nhà văn hóa TDP 1" for shift in shifts)
    crew = {member_of(leader_x).pk, member_of(member_x).pk}
    assert all(set(shift.members.values_list("pk", flat=True)) == crew for shift in shifts)


def test_with_a_larger_team_each_shift_gets_the_next_people_in_turn(
    monday, group_x, leader_x, member_x
):
    from groups.models import Member, Membership

    third = Member.objects.create(full_name="Zô Văn Ba")
    Membership.objects.create(member=third, group=group_x)
    patrol = PatrolSchedule(
        group=group_x,
        title="Tối thứ Bảy",
        rule="FREQ=WEEKLY;BYDAY=SA",
        starts_on=MONDAY.date(),
        start_time=datetime.time(20),
        end_time=datetime.time(22),
        people_needed=2,
    )
    planning.save_schedule(
        schedule=patrol,
        team=[member_of(leader_x), member_of(member_x), third],
        hotspots=[],
        by=leader_x,
    )

    crews = [
        sorted(shift.members.values_list("full_name", flat=True))
        for shift in patrol.shifts.order_by("starts_at")[:3]
    ]
    assert crews == [
        ["Leader X", "Member X"],
        ["Leader X", "Zô Văn Ba"],
        ["Member X", "Zô Văn Ba"],
    ]


def test_materialising_again_makes_nothing_twice(weekend_schedule):
    assert planning.materialise(schedule=weekend_schedule) == 0
    assert weekend_schedule.shifts.count() == 16


def test_the_window_moves_on_as_time_passes(weekend_schedule, monday):
    monday.move_to(MONDAY + datetime.timedelta(days=7))

    made = planning.extend_window()

    assert made == 2
    assert _starts(weekend_schedule)[-2:] == [at("2026-05-01", 21), at("2026-05-02", 21)]


def test_an_ended_schedule_is_not_extended(weekend_schedule, monday):
    PatrolSchedule.objects.filter(pk=weekend_schedule.pk).update(ends_on=MONDAY.date())
    monday.move_to(MONDAY + datetime.timedelta(days=14))

    assert planning.extend_window() == 0


def test_changing_the_schedule_replaces_untouched_future_shifts_and_keeps_edited_ones(
    weekend_schedule, leader_x, member_x, monday
):
    shifts = list(weekend_schedule.shifts.order_by("starts_at"))
    moved, cancelled, swapped_crew = shifts[2], shifts[3], shifts[4]
    shift_rules.edit_shift(
        shift=moved,
        by=leader_x,
        changes={"starts_at": at("2026-03-13", 20), "ends_at": at("2026-03-13", 22)},
    )
    shift_rules.cancel_shift(shift=cancelled, by=leader_x, reason="Mưa bão")
    shift_rules.set_assignments(shift=swapped_crew, members=[member_of(member_x)], by=leader_x)
    # The first Friday's patrol has started (and has a log) when the leader edits.
    monday.move_to(at("2026-03-06", 21, 5))
    log = start_log(shift=shifts[0], by=leader_x, key=uuid.uuid4()).log

    weekend_schedule.start_time = datetime.time(19, 30)
    weekend_schedule.end_time = datetime.time(21, 30)
    made = planning.save_schedule(
        schedule=weekend_schedule,
        team=[member_of(leader_x), member_of(member_x)],
        hotspots=[],
        by=leader_x,
    )

    by_day = {timezone.localdate(shift.starts_at): shift for shift in weekend_schedule.shifts.all()}
    # The 15 future shifts, less the three changed by hand; the window (now from
    # Friday evening) also reaches Friday 1 May.
    assert made == 13
    assert PatrolShift.objects.filter(pk=shifts[0].pk, log=log).exists()
    assert by_day[datetime.date(2026, 3, 13)].pk == moved.pk
    assert by_day[datetime.date(2026, 3, 13)].starts_at == at("2026-03-13", 20)
    assert by_day[datetime.date(2026, 3, 14)].pk == cancelled.pk
    assert by_day[datetime.date(2026, 3, 14)].status == ShiftStatus.CANCELLED
    assert by_day[datetime.date(2026, 3, 20)].pk == swapped_crew.pk
    assert list(swapped_crew.members.all()) == [member_of(member_x)]
    # The untouched ones now start at the new time, one per day.
    assert by_day[datetime.date(2026, 3, 7)].starts_at == at("2026-03-07", 19, 30)
    assert by_day[datetime.date(2026, 5, 1)].ends_at == at("2026-05-01", 21, 30)
    assert weekend_schedule.shifts.count() == 17


def test_ending_a_schedule_removes_its_future_untouched_shifts_only(weekend_schedule, leader_x):
    kept = weekend_schedule.shifts.order_by("starts_at")[5]
    shift_rules.cancel_shift(shift=kept, by=leader_x)
    weekend_schedule.ends_on = datetime.date(2026, 3, 10)

    planning.save_schedule(schedule=weekend_schedule, team=[], hotspots=[], by=leader_x)

    assert set(weekend_schedule.shifts.values_list("pk", flat=True)) == {
        *weekend_schedule.shifts.filter(starts_at__lt=at("2026-03-10", 23)).values_list(
            "pk", flat=True
        ),
        kept.pk,
    }
    assert weekend_schedule.shifts.count() == 3


def test_removing_a_schedule_keeps_shifts_that_were_changed_or_logged(weekend_schedule, leader_x):
    kept = weekend_schedule.shifts.order_by("starts_at")[1]
    shift_rules.cancel_shift(shift=kept, by=leader_x)

    planning.delete_schedule(schedule=weekend_schedule, by=leader_x)

    assert list(PatrolShift.objects.all()) == [kept]
    kept.refresh_from_db()
    assert kept.schedule is None


@pytest.mark.parametrize("who", ["member_x", "police_a", "leader_y"])
def test_only_the_groups_leaders_plan_its_patrols(request, who, monday, group_x):
    user = request.getfixturevalue(who)
    patrol = PatrolSchedule(
        group=group_x,
        title="Không được phép",
        rule="FREQ=DAILY",
        starts_on=MONDAY.date(),
        start_time=datetime.time(21),
        end_time=datetime.time(22),
    )

    with pytest.raises(PermissionDenied):
        planning.save_schedule(schedule=patrol, team=[], hotspots=[], by=user)

    assert not PatrolSchedule.objects.exists()
    assert not PatrolShift.objects.exists()


def test_the_leader_plans_a_schedule_on_the_page_and_sees_the_shifts_in_the_calendar(
    client, leader_x, member_x, group_x, karaoke, monday
):
    client.force_login(leader_x)

    response = client.post(
        f"/patrols/groups/{group_x.pk}/schedules/new/",
        {
            "title": "Tối thứ Sáu",
            "weekdays": ["4"],
            "start_time": "21:00",
            "end_time": "01:00",
            "starts_on": "2026-03-02",
            "ends_on": "",
            "rule": "",
            "route": "",
            "area": "",
            "meeting_point": "Cổng chợ",
            "people_needed": "2",
            "team": [member_of(leader_x).pk, member_of(member_x).pk],
            "hotspots": [karaoke.pk],
        },
    )

    assert response.status_code == 302
    patrol = PatrolSchedule.objects.get()
    assert patrol.rule == "FREQ=WEEKLY;BYDAY=FR"
    assert list(patrol.hotspots.all()) == [karaoke]
    first = patrol.shifts.order_by("starts_at").first()
    # 21:00 to 01:00: the patrol ends the next morning.
    assert (first.starts_at, first.ends_at) == (at("2026-03-06", 21), at("2026-03-07", 1))
    calendar = client.get(response.url)
    assert "Cổng chợ" in calendar.content.decode()
    assert calendar.context["days"][4][1] == [first]


def test_the_schedule_form_refuses_a_patrol_without_days_or_rule(client, leader_x, group_x, monday):
    client.force_login(leader_x)

    response = client.post(
        f"/patrols/groups/{group_x.pk}/schedules/new/",
        {
            "title": "Chưa chọn ngày",
            "start_time": "21:00",
            "end_time": "23:00",
            "starts_on": "2026-03-02",
            "people_needed": "2",
        },
    )

    assert response.status_code == 200
    assert "weekdays" in response.context["form"].errors
    assert not PatrolSchedule.objects.exists()


def test_a_member_cannot_open_the_schedule_form(client, member_x, group_x):
    client.force_login(member_x)

    assert client.get(f"/patrols/groups/{group_x.pk}/schedules/new/").status_code == 404
