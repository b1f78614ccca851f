"""Issue 3's whole round trip in Debian's Chromium on a 360 px phone screen.

A resident reports with a photo and gets a receipt; the leader finds it in the
inbox, acknowledges, confirms and asks a question; the resident answers on the
tracking page; the leader resolves and confirms; the resident sees it resolved.
Selectors use names and values, not texts, so the test holds in Vietnamese and
English alike.
"""

import io

import pytest
from django.utils import translation
from PIL import Image

from reports.models import Report, ReportEvent, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "xe-may.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 40, 40)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def generous_rate_limits(settings):
    # The live server sees every request from 127.0.0.1; rate limits have their own tests.
    settings.PUBLIC_RATE_LIMITS = {
        name: (1000, window) for name, (_limit, window) in settings.PUBLIC_RATE_LIMITS.items()
    }


def test_resident_and_leader_go_round_a_report_on_a_phone(
    browser,
    live_server,
    theft,
    ward_a,
    unit_a1,
    group_x,
    leader_x,
    photo_file,
    generous_rate_limits,
    sign_in,
):
    resident = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url, locale="vi-VN"
    )
    page = resident.new_page()
    page.set_default_timeout(15_000)

    page.goto("/report/new/")
    page.select_option("select[name=category]", str(theft.pk))
    page.fill("textarea[name=description]", "Xe máy bị lấy trộm trước nhà văn hóa tổ 1.")
    # Choosing the ward narrows the units with htmx; pick the unit once they are back.
    with page.expect_response(lambda response: "/report/units/" in response.url):
        page.select_option("select[name=ward]", str(ward_a.pk))
    page.select_option("select[name=unit]", str(unit_a1.pk))
    assert page.input_value("select[name=unit]") == str(unit_a1.pk)
    page.set_input_files("input[name=photos]", str(photo_file))
    page.fill("input[name=name]", "Nguyễn Thị Hoa")
    page.fill("input[name=phone]", "0987654321")
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_url("**/report/receipt/")
    code = page.locator(".receipt-code code").first.inner_text().strip()
    assert len(code) == 19
    # Nothing on the phone's page runs wider than its screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    report = Report.objects.get()
    assert report.photos.count() == 1
    assert list(report.groups.all()) == [group_x]

    leader = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url, locale="vi-VN"
    )
    handler = leader.new_page()
    handler.set_default_timeout(15_000)
    sign_in(handler, "leader_x", next_url="/reports/")
    handler.click(f"a[href='/reports/{report.pk}/']")
    handler.wait_for_url(f"**/reports/{report.pk}/")
    assert "Nguyễn Thị Hoa" not in handler.content()
    assert "0987654321" not in handler.content()
    handler.click("form:has(input[name=to][value=acknowledged]) button[type=submit]")
    # A move cannot be taken back: it is asked once more, and nothing changes yet.
    handler.wait_for_selector("#confirm-step:has(input[name=to][value=acknowledged])")
    report.refresh_from_db()
    assert report.status == Status.NEW
    handler.click("#confirm-action")
    # The actions are swapped in place: acknowledging is no longer offered.
    handler.wait_for_selector("input[name=to][value=acknowledged]", state="detached")
    handler.locator("#handling details:has(input[name=kind]) summary").click()
    handler.check("input[name=kind][value=question]")
    handler.fill("textarea[name=text]", "Xe màu gì, biển số bao nhiêu?")
    handler.click("#handling form:has(input[name=kind]) button[type=submit]")
    handler.wait_for_selector("text=Xe màu gì, biển số bao nhiêu?")
    report.refresh_from_db()
    assert report.status == Status.ACKNOWLEDGED

    page.goto("/report/track/")
    page.fill("input[name=code]", code.lower().replace("-", " "))
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Xe màu gì, biển số bao nhiêu?")
    page.fill("textarea[name=message]", "Xe Wave màu đỏ, biển 14-B1 123.45")
    page.click("form:has(textarea[name=message]) button[type=submit]")
    page.wait_for_selector("text=Xe Wave màu đỏ, biển 14-B1 123.45")
    assert ReportEvent.objects.filter(
        report=report, kind=ReportEvent.Kind.REPORTER_MESSAGE, actor__isnull=True
    ).exists()

    handler.reload()
    handler.wait_for_selector("text=Xe Wave màu đỏ, biển 14-B1 123.45")
    resolve = handler.locator("details:has(input[name=to][value=resolved])")
    resolve.locator("summary").click()
    resolve.locator("textarea[name=outcome]").fill("Đã phối hợp công an phường tìm lại xe.")
    resolve.locator("button[type=submit]").click()
    # The confirmation step carries the outcome the leader wrote.
    confirm = handler.locator("#confirm-step:has(input[name=to][value=resolved])")
    confirm.wait_for()
    assert "Đã phối hợp công an phường tìm lại xe." in confirm.inner_text()
    report.refresh_from_db()
    assert report.status == Status.ACKNOWLEDGED
    confirm.locator("#confirm-action").click()
    handler.wait_for_selector("input[name=to][value=resolved]", state="detached")
    report.refresh_from_db()
    assert report.status == Status.RESOLVED

    page.reload()
    # The phone asks for Vietnamese (Accept-Language vi-VN).
    with translation.override("vi"):
        resolved = str(Status.RESOLVED.label)
    assert page.locator(".report-summary strong").first.inner_text() == resolved
    resident.close()
    leader.close()
