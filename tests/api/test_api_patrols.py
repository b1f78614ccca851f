"""The patrols API (/api/v1/patrols/): schedules, shifts, logs, check-ins, hotspots and
coverage, scoped as the pages; the log's changes carry the log page's idempotency key."""

# The patrol fixtures are imported from tests/patrols/conftest.py and then named as
# test arguments, which ruff reads as redefinitions.
# ruff: noqa: F811

import datetime
import uuid

import pytest

from patrols.logbook import start_log
from patrols.models import (
    Hotspot,
    HotspotCheckIn,
    LogStatus,
    LogSubmission,
    PatrolLog,
    PatrolSchedule,
    ShiftStatus,
)
from tests.api.conftest import error_fields
from tests.patrols.conftest import (  # noqa: F401
    MONDAY,
    _pages_in_the_source_language,
    at,
    friday_shift,
    karaoke,
    make_shift,
    member_of,
    monday,
    started_log,
    ward_wide_hotspot,
    weekend_schedule,
    wharf,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/patrols"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


# Schedules and shifts --------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("member_x", True),
        ("leader_x", True),
        ("leader_y", False),
        ("police_a", True),
        ("police_b", False),
        ("province_admin", True),
    ],
)
def test_schedules_and_shifts_are_seen_as_on_the_pages(
    request, client, weekend_schedule, friday_shift, role, visible
):
    client.force_login(request.getfixturevalue(role))

    schedules = ids(client.get(f"{API}/schedules/"))
    shifts = ids(client.get(f"{API}/shifts/"))

    assert (weekend_schedule.pk in schedules) is visible
    assert (friday_shift.pk in shifts) is visible
    detail = client.get(f"{API}/shifts/{friday_shift.pk}/")
    assert detail.status_code == (200 if visible else 404)


def test_a_schedule_shows_its_team_and_hotspots(
    client, leader_x, member_x, weekend_schedule, karaoke
):
    client.force_login(leader_x)

    row = client.get(f"{API}/schedules/{weekend_schedule.pk}/").json()

    assert row["rule"] == "FREQ=WEEKLY;BYDAY=FR,SA"
    assert set(row["team"]) == {member_of(leader_x).pk, member_of(member_x).pk}
    assert row["hotspots"] == [karaoke.pk]


def test_shifts_filter_by_day_and_status(client, leader_x, weekend_schedule, friday_shift):
    client.force_login(leader_x)

    friday = ids(client.get(f"{API}/shifts/?starts_from=2026-03-06&starts_to=2026-03-06"))
    cancelled = ids(client.get(f"{API}/shifts/?status=cancelled"))
    latest_first = ids(client.get(f"{API}/shifts/?ordering=-starts_at"))

    assert friday == [friday_shift.pk]
    assert cancelled == []
    assert latest_first[-1] == friday_shift.pk


@pytest.mark.parametrize(
    "query", ["starts_from=2026-13-01", "starts_to=1999-12-31", "group=x", "status=gone"]
)
def test_a_malformed_shift_filter_is_a_400(client, leader_x, query):
    client.force_login(leader_x)

    response = client.get(f"{API}/shifts/?{query}")

    assert response.status_code == 400
    assert error_fields(response) == [query.split("=")[0]]


@pytest.mark.parametrize("weeks", [1, 8])
def test_the_shift_list_takes_the_same_queries_however_many_shifts(
    client, leader_x, member_x, make_shift, monday, django_assert_num_queries, weeks
):
    for week in range(weeks):
        make_shift(
            start=at("2026-03-06", 21) + datetime.timedelta(weeks=week),
            members=[member_of(member_x)],
        )
    client.force_login(leader_x)

    # Session, user, the count, the page (with its log) and the crews.
    with django_assert_num_queries(5):
        response = client.get(f"{API}/shifts/")

    assert response.json()["count"] == weeks
    assert response.json()["results"][0]["crew"] == [member_of(member_x).pk]


def _schedule_body(group, *members, **changes):
    return {
        "group": group.pk,
        "title": "Tuần tra thứ Hai và thứ Năm",
        "weekdays": [0, 3],
        "start_time": "20:00",
        "end_time": "22:00",
        "starts_on": MONDAY.date().isoformat(),
        "people_needed": 2,
        "team": [member_of(user).pk for user in members],
        **changes,
    }


def test_a_leader_plans_changes_and_removes_a_schedule_with_its_shifts(
    client, leader_x, member_x, group_x, monday
):
    client.force_login(leader_x)

    created = post(client, f"{API}/schedules/", _schedule_body(group_x, leader_x, member_x))

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["rule"] == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert sorted(body["team"]) == sorted(member_of(u).pk for u in (leader_x, member_x))
    patrol = PatrolSchedule.objects.get(pk=body["id"])
    assert patrol.shifts.exists()  # the coming weeks are planned at once

    changed = client.put(
        f"{API}/schedules/{patrol.pk}/",
        _schedule_body(group_x, leader_x, weekdays=[5]),
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["rule"] == "FREQ=WEEKLY;BYDAY=SA"

    assert client.delete(f"{API}/schedules/{patrol.pk}/").status_code == 204
    assert not PatrolSchedule.objects.filter(pk=patrol.pk).exists()


def test_a_schedule_for_another_group_or_without_days_is_a_400(
    client, leader_x, group_x, group_y, monday
):
    client.force_login(leader_x)

    other = post(client, f"{API}/schedules/", _schedule_body(group_y))
    no_days = post(client, f"{API}/schedules/", _schedule_body(group_x, weekdays=[]))

    assert (other.status_code, error_fields(other)) == (400, ["group"])
    assert (no_days.status_code, error_fields(no_days)) == (400, ["weekdays"])
    assert not PatrolSchedule.objects.exists()


def test_a_member_may_not_plan_or_remove_a_schedule(client, member_x, group_x, weekend_schedule):
    client.force_login(member_x)

    assert post(client, f"{API}/schedules/", _schedule_body(group_x)).status_code == 403
    assert client.delete(f"{API}/schedules/{weekend_schedule.pk}/").status_code == 404
    assert PatrolSchedule.objects.filter(pk=weekend_schedule.pk).exists()


def test_a_leader_cancels_and_restores_a_shift(client, leader_x, friday_shift):
    client.force_login(leader_x)

    cancelled = post(client, f"{API}/shifts/{friday_shift.pk}/cancel/", {"reason": "Mưa bão"})
    restored = post(client, f"{API}/shifts/{friday_shift.pk}/restore/")

    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == (
        "cancelled",
        "Mưa bão",
    )
    assert restored.json()["status"] == "planned"
    friday_shift.refresh_from_db()
    assert friday_shift.status == ShiftStatus.PLANNED


def test_a_member_may_not_cancel_a_shift(client, member_x, friday_shift):
    client.force_login(member_x)

    response = post(client, f"{API}/shifts/{friday_shift.pk}/cancel/")

    assert response.status_code == 403
    friday_shift.refresh_from_db()
    assert friday_shift.status == ShiftStatus.PLANNED


def test_a_shift_with_a_log_cannot_be_cancelled_409(client, leader_x, started_log):
    client.force_login(leader_x)

    response = post(client, f"{API}/shifts/{started_log.shift_id}/cancel/")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "log" in response.json()["message"]


# Starting and keeping a log --------------------------------------------------------


def test_a_member_starts_the_patrol_and_the_same_key_twice_makes_one_log(
    client, member_x, friday_shift, monday
):
    monday.move_to(at("2026-03-06", 21, 1))
    client.force_login(member_x)
    key = str(uuid.uuid4())

    first = post(client, f"{API}/shifts/{friday_shift.pk}/start/", {"key": key})
    again = post(client, f"{API}/shifts/{friday_shift.pk}/start/", {"key": key})

    assert first.status_code == 201
    assert again.status_code == 200
    assert (first.json()["replayed"], again.json()["replayed"]) == (False, True)
    assert first.json()["id"] == again.json()["id"]
    log = PatrolLog.objects.get(shift=friday_shift)
    assert log.led_by == member_of(member_x)
    assert first.json()["attendance"] == [
        {"member": member_of(member_x).pk, "partner": None, "name": "Member X", "present": True}
    ]


def test_a_start_without_a_key_is_a_400_naming_the_key(client, member_x, friday_shift):
    client.force_login(member_x)

    response = post(client, f"{API}/shifts/{friday_shift.pk}/start/", {"key": "not-a-uuid"})

    assert response.status_code == 400
    assert error_fields(response) == ["key"]
    assert not PatrolLog.objects.exists()


def test_starting_a_cancelled_shift_is_a_409(client, leader_x, friday_shift):
    client.force_login(leader_x)
    post(client, f"{API}/shifts/{friday_shift.pk}/cancel/")

    response = post(client, f"{API}/shifts/{friday_shift.pk}/start/", {"key": str(uuid.uuid4())})

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["message"]


def test_someone_of_another_group_cannot_find_the_shift(client, leader_y, friday_shift):
    client.force_login(leader_y)

    response = post(client, f"{API}/shifts/{friday_shift.pk}/start/", {"key": str(uuid.uuid4())})

    assert response.status_code == 404


def test_a_key_used_by_the_log_page_is_a_replay_through_the_api(
    client, leader_x, started_log, karaoke, monday
):
    """One key, one change: the page and the API claim the same LogSubmission."""
    monday.move_to(at("2026-03-06", 21, 30))
    key = uuid.uuid4()
    client.force_login(leader_x)
    page = client.post(
        f"/patrols/logs/{started_log.pk}/checkins/",
        {"key": str(key), "hotspot": karaoke.pk, "note": "Yên tĩnh"},
    )
    assert page.status_code == 302

    response = post(
        client,
        f"{API}/logs/{started_log.pk}/checkin/",
        {"key": str(key), "hotspot": karaoke.pk, "note": "Lần hai"},
    )

    assert response.status_code == 200
    assert response.json()["replayed"] is True
    assert list(HotspotCheckIn.objects.values_list("note", flat=True)) == ["Yên tĩnh"]
    assert LogSubmission.objects.filter(key=key).count() == 1


def test_the_leader_of_the_patrol_keeps_the_log_through_the_api(
    client, leader_x, member_x, started_log, karaoke, monday
):
    monday.move_to(at("2026-03-06", 22, 0))
    client.force_login(leader_x)
    url = f"{API}/logs/{started_log.pk}"

    attendance = post(
        client,
        f"{url}/attendance/",
        {"key": str(uuid.uuid4()), f"member_{member_of(member_x).pk}": "present"},
    )
    checkin = post(
        client,
        f"{url}/checkin/",
        {
            "key": str(uuid.uuid4()),
            "hotspot": karaoke.pk,
            "latitude": 20.95,
            "longitude": 107.07,
        },
    )
    notes = post(
        client,
        f"{url}/notes/",
        {"key": str(uuid.uuid4()), "route": "Ngõ 5 → chợ", "observations": "Bình thường"},
    )
    finish = post(client, f"{url}/finish/", {"key": str(uuid.uuid4())})

    assert [r.status_code for r in (attendance, checkin, notes, finish)] == [200] * 4
    assert attendance.json()["people_present"] == 2
    assert finish.json()["status"] == LogStatus.FINISHED
    started_log.refresh_from_db()
    assert (started_log.route, started_log.observations) == ("Ngõ 5 → chợ", "Bình thường")
    assert HotspotCheckIn.objects.get(log=started_log).hotspot == karaoke

    monday.move_to(at("2026-03-06", 22, 5))
    late = post(client, f"{url}/checkin/", {"key": str(uuid.uuid4()), "hotspot": karaoke.pk})
    assert late.status_code == 409


def test_a_check_in_at_a_hotspot_of_another_ward_is_a_400_on_the_field(
    client, leader_x, started_log, wharf
):
    client.force_login(leader_x)

    response = post(
        client,
        f"{API}/logs/{started_log.pk}/checkin/",
        {"key": str(uuid.uuid4()), "hotspot": wharf.pk},
    )

    assert response.status_code == 400
    assert error_fields(response) == ["hotspot"]


def test_half_a_position_is_a_400(client, leader_x, started_log, karaoke):
    client.force_login(leader_x)

    response = post(
        client,
        f"{API}/logs/{started_log.pk}/checkin/",
        {"key": str(uuid.uuid4()), "hotspot": karaoke.pk, "latitude": 20.9},
    )

    assert response.status_code == 400
    assert None in error_fields(response)


def test_a_member_on_the_crew_reads_the_log_but_may_not_change_it(
    client, member_x, leader_x, friday_shift, monday
):
    monday.move_to(at("2026-03-06", 21, 2))
    log = start_log(shift=friday_shift, by=leader_x, key=uuid.uuid4()).log
    log.attendances.create(member=member_of(member_x), present=True)
    client.force_login(member_x)

    assert client.get(f"{API}/logs/{log.pk}/").status_code == 200
    response = post(client, f"{API}/logs/{log.pk}/notes/", {"key": str(uuid.uuid4())})

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["leader_y", "police_b"])
def test_a_log_of_another_group_is_a_404(request, client, started_log, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(f"{API}/logs/{started_log.pk}/").status_code == 404
    assert ids(client.get(f"{API}/logs/")) == []


def test_a_body_that_is_not_an_object_is_a_400(client, leader_x, started_log):
    client.force_login(leader_x)

    response = client.post(
        f"{API}/logs/{started_log.pk}/notes/", "[1, 2]", content_type="application/json"
    )
    broken = client.post(
        f"{API}/logs/{started_log.pk}/notes/", "{", content_type="application/json"
    )

    assert response.status_code == 400
    assert broken.status_code == 400


@pytest.mark.parametrize("count", [1, 6])
def test_the_log_list_takes_the_same_queries_however_many_logs(
    client, leader_x, make_shift, monday, django_assert_num_queries, count
):
    for day in range(count):
        shift = make_shift(start=at("2026-03-01", 20) - datetime.timedelta(days=day))
        start_log(shift=shift, by=leader_x, key=uuid.uuid4())
    client.force_login(leader_x)

    # Session, user, the count and the page.
    with django_assert_num_queries(4):
        response = client.get(f"{API}/logs/?status=in_progress&ordering=started_at")

    rows = response.json()["results"]
    assert len(rows) == count
    assert rows[0]["started_at"] <= rows[-1]["started_at"]


# Check-ins and hotspots ------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 5])
def test_check_ins_are_listed_in_a_fixed_number_of_queries(
    client, police_a, started_log, karaoke, django_assert_num_queries, count
):
    for _ in range(count):
        HotspotCheckIn.objects.create(
            log=started_log, hotspot=karaoke, checked_at=started_log.started_at
        )
    client.force_login(police_a)

    # Session, user, second factor, the count and the page.
    with django_assert_num_queries(5):
        response = client.get(f"{API}/checkins/?hotspot={karaoke.pk}")

    assert response.json()["count"] == count
    assert response.json()["results"][0]["hotspot_name"] == karaoke.name


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("member_x", {"karaoke", "ward_wide_hotspot"}),
        ("leader_y", {"wharf"}),
        ("police_a", {"karaoke", "ward_wide_hotspot"}),
        ("police_b", {"wharf"}),
        ("province_admin", {"karaoke", "ward_wide_hotspot", "wharf"}),
    ],
)
def test_hotspots_are_seen_by_their_areas(
    request, client, karaoke, ward_wide_hotspot, wharf, role, sees
):
    client.force_login(request.getfixturevalue(role))

    found = set(ids(client.get(f"{API}/hotspots/")))

    assert found == {request.getfixturevalue(name).pk for name in sees}


def test_hotspots_filter_by_days_unchecked_and_kind(client, police_a, karaoke, ward_wide_hotspot):
    client.force_login(police_a)

    assert set(ids(client.get(f"{API}/hotspots/?days=30"))) == {karaoke.pk, ward_wide_hotspot.pk}
    assert ids(client.get(f"{API}/hotspots/?kind=gambling")) == [ward_wide_hotspot.pk]
    assert client.get(f"{API}/hotspots/?days=0").status_code == 400
    assert client.get(f"{API}/hotspots/?days=²").status_code == 400


# Coverage --------------------------------------------------------------------------


def test_coverage_counts_the_month_for_the_users_groups(
    client, leader_x, started_log, group_x, monday
):
    client.force_login(leader_x)

    response = client.get(f"{API}/coverage/?month=2026-03")

    body = response.json()
    assert response.status_code == 200
    assert body["month"] == "2026-03"
    assert [row["group"] for row in body["results"]] == [group_x.pk]
    figures = body["results"][0]["figures"]
    assert figures["done"] == 1
    assert body["totals"]["planned"] >= figures["done"]


@pytest.mark.parametrize("query", ["month=2026-13", "month=1999-01", "area=5"])
def test_coverage_with_a_bad_month_or_area_is_a_400(client, leader_x, query):
    client.force_login(leader_x)

    response = client.get(f"{API}/coverage/?{query}")

    # A leader has no area to choose: the field is ignored, as on the page.
    assert response.status_code == (200 if query == "area=5" else 400)


def test_an_administrator_narrows_coverage_to_a_ward(
    client, province_admin, group_x, group_y, ward_b
):
    client.force_login(province_admin)

    response = client.get(f"{API}/coverage/?area={ward_b.pk}")

    assert [row["group"] for row in response.json()["results"]] == [group_y.pk]
    assert response.json()["area"] == ward_b.pk


# Registering hotspots --------------------------------------------------------------


def test_a_leader_registers_a_hotspot_in_the_groups_area(client, leader_x, ward_a, unit_a1):
    client.force_login(leader_x)

    response = post(
        client,
        f"{API}/hotspots/",
        {
            "name": "Bãi xe sau chợ",
            "kind": "gambling",
            "risk": 2,
            "ward": ward_a.pk,
            "unit": unit_a1.pk,
            "latitude": "20.951000",
            "longitude": "107.071000",
        },
    )

    assert response.status_code == 201, response.content
    hotspot = Hotspot.objects.get(pk=response.json()["id"])
    assert (hotspot.name, hotspot.created_by) == ("Bãi xe sau chợ", leader_x)


def test_a_hotspot_outside_the_leaders_area_is_refused_on_the_field(
    client, leader_x, ward_b, unit_b1
):
    client.force_login(leader_x)

    response = post(
        client,
        f"{API}/hotspots/",
        {"name": "Bến cá", "kind": "fights", "ward": ward_b.pk, "unit": unit_b1.pk},
    )

    assert response.status_code == 400
    assert "ward" in error_fields(response)
    assert not Hotspot.objects.filter(name="Bến cá").exists()


def test_a_member_may_not_register_a_hotspot(client, member_x, ward_a):
    client.force_login(member_x)

    response = post(client, f"{API}/hotspots/", {"name": "x", "kind": "drugs", "ward": ward_a.pk})

    assert response.status_code == 403


def test_the_ward_police_change_a_hotspot_with_the_whole_form(client, police_a, karaoke, ward_a):
    client.force_login(police_a)

    response = client.put(
        f"{API}/hotspots/{karaoke.pk}/",
        {"name": "Quán karaoke (đã đóng)", "kind": "drugs", "risk": 1, "ward": ward_a.pk},
        content_type="application/json",
    )
    partial = client.patch(
        f"{API}/hotspots/{karaoke.pk}/", {"name": "x"}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    karaoke.refresh_from_db()
    assert (karaoke.name, karaoke.unit, karaoke.active) == ("Quán karaoke (đã đóng)", None, False)
    assert partial.status_code == 405


def test_a_hotspot_one_sees_but_may_not_change_is_not_found(client, member_x, karaoke, ward_a):
    client.force_login(member_x)

    response = client.put(
        f"{API}/hotspots/{karaoke.pk}/",
        {"name": "y", "kind": "drugs", "ward": ward_a.pk},
        content_type="application/json",
    )

    assert response.status_code == 404
