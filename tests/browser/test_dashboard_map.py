"""The dashboard map in Debian's Chromium with the tile server unreachable: the
points are still drawn, the page says the background is missing, the markers
are reachable by keyboard and the same points are listed for screen readers.

Selectors use classes and addresses, not words: the page is in Vietnamese here.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from patrols.models import Hotspot, HotspotKind, RiskLevel
from reports.models import Report, Status
from tests.dashboard.map_data import file_located_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Far enough apart (a few kilometres) that the fitted view shows them unclustered.
PLACES = [("20.950000", "107.050000"), ("20.980000", "107.090000"), ("20.930000", "107.120000")]


@pytest.fixture
def ward_a_on_the_map(ward_a, theft, fight):
    """Three located reports of ward A (one a tip, one resolved) and a hotspot."""
    reports = [
        file_located_report(
            category=category,
            ward=ward_a,
            latitude=latitude,
            longitude=longitude,
            anonymous=anonymous,
        )
        for (latitude, longitude), category, anonymous in zip(
            PLACES, [theft, fight, theft], [False, False, True], strict=True
        )
    ]
    Report.objects.filter(pk=reports[1].pk).update(status=Status.RESOLVED)
    hotspot = Hotspot.objects.create(
        ward=ward_a,
        name="Bãi đất trống sau chợ",
        kind=HotspotKind.GAMBLING,
        risk=RiskLevel.HIGH,
        latitude=Decimal("20.960000"),
        longitude=Decimal("107.070000"),
    )
    return reports, hotspot


def test_the_map_shows_its_points_when_tiles_cannot_be_loaded(
    desktop_page, police_a, ward_a_on_the_map, sign_in, watch_problems
):
    reports, hotspot = ward_a_on_the_map
    page = desktop_page
    problems = watch_problems(page)
    tile_requests = []

    def refuse_tile(route):
        tile_requests.append(route.request.url)
        route.abort()

    page.route("https://tile.openstreetmap.org/**", refuse_tile)

    sign_in(page, "police_a")

    pins = page.locator("#dashboard-map .leaflet-marker-icon.map-pin")
    expect(pins).to_have_count(3)
    expect(page.locator("#dashboard-map .map-pin-closed")).to_have_count(1)
    expect(page.locator("#dashboard-map path.map-hotspot")).to_have_count(1)
    expect(page.locator("[data-map-notice='tiles']")).to_be_visible()
    expect(page.locator("[data-map-notice='loading']")).to_be_hidden()
    expect(page.locator("[data-map-notice='error']")).to_be_hidden()
    assert tile_requests, "the map never asked for a tile"

    # By keyboard: a marker takes focus and Enter opens its popup with the report's link.
    pins.first.focus()
    page.keyboard.press("Enter")
    popup_link = page.locator(".leaflet-popup-content a")
    expect(popup_link).to_have_count(1)
    assert popup_link.get_attribute("href") in {f"/reports/{report.pk}/" for report in reports}
    # Escape closes it and leaves the focus on the marker.
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    assert page.evaluate("document.activeElement.classList.contains('map-pin')")

    # The same points as a list, for screen readers and keyboards.
    page.click(".map-list summary")
    for report in reports:
        expect(page.locator(f".map-list a[href='/reports/{report.pk}/']")).to_have_count(1)
    expect(page.locator(f".map-list a[href='/patrols/hotspots/{hotspot.pk}/']")).to_have_count(1)
    expect(page.locator(".map-legend li")).to_have_count(len(Status) + 1)

    assert problems == []
