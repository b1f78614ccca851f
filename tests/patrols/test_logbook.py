"""The patrol log: its lifecycle, automatic closing, and idempotent submissions."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from patrols import logbook
from patrols.models import (
    HotspotCheckIn,
    LogStatus,
    LogSubmission,
    PatrolAttendance,
    PatrolLog,
    PatrolShift,
)
from tests.patrols.conftest import at, member_of


def test_a_patrol_log_from_start_to_finish(
    friday_shift, leader_x, member_x, karaoke, monday, settings
):
    monday.move_to(at("2026-03-06", 21, 2))
    log = logbook.start_log(shift=friday_shift, by=leader_x, key=uuid.uuid4()).log
    assert (log.status, log.started_at, log.led_by) == (
        LogStatus.IN_PROGRESS,
        at("2026-03-06", 21, 2),
        member_of(leader_x),
    )
    assert log.people_present == 1  # whoever starts it is there

    logbook.record_attendance(
        log=log, by=leader_x, key=uuid.uuid4(), members={member_of(member_x).pk: False}, partners={}
    )
    monday.move_to(at("2026-03-06", 21, 40))
    logbook.check_in(
        log=log,
        hotspot=karaoke,
        by=leader_x,
        key=uuid.uuid4(),
        latitude=21.0,
        longitude=107.1,
        note="Cửa đóng, yên tĩnh",
    )
    logbook.save_notes(
        log=log, by=leader_x, key=uuid.uuid4(), route="Ngõ 5, chợ", observations="Bình thường"
    )
    monday.move_to(at("2026-03-06", 23, 5))
    logbook.finish_log(log=log, by=leader_x, key=uuid.uuid4())

    log.refresh_from_db()
    karaoke.refresh_from_db()
    assert (log.status, log.finished_at) == (LogStatus.FINISHED, at("2026-03-06", 23, 5))
    assert (log.route, log.observations) == ("Ngõ 5, chợ", "Bình thường")
    assert dict(log.attendances.values_list("member__full_name", "present")) == {
        "Leader X": True,
        "Member X": False,
    }
    assert log.people_present == 1
    checkin = log.checkins.get()
    assert (checkin.checked_at, checkin.note) == (at("2026-03-06", 21, 40), "Cửa đóng, yên tĩnh")
    assert karaoke.last_checked_at == at("2026-03-06", 21, 40)
    assert log.submissions.count() == 5


def test_a_change_made_offline_keeps_the_time_it_was_made(started_log, leader_x, karaoke, monday):
    monday.move_to(at("2026-03-06", 22, 30))

    logbook.check_in(
        log=started_log, hotspot=karaoke, by=leader_x, key=uuid.uuid4(), at=at("2026-03-06", 21, 50)
    )
    # A phone whose clock runs ahead, or behind the start: held to what can be true.
    logbook.check_in(
        log=started_log, hotspot=karaoke, by=leader_x, key=uuid.uuid4(), at=at("2026-03-07", 9)
    )
    logbook.check_in(
        log=started_log, hotspot=karaoke, by=leader_x, key=uuid.uuid4(), at=at("2026-03-06", 8)
    )

    assert sorted(started_log.checkins.values_list("checked_at", flat=True)) == [
        at("2026-03-06", 21, 2),
        at("2026-03-06", 21, 50),
        at("2026-03-06", 22, 30),
    ]


def test_the_same_submission_twice_changes_the_log_once(started_log, leader_x, karaoke):
    key = uuid.uuid4()

    first = logbook.check_in(log=started_log, hotspot=karaoke, by=leader_x, key=key)
    second = logbook.check_in(log=started_log, hotspot=karaoke, by=leader_x, key=key)

    assert (first.replayed, second.replayed) == (False, True)
    assert second.log == started_log
    assert HotspotCheckIn.objects.count() == 1
    assert LogSubmission.objects.filter(key=key).count() == 1


def test_starting_twice_with_one_key_or_by_two_members_makes_one_log(
    friday_shift, leader_x, member_x, monday
):
    monday.move_to(at("2026-03-06", 21))
    key = uuid.uuid4()

    first = logbook.start_log(shift=friday_shift, by=member_x, key=key)
    again = logbook.start_log(shift=friday_shift, by=member_x, key=key)
    other = logbook.start_log(shift=friday_shift, by=leader_x, key=uuid.uuid4())

    assert first.log == again.log == other.log
    assert (again.replayed, other.replayed) == (True, True)
    assert PatrolLog.objects.count() == 1
    assert first.log.led_by == member_of(member_x)


def test_a_failed_change_leaves_its_key_free_for_the_retry(started_log, leader_x, wharf, karaoke):
    key = uuid.uuid4()
    with pytest.raises(PermissionDenied):
        logbook.check_in(log=started_log, hotspot=wharf, by=leader_x, key=key)

    assert (
        logbook.check_in(log=started_log, hotspot=karaoke, by=leader_x, key=key).replayed is False
    )


@pytest.mark.parametrize("who", ["member_x", "police_a", "leader_y"])
def test_only_the_patrols_leader_and_the_groups_leaders_change_the_log(
    request, who, started_log, karaoke
):
    with pytest.raises(PermissionDenied):
        logbook.check_in(
            log=started_log, hotspot=karaoke, by=request.getfixturevalue(who), key=uuid.uuid4()
        )

    assert not HotspotCheckIn.objects.exists()


def test_a_member_who_leads_the_patrol_logs_it(friday_shift, member_x, karaoke, monday):
    monday.move_to(at("2026-03-06", 21))
    log = logbook.start_log(shift=friday_shift, by=member_x, key=uuid.uuid4()).log

    logbook.check_in(log=log, hotspot=karaoke, by=member_x, key=uuid.uuid4())

    assert log.checkins.count() == 1


def test_a_cancelled_shift_cannot_be_started(friday_shift, leader_x):
    PatrolShift.objects.filter(pk=friday_shift.pk).update(status="cancelled")
    friday_shift.refresh_from_db()

    with pytest.raises(ValidationError):
        logbook.start_log(shift=friday_shift, by=leader_x, key=uuid.uuid4())


def test_a_log_left_open_is_closed_automatically_after_the_configured_time_and_flagged(
    started_log, leader_x, karaoke, monday, settings
):
    settings.PATROL_AUTO_CLOSE_HOURS = 3
    monday.move_to(at("2026-03-06", 21, 30))
    logbook.check_in(log=started_log, hotspot=karaoke, by=leader_x, key=uuid.uuid4())

    monday.move_to(at("2026-03-07", 0, 1))  # 2 h 59 after the start
    assert logbook.auto_close_stale_logs() == 0
    monday.move_to(at("2026-03-07", 0, 3))
    assert logbook.auto_close_stale_logs() == 1
    assert logbook.auto_close_stale_logs() == 0

    started_log.refresh_from_db()
    assert started_log.status == LogStatus.AUTO_CLOSED
    assert started_log.auto_closed_at == at("2026-03-07", 0, 3)
    # The last thing known: the shift's planned end (23:00), later than the check-in.
    assert started_log.finished_at == at("2026-03-06", 23)


def test_a_finish_that_arrives_after_the_automatic_close_still_counts(
    started_log, leader_x, monday, settings
):
    settings.PATROL_AUTO_CLOSE_HOURS = 2
    monday.move_to(at("2026-03-07", 8))
    logbook.auto_close_stale_logs()

    logbook.finish_log(log=started_log, by=leader_x, key=uuid.uuid4(), at=at("2026-03-06", 23, 20))

    started_log.refresh_from_db()
    assert started_log.status == LogStatus.FINISHED
    assert started_log.finished_at == at("2026-03-06", 23, 20)
    assert started_log.was_auto_closed  # the flag stays


def test_the_log_page_works_without_javascript(client, started_log, leader_x, member_x, karaoke):
    client.force_login(leader_x)
    page = client.get(f"/patrols/logs/{started_log.pk}/")
    key = page.context["attendance_form"]["key"].value()

    response = client.post(
        f"/patrols/logs/{started_log.pk}/attendance/",
        {"key": key, f"member_{member_of(member_x).pk}": "present"},
    )

    assert response.status_code == 302
    assert response.url == f"/patrols/logs/{started_log.pk}/"
    assert PatrolAttendance.objects.filter(member=member_of(member_x), present=True).exists()
    started_log.refresh_from_db()
    assert started_log.people_present == 2


def test_a_queued_change_sent_twice_gets_the_log_back_and_is_saved_once(
    client, started_log, leader_x, karaoke
):
    client.force_login(leader_x)
    data = {"key": str(uuid.uuid4()), "hotspot": karaoke.pk, "note": "Có tụ tập", "at": ""}

    first = client.post(f"/patrols/logs/{started_log.pk}/checkins/", data, HTTP_X_PATROL_LOG="1")
    second = client.post(f"/patrols/logs/{started_log.pk}/checkins/", data, HTTP_X_PATROL_LOG="1")

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.content.decode().lstrip().startswith('<div id="patrol-log-body"')
    assert "already arrived" in second.content.decode()
    assert HotspotCheckIn.objects.filter(log=started_log, note="Có tụ tập").count() == 1


def test_a_queued_change_that_can_never_succeed_gets_a_400_with_the_reason(
    client, started_log, leader_x, wharf
):
    client.force_login(leader_x)

    response = client.post(
        f"/patrols/logs/{started_log.pk}/checkins/",
        {"key": str(uuid.uuid4()), "hotspot": wharf.pk},
        HTTP_X_PATROL_LOG="1",
    )

    assert response.status_code == 400
    assert 'id="patrol-log-body"' in response.content.decode()
    assert not HotspotCheckIn.objects.exists()


def test_the_same_log_entered_afterwards_twice_is_saved_once(
    client, friday_shift, leader_x, member_x, karaoke, monday
):
    monday.move_to(at("2026-03-07", 9))
    client.force_login(leader_x)
    form = client.get(f"/patrols/shifts/{friday_shift.pk}/log/").context["form"]
    data = {
        "key": form["key"].value(),
        "day": "2026-03-06",
        "start_time": "21:00",
        "end_time": "23:15",
        "present": [member_of(leader_x).pk, member_of(member_x).pk],
        "new_partners": "Nguyễn Văn Bảo, Bảo vệ chợ Hạ Long",
        "hotspots": [karaoke.pk],
        "route": "Như kế hoạch",
        "observations": "Không có gì bất thường",
    }

    first = client.post(f"/patrols/shifts/{friday_shift.pk}/log/", data)
    second = client.post(f"/patrols/groups/{friday_shift.group_id}/logs/new/", data)

    log = PatrolLog.objects.get()
    assert first.url == second.url == f"/patrols/logs/{log.pk}/"
    assert (log.started_at, log.finished_at) == (at("2026-03-06", 21), at("2026-03-06", 23, 15))
    assert (log.status, log.entered_afterwards, log.people_present) == ("finished", True, 3)
    assert log.shift == friday_shift
    assert friday_shift.partners.get().organisation == "Bảo vệ chợ Hạ Long"
    assert list(log.checkins.values_list("hotspot", flat=True)) == [karaoke.pk]
    assert not PatrolShift.objects.filter(schedule__isnull=True).exists()


def test_a_patrol_that_was_not_planned_is_entered_afterwards_with_a_shift_of_its_own(
    client, group_x, member_x, monday
):
    client.force_login(member_x)

    response = client.post(
        f"/patrols/groups/{group_x.pk}/logs/new/",
        {
            "key": str(uuid.uuid4()),
            "day": "2026-03-01",
            "start_time": "22:00",
            "end_time": "00:30",
            "present": [member_of(member_x).pk],
        },
    )

    assert response.status_code == 302
    log = PatrolLog.objects.get()
    assert log.shift.schedule is None
    assert (log.shift.starts_at, log.shift.ends_at) == (
        at("2026-03-01", 22),
        at("2026-03-02", 0, 30),
    )
    assert log.led_by == member_of(member_x)


def test_a_log_cannot_be_entered_for_a_patrol_still_to_come(client, group_x, leader_x, monday):
    client.force_login(leader_x)

    response = client.post(
        f"/patrols/groups/{group_x.pk}/logs/new/",
        {"key": str(uuid.uuid4()), "day": "2026-03-09", "start_time": "21:00", "end_time": "23:00"},
    )

    assert response.status_code == 400
    assert not PatrolLog.objects.exists()


def test_police_cannot_enter_a_groups_log(client, group_x, police_a):
    client.force_login(police_a)

    assert client.get(f"/patrols/groups/{group_x.pk}/logs/new/").status_code == 403
