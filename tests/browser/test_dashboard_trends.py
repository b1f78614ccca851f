"""The dashboard's trends in Debian's Chromium, on a phone: every chart is drawn from
its JSON under the strict CSP, and its table view holds the same rows and opens from
the keyboard.

Selectors use ids and classes, not words: the page is in Vietnamese here.
"""

import pytest
from playwright.sync_api import expect

from dashboard.trends import CHARTS
from tests.dashboard.trends_data import (
    PERIOD,
    dissolve,
    file_incidents,
    mediation_group,
    open_cases,
    second_unit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hand_built(ward_a, ward_b, unit_a1, unit_b1, group_x, group_y, theft, fight):
    file_incidents(
        ward_a=ward_a,
        ward_b=ward_b,
        unit_a1=unit_a1,
        unit_a2=second_unit(ward_a),
        unit_b1=unit_b1,
        group_x=group_x,
        theft=theft,
        fight=fight,
    )
    dissolve(group_y)
    open_cases(
        group_m=mediation_group("Tổ hòa giải TDP 1", ward_a, unit_a1),
        group_n=mediation_group("Tổ hòa giải Đồng Mỏ", ward_b, unit_b1),
    )


def test_the_trends_are_drawn_and_tabled_on_a_phone(
    phone_page, police_a, hand_built, sign_in, watch_problems
):
    page = phone_page
    problems = watch_problems(page)
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())

    sign_in(page, "police_a")
    page.goto("/dashboard/?start={start}&end={end}".format(**PERIOD))
    # The trends fold on the dashboard; opened, their charts are drawn to its width.
    page.locator("#trends-section > summary").click()

    for key in CHARTS:
        figure = page.locator(f"#trend-{key}")
        expect(figure.locator(".trend-chart")).to_be_visible()
        expect(figure.locator(".trend-status")).to_be_hidden()
        drawn = page.evaluate(
            "key => Boolean(Chart.getChart(document.querySelector(`#trend-${key} canvas`)))", key
        )
        assert drawn, key
        box = figure.locator("canvas").bounding_box()
        assert 0 < box["width"] <= 360 and box["height"] > 0, key

    # The table view, opened from the keyboard, holds the JSON's rows.
    summary = page.locator("#trend-year_on_year summary")
    summary.focus()
    page.keyboard.press("Enter")
    rows = page.locator("#trend-year_on_year tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first.locator("td")).to_have_text(["10", "8", "-20"])
    # A change with nothing to compare with says so rather than showing an empty cell.
    page.locator("#trend-year_on_year_by_unit summary").click()
    expect(
        page.locator("#trend-year_on_year_by_unit tbody tr").last.locator("td").last
    ).not_to_be_empty()

    # Nothing wider than the phone but the tables' own scrolling boxes.
    assert page.evaluate("document.querySelector('#trends').scrollWidth") <= 360
    assert problems == []
