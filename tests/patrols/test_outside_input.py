"""Dates and numbers in the patrol pages' addresses: out of range or not ASCII
decimal, they fall back to the default or are refused, never a server error."""

import uuid

import pytest

from tests.patrols.conftest import at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day", ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01", "%C2%B2", "2026-02-30"]
)
@pytest.mark.parametrize("view", ["week", "month"])
def test_the_calendar_shows_the_current_period_for_a_day_out_of_range(
    client, leader_x, group_x, day, view
):
    client.force_login(leader_x)

    response = client.get(f"/patrols/groups/{group_x.pk}/calendar/?view={view}&day={day}")

    assert response.status_code == 200
    assert response.context["first"].year >= 2000


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1999-12", "2100-01", "%C2%B2%C2%B2-01"])
def test_coverage_refuses_a_month_out_of_range(client, police_a, month):
    client.force_login(police_a)

    response = client.get(f"/patrols/coverage/?month={month}")

    assert response.status_code == 200
    assert "month" in response.context["form"].errors


@pytest.mark.parametrize("hotspot", ["%C2%B2", "%D9%A3", "99999999999999999999999", "-1"])
def test_the_incident_form_ignores_a_hotspot_that_is_no_ascii_number(
    client, started_log, leader_x, hotspot
):
    client.force_login(leader_x)

    response = client.get(f"/patrols/logs/{started_log.pk}/incident/?hotspot={hotspot}")

    assert response.status_code == 200


@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
@pytest.mark.parametrize("value", ["9999-12-31T23:59", "0001-01-01T00:00", "1999-12-31T23:59"])
def test_a_shift_moved_out_of_range_is_refused_and_every_page_still_answers(
    client, leader_x, make_shift, monday, field, value
):
    shift = make_shift(start=at("2026-03-06", 21))
    client.force_login(leader_x)
    data = {
        "starts_at": "2026-03-06T21:00",
        "ends_at": "2026-03-06T23:00",
        "people_needed": "2",
        field: value,
    }

    response = client.post(f"/patrols/shifts/{shift.pk}/edit/", data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert client.get(f"/patrols/shifts/{shift.pk}/").status_code == 200
    assert (
        client.get(f"/patrols/groups/{shift.group_id}/calendar/?day=2026-03-06").status_code == 200
    )


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_a_log_entered_afterwards_for_a_day_out_of_range_is_refused(
    client, leader_x, group_x, monday, day
):
    client.force_login(leader_x)

    response = client.post(
        f"/patrols/groups/{group_x.pk}/logs/new/",
        {"day": day, "start_time": "08:00", "end_time": "09:00", "key": str(uuid.uuid4())},
    )

    assert response.status_code == 400
    assert "day" in response.context["form"].errors
