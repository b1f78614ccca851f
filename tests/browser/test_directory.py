"""A resident on a 360 px phone finds their ward in the public directory, sees who
runs the service and whom to call, and reports from a group's link with the place
already chosen."""

import re

import pytest

from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def generous_rate_limits(settings):
    # The live server sees every request from 127.0.0.1; rate limits have their own tests.
    settings.PUBLIC_RATE_LIMITS = {
        name: (1000, window) for name, (_limit, window) in settings.PUBLIC_RATE_LIMITS.items()
    }


@pytest.fixture
def quang_ninh(settings):
    settings.SERVICE_NAME = "Hòm thư tố giác an ninh trật tự Quảng Ninh"
    settings.SERVICE_AUTHORITY = "Công an tỉnh Quảng Ninh"
    settings.SERVICE_EMBLEM = "img/tuquan-logo.svg"
    settings.SERVICE_CONTACT = "Trực ban Công an tỉnh: 0203 3600 100"


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_resident_goes_from_the_directory_to_the_report_form_with_the_place_chosen(
    phone_page, quang_ninh, theft, ward_a, ward_b, unit_a1, group_x, generous_rate_limits
):
    ward_a.police_phone = "0203 3600 101"
    ward_a.save(update_fields=["police_phone"])
    page = phone_page

    page.goto("/")
    assert _fits(page)
    footer = page.locator("footer")
    assert "Công an tỉnh Quảng Ninh" in page.locator("header").inner_text()
    assert "Trực ban Công an tỉnh: 0203 3600 100" in footer.inner_text()
    footer.get_by_role("link", name="Tổ tự quản và liên hệ nơi bạn ở").click()
    page.wait_for_url("**/directory/")
    assert _fits(page)

    page.get_by_role("link", name="Phường Hạ Long").click()
    page.wait_for_url(f"**/directory/{ward_a.pk}/")
    assert page.locator("h1").inner_text() == "Phường Hạ Long"
    assert page.get_by_role("link", name="0203 3600 101").get_attribute("href") == (
        "tel:0203 3600 101"
    )
    assert page.get_by_role("link", name="113 · Công an").is_visible()
    assert _fits(page)

    # By keyboard: the group's report link, then Enter.
    link = page.locator(f'a[href="/report/new/?place={unit_a1.pk}"]')
    # A screen reader hears which group the link is for, not "Report here" alone.
    named = page.get_by_role("link", name=re.compile(f"^Báo tin vụ việc ở đây.*{group_x.name}$"))
    assert named.get_attribute("href") == f"/report/new/?place={unit_a1.pk}"
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/report/new/?place={unit_a1.pk}")
    assert page.locator("select[name=ward]").input_value() == str(ward_a.pk)
    assert page.locator("select[name=unit]").input_value() == str(unit_a1.pk)
    assert _fits(page)

    page.select_option("select[name=category]", str(theft.pk))
    page.fill("textarea[name=description]", "Có người lạ dòm ngó xe máy ở nhà văn hóa.")
    page.locator("input[name=anonymous]").check()
    page.locator("form.report-form button[type=submit]").click()
    page.wait_for_url("**/report/receipt/")

    report = Report.objects.get()
    assert (report.ward_id, report.unit_id) == (ward_a.pk, unit_a1.pk)
