"""The report form opened from the directory or a poster's QR code, with the place
chosen by ``?place=``; anything else in that parameter is ignored."""

import re

import pytest
from django.urls import reverse

from groups.place_links import parse_area_id

pytestmark = pytest.mark.django_db


def _selected(page: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select, name
    chosen = re.search(r'<option value="(\d*)"[^>]*selected', select.group(0))
    return chosen.group(1) if chosen else None


def test_a_unit_chooses_its_ward_and_itself(client, ward_a, unit_a1, ward_b, unit_b1):
    response = client.get(reverse("public:new"), {"place": str(unit_a1.pk)})

    assert response.status_code == 200
    page = response.content.decode()
    assert _selected(page, "ward") == str(ward_a.pk)
    assert _selected(page, "unit") == str(unit_a1.pk)
    assert unit_b1.name not in page  # the unit list is narrowed to the ward


def test_a_ward_chooses_the_ward_only(client, ward_a, unit_a1):
    page = client.get(reverse("public:new"), {"place": str(ward_a.pk)}).content.decode()

    assert _selected(page, "ward") == str(ward_a.pk)
    assert _selected(page, "unit") in (None, "")


@pytest.mark.parametrize(
    "raw",
    ["", "abc", "²", "١٢", "-1", "0", "+5", " 5", "1e3", "5.0", "9" * 30, str(2**63), "0x10"],
)
def test_anything_but_a_known_place_is_ignored(client, ward_a, unit_a1, raw):
    response = client.get(reverse("public:new"), {"place": raw})

    assert response.status_code == 200
    assert _selected(response.content.decode(), "ward") in (None, "")


def test_a_province_or_a_missing_area_is_ignored(client, province, ward_a):
    for raw in (str(province.pk), str(ward_a.pk + 1000)):
        page = client.get(reverse("public:new"), {"place": raw}).content.decode()
        assert _selected(page, "ward") in (None, "")


def test_the_parser_reads_ascii_decimals_in_the_bigint_range():
    assert parse_area_id("42") == 42
    assert parse_area_id(str(2**63 - 1)) == 2**63 - 1
    assert parse_area_id(str(2**63)) is None
    assert parse_area_id("²") is None
    assert parse_area_id("٤٢") is None
    assert parse_area_id(None) is None
