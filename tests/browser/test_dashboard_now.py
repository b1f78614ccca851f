"""The dashboard's "Now" panel in Debian's Chromium on a 360 px phone: the cards
stack, polling refreshes the panel without taking the keyboard focus away, and
Acknowledge swaps the panel in place.

Selectors use ids and classes, not words: the page is in Vietnamese here.
"""

import re

import pytest
from playwright.sync_api import expect

from reports.models import Escalation, Status
from tests.dashboard.now_fixtures import escalate, make_report, patrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ward_a_now(ward_a, theft, group_x):
    waiting = escalate(make_report(category=theft, ward=ward_a, due_in_hours=-1))
    urgent = make_report(category=theft, ward=ward_a, status=Status.IN_PROGRESS, due_in_hours=2)
    patrol(group_x)
    return waiting, urgent


def test_the_now_panel_on_a_phone(phone_page, police_a, ward_a_now, sign_in, watch_problems):
    waiting, urgent = ward_a_now
    page = phone_page
    problems = watch_problems(page)
    page.clock.install()
    sign_in(page, "police_a")

    # Stacked: the four lists (waiting, due soonest, overdue, patrols) sit one above
    # the other, inside the screen.
    lists = page.locator("#now .now-lists > article")
    expect(lists).to_have_count(4)
    boxes = [lists.nth(index).bounding_box() for index in range(4)]
    assert len({round(box["x"]) for box in boxes}) == 1
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"] < boxes[3]["y"]
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 360 for box in boxes)
    counts = page.locator("#now .now-count")
    assert all(counts.nth(i).bounding_box()["x"] + 1 >= 0 for i in range(4))
    assert page.evaluate("document.getElementById('now').scrollWidth") <= 360

    # Polling replaces the panel and leaves the focus where the keyboard put it.
    link = page.locator(f"#urgent-report-{urgent.pk}")
    link.focus()
    page.evaluate("document.getElementById('now').dataset.before = 'poll'")
    with page.expect_response(re.compile(r"/dashboard/now/$")):
        page.clock.fast_forward("00:31")
    page.clock.run_for(500)
    expect(page.locator("#now[data-before]")).to_have_count(0)
    assert page.evaluate("document.activeElement.id") == f"urgent-report-{urgent.pk}"

    # Acknowledge swaps in the panel with its message; the page stays where it is.
    page.click(f"#acknowledge-{waiting.pk}")  # opens the confirmation step
    # An open confirmation holds the refresh back: it would close under the finger.
    page.evaluate("document.getElementById('now').dataset.before = 'confirm'")
    page.clock.fast_forward("00:31")
    page.clock.run_for(500)
    expect(
        page.locator("#now[data-before='confirm'] details.acknowledge-step[open]")
    ).to_have_count(1)
    with page.expect_response(re.compile(rf"/dashboard/escalations/{waiting.pk}/acknowledge/")):
        page.click(f"#confirm-acknowledge-{waiting.pk}")
    page.clock.run_for(500)
    expect(page.locator("#now .message-success")).to_have_count(1)
    expect(page.locator(f"#acknowledge-{waiting.pk}")).to_have_count(0)
    assert page.url.endswith("/dashboard/")
    waiting.refresh_from_db()
    assert waiting.acknowledged_by == police_a
    assert Escalation.objects.filter(acknowledged_at__isnull=True).count() == 0
    assert problems == []
