"""Debian's Chromium driven by Playwright; never a browser Playwright downloads.

Without /usr/bin/chromium the browser tests are skipped with a hint, except
where TUQUAN_REQUIRE_BROWSER is set (CI), where a missing browser fails.
"""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
INSTALL_HINT = "install Debian's browser: sudo apt-get install chromium chromium-driver"
# Chromium's background services try to reach Google; this machine has no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("TUQUAN_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required here but missing: {INSTALL_HINT}")
        pytest.skip(f"Chromium not found; {INSTALL_HINT}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread for the
    # whole session; the ORM calls of tests and fixtures stay synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def phone_page(browser, live_server):
    """A page on a 360 px wide phone screen, pointed at the live server."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url, locale="vi-VN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="vi-VN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def sign_in():
    """Signs a user (password "pw", as tests/conftest.py makes them) in through the
    login form, with the code of their phone where a second factor is asked (police
    and administrators get a phone if they have none), and waits to land on ``next_url``."""
    from groups import second_factor
    from groups.models import User
    from tests.accounts.signing_in import code_on, phone_of

    def sign_in(page, username: str, *, next_url: str = "/dashboard/", password=None) -> None:
        user = User.objects.get(username=username)
        phone = phone_of(user) if second_factor.is_asked(user) else None
        page.goto(f"/accounts/login/?next={next_url}")
        page.fill("#id_username", username)
        page.fill("#id_password", password or "pw")
        page.press("#id_password", "Enter")
        if phone is not None:
            page.wait_for_url("**/accounts/login/code/")
            page.fill("#id_token", code_on(phone))
            page.press("#id_token", "Enter")
        page.wait_for_url(f"**{next_url}")

    return sign_in


@pytest.fixture
def watch_problems():
    """Starts collecting a page's CSP violations and uncaught script errors; the
    returned list should still be empty at the end of the test."""

    def watch(page) -> list[str]:
        problems = []
        page.on(
            "console",
            lambda message: (
                problems.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        return problems

    return watch
