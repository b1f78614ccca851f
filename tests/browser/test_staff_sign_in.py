"""A ward police officer meets the second factor, the lock and the idle timeout
in Chromium on a phone-sized screen, in Vietnamese."""

import base64
import datetime

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import TOTP

from tests.accounts.signing_in import code_on, phone_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_password(page, username, password=None):
    page.fill("#id_username", username)
    page.fill("#id_password", password or "pw")
    page.press("#id_password", "Enter")


def test_a_police_officer_signs_in_with_the_code_from_their_phone(
    phone_page, police_a, watch_problems
):
    page = phone_page
    problems = watch_problems(page)
    phone = phone_of(police_a)

    with time_machine.travel(timezone.now(), tick=True) as clock:
        page.goto("/dashboard/")
        page.wait_for_url("**/accounts/login/?next=/dashboard/")
        type_password(page, "police_a")
        page.wait_for_url("**/accounts/login/code/")
        assert page.get_by_role("heading", name="Bước đăng nhập thứ hai").is_visible()
        page.get_by_label("Mã").fill("000000" if code_on(phone) != "000000" else "111111")
        page.get_by_role("button", name="Đăng nhập").click()
        assert "Mã không đúng" in page.locator("#token-error").inner_text()
        # django-otp refuses any code for a second after a wrong one; a person is slower.
        clock.shift(2)
        page.get_by_label("Mã").fill(code_on(phone))
        page.keyboard.press("Enter")

        page.wait_for_url("**/dashboard/")
        page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert problems == []


def test_a_new_police_officer_enrols_their_phone_and_keeps_recovery_codes(
    phone_page, police_a, watch_problems
):
    page = phone_page
    problems = watch_problems(page)

    page.goto("/accounts/login/?next=/dashboard/")
    type_password(page, "police_a")
    page.wait_for_url("**/accounts/login/authenticator/")
    qr = page.get_by_role("img", name="Mã QR cho ứng dụng xác thực")
    assert qr.is_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0
    # What an authenticator app does with the key typed in by hand.
    key = page.locator("#otp-secret").inner_text().replace(" ", "")
    app = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    page.get_by_label("Mã").fill(f"{app.token():06d}")
    page.get_by_role("button", name="Xác nhận").click()

    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="Tôi đã ghi lại").click()
    page.wait_for_url("**/dashboard/")
    page.wait_for_load_state("networkidle")
    assert problems == []


def test_a_police_officer_who_mistypes_is_paused_then_signs_in_after_the_cool_off(
    phone_page, police_a
):
    page = phone_page
    phone = phone_of(police_a)
    start = timezone.now()
    with time_machine.travel(start, tick=True):
        page.goto("/accounts/login/")
        for _attempt in range(5):
            type_password(page, "police_a", "sai-mat-khau")
            page.wait_for_load_state()
        message = page.locator("#lock-message").inner_text()
        assert "thử lại sau 5 phút" in message
        # The right password waits too.
        page.goto("/accounts/login/")
        type_password(page, "police_a")
        assert "thử lại sau" in page.locator("#lock-message").inner_text()

    with time_machine.travel(start + datetime.timedelta(minutes=5, seconds=5), tick=True):
        page.goto("/accounts/login/?next=/dashboard/")
        type_password(page, "police_a")
        page.wait_for_url("**/accounts/login/code/")
        page.get_by_label("Mã").fill(code_on(phone))
        page.keyboard.press("Enter")
        page.wait_for_url("**/dashboard/")
        page.wait_for_load_state("networkidle")


def test_a_police_officer_away_for_half_an_hour_is_signed_out(phone_page, police_a, sign_in):
    page = phone_page
    start = timezone.now()
    with time_machine.travel(start, tick=True):
        sign_in(page, "police_a")
        page.wait_for_load_state("networkidle")
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=True):
        page.reload()
        page.wait_for_url("**/accounts/login/?next=/dashboard/")
        assert "đăng xuất sau 30 phút không hoạt động" in page.locator("main").inner_text()
