"""The dashboard map: its points JSON (content, privacy, scope, filters, cap, query
count), the page's map panel, and the tile server's place in the CSP."""

import datetime
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.env import csp_source
from dashboard import map as dashboard_map
from patrols.models import Hotspot, HotspotKind, RiskLevel
from reports.models import Report, Status
from tests.dashboard.map_data import (
    ADDRESS,
    DESCRIPTION,
    REPORTER_NAME,
    REPORTER_PHONE,
    file_located_report,
)

POINTS_URL = reverse("dashboard:map_points")
REPORT_PROPERTIES = {
    "id",
    "status",
    "status_label",
    "category",
    "category_name",
    "severity",
    "severity_label",
    "created_at",
    "url",
    "tip",
}
HOTSPOT_PROPERTIES = {
    "id",
    "name",
    "kind",
    "kind_label",
    "risk",
    "risk_label",
    "last_checked_at",
    "url",
}


@pytest.fixture
def report_at():
    """Files a located report (as the public form would); returns the Report."""
    return file_located_report


def _points(client, user, **query):
    client.force_login(user)
    response = client.get(POINTS_URL, query)
    assert response.status_code == 200, response.content
    return response.json()


def _report_ids(points) -> set[int]:
    return {feature["properties"]["id"] for feature in points["reports"]["features"]}


def _hotspot_names(points) -> set[str]:
    return {feature["properties"]["name"] for feature in points["hotspots"]["features"]}


# Contents ----------------------------------------------------------------------------


def test_points_carry_status_category_and_place_and_nothing_about_the_reporter(
    client, police_a, ward_a, theft, fight, report_at
):
    stolen = report_at(category=theft, ward=ward_a, latitude="20.951234", longitude="107.081234")
    brawl = report_at(category=fight, ward=ward_a)
    Report.objects.filter(pk=brawl.pk).update(status=Status.RESOLVED)

    client.force_login(police_a)
    response_text = client.get(POINTS_URL).content.decode("utf-8")
    points = json.loads(response_text)

    features = {feature["properties"]["id"]: feature for feature in points["reports"]["features"]}
    assert set(features) == {stolen.pk, brawl.pk}
    for feature in features.values():
        assert set(feature) == {"type", "geometry", "properties"}
        assert set(feature["properties"]) == REPORT_PROPERTIES
    assert features[stolen.pk]["geometry"] == {
        "type": "Point",
        "coordinates": [107.081234, 20.951234],
    }
    stolen_properties = features[stolen.pk]["properties"]
    assert stolen_properties["status"] == "new"
    assert stolen_properties["category"] == theft.pk
    assert stolen_properties["category_name"] == theft.name_en  # the tests run in English
    assert stolen_properties["severity"] == theft.severity
    assert stolen_properties["url"] == reverse("reports:detail", args=[stolen.pk])
    assert stolen_properties["tip"] is False
    assert features[brawl.pk]["properties"]["status"] == "resolved"
    assert features[brawl.pk]["properties"]["status_label"] == "Resolved"
    # Nothing the reporter wrote or is known by, anywhere in the response.
    for secret in (DESCRIPTION, REPORTER_NAME, REPORTER_PHONE, ADDRESS):
        assert secret not in response_text
    assert points["reports"]["truncated"] is False
    assert ["new", "New"] in points["reports"]["statuses"]


def test_anonymous_and_police_only_reports_are_marked_as_tips(
    client, police_a, ward_a, theft, about_the_group, report_at
):
    tip = report_at(category=theft, ward=ward_a, anonymous=True)
    about_group = report_at(category=about_the_group, ward=ward_a)
    named = report_at(category=theft, ward=ward_a)
    assert about_group.police_only

    points = _points(client, police_a)

    tips = {f["properties"]["id"]: f["properties"]["tip"] for f in points["reports"]["features"]}
    assert tips == {tip.pk: True, about_group.pk: True, named.pk: False}


def test_reports_without_a_location_are_left_off(client, police_a, ward_a, theft, report_at):
    located = report_at(category=theft, ward=ward_a)
    report_at(category=theft, ward=ward_a, latitude=None, longitude=None)

    assert _report_ids(_points(client, police_a)) == {located.pk}


def test_hotspots_are_the_active_located_ones(client, police_a, ward_a, unit_a1):
    Hotspot.objects.create(
        ward=ward_a,
        unit=unit_a1,
        name="Quán karaoke đầu ngõ 5",
        kind=HotspotKind.DRUGS,
        risk=RiskLevel.HIGH,
        latitude=Decimal("20.950000"),
        longitude=Decimal("107.079000"),
        notes="Người cung cấp tin: anh Tuấn",
    )
    Hotspot.objects.create(
        ward=ward_a,
        name="Bãi đất trống cũ",
        kind=HotspotKind.GAMBLING,
        active=False,
        latitude=Decimal("20.952000"),
        longitude=Decimal("107.078000"),
    )
    Hotspot.objects.create(ward=ward_a, name="Không có tọa độ", kind=HotspotKind.OTHER)

    client.force_login(police_a)
    response_text = client.get(POINTS_URL).content.decode("utf-8")
    points = json.loads(response_text)

    [feature] = points["hotspots"]["features"]
    assert set(feature["properties"]) == HOTSPOT_PROPERTIES
    assert feature["properties"]["name"] == "Quán karaoke đầu ngõ 5"
    assert feature["properties"]["risk"] == RiskLevel.HIGH
    assert feature["geometry"]["coordinates"] == [107.079, 20.95]
    assert "anh Tuấn" not in response_text


# Who may see what ----------------------------------------------------------------------


def test_ward_police_never_get_another_wards_reports_or_hotspots(
    client, police_a, ward_a, ward_b, theft, report_at
):
    ours = report_at(category=theft, ward=ward_a)
    theirs = report_at(category=theft, ward=ward_b)
    Hotspot.objects.create(
        ward=ward_a, name="A", kind=HotspotKind.DRUGS, latitude=20.9, longitude=107.0
    )
    Hotspot.objects.create(
        ward=ward_b, name="B", kind=HotspotKind.DRUGS, latitude=21.0, longitude=107.2
    )

    points = _points(client, police_a)
    assert _report_ids(points) == {ours.pk}
    assert _hotspot_names(points) == {"A"}
    # Asking for ward B by name is refused, not quietly answered.
    response = client.get(POINTS_URL, {"ward": ward_b.pk})
    assert response.status_code == 400
    assert "ward" in response.json()["errors"]
    assert theirs.pk not in _report_ids(points)


def test_province_admin_sees_every_ward_and_may_narrow_to_one(
    client, province_admin, ward_a, ward_b, theft, report_at
):
    in_a = report_at(category=theft, ward=ward_a)
    in_b = report_at(category=theft, ward=ward_b)
    Hotspot.objects.create(
        ward=ward_b, name="B", kind=HotspotKind.DRUGS, latitude=21.0, longitude=107.2
    )

    assert _report_ids(_points(client, province_admin)) == {in_a.pk, in_b.pk}
    only_a = _points(client, province_admin, ward=ward_a.pk)
    assert _report_ids(only_a) == {in_a.pk}
    assert _hotspot_names(only_a) == set()


@pytest.mark.parametrize("who", ["leader_x", "member_x"])
def test_group_people_get_a_json_403(client, request, who, ward_a, theft, report_at):
    report_at(category=theft, ward=ward_a)
    client.force_login(request.getfixturevalue(who))

    response = client.get(POINTS_URL)

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "features" not in response.content.decode()


def test_signed_out_visitors_get_a_json_403(client, ward_a, theft, report_at):
    report_at(category=theft, ward=ward_a)
    response = client.get(POINTS_URL)
    assert response.status_code == 403
    assert response.json()["error"]


# Filters ----------------------------------------------------------------------------------


def test_the_category_filter_applies(client, police_a, ward_a, theft, fight, report_at):
    stolen = report_at(category=theft, ward=ward_a)
    report_at(category=fight, ward=ward_a)

    assert _report_ids(_points(client, police_a, category=theft.pk)) == {stolen.pk}


def test_the_period_filter_applies_and_defaults_to_the_last_twelve_months(
    client, police_a, ward_a, theft, report_at
):
    recent = report_at(category=theft, ward=ward_a)
    older = report_at(category=theft, ward=ward_a)
    long_ago = timezone.now() - datetime.timedelta(days=400)
    # Received and happened then: a report never happens after it is received.
    Report.objects.filter(pk=older.pk).update(created_at=long_ago, occurred_at=long_ago)
    older_day = timezone.localdate() - datetime.timedelta(days=400)

    assert _report_ids(_points(client, police_a)) == {recent.pk}
    around_older = {
        "start": (older_day - datetime.timedelta(days=1)).isoformat(),
        "end": (older_day + datetime.timedelta(days=1)).isoformat(),
    }
    assert _report_ids(_points(client, police_a, **around_older)) == {older.pk}


def test_a_unit_shows_its_own_hotspots_and_the_wards_wide_ones(client, police_a, ward_a, unit_a1):
    from groups.models import Area, AreaKind

    unit_a2 = Area.objects.add_child(
        ward_a, {"name": "Tổ dân phố 2", "kind": AreaKind.RESIDENTIAL_GROUP}
    )
    place = {"kind": HotspotKind.DRUGS, "latitude": 20.9, "longitude": 107.0}
    Hotspot.objects.create(ward=ward_a, unit=unit_a1, name="in unit 1", **place)
    Hotspot.objects.create(ward=ward_a, unit=unit_a2, name="in unit 2", **place)
    Hotspot.objects.create(ward=ward_a, name="ward-wide", **place)

    assert _hotspot_names(_points(client, police_a, unit=unit_a1.pk)) == {
        "in unit 1",
        "ward-wide",
    }


def test_the_points_are_capped_at_the_most_recent_and_say_so(ward_a, theft, report_at):
    reports = [report_at(category=theft, ward=ward_a) for _ in range(4)]
    newest_first = sorted(reports, key=lambda report: (report.created_at, report.pk), reverse=True)

    capped = dashboard_map.report_points(Report.objects.all(), limit=3)
    exact = dashboard_map.report_points(Report.objects.all(), limit=4)

    assert [f["properties"]["id"] for f in capped["features"]] == [
        report.pk for report in newest_first[:3]
    ]
    assert capped["truncated"] is True
    assert len(exact["features"]) == 4
    assert exact["truncated"] is False


# Queries -----------------------------------------------------------------------------------


def _map_queries(client, user, **query) -> tuple[int, dict]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(POINTS_URL, query)
    assert response.status_code == 200
    return len(queries), response.json()


# Session, user, the second factor the session passed (django-otp checks it still
# exists: a reset ends the session at once), the ward and category choices, the
# reports, the hotspots; and for the police their own ward, which scopes the
# residential unit choices.
@pytest.mark.parametrize(("user_name", "expected"), [("police_a", 8), ("province_admin", 7)])
def test_the_points_take_the_same_few_queries_for_2_or_40_reports(
    client, request, user_name, expected, ward_a, unit_a1, theft, fight, report_at
):
    user = request.getfixturevalue(user_name)
    filters = {"ward": ward_a.pk, "category": theft.pk}
    for index in range(2):
        report_at(category=theft if index % 2 else fight, ward=ward_a)
        Hotspot.objects.create(
            ward=ward_a, unit=unit_a1, name=f"H{index}", kind="drugs", latitude=20, longitude=107
        )
    small, points = _map_queries(client, user, **filters)
    assert (len(points["reports"]["features"]), len(points["hotspots"]["features"])) == (1, 2)
    for index in range(38):
        report_at(category=theft if index % 2 else fight, ward=ward_a)
        Hotspot.objects.create(
            ward=ward_a, name=f"W{index}", kind="gambling", latitude=20, longitude=107
        )
    assert Report.objects.count() == 40

    larger, points = _map_queries(client, user, **filters)
    assert (len(points["reports"]["features"]), len(points["hotspots"]["features"])) == (20, 40)

    assert small == larger == expected


# Page and CSP ---------------------------------------------------------------------------------


def test_the_page_has_the_map_with_its_points_url_and_tile_server(client, police_a, theft):
    client.force_login(police_a)
    response = client.get(reverse("dashboard:page"), {"category": theft.pk})

    page = response.content.decode()
    assert f'data-points-url="{POINTS_URL}?category={theft.pk}"' in page
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in page
    assert "js/dashboard-map.js" in page
    assert "<script>" not in page
    assert "https://tile.openstreetmap.org" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.vn/{z}/{x}/{y}.png", "https://*.tile.example.vn"),
        ("http://tiles.internal:8080/osm/{z}/{x}/{y}.png", "http://tiles.internal:8080"),
        ("https://Tiles.Example.VN/{z}/{x}/{y}.png?key=abc", "https://tiles.example.vn"),
    ],
)
def test_the_csp_source_is_the_tile_servers_origin(tile_url, source):
    assert csp_source(tile_url) == source


def _settings_in_a_fresh_process(**environment) -> subprocess.CompletedProcess:
    # Settings are read once per process; the CSP is derived while they are read.
    code = (
        "import json, django; from django.conf import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_another_tile_server_changes_the_csp_with_it():
    result = _settings_in_a_fresh_process(
        MAP_TILE_URL="https://{s}.maps.example.vn/{z}/{x}/{y}.png"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["'self'", "data:", "https://*.maps.example.vn"]


def test_a_malformed_tile_url_stops_the_start_naming_it():
    result = _settings_in_a_fresh_process(MAP_TILE_URL="tile.example.vn/{z}/{x}/{y}.png")
    assert result.returncode != 0
    assert "ImproperlyConfigured: MAP_TILE_URL must be an http:// or https:// URL" in result.stderr
