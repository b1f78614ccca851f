"""Accessibility as a test (issue 15): every page each role of the demo reaches, at
360 px and at 1280 px, through axe-core; a critical or serious violation fails, and
so does a page that scrolls sideways on the phone.

The crawl follows the links each role is shown, from its landing page, keeping one
address per URL pattern (a second report's page teaches nothing the first did not),
so that it stays within a couple of minutes. Run it alone with
``pytest -m accessibility``. axe-core is vendored for the tests only
(tests/browser/vendor/, `make axe`).
"""

import json
import re
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import Resolver404, resolve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.accessibility,
    pytest.mark.long,
    pytest.mark.django_db(transaction=True),
]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
FAILING_IMPACTS = {"critical", "serious"}
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
MAX_PAGES = 90

# Not pages: downloads, feeds, files, the API, probes, and what signs out or
# switches the language (a link there would end the crawl's session).
SKIPPED = re.compile(
    r"^/(api/|static/|media/|metrics|healthz|i18n/|favicon)"
    r"|logout|/export|\.(csv|xlsx|pdf|ics|json|png|jpg)$|/photos/|/poster|/feed|/calendar\.|/summary/\d"
)


@pytest.fixture
def demo(seeded):
    """The demo that `make run` loads, with its logins."""
    call_command("seed_demo", "--force", stdout=StringIO())


def _pattern(path: str) -> str | None:
    """What makes a page new to the crawl: its URL pattern. The admin's lists share
    one template, so one list per app stands for them all; every model's form is
    its own (its widgets differ). Histories and deletions add nothing."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name or match.route
    if name.startswith("admin:"):
        if name.endswith(("_history", "_delete")):
            return None
        if name.endswith("_changelist"):
            return f"admin list of {match.app_name}:{path.split('/')[2]}"
    return name


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(link => link.href)"
    )
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIPPED.search(parts.path):
            found.append(path)
    return found


def _axe(page) -> list[dict]:
    """The page's critical and serious problems. Where a run finds some, a second one a
    second later must find them too: a page still settling (a panel htmx is swapping,
    a map drawing itself) can show a node for an instant (seen once: an unstyled
    `:root > div > span` on the dashboard), and that is not a problem of the page."""
    found = _axe_once(page)
    if found:
        page.wait_for_timeout(1000)
        again = {problem["rule"] for problem in _axe_once(page)}
        found = [problem for problem in found if problem["rule"] in again]
    return found


def _axe_once(page) -> list[dict]:
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "where": [node["target"] for node in violation["nodes"][:3]],
        }
        for violation in results["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def _context(browser, live_server, viewport):
    context = browser.new_context(
        viewport=viewport, base_url=live_server.url, locale="vi-VN", bypass_csp=True
    )
    # No outside network: the map's tiles and anything else off the machine.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())
    # axe-core in every page before the page's own scripts (CSP bypassed for it).
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _visit(page, path: str):
    response = page.goto(path, wait_until="load")
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return None
    # What htmx loads with the page (hx-trigger="load") is part of the page.
    page.wait_for_function("!document.querySelector('.htmx-request')")
    return response


def _crawl(page, base: str, start: list[str], checked: set) -> tuple[list[str], dict, list[str]]:
    """Pages reached from `start` on the phone: their problems, sideways scrollers and
    dead ends (a link the role is shown to a page it may not open).

    Every pattern the role reaches is opened (for its links, and to see that it
    opens); one an earlier role's crawl checked is not run through axe again, as it
    is the same template. Returns the pages checked, for the desktop pass."""
    queue, seen, to_check = list(start), set(), []
    problems, sideways = {}, []
    admin_only = start[0].startswith("/admin/")
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if admin_only and not path.startswith(("/admin/", "/dashboard/")):
            continue
        # A start page may be one no pattern serves (the 404 page).
        pattern = _pattern(urlsplit(path).path) or (path if path in start else None)
        if pattern is None or pattern in seen:
            continue
        seen.add(pattern)
        response = _visit(page, path)
        if response is None:
            continue
        if response.status >= 400 and path not in start:
            sideways.append(f"{path} answers {response.status}: a dead end")
        queue.extend(_links(page, base))
        if pattern in checked and path not in start:
            continue
        checked.add(pattern)
        to_check.append(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            sideways.append(f"{path} ({width} px)")
        if violations := _axe(page):
            problems[f"{path} @360"] = violations
    return to_check, problems, sideways


# Each role of the demo (demo/seed/groups.py) and where its crawl starts, besides
# where signing in lands it.
ROLES = [
    (None, ["/", "/accounts/login/", "/privacy/", "/accessibility/", "/nowhere-at-all/"]),
    ("member", ["/"]),
    ("leader", ["/"]),
    ("police", ["/", "/dashboard/"]),
    # The province administrator's portal pages are the police officer's; the
    # admin is theirs alone.
    ("admin", ["/admin/", "/dashboard/"]),
]


def _check_role(browser, live_server, sign_in, username, start, checked) -> tuple[list, dict, list]:
    base = live_server.url
    phone, page = _context(browser, live_server, PHONE)
    if username:
        sign_in(page, username, next_url="/", password=settings.DEMO_PASSWORD)
        start = [urlsplit(page.url).path, *start]
    visited, problems, sideways = _crawl(page, base, start, checked)
    desktop, wide = _context(browser, live_server, DESKTOP)
    desktop.add_cookies(phone.cookies())
    phone.close()
    for path in visited:
        if _visit(wide, path) is not None and (violations := _axe(wide)):
            problems[f"{path} @1280"] = violations
    desktop.close()
    return visited, problems, sideways


def test_every_page_each_role_reaches_passes_axe_and_fits_a_phone(
    browser, live_server, demo, sign_in, record_property
):
    # One test for every role: the demo is loaded once (it takes a while).
    failures, checked = {}, set()
    for username, start in ROLES:
        visited, problems, sideways = _check_role(
            browser, live_server, sign_in, username, start, checked
        )
        role = username or "anonymous"
        record_property(f"pages_{role}", len(visited))
        print(f"{role}: {len(visited)} pages", visited)  # noqa: T201 (shown with -s)
        assert visited, role
        if problems or sideways:
            failures[role] = {"axe": problems, "sideways at 360 px, dead ends": sideways}
    if failures:
        pytest.fail(json.dumps(failures, indent=1, ensure_ascii=False), pytrace=False)
