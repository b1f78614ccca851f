"""Hotspots: registering them, the list of those not checked for N days, and their history."""

import uuid

import pytest

from patrols import logbook
from patrols.models import Hotspot, HotspotKind
from tests.patrols.conftest import at


def _form(ward, unit=None, **changes):
    return {
        "name": "Sới bạc sau nhà văn hóa",
        "kind": HotspotKind.GAMBLING,
        "risk": "2",
        "ward": ward.pk,
        "unit": unit.pk if unit else "",
        "address": "",
        "latitude": "",
        "longitude": "",
        "notes": "Thường tụ tập tối thứ Bảy",
        "active": "on",
        **changes,
    }


@pytest.mark.parametrize("who", ["leader_x", "police_a", "province_admin"])
def test_leaders_ward_police_and_admins_register_hotspots_in_their_area(
    client, request, who, ward_a, unit_a1, group_x
):
    user = request.getfixturevalue(who)
    client.force_login(user)

    response = client.post("/patrols/hotspots/new/", _form(ward_a, unit_a1))

    hotspot = Hotspot.objects.get()
    assert response.url == f"/patrols/hotspots/{hotspot.pk}/"
    assert (hotspot.ward, hotspot.unit, hotspot.created_by) == (ward_a, unit_a1, user)


def test_a_member_cannot_register_a_hotspot(client, member_x, ward_a):
    client.force_login(member_x)

    assert client.post("/patrols/hotspots/new/", _form(ward_a)).status_code == 403
    assert not Hotspot.objects.exists()


def test_nobody_registers_a_hotspot_outside_their_area(client, leader_x, police_a, ward_b, unit_b1):
    for user in (leader_x, police_a):
        client.force_login(user)

        response = client.post("/patrols/hotspots/new/", _form(ward_b, unit_b1))

        assert response.status_code == 400
    assert not Hotspot.objects.exists()


def test_the_leader_of_a_unit_group_cannot_move_a_hotspot_to_another_unit(
    client, leader_x, karaoke, ward_a
):
    from groups.models import Area, AreaKind

    other_unit = Area.objects.add_child(
        ward_a, {"name": "Tổ dân phố 9", "kind": AreaKind.RESIDENTIAL_GROUP}
    )
    client.force_login(leader_x)

    response = client.post(f"/patrols/hotspots/{karaoke.pk}/edit/", _form(ward_a, other_unit))

    assert response.status_code == 400
    karaoke.refresh_from_db()
    assert karaoke.unit_id != other_unit.pk


def test_the_list_of_hotspots_not_checked_for_n_days(
    client, started_log, leader_x, karaoke, ward_wide_hotspot, monday
):
    monday.move_to(at("2026-03-06", 21, 30))
    logbook.check_in(log=started_log, hotspot=karaoke, by=leader_x, key=uuid.uuid4())

    # Days apart: a session would have timed out in between, so the leader signs in each time.
    monday.move_to(at("2026-03-12", 12))
    client.force_login(leader_x)
    week = client.get("/patrols/hotspots/?days=7")
    monday.move_to(at("2026-03-16", 12))
    client.force_login(leader_x)
    later = client.get("/patrols/hotspots/?days=7")
    everything = client.get("/patrols/hotspots/")

    assert list(week.context["page"].object_list) == [ward_wide_hotspot]
    assert list(later.context["page"].object_list) == [ward_wide_hotspot, karaoke]
    assert "never checked" in later.content.decode()
    # Never checked first, then the longest unchecked.
    assert list(everything.context["page"].object_list) == [ward_wide_hotspot, karaoke]


def test_a_hotspots_page_shows_the_history_of_its_check_ins(
    client, started_log, leader_x, karaoke, monday
):
    for minute in (10, 50):
        monday.move_to(at("2026-03-06", 21, minute))
        logbook.check_in(
            log=started_log, hotspot=karaoke, by=leader_x, key=uuid.uuid4(), note=f"Lần {minute}"
        )
    client.force_login(leader_x)

    response = client.get(f"/patrols/hotspots/{karaoke.pk}/")

    history = list(response.context["page"].object_list)
    assert [checkin.note for checkin in history] == ["Lần 50", "Lần 10"]
    assert "Tổ tự quản TDP 1" in response.content.decode()


def test_a_hotspot_of_another_ward_is_not_found(client, leader_x, wharf):
    client.force_login(leader_x)

    assert client.get(f"/patrols/hotspots/{wharf.pk}/").status_code == 404


def test_not_checked_for_counts_whole_days_back_from_now(karaoke, monday):
    # Monday 2 March, noon: nine days and fourteen hours later.
    Hotspot.objects.filter(pk=karaoke.pk).update(last_checked_at=at("2026-02-20", 22))

    assert list(Hotspot.objects.not_checked_for(9)) == [karaoke]
    assert not Hotspot.objects.not_checked_for(10).exists()
