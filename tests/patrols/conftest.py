"""Patrol fixtures on top of the cast in tests/conftest.py.

The clock matters to patrols; tests that depend on it travel to `MONDAY` (a Monday
noon in Vietnam) with time-machine. Hotspots: `karaoke` lies in group X's unit,
`wharf` in ward B (group Y's).
"""

import datetime
import uuid

import pytest
import time_machine

from groups.models import Member
from patrols import schedule as planning
from patrols.logbook import start_log
from patrols.models import Hotspot, HotspotKind, PatrolSchedule, PatrolShift, RiskLevel

VN = datetime.timezone(datetime.timedelta(hours=7))
MONDAY = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=VN)


@pytest.fixture(autouse=True)
def _pages_in_the_source_language(settings):
    # Pages and emails are read in English, the source language, so that the tests
    # do not change with the Vietnamese catalogue; test_pages.py checks Vietnamese.
    settings.LANGUAGE_CODE = "en"


def at(day: datetime.date | str, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware local time in Vietnam."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VN)


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def karaoke(unit_a1, ward_a):
    return Hotspot.objects.create(
        ward=ward_a,
        unit=unit_a1,
        name="Quán karaoke đầu ngõ 5",
        kind=HotspotKind.DRUGS,
        risk=RiskLevel.HIGH,
        address="Ngõ 5, tổ dân phố 1",
    )


@pytest.fixture
def ward_wide_hotspot(ward_a):
    return Hotspot.objects.create(
        ward=ward_a, name="Bãi đất trống ven sông", kind=HotspotKind.GAMBLING
    )


@pytest.fixture
def wharf(ward_b, unit_b1):
    return Hotspot.objects.create(
        ward=ward_b, unit=unit_b1, name="Bến cá Đồng Mỏ", kind=HotspotKind.FIGHTS
    )


def member_of(user) -> Member:
    return Member.objects.get(user=user)


@pytest.fixture
def weekend_schedule(monday, group_x, leader_x, member_x, karaoke):
    """Group X patrols every Friday and Saturday from 21:00 to 23:00, two at a time."""
    patrol = PatrolSchedule(
        group=group_x,
        title="Tuần tra cuối tuần",
        rule="FREQ=WEEKLY;BYDAY=FR,SA",
        starts_on=MONDAY.date(),
        start_time=datetime.time(21, 0),
        end_time=datetime.time(23, 0),
        meeting_point="Nhà văn hóa TDP 1",
        route="Ngõ 5 → chợ → bờ sông",
        people_needed=2,
    )
    planning.save_schedule(
        schedule=patrol,
        team=[member_of(leader_x), member_of(member_x)],
        hotspots=[karaoke],
        by=leader_x,
    )
    return patrol


@pytest.fixture
def friday_shift(weekend_schedule):
    """The first shift: Friday 6 March 2026, from 21:00 to 23:00."""
    return weekend_schedule.shifts.get(starts_at=at("2026-03-06", 21))


@pytest.fixture
def make_shift(group_x):
    def make(*, group=group_x, start, hours=2, members=(), **fields):
        shift = PatrolShift.objects.create(
            group=group,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=hours),
            changed_by_hand=True,
            **fields,
        )
        for member in members:
            shift.assignments.create(member=member)
        return shift

    return make


@pytest.fixture
def started_log(friday_shift, leader_x, monday):
    """Leader X started the Friday patrol at 21:02."""
    monday.move_to(at("2026-03-06", 21, 2))
    return start_log(shift=friday_shift, by=leader_x, key=uuid.uuid4()).log
