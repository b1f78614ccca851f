"""Our error pages on a 360 px phone screen, in Vietnamese, by keyboard."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_404_page_fits_a_phone_and_leads_home_by_keyboard(phone_page, live_server):
    response = phone_page.goto("/khong-co-trang-nay/")

    assert response.status == 404
    assert phone_page.locator("h1").inner_text() == "Trang này không tồn tại"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    home = phone_page.get_by_role("button", name="Về trang chủ")
    home.focus()
    phone_page.keyboard.press("Enter")
    phone_page.wait_for_url(f"{live_server.url}/")
