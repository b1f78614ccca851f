"""Issue 7's browser story with the demo data that `make run` loads: the demo
police officer signs in, sees a report the real sweep escalated, acknowledges it,
and the count drops without the page reloading; every chart is drawn and its
table view holds the rows of the JSON it was drawn from.

Selectors use ids and classes, not words: the page is in Vietnamese here.
"""

import datetime
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from dashboard.trends import CHARTS
from groups.models import PoliceContact, User
from reports.escalation import chain as escalation
from reports.models import Category, Escalation, Severity
from tests.dashboard.now_fixtures import make_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(seeded):
    call_command("seed_demo", "--force", stdout=StringIO())
    return User.objects.get(username="police")


@pytest.fixture
def escalated(demo):
    """A report of the officer's ward past its deadline, escalated by the sweep itself."""
    ward = demo.police_ward
    assert PoliceContact.objects.active().filter(area=ward).exists()
    report = make_report(
        category=Category.objects.filter(severity=Severity.HIGH).first(),
        ward=ward,
        due_in_hours=-1,
    )
    report.escalate_at = report.due_at
    report.save(update_fields=["escalate_at"])
    escalation.sweep(now=timezone.now())
    return Escalation.objects.get(report=report, level=1)


def _number(text: str) -> float:
    """A number as the page writes it in Vietnamese (1.234,5)."""
    return float(text.replace("\N{MINUS SIGN}", "-").replace(".", "").replace(",", "."))


def test_the_demo_officer_acknowledges_and_reads_the_trends(
    desktop_page, demo, escalated, sign_in, watch_problems
):
    page = desktop_page
    problems = watch_problems(page)
    page.route(re.compile(r"^https://tile\.openstreetmap\.org/"), lambda route: route.abort())

    sign_in(page, "police", password=settings.DEMO_PASSWORD)

    escalated_count = page.locator("#now .now-count").nth(3).locator(".now-figure")
    before = int(escalated_count.inner_text())
    assert before >= 1
    button = page.locator(f"#acknowledge-{escalated.pk}")
    expect(button).to_be_visible()

    page.evaluate("window.notReloaded = true")
    button.click()  # opens the confirmation step
    with page.expect_response(re.compile(rf"/dashboard/escalations/{escalated.pk}/acknowledge/")):
        page.click(f"#confirm-acknowledge-{escalated.pk}")
    expect(escalated_count).to_have_text(str(before - 1))
    expect(page.locator(f"#acknowledge-{escalated.pk}")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
    escalated.refresh_from_db()
    assert escalated.acknowledged_by == demo
    # Acknowledged: the next level never comes.
    escalation.sweep(now=timezone.now() + datetime.timedelta(days=2))
    assert not Escalation.objects.filter(report=escalated.report, level=2).exists()

    for key in CHARTS:
        figure = page.locator(f"#trend-{key}")
        expect(figure.locator(".trend-status")).to_be_hidden()
        expect(figure.locator("canvas")).to_have_count(1)
        url = figure.get_attribute("data-trend-url")
        data = page.request.get(url, headers={"Accept-Language": "vi"}).json()
        rows = figure.locator("tbody tr")
        expect(rows).to_have_count(len(data["rows"]))
        for index, row in enumerate(data["rows"][:5]):
            cells = rows.nth(index).locator("th, td").all_text_contents()
            assert len(cells) == len(row), key
            for cell, value in zip(cells, row, strict=True):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    assert _number(cell) == pytest.approx(value, abs=0.05), (key, row)
                elif isinstance(value, str):
                    assert cell == value, (key, row)
    assert problems == []
