"""The tip-box poster tells how to write in by SMS or Zalo, with its place's code, where
the deployment takes messages; still one A4 page with a readable QR code."""

import io

import pytest
import zxingcpp
from django.urls import reverse
from pypdf import PdfReader

from groups.posters import absolute_report_url

pytestmark = pytest.mark.django_db


def _pages(response):
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.content)).pages


def test_the_poster_prints_the_number_the_keyword_and_the_places_code(
    client, settings, group_x, leader_x, unit_a1
):
    settings.SMS_INBOUND_SECRET = "s"
    settings.SMS_INBOUND_NUMBER = "8079"
    settings.SMS_INBOUND_KEYWORD = "TQ"
    settings.ZALO_OA_SECRET_KEY = "z"
    settings.ZALO_OA_NAME = "Công an Quảng Ninh"
    client.force_login(leader_x)

    (page,) = _pages(client.get(reverse("directory:group_poster", args=[group_x.pk])))

    unit_a1.refresh_from_db()
    code = unit_a1.short_code
    assert code
    text = " ".join(page.extract_text().split())
    assert "8079" in text and "Công an Quảng Ninh" in text
    assert f"TQ {code}" in text
    assert "TOGIAC" in text
    qr = [r.text for image in page.images for r in zxingcpp.read_barcodes(image.image)]
    assert qr == [absolute_report_url(unit_a1.pk)]


def test_without_messages_the_poster_gives_no_code(client, settings, group_x, leader_x, unit_a1):
    settings.SMS_INBOUND_SECRET = ""
    settings.ZALO_OA_SECRET_KEY = ""
    client.force_login(leader_x)

    (page,) = _pages(client.get(reverse("directory:group_poster", args=[group_x.pk])))

    unit_a1.refresh_from_db()
    assert unit_a1.short_code is None
    assert "TOGIAC" not in page.extract_text()


def test_a_wards_posters_each_carry_their_own_code(client, settings, ward_a, group_x, police_a):
    settings.SMS_INBOUND_SECRET = "s"
    settings.SMS_INBOUND_NUMBER = "8079"
    client.force_login(police_a)

    pages = _pages(client.get(reverse("directory:ward_posters", args=[ward_a.pk])))

    ward_a.refresh_from_db()
    group_x.unit.refresh_from_db()
    assert len(pages) == 2
    assert ward_a.short_code in pages[0].extract_text()
    assert group_x.unit.short_code in pages[1].extract_text()
