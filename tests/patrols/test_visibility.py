"""`visible_to` and `editable_by` of every patrols model, for every role.

Besides the cast (tests/conftest.py):
- ``ward_wide_member``: member of a group covering all of ward A; sees all ward A hotspots.
- ``unit_a2_member``: member of a group of another unit of ward A; sees that unit's
  hotspots and ward A's ward-wide ones, not group X's unit's.

Group X's patrol (log ``log_x``) was led by leader X with member X present; a second
log ``log_x_alone`` was led by leader X alone. Group Y has ``log_y``.
"""

import datetime
import uuid

import pytest

from groups.models import Area, AreaKind, Member, Membership, SelfManagementGroup, User
from patrols import ical, logbook
from patrols.incidents import report_incident
from patrols.models import (
    CalendarFeed,
    Hotspot,
    HotspotCheckIn,
    LogSubmission,
    PatrolAttendance,
    PatrolIncident,
    PatrolLog,
    PatrolSchedule,
    PatrolShift,
    ShiftAssignment,
    ShiftPartner,
)
from tests.patrols.conftest import MONDAY, at, member_of


def _member_in(group, username):
    user = User.objects.create_user(username=username, password="pw")
    member = Member.objects.create(full_name=username, user=user)
    Membership.objects.create(member=member, group=group)
    return user


@pytest.fixture
def ward_wide_member(ward_a):
    group = SelfManagementGroup.objects.create(name="CLB Thanh niên phường", ward=ward_a)
    return _member_in(group, "ward_wide_member")


@pytest.fixture
def unit_a2_member(ward_a):
    unit = Area.objects.add_child(
        ward_a, {"name": "Tổ dân phố 2", "kind": AreaKind.RESIDENTIAL_GROUP}
    )
    group = SelfManagementGroup.objects.create(name="Tổ tự quản TDP 2", ward=ward_a, unit=unit)
    return _member_in(group, "unit_a2_member")


def _schedule(group, by, members, hotspots):
    from patrols import schedule as planning
    from patrols.models import PatrolSchedule

    patrol = PatrolSchedule(
        group=group,
        title=f"Tuần tra {group.pk}",
        rule="FREQ=WEEKLY;BYDAY=FR",
        starts_on=MONDAY.date(),
        start_time=datetime.time(21),
        end_time=datetime.time(23),
        people_needed=1,
    )
    planning.save_schedule(schedule=patrol, team=members, hotspots=hotspots, by=by)
    return patrol


@pytest.fixture
def world(
    monday, group_x, group_y, leader_x, member_x, leader_y, karaoke, ward_wide_hotspot, wharf, theft
):
    schedule_x = _schedule(group_x, leader_x, [member_of(leader_x), member_of(member_x)], [karaoke])
    schedule_y = _schedule(group_y, leader_y, [member_of(leader_y)], [wharf])
    first_x, second_x = schedule_x.shifts.order_by("starts_at")[:2]
    first_y = schedule_y.shifts.order_by("starts_at").first()
    partner_x = ShiftPartner.objects.create(shift=first_x, name="Cường", organisation="CA phường")
    ShiftPartner.objects.create(shift=first_y, name="Dũng", organisation="Ban quản lý chợ")
    monday.move_to(at("2026-03-13", 21, 5))
    log_x = logbook.start_log(shift=first_x, by=leader_x, key=uuid.uuid4()).log
    logbook.record_attendance(
        log=log_x,
        by=leader_x,
        key=uuid.uuid4(),
        members={member_of(member_x).pk: True},
        partners={partner_x.pk: True},
    )
    logbook.check_in(log=log_x, hotspot=karaoke, by=leader_x, key=uuid.uuid4())
    report_incident(
        log=log_x,
        data={
            "category": theft,
            "description": "Mất xe",
            "ward": group_x.ward,
            "unit": group_x.unit,
        },
        by=leader_x,
        key=uuid.uuid4(),
    )
    log_x_alone = logbook.start_log(shift=second_x, by=leader_x, key=uuid.uuid4()).log
    log_y = logbook.start_log(shift=first_y, by=leader_y, key=uuid.uuid4()).log
    logbook.check_in(log=log_y, hotspot=wharf, by=leader_y, key=uuid.uuid4())
    ical.rotate_feed(member=member_of(member_x))
    ical.rotate_feed(member=member_of(leader_y))
    return {"x": log_x, "x_alone": log_x_alone, "y": log_y}


ADMINS = {"province_admin"}
ROLES = [
    "province_admin",
    "police_a",
    "police_b",
    "leader_x",
    "member_x",
    "leader_y",
    "ward_wide_member",
    "unit_a2_member",
    "anonymous",
]


def _groups_of(queryset, path):
    return set(queryset.values_list(path, flat=True).distinct())


# What each role sees and may change, by the group (X or Y) the rows belong to.
GROUP_SCOPE = {
    "province_admin": ({"x", "y"}, {"x", "y"}),
    "police_a": ({"x"}, set()),
    "police_b": ({"y"}, set()),
    "leader_x": ({"x"}, {"x"}),
    "member_x": ({"x"}, set()),
    "leader_y": ({"y"}, {"y"}),
    "ward_wide_member": (set(), set()),
    "unit_a2_member": (set(), set()),
    "anonymous": (set(), set()),
}
GROUP_PLANNING = [
    (PatrolSchedule, "group"),
    (PatrolShift, "group"),
    (ShiftAssignment, "shift__group"),
    (ShiftPartner, "shift__group"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("model", "path"), GROUP_PLANNING)
def test_the_groups_schedule_is_seen_by_the_group_and_its_ward_police_and_changed_by_its_leaders(
    request, world, group_x, group_y, role, model, path
):
    user = request.getfixturevalue(role)
    names = {group_x.pk: "x", group_y.pk: "y"}

    visible = {names[pk] for pk in _groups_of(model.objects.visible_to(user), path)}
    editable = {names[pk] for pk in _groups_of(model.objects.editable_by(user), path)}

    assert (visible, editable) == GROUP_SCOPE[role]


# Logs: a member sees the ones they took part in.
LOG_SCOPE = {
    "province_admin": ({"x", "x_alone", "y"}, {"x", "x_alone", "y"}),
    "police_a": ({"x", "x_alone"}, set()),
    "police_b": ({"y"}, set()),
    "leader_x": ({"x", "x_alone"}, {"x", "x_alone"}),
    "member_x": ({"x"}, set()),
    "leader_y": ({"y"}, {"y"}),
    "ward_wide_member": (set(), set()),
    "unit_a2_member": (set(), set()),
    "anonymous": (set(), set()),
}
LOG_PARTS = [
    (PatrolLog, "pk"),
    (PatrolAttendance, "log"),
    (PatrolIncident, "log"),
    (LogSubmission, "log"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("model", "path"), LOG_PARTS)
def test_a_log_is_seen_by_the_groups_leaders_the_ward_police_and_who_took_part(
    request, world, role, model, path
):
    user = request.getfixturevalue(role)
    names = {log.pk: name for name, log in world.items()}
    rows = model.objects.filter(**{f"{path}__isnull": False}) if path != "pk" else model.objects

    visible = {names[pk] for pk in _groups_of(rows.visible_to(user), path)}
    editable = {names[pk] for pk in _groups_of(rows.editable_by(user), path)}
    expected_visible, expected_editable = LOG_SCOPE[role]

    assert visible == expected_visible & {names[pk] for pk in _groups_of(rows.all(), path)}
    assert editable == expected_editable & {names[pk] for pk in _groups_of(rows.all(), path)}


HOTSPOT_SCOPE = {
    "province_admin": ({"karaoke", "riverside", "wharf"}, {"karaoke", "riverside", "wharf"}),
    "police_a": ({"karaoke", "riverside"}, {"karaoke", "riverside"}),
    "police_b": ({"wharf"}, {"wharf"}),
    "leader_x": ({"karaoke", "riverside"}, {"karaoke", "riverside"}),
    "member_x": ({"karaoke", "riverside"}, set()),
    "leader_y": ({"wharf"}, {"wharf"}),
    "ward_wide_member": ({"karaoke", "riverside"}, set()),
    "unit_a2_member": ({"riverside"}, set()),
    "anonymous": (set(), set()),
}


@pytest.mark.parametrize("role", ROLES)
def test_hotspots_are_seen_by_the_areas_groups_and_police(
    request, world, role, karaoke, ward_wide_hotspot, wharf
):
    user = request.getfixturevalue(role)
    names = {karaoke.pk: "karaoke", ward_wide_hotspot.pk: "riverside", wharf.pk: "wharf"}

    visible = {names[pk] for pk in Hotspot.objects.visible_to(user).values_list("pk", flat=True)}
    editable = {names[pk] for pk in Hotspot.objects.editable_by(user).values_list("pk", flat=True)}

    assert (visible, editable) == HOTSPOT_SCOPE[role]


CHECKIN_SCOPE = {
    "province_admin": {"karaoke", "wharf"},
    "police_a": {"karaoke"},
    "police_b": {"wharf"},
    "leader_x": {"karaoke"},
    "member_x": {"karaoke"},
    "leader_y": {"wharf"},
    # Whoever sees a hotspot sees its history, though not the log it came from.
    "ward_wide_member": {"karaoke"},
    "unit_a2_member": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_a_hotspots_check_ins_are_seen_with_the_hotspot(request, world, role):
    user = request.getfixturevalue(role)

    visible = {
        checkin.hotspot.name
        for checkin in HotspotCheckIn.objects.visible_to(user).select_related("hotspot")
    }

    assert visible == {
        {"karaoke": "Quán karaoke đầu ngõ 5", "wharf": "Bến cá Đồng Mỏ"}[name]
        for name in CHECKIN_SCOPE[role]
    }


@pytest.mark.parametrize("role", ROLES)
def test_a_calendar_address_is_its_members_own(request, world, role, member_x, leader_y):
    user = request.getfixturevalue(role)
    owners = {member_of(member_x).pk: "member_x", member_of(leader_y).pk: "leader_y"}

    visible = {
        owners[pk] for pk in CalendarFeed.objects.visible_to(user).values_list("member", flat=True)
    }

    expected = {"member_x", "leader_y"} if role in ADMINS else {role} & {"member_x", "leader_y"}
    assert visible == expected


def test_an_inactive_leader_sees_nothing(world, leader_x):
    User.objects.filter(pk=leader_x.pk).update(is_active=False)
    leader_x.refresh_from_db()

    for model in (PatrolShift, PatrolLog, Hotspot, HotspotCheckIn, CalendarFeed):
        assert not model.objects.visible_to(leader_x).exists(), model


def test_the_log_page_follows_the_same_rules(client, world, member_x, police_b):
    client.force_login(member_x)
    assert client.get(f"/patrols/logs/{world['x'].pk}/").status_code == 200
    assert client.get(f"/patrols/logs/{world['x_alone'].pk}/").status_code == 404
    client.force_login(police_b)
    assert client.get(f"/patrols/logs/{world['x'].pk}/").status_code == 404
    assert client.get(f"/patrols/logs/{world['y'].pk}/").status_code == 200
