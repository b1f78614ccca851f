"""The patrol pages load for each role, and list pages run a fixed number of queries."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import Member, Membership
from patrols import logbook
from patrols import schedule as planning
from patrols.models import Hotspot, HotspotKind, PatrolSchedule
from tests.patrols.conftest import MONDAY, at, member_of


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(
    "url",
    ["/patrols/", "/patrols/logs/", "/patrols/hotspots/", "/patrols/coverage/"],
)
def test_the_patrol_pages_need_a_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_pages_speak_vietnamese_by_default(client, weekend_schedule, member_x, settings):
    settings.LANGUAGE_CODE = "vi"
    client.force_login(member_x)

    html = client.get("/patrols/").content.decode()

    assert '<html lang="vi">' in html
    assert "My shifts" not in html


def test_my_shifts_lists_the_members_coming_shifts_and_warns_of_double_bookings(
    client, weekend_schedule, make_shift, member_x
):
    make_shift(start=at("2026-03-06", 22), members=[member_of(member_x)])
    client.force_login(member_x)

    response = client.get("/patrols/")

    listed = [assignment.shift for assignment in response.context["my_shifts"]]
    assert len(listed) == 17
    assert listed[0].starts_at == at("2026-03-06", 21)
    assert "You are booked on another shift at the same time." in response.content.decode()


def test_the_group_calendar_shows_a_week_and_a_month(client, weekend_schedule, member_x, group_x):
    client.force_login(member_x)

    week = client.get(f"/patrols/groups/{group_x.pk}/calendar/?day=2026-03-04")
    month = client.get(f"/patrols/groups/{group_x.pk}/calendar/?view=month&day=2026-03-20")
    htmx = client.get(
        f"/patrols/groups/{group_x.pk}/calendar/?view=month&day=2026-04-01", HTTP_HX_REQUEST="true"
    )

    assert week.context["days"][0][0].isoformat() == "2026-03-02"
    assert len(week.context["days"]) == 7
    assert sum(len(shifts) for _day, shifts in week.context["days"]) == 2
    assert sum(len(shifts) for _day, shifts in month.context["days"]) == 8
    assert htmx.content.decode().lstrip().startswith('<section id="calendar"')
    assert "Cancel" not in month.content.decode()  # a member changes nothing


def test_another_groups_calendar_is_not_found(client, weekend_schedule, leader_y, group_x):
    client.force_login(leader_y)

    assert client.get(f"/patrols/groups/{group_x.pk}/calendar/").status_code == 404


def test_the_shift_page_offers_the_start_to_a_member_and_the_changes_to_the_leader(
    client, friday_shift, member_x, leader_x
):
    client.force_login(member_x)
    as_member = client.get(f"/patrols/shifts/{friday_shift.pk}/").content.decode()
    client.force_login(leader_x)
    as_leader = client.get(f"/patrols/shifts/{friday_shift.pk}/").content.decode()

    assert "Start the patrol" in as_member
    assert "Change who is on this shift" not in as_member
    assert "Change who is on this shift" in as_leader


def test_starting_from_the_shift_page_opens_the_log(client, friday_shift, member_x, monday):
    monday.move_to(at("2026-03-06", 20, 55))
    client.force_login(member_x)

    response = client.post(f"/patrols/shifts/{friday_shift.pk}/start/", {"key": str(uuid.uuid4())})

    log = friday_shift.log
    assert response.url == f"/patrols/logs/{log.pk}/"
    assert log.started_at == at("2026-03-06", 20, 55)
    page = client.get(response.url).content.decode()
    assert "Check in at Quán karaoke đầu ngõ 5" in page
    assert "js/patrol-log.js" in page


def test_police_see_the_calendar_of_their_wards_groups_but_cannot_start_a_patrol(
    client, friday_shift, police_a
):
    client.force_login(police_a)

    page = client.get(f"/patrols/shifts/{friday_shift.pk}/")
    start = client.post(f"/patrols/shifts/{friday_shift.pk}/start/", {"key": str(uuid.uuid4())})

    assert page.status_code == 200
    assert "Start the patrol" not in page.content.decode()
    assert start.status_code == 403


# Query counts ---------------------------------------------------------------------


def _more_rows(group, leader, weeks, monday):
    """Another schedule, team member, hotspots and logs, so that every list grows."""
    extra = Member.objects.create(full_name="Thêm người")
    Membership.objects.create(member=extra, group=group)
    patrol = PatrolSchedule(
        group=group,
        title=f"Hằng ngày {weeks}",
        rule="FREQ=DAILY",
        starts_on=MONDAY.date(),
        start_time=datetime.time(5),
        end_time=datetime.time(6),
        people_needed=1,
    )
    planning.save_schedule(schedule=patrol, team=[member_of(leader), extra], hotspots=[], by=leader)
    for n in range(weeks):
        Hotspot.objects.create(ward=group.ward, name=f"Điểm {n}", kind=HotspotKind.OTHER)
    for shift in patrol.shifts.order_by("starts_at")[:weeks]:
        monday.move_to(shift.starts_at)
        log = logbook.start_log(shift=shift, by=leader, key=uuid.uuid4()).log
        logbook.finish_log(log=log, by=leader, key=uuid.uuid4())
    monday.move_to(MONDAY)


@pytest.mark.parametrize(
    "url",
    [
        "/patrols/",
        "/patrols/groups/{group}/calendar/?view=month&day=2026-03-01",
        "/patrols/groups/{group}/calendar/?day=2026-03-04",
        "/patrols/groups/{group}/schedules/",
        "/patrols/logs/",
        "/patrols/hotspots/",
    ],
)
def test_list_pages_run_the_same_queries_for_few_or_many_rows(
    client, weekend_schedule, leader_x, group_x, monday, url
):
    url = url.format(group=group_x.pk)
    client.force_login(leader_x)
    _more_rows(group_x, leader_x, 1, monday)
    few = _queries(client, url)

    _more_rows(group_x, leader_x, 10, monday)

    assert _queries(client, url) == few
    assert few <= 12


def test_a_hotspots_history_runs_the_same_queries_for_few_or_many_check_ins(
    client, started_log, leader_x, karaoke
):
    client.force_login(leader_x)
    url = f"/patrols/hotspots/{karaoke.pk}/"
    logbook.check_in(log=started_log, hotspot=karaoke, by=leader_x, key=uuid.uuid4())
    few = _queries(client, url)

    for _ in range(30):
        logbook.check_in(log=started_log, hotspot=karaoke, by=leader_x, key=uuid.uuid4())

    assert _queries(client, url) == few
