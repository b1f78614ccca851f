"""Searching the hotspot list: name, address, notes and place, diacritics optional,
only among the hotspots the user may see."""

import pytest


def _found(client, user, query):
    client.force_login(user)
    response = client.get("/patrols/hotspots/", {"q": query})
    assert response.status_code == 200
    return {hotspot.pk for hotspot in response.context["page"].object_list}


@pytest.mark.parametrize("query", ["karaoke", "quan karaoke", "Quán Karaoke", "ngo 5"])
def test_a_hotspot_is_found_by_its_name_or_address_without_diacritics(
    client, karaoke, ward_wide_hotspot, wharf, province_admin, query
):
    assert _found(client, province_admin, query) == {karaoke.pk}


def test_the_place_finds_its_hotspots(client, karaoke, ward_wide_hotspot, wharf, province_admin):
    assert _found(client, province_admin, "thon dong mo") == {wharf.pk}
    assert _found(client, province_admin, "phuong ha long") == {karaoke.pk, ward_wide_hotspot.pk}


@pytest.mark.parametrize(
    ("role", "sees_wharf"), [("police_a", False), ("police_b", True), ("leader_y", True)]
)
def test_a_search_stays_within_what_the_user_sees(
    request, client, karaoke, wharf, role, sees_wharf
):
    assert _found(client, request.getfixturevalue(role), "ben ca") == (
        {wharf.pk} if sees_wharf else set()
    )


def test_odd_search_input_is_never_a_server_error(client, karaoke, province_admin):
    client.force_login(province_admin)
    for query in ("x" * 101, "\x00", "%", "a", "ﬁ"):
        response = client.get("/patrols/hotspots/", {"q": query})
        assert response.status_code == 200
