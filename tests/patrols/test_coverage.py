"""Coverage figures on known data, and the coverage page's queries, constant in its rows."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups.models import SelfManagementGroup
from patrols import coverage, logbook
from patrols import shifts as shift_rules
from patrols.models import PatrolShift
from tests.patrols.conftest import at, member_of


@pytest.fixture
def march(
    weekend_schedule, leader_x, member_x, karaoke, ward_wide_hotspot, monday, settings, make_shift
):
    """Group X's March 2026, seen on Monday 16 March at noon.

    Friday 6: done, two people from 21:00 to 23:00, three check-ins at two hotspots.
    Saturday 7: missed. Friday 13: cancelled. Saturday 14: started by one person and
    closed automatically at the planned end (23:00). Four shifts still to come. A
    patrol on 28 February belongs to February.
    """
    settings.PATROL_AUTO_CLOSE_HOURS = 6
    shifts = {
        timezone.localdate(shift.starts_at).day: shift
        for shift in weekend_schedule.shifts.filter(starts_at__lt=at("2026-04-01", 0))
    }
    monday.move_to(at("2026-03-06", 21))
    friday = logbook.start_log(shift=shifts[6], by=leader_x, key=uuid.uuid4()).log
    logbook.record_attendance(
        log=friday,
        by=leader_x,
        key=uuid.uuid4(),
        members={member_of(member_x).pk: True},
        partners={},
    )
    for hotspot in (karaoke, karaoke, ward_wide_hotspot):
        logbook.check_in(log=friday, hotspot=hotspot, by=leader_x, key=uuid.uuid4())
    monday.move_to(at("2026-03-06", 23))
    logbook.finish_log(log=friday, by=leader_x, key=uuid.uuid4())
    shift_rules.cancel_shift(shift=shifts[13], by=leader_x, reason="Bão")
    monday.move_to(at("2026-03-14", 21))
    logbook.start_log(shift=shifts[14], by=leader_x, key=uuid.uuid4())
    monday.move_to(at("2026-03-16", 12))
    logbook.auto_close_stale_logs()
    february = make_shift(start=at("2026-02-28", 21))
    logbook.enter_afterwards(
        by=leader_x,
        key=uuid.uuid4(),
        shift=february,
        started_at=at("2026-02-28", 21),
        finished_at=at("2026-02-28", 23),
        present=[member_of(leader_x)],
        hotspots=[karaoke],
    )
    return weekend_schedule


def test_coverage_figures_of_a_known_month(march, group_x):
    start, end = coverage.month_bounds(2026, 3)

    figures = coverage.by_group(groups=[group_x.pk], start=start, end=end)[group_x.pk]

    assert (figures.planned, figures.done, figures.missed, figures.upcoming) == (7, 2, 1, 4)
    assert figures.cancelled == 1
    assert figures.person_hours == 6.0  # 2 people for 2 h, then 1 person for 2 h
    assert (figures.hotspots_checked, figures.checkins) == (2, 3)
    assert figures.done_share == 67
    assert coverage.total(groups=SelfManagementGroup.objects.all(), start=start, end=end) == figures


def test_a_month_runs_from_local_midnight_to_local_midnight():
    start, end = coverage.month_bounds(2026, 12)

    assert (start, end) == (at("2026-12-01", 0), at("2027-01-01", 0))


def test_totals_add_groups_up_and_count_a_hotspot_once(
    march, group_x, group_y, leader_y, wharf, karaoke, make_shift
):
    shift = make_shift(group=group_y, start=at("2026-03-10", 20))
    logbook.enter_afterwards(
        by=leader_y,
        key=uuid.uuid4(),
        shift=shift,
        started_at=at("2026-03-10", 20),
        finished_at=at("2026-03-10", 21, 30),
        present=[member_of(leader_y)],
        hotspots=[wharf],
    )
    start, end = coverage.month_bounds(2026, 3)

    totals = coverage.total(groups=SelfManagementGroup.objects.all(), start=start, end=end)

    assert (totals.planned, totals.done, totals.missed) == (8, 3, 1)
    assert totals.person_hours == 7.5
    assert totals.hotspots_checked == 3


def test_the_coverage_page_shows_ward_police_their_wards_groups(client, march, police_a, group_y):
    client.force_login(police_a)

    response = client.get("/patrols/coverage/?month=2026-03")

    rows = {group.name: figures for group, figures in response.context["rows"]}
    assert list(rows) == ["Tổ tự quản TDP 1"]
    assert rows["Tổ tự quản TDP 1"].done == 2
    assert "area" not in response.context["form"].fields
    assert response.context["totals"].planned == 7


def test_the_province_admin_picks_a_ward_or_the_province(
    client, march, province_admin, ward_b, province
):
    client.force_login(province_admin)

    by_ward = client.get(f"/patrols/coverage/?month=2026-03&area={ward_b.pk}")
    whole = client.get(f"/patrols/coverage/?month=2026-03&area={province.pk}")

    assert by_ward.context["totals"].planned == 0
    assert whole.context["totals"].planned == 7


def test_a_member_sees_only_their_groups_coverage(client, march, member_x, group_y):
    client.force_login(member_x)

    response = client.get("/patrols/coverage/?month=2026-03")

    assert [group.pk for group, _figures in response.context["rows"]] == [march.group_id]


def _more_groups(ward, unit, count, make_shift, leader):
    for n in range(count):
        group = SelfManagementGroup.objects.create(name=f"Tổ thêm {n}", ward=ward, unit=unit)
        for day in (3, 4):
            shift = make_shift(group=group, start=at(f"2026-03-0{day}", 21))
            logbook.enter_afterwards(
                by=leader,
                key=uuid.uuid4(),
                shift=shift,
                started_at=shift.starts_at,
                finished_at=shift.ends_at,
            )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["police_a", "province_admin"])
def test_the_coverage_page_runs_the_same_queries_for_one_group_or_many(
    client, request, role, march, ward_a, unit_a1, make_shift, province_admin
):
    client.force_login(request.getfixturevalue(role))
    url = "/patrols/coverage/?month=2026-03"
    few = _queries(client, url)

    _more_groups(ward_a, unit_a1, 12, make_shift, province_admin)

    # At most 10: one of them checks the second factor the session passed.
    assert _queries(client, url) == few <= 10
    assert PatrolShift.objects.count() > 24
