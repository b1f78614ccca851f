"""Dates and numbers in the patrol pages' addresses: out of range or not ASCII
decimal, they fall back to the default or are refused, never a server error."""

import pytest

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
