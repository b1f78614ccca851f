"""Retention: a closed report is anonymised once its category's time is up, unless a
legal hold keeps it; the dashboard's figures for past periods do not move."""

import datetime
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from dashboard.trends import TRENDS
from groups.models import AuditEntry
from reports.conversation import add_note
from reports.models import Report, ReporterContact, ReportEvent, ReportPhoto, Status
from reports.retention import anonymise_due, set_legal_hold
from reports.tasks import anonymise_expired_reports
from reports.tracking import find_by_receipt

NAME = "Nguyễn Thị Hoa"
PHONE = "0987654321"
TEXT = "Xe máy bị lấy trộm trước cửa nhà văn hóa số 7."
ADDRESS = "Số 7 ngõ 5"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DAY = datetime.timedelta(days=1)


def _add_photo(report: Report) -> ReportPhoto:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, "JPEG")
    photo = ReportPhoto(report=report)
    photo.image.save("photo.jpg", ContentFile(out.getvalue()), save=True)
    return photo


def _close(report: Report, *, on: datetime.datetime, status=Status.RESOLVED) -> None:
    Report.objects.filter(pk=report.pk).update(
        status=status, acknowledged_at=on - DAY, closed_at=on, outcome="Đã trả lại xe cho chủ."
    )


@pytest.fixture
def short_retention(theft):
    theft.retention_days = 30
    theft.save(update_fields=["retention_days"])
    return theft


@pytest.fixture
def closed(file_report, short_retention, ward_a, unit_a1, group_x, police_a):
    """A named report with a photo, an internal note and a reporter's message, closed
    40 days ago (past the 30 days of its category)."""
    receipt = file_report(
        category=short_retention,
        ward=ward_a,
        unit=unit_a1,
        name=NAME,
        phone=PHONE,
        description=TEXT,
        address=ADDRESS,
    )
    report = receipt.report
    _add_photo(report)
    add_note(report=report, by=police_a, text="Đã gặp bà Hoa lúc 9 giờ.")
    _close(report, on=timezone.now() - 40 * DAY)
    report.refresh_from_db()
    return receipt


def _report_file(report_photo_name: str):
    from reports.storage import report_photo_storage

    return report_photo_storage().exists(report_photo_name)


def test_a_closed_report_past_its_time_is_anonymised(closed, django_capture_on_commit_callbacks):
    report = closed.report
    [photo] = ReportPhoto.objects.filter(report=report)
    assert _report_file(photo.image.name)
    assert find_by_receipt(code=closed.code, passphrase="") == report

    with django_capture_on_commit_callbacks(execute=True):
        assert anonymise_expired_reports.apply().get() == 1

    report.refresh_from_db()
    received = timezone.localtime(report.created_at)
    closed_on = timezone.localtime(report.closed_at)
    assert report.description == (
        f"{report.category.name}. Received {received:%d/%m/%Y}, "
        f"closed {closed_on:%d/%m/%Y}. Anonymised."
    )
    assert (report.address, report.outcome) == ("", "")
    assert report.anonymised_at is not None
    assert not ReportPhoto.objects.filter(report=report).exists()
    assert not _report_file(photo.image.name)
    assert not ReporterContact.objects.filter(report=report).exists()
    assert list(ReportEvent.objects.filter(report=report).exclude(note="")) == []
    assert find_by_receipt(code=closed.code, passphrase="") is None
    # What the dashboard counts stays.
    assert (report.status, report.category_id, report.ward_id) == (
        Status.RESOLVED,
        closed.report.category_id,
        closed.report.ward_id,
    )
    [entry] = AuditEntry.objects.filter(action=AuditEntry.Action.ANONYMISED)
    assert (entry.object_id, entry.ward_id, entry.actor_id) == (
        str(report.pk),
        report.ward_id,
        None,
    )
    assert entry.detail == {"photos": 1, "contact": True, "notes": 1}
    stored = repr(list(AuditEntry.objects.values()))
    for secret in (NAME, PHONE, TEXT, ADDRESS):
        assert secret not in stored


def test_the_receipt_of_an_anonymised_report_is_refused_on_the_tracking_page(client, closed):
    anonymise_due()

    response = client.post("/report/track/", {"code": closed.code, "passphrase": ""}, **EN)

    assert TEXT not in response.content.decode()
    assert find_by_receipt(code=closed.code, passphrase="") is None


def test_an_anonymous_tip_is_anonymised_too(file_report, short_retention, ward_a, unit_a1, group_x):
    tip = file_report(category=short_retention, ward=ward_a, unit=unit_a1, anonymous=True)
    _close(tip.report, on=timezone.now() - 31 * DAY, status=Status.REJECTED)

    assert anonymise_due() == 1
    assert find_by_receipt(code=tip.code, passphrase=tip.passphrase) is None


def test_running_it_again_changes_nothing(closed):
    assert anonymise_due() == 1
    first = Report.objects.values().get(pk=closed.report.pk)

    assert anonymise_due() == 0
    assert Report.objects.values().get(pk=closed.report.pk) == first
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ANONYMISED).count() == 1


def test_reports_not_yet_due_open_or_referred_are_kept(
    file_report, short_retention, ward_a, unit_a1, group_x
):
    recent = file_report(category=short_retention, ward=ward_a, unit=unit_a1).report
    _close(recent, on=timezone.now() - 29 * DAY)
    still_open = file_report(category=short_retention, ward=ward_a, unit=unit_a1).report
    long_ago = timezone.now() - 400 * DAY
    Report.objects.filter(pk=still_open.pk).update(created_at=long_ago, occurred_at=long_ago)
    referred = file_report(category=short_retention, ward=ward_a, unit=unit_a1).report
    Report.objects.filter(pk=referred.pk).update(status=Status.REFERRED)

    assert anonymise_due() == 0
    assert not Report.objects.filter(anonymised_at__isnull=False).exists()


def test_batches_stop_at_their_size_and_the_next_run_goes_on(
    file_report, short_retention, ward_a, unit_a1, group_x
):
    for _number in range(3):
        _close(
            file_report(category=short_retention, ward=ward_a, unit=unit_a1).report,
            on=timezone.now() - 60 * DAY,
        )

    assert anonymise_due(batch_size=2) == 2
    assert anonymise_due(batch_size=2) == 1
    assert anonymise_due(batch_size=2) == 0


# Legal hold


def _hold(client, user, report, **data):
    client.force_login(user)
    return client.post(reverse("reports:legal_hold", args=[report.pk]), data, **EN)


def test_police_keep_a_report_under_a_legal_hold_and_lift_it(client, police_a, closed):
    report = closed.report

    held = _hold(client, police_a, report, reason="Hồ sơ vụ án số 12/2026")
    page = client.get(reverse("reports:detail", args=[report.pk]), **EN)

    assert held.status_code == 302
    assert "Hồ sơ vụ án số 12/2026" in page.content.decode()
    assert anonymise_due() == 0
    report.refresh_from_db()
    assert report.description == TEXT

    lifted = _hold(client, police_a, report, lift="1")

    assert lifted.status_code == 302
    assert anonymise_due() == 1
    actions = list(
        AuditEntry.objects.filter(object_id=str(report.pk))
        .order_by("pk")
        .values_list("action", "actor_username")
    )
    assert actions == [
        ("legal_hold_set", "police_a"),
        ("legal_hold_cleared", "police_a"),
        ("anonymised", ""),
    ]
    assert "Hồ sơ vụ án" not in repr(list(AuditEntry.objects.values()))


def test_a_hold_needs_a_reason(client, police_a, closed):
    response = _hold(client, police_a, closed.report, reason="  ")

    assert response.status_code == 400
    assert "Say why the report must be kept." in response.content.decode()
    assert Report.objects.get(pk=closed.report.pk).legal_hold_at is None


@pytest.mark.parametrize(("role", "status"), [("leader_x", 403), ("police_b", 404)])
def test_only_the_wards_police_and_administrators_hold(request, client, closed, role, status):
    response = _hold(client, request.getfixturevalue(role), closed.report, reason="x")

    assert response.status_code == status
    assert Report.objects.get(pk=closed.report.pk).legal_hold_at is None


def test_an_administrator_holds_in_the_admin(client, province_admin, closed):
    report = closed.report
    client.force_login(province_admin)
    url = reverse("admin:reports_report_change", args=[report.pk])
    local = timezone.localtime(report.occurred_at)
    data = {
        "category": report.category_id,
        "description": report.description,
        "occurred_at_0": f"{local:%Y-%m-%d}",
        "occurred_at_1": f"{local:%H:%M:%S}",
        "ward": report.ward_id,
        "unit": report.unit_id,
        "address": report.address,
        "latitude": "",
        "longitude": "",
        "legal_hold": "Viện kiểm sát yêu cầu giữ",
        **{f"{prefix}-{key}": 0 for prefix in ("events", "photos") for key in ()},
    }
    form = client.get(url).context["adminform"].form
    for formset in client.get(url).context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial)
    del form

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    report.refresh_from_db()
    assert report.legal_hold_reason == "Viện kiểm sát yêu cầu giữ"
    assert report.legal_hold_by == province_admin
    assert AuditEntry.objects.filter(action="legal_hold_set", actor_username="province_admin")
    assert anonymise_due() == 0


def test_an_anonymised_report_cannot_be_held(police_a, closed):
    from django.core.exceptions import ValidationError

    anonymise_due()

    with pytest.raises(ValidationError, match="already been anonymised"):
        set_legal_hold(report=closed.report, by=police_a, reason="muộn")


# The dashboard's figures


def _figures(client) -> dict:
    period = {"start": "2025-01-01", "end": "2026-12-31"}
    figures = {
        key: json.loads(client.get(f"/dashboard/trends/{key}.json", period).content)
        for key in TRENDS
    }
    figures["map"] = json.loads(client.get("/dashboard/map/points.json", period).content)
    figures["comparison"] = client.get(
        "/dashboard/export/tables/ward-comparison.csv", period
    ).getvalue()
    return figures


def test_the_dashboards_figures_for_past_periods_stay_the_same(
    client, province_admin, file_report, short_retention, fight, ward_a, ward_b, unit_a1, group_x
):
    now = timezone.now()
    for months_ago, category, ward in [
        (14, short_retention, ward_a),
        (13, short_retention, ward_a),
        (13, fight, ward_b),
        (8, short_retention, ward_b),
        (6, short_retention, ward_a),
        (2, short_retention, ward_a),
    ]:
        report = file_report(
            category=category, ward=ward, latitude="21.0", longitude="107.1"
        ).report
        _add_photo(report)
        created = now - months_ago * 30 * DAY
        Report.objects.filter(pk=report.pk).update(created_at=created, occurred_at=created)
        _close(report, on=created + 3 * DAY)
    client.force_login(province_admin)
    before = _figures(client)
    assert before["incidents_by_month"]["rows"], "no figures to compare"

    assert anonymise_due() == 5  # the fight's category keeps its reports for years

    assert _figures(client) == before
