"""Issue 15, item 5 in Chromium on a 360 px phone: tap targets measured, moves on a
report spaced apart and confirmed (with and without JavaScript), the time left
shown, the dashboard's "Now" showing a new urgent report whatever lies overdue, and
no page scrolling sideways.

Selectors use ids and classes, not words, except where the words are the point.
"""

import datetime
import itertools

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import Report, Status
from tests.dashboard.now_fixtures import make_report
from tests.reports.conftest import file_report  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 360
# What is meant to be tapped: the menus, buttons, folding summaries, the cards of
# lists, downloads and the moves on a report. Links inside running text are exempt
# (WCAG 2.5.8).
TAPPABLE = ", ".join(
    [
        "header nav a",
        "header nav button",
        "main button",
        "main [role=button]",
        "main summary",
        "main ul.cards a",
        "main .downloads a",
        "main a.tap",
        "footer nav a",
    ]
)
MEASURE = """selector => [...document.querySelectorAll(selector)]
  .filter(element => element.offsetParent !== null && !element.closest('.leaflet-container'))
  .map(element => {
    const box = element.getBoundingClientRect();
    return {what: element.outerHTML.slice(0, 90), width: box.width, height: box.height};
  })"""


@pytest.fixture
def due_soon(file_report, theft, ward_a, unit_a1, group_x, leader_x):  # noqa: F811
    report = file_report(
        category=theft,
        ward=ward_a,
        unit=unit_a1,
        description="Có người lạ cạy khóa xe máy ở bãi xe chợ, vẫn đang ở đó.",
    ).report
    Report.objects.filter(pk=report.pk).update(
        due_at=timezone.now() + datetime.timedelta(minutes=15)
    )
    return report


def _too_small(page) -> list[dict]:
    return [
        target
        for target in page.evaluate(MEASURE, TAPPABLE)
        if target["width"] < 43.5 or target["height"] < 43.5
    ]


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


def test_everything_meant_to_be_tapped_is_44_px_on_a_phone(phone_page, due_soon, police_a, sign_in):
    page = phone_page
    page.goto("/")
    assert not _too_small(page), _too_small(page)
    _no_sideways_scroll(page)

    sign_in(page, "leader_x", next_url="/reports/")
    for path in ["/reports/", f"/reports/{due_soon.pk}/", "/groups/", "/patrols/"]:
        page.goto(path)
        assert not _too_small(page), (path, _too_small(page))
        _no_sideways_scroll(page)

    page.context.clear_cookies()
    sign_in(page, "police_a")
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page.goto("/dashboard/")
    for section in ("#trends-section", "#exports-section"):
        page.locator(f"{section} > summary").click()
    assert not _too_small(page), _too_small(page)
    _no_sideways_scroll(page)


def test_moves_stand_apart_and_are_confirmed_before_they_happen(
    phone_page, due_soon, sign_in, watch_problems
):
    page = phone_page
    problems = watch_problems(page)
    sign_in(page, "leader_x", next_url=f"/reports/{due_soon.pk}/")

    moves = page.locator(".actions-irreversible > *")
    assert moves.count() >= 2
    boxes = [moves.nth(index).bounding_box() for index in range(moves.count())]
    for above, below in itertools.pairwise(boxes):
        assert below["y"] - (above["y"] + above["height"]) >= 16
    note = page.locator("#handling details:has(input[name=kind])")
    last_move = boxes[-1]
    assert note.first.bounding_box()["y"] - (last_move["y"] + last_move["height"]) >= 16

    page.locator(".actions-irreversible form:has(input[value=acknowledged]) button").click()
    confirm = page.locator("#confirm-step")
    expect(confirm).to_be_visible()
    expect(confirm.locator("h3")).to_contain_text("Xác nhận")
    due_soon.refresh_from_db()
    assert due_soon.status == Status.NEW
    yes, back = page.locator("#confirm-action"), page.locator("#cancel-action")
    for button in (yes, back):
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    yes_box, back_box = yes.bounding_box(), back.bounding_box()
    apart = max(
        back_box["x"] - (yes_box["x"] + yes_box["width"]),
        back_box["y"] - (yes_box["y"] + yes_box["height"]),
    )
    assert apart >= 16

    yes.click()
    expect(page.locator("#handling .message-success")).to_be_visible()
    due_soon.refresh_from_db()
    assert due_soon.status == Status.ACKNOWLEDGED
    assert problems == []


def test_without_javascript_a_move_is_confirmed_on_a_page_of_its_own(
    browser, live_server, due_soon, sign_in
):
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 740},
        base_url=live_server.url,
        locale="vi-VN",
        java_script_enabled=False,
    )
    page = context.new_page()
    sign_in(page, "leader_x", next_url=f"/reports/{due_soon.pk}/")

    page.locator(".actions-irreversible form:has(input[value=acknowledged]) button").click()
    expect(page.locator("#confirm-step")).to_be_visible()
    due_soon.refresh_from_db()
    assert due_soon.status == Status.NEW
    page.locator("#confirm-action").click()
    page.wait_for_url(f"**/reports/{due_soon.pk}/")
    due_soon.refresh_from_db()
    assert due_soon.status == Status.ACKNOWLEDGED
    context.close()


def test_the_time_left_shows_in_the_inbox_and_on_the_report(phone_page, due_soon, sign_in):
    page = phone_page
    sign_in(page, "leader_x", next_url="/reports/")
    card = page.locator("#report-list li", has=page.locator(f"a[href='/reports/{due_soon.pk}/']"))
    expect(card.locator(".urgency-soon")).to_be_visible()
    expect(card.locator(".urgency-soon")).to_contain_text("Sắp đến hạn")
    expect(card.locator(".report-excerpt")).to_contain_text("Có người lạ cạy khóa")

    page.goto(f"/reports/{due_soon.pk}/")
    expect(page.locator("#handling .urgency-soon")).to_contain_text("15 phút")


def test_now_shows_a_new_urgent_report_above_old_overdue_ones(
    phone_page, police_a, ward_a, theft, sign_in
):
    for days in range(15):
        make_report(category=theft, ward=ward_a, due_in_hours=-24 * (700 + days))
    urgent = make_report(category=theft, ward=ward_a, due_in_hours=0.25, created_hours_ago=0)
    page = phone_page
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    sign_in(page, "police_a")

    first = page.locator("#due-soon li").first
    expect(first.locator(f"#urgent-report-{urgent.pk}")).to_be_visible()
    expect(first.locator(".urgency-soon")).to_be_visible()
    expect(page.locator("#overdue li")).to_have_count(10)
    # "Now" is the first thing after the filters, on the first screens of a phone.
    assert page.locator(f"#urgent-report-{urgent.pk}").bounding_box()["y"] < 3 * 740
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"dashboard on a 360 px phone: {height} px, {height / 740:.1f} screens")  # noqa: T201
    assert height <= 8 * 740
    _no_sideways_scroll(page)


def test_favicon_ico_answers_on_the_live_server(phone_page):
    response = phone_page.request.get("/favicon.ico")
    assert response.status == 200
    assert response.body()[:4] == b"\x00\x00\x01\x00"
