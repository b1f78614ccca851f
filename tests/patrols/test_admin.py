"""The patrols admin: every page loads, staff are held to their scope, schedules regenerate."""

import uuid

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from groups.models import User
from patrols import ical, logbook
from patrols.incidents import report_incident
from patrols.models import (
    CalendarFeed,
    Hotspot,
    HotspotCheckIn,
    PatrolLog,
    PatrolSchedule,
    PatrolShift,
)
from tests.patrols.conftest import at, member_of

PATROL_MODELS = sorted(
    model._meta.model_name for model in admin.site._registry if model._meta.app_label == "patrols"
)


@pytest.fixture
def rows(started_log, leader_x, member_x, karaoke, theft, group_x):
    logbook.check_in(log=started_log, hotspot=karaoke, by=leader_x, key=uuid.uuid4())
    logbook.record_attendance(
        log=started_log,
        by=leader_x,
        key=uuid.uuid4(),
        members={member_of(member_x).pk: True},
        partners={},
    )
    report_incident(
        log=started_log,
        data={
            "category": theft,
            "description": "Mất xe",
            "ward": group_x.ward,
            "unit": group_x.unit,
        },
        by=leader_x,
        key=uuid.uuid4(),
    )
    started_log.shift.partners.create(name="Cường", organisation="Công an phường")
    ical.rotate_feed(member=member_of(member_x))
    return started_log


def test_every_patrols_model_has_an_admin():
    assert PATROL_MODELS == [
        "calendarfeed",
        "hotspot",
        "hotspotcheckin",
        "logsubmission",
        "patrolattendance",
        "patrolincident",
        "patrollog",
        "patrolschedule",
        "patrolshift",
        "shiftassignment",
        "shiftpartner",
    ]


@pytest.mark.parametrize("model_name", PATROL_MODELS)
def test_every_changelist_and_change_page_loads_with_data(client, province_admin, rows, model_name):
    client.force_login(province_admin)
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name)
    obj = model._default_manager.first()

    changelist = client.get(reverse(f"admin:patrols_{model_name}_changelist"))
    change = client.get(reverse(f"admin:patrols_{model_name}_change", args=[obj.pk]))

    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == model._default_manager.count() > 0
    assert change.status_code == 200


def test_the_calendar_token_never_shows_in_the_admin(client, province_admin, rows, member_x):
    client.force_login(province_admin)
    feed = CalendarFeed.objects.get()

    pages = [
        client.get("/admin/patrols/calendarfeed/").content.decode(),
        client.get(f"/admin/patrols/calendarfeed/{feed.pk}/change/").content.decode(),
    ]

    assert not any(feed.token in page for page in pages)


def _staff(user, *codenames):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="patrols", codename__in=codenames)
    )
    return User.objects.get(pk=user.pk)


def test_a_staff_leader_sees_and_changes_only_their_groups_rows(
    client, rows, leader_x, leader_y, group_y, make_shift, wharf
):
    y_shift = make_shift(group=group_y, start=at("2026-03-07", 20))
    staff_y = _staff(
        leader_y, "view_patrolshift", "change_patrolshift", "view_patrollog", "view_hotspot"
    )
    client.force_login(staff_y)

    shifts = client.get("/admin/patrols/patrolshift/").context["cl"].result_list
    logs = client.get("/admin/patrols/patrollog/").context["cl"].result_list
    hotspots = client.get("/admin/patrols/hotspot/").context["cl"].result_list
    other = client.post(
        f"/admin/patrols/patrolshift/{rows.shift.pk}/change/", {"note": "không được"}
    )

    assert list(shifts) == [y_shift]
    assert list(logs) == []
    assert list(hotspots) == [wharf]
    # Outside the scope, the shift does not exist for them.
    assert (other.status_code, other.url) == (302, "/admin/")
    assert PatrolShift.objects.get(pk=rows.shift.pk).note == ""


def test_saving_a_schedule_in_the_admin_plans_its_shifts(client, province_admin, group_x, monday):
    client.force_login(province_admin)

    response = client.post(
        "/admin/patrols/patrolschedule/add/",
        {
            "group": group_x.pk,
            "title": "Tuần tra sáng Chủ nhật",
            "rule": "FREQ=WEEKLY;BYDAY=SU",
            "starts_on": "2026-03-02",
            "start_time": "06:00",
            "end_time": "07:00",
            "people_needed": "1",
            "route": "",
            "meeting_point": "",
        },
    )

    assert response.status_code == 302
    assert PatrolSchedule.objects.get().shifts.count() == 8


def test_log_rows_cannot_be_added_in_the_admin(client, province_admin):
    client.force_login(province_admin)

    for model in (PatrolLog, HotspotCheckIn):
        name = model._meta.model_name
        assert client.get(f"/admin/patrols/{name}/add/").status_code == 403
    assert client.get("/admin/patrols/hotspot/add/").status_code == 200
    assert Hotspot.objects.count() == 0
