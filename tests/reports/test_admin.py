"""The reports admin: scoped like the portal, read-mostly, and blind to the vault."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import User
from reports.lifecycle import apply_transition
from reports.models import (
    Category,
    ContactReveal,
    Report,
    ReporterContact,
    ReportEvent,
    ReportPhoto,
    Status,
)

# Distinctive enough that finding them anywhere in a page can only mean a leak.
REPORTER_NAME = "Đỗ Thị Kín Đáo"
REPORTER_PHONE = "0977123456"

REPORT_CHANGELIST = "/admin/reports/report/"
REVEAL_CHANGELIST = "/admin/reports/contactreveal/"


def _grant(user, codenames):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="reports", codename__in=codenames)
    )
    return User.objects.get(pk=user.pk)  # a fresh object: no stale permission cache


@pytest.fixture
def named_report(file_report, theft, ward_a, unit_a1, group_x):
    receipt = file_report(
        category=theft,
        ward=ward_a,
        unit=unit_a1,
        name=REPORTER_NAME,
        phone=REPORTER_PHONE,
        description="Mất xe đạp ở sân nhà văn hóa.",
    )
    return receipt.report


@pytest.fixture
def report_in_ward_b(file_report, fight, ward_b, unit_b1, group_y):
    return file_report(
        category=fight, ward=ward_b, unit=unit_b1, description="Cãi nhau ở chợ Đồng Mỏ."
    ).report


@pytest.fixture
def reveal(named_report, police_a):
    return ContactReveal.objects.create(
        report=named_report, revealed_by=police_a, reason="Cần gọi lại để lấy lời khai."
    )


def _report_form(report, **changes):
    """The report change form as the browser posts it, inlines untouched."""
    occurred_at = timezone.localtime(report.occurred_at)
    data = {
        "category": report.category_id,
        "description": report.description,
        "occurred_at_0": occurred_at.strftime("%Y-%m-%d"),
        "occurred_at_1": occurred_at.strftime("%H:%M:%S"),
        "ward": report.ward_id,
        "unit": report.unit_id or "",
        "address": report.address,
        "latitude": "",
        "longitude": "",
    }
    for prefix in ("events", "photos"):
        count = getattr(report, prefix).count()
        data.update({f"{prefix}-TOTAL_FORMS": count, f"{prefix}-INITIAL_FORMS": count})
    data.update(changes)
    return data


def test_report_changelist_and_change_page_never_show_the_reporters_contact(
    client, province_admin, named_report
):
    client.force_login(province_admin)

    changelist = client.get(REPORT_CHANGELIST)
    change = client.get(reverse("admin:reports_report_change", args=[named_report.pk]))
    by_phone = client.get(REPORT_CHANGELIST, {"q": REPORTER_PHONE})
    by_words = client.get(REPORT_CHANGELIST, {"q": "xe đạp"})

    # The vault holds the contact, so the pages could show it if they reached it.
    contact = ReporterContact.objects.get(report=named_report)
    assert (contact.name, contact.phone) == (REPORTER_NAME, REPORTER_PHONE)
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [named_report]
    assert change.status_code == 200
    assert "Mất xe đạp ở sân nhà văn hóa." in change.content.decode()
    for page in (changelist, change):
        html = page.content.decode()
        assert REPORTER_NAME not in html
        assert REPORTER_PHONE not in html
    # Searching for the phone finds nothing: the search does not reach the vault.
    assert by_phone.context["cl"].result_count == 0
    assert list(by_words.context["cl"].result_list) == [named_report]


def test_report_change_page_has_no_inline_for_the_vault(client, province_admin, named_report):
    client.force_login(province_admin)

    response = client.get(reverse("admin:reports_report_change", args=[named_report.pk]))

    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert prefixes == {"events", "photos"}


def test_report_change_page_shows_the_timeline_and_photos_read_only(
    client, province_admin, named_report, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    photo = ReportPhoto(report=named_report)
    photo.image.save("scene.jpg", ContentFile(b"not shown here"), save=True)
    apply_transition(report=named_report, to=Status.ACKNOWLEDGED, by=province_admin)
    client.force_login(province_admin)

    response = client.get(
        reverse("admin:reports_report_change", args=[named_report.pk]),
        headers={"accept-language": "en"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    # A link to the portal's permission-checked photo view, never to the stored file.
    photo_url = reverse("reports:photo", args=[photo.pk])
    assert f'<a href="{photo_url}">Photo {photo.pk}</a>' in html
    assert not re.search(rf'href="[^"]*{re.escape(photo.image.name)}', html)
    timeline = next(
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "events"
    )
    assert not timeline.has_add_permission and not timeline.has_change_permission
    assert [event.kind for event in timeline.formset.queryset] == [
        ReportEvent.Kind.CREATED,
        ReportEvent.Kind.STATUS,
    ]


def test_province_admin_may_correct_the_category_and_place_but_not_the_status(
    client, province_admin, named_report, fight
):
    client.force_login(province_admin)

    response = client.post(
        reverse("admin:reports_report_change", args=[named_report.pk]),
        _report_form(named_report, category=fight.pk, address="Cổng chợ", status="resolved"),
    )

    assert response.status_code == 302
    occurred_at = named_report.occurred_at
    named_report.refresh_from_db()
    assert named_report.category == fight
    assert named_report.address == "Cổng chợ"
    assert named_report.occurred_at == occurred_at.replace(microsecond=0)
    assert named_report.status == Status.NEW


def test_report_admin_neither_adds_nor_deletes_reports(client, province_admin, named_report):
    client.force_login(province_admin)

    add = client.get(reverse("admin:reports_report_add"))
    delete = client.post(
        reverse("admin:reports_report_delete", args=[named_report.pk]), {"post": "yes"}
    )

    assert add.status_code == 403
    assert delete.status_code == 403
    assert Report.objects.filter(pk=named_report.pk).exists()


def test_ward_police_with_staff_access_see_only_their_wards_reports(
    client, police_a, named_report, report_in_ward_b
):
    staff_police_a = _grant(police_a, ["view_report"])
    client.force_login(staff_police_a)

    changelist = client.get(REPORT_CHANGELIST)
    other_ward = client.get(reverse("admin:reports_report_change", args=[report_in_ward_b.pk]))

    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [named_report]
    assert "Cãi nhau ở chợ Đồng Mỏ." not in changelist.content.decode()
    # The admin's answer to an object outside the queryset: back to the index.
    assert other_ward.status_code == 302
    assert other_ward.url == reverse("admin:index")


def test_ward_police_cannot_change_a_report_in_the_admin_even_with_the_permission(
    client, police_a, named_report, fight
):
    staff_police_a = _grant(police_a, ["view_report", "change_report"])
    client.force_login(staff_police_a)

    page = client.get(reverse("admin:reports_report_change", args=[named_report.pk]))
    response = client.post(
        reverse("admin:reports_report_change", args=[named_report.pk]),
        _report_form(named_report, category=fight.pk),
    )

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert REPORTER_NAME not in page.content.decode()
    assert response.status_code == 403
    named_report.refresh_from_db()
    assert named_report.category.name == "Trộm cắp tài sản"


def test_leader_with_staff_access_sees_only_their_groups_reports_and_timeline(
    client, leader_x, named_report, report_in_ward_b
):
    staff_leader_x = _grant(leader_x, ["view_report", "view_reportevent"])
    client.force_login(staff_leader_x)

    reports = client.get(REPORT_CHANGELIST)
    events = client.get("/admin/reports/reportevent/")

    assert list(reports.context["cl"].result_list) == [named_report]
    assert {event.report for event in events.context["cl"].result_list} == {named_report}
    assert REPORTER_NAME not in reports.content.decode() + events.content.decode()


def test_timeline_entries_cannot_be_changed_in_the_admin(client, province_admin, named_report):
    event = named_report.events.get()
    client.force_login(province_admin)

    page = client.get(reverse("admin:reports_reportevent_change", args=[event.pk]))
    response = client.post(
        reverse("admin:reports_reportevent_change", args=[event.pk]), {"note": "rewritten"}
    )

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.note == ""


def test_contact_reveal_log_lists_who_revealed_what_and_why(
    client, province_admin, reveal, named_report
):
    client.force_login(province_admin)

    response = client.get(REVEAL_CHANGELIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [reveal]
    assert "police_a" in html
    assert "Cần gọi lại để lấy lời khai." in html
    # That a contact was revealed is logged; the contact itself is not shown.
    assert REPORTER_NAME not in html
    assert REPORTER_PHONE not in html


def test_contact_reveal_log_refuses_adding_changing_and_deleting(
    client, province_admin, reveal, named_report, police_b
):
    client.force_login(province_admin)
    change_url = reverse("admin:reports_contactreveal_change", args=[reveal.pk])

    add = client.post(
        reverse("admin:reports_contactreveal_add"),
        {"report": named_report.pk, "revealed_by": police_b.pk, "reason": "Invented"},
    )
    view = client.get(change_url)
    change = client.post(change_url, {"reason": "Rewritten afterwards"})
    delete = client.post(
        reverse("admin:reports_contactreveal_delete", args=[reveal.pk]), {"post": "yes"}
    )

    assert add.status_code == 403
    assert view.status_code == 200
    assert view.context["has_change_permission"] is False
    assert change.status_code == 403
    assert delete.status_code == 403
    assert list(ContactReveal.objects.values_list("reason", flat=True)) == [
        "Cần gọi lại để lấy lời khai."
    ]


def test_contact_reveal_log_is_for_province_administrators_only(client, police_a, reveal):
    staff_police_a = _grant(police_a, ["view_contactreveal", "view_report"])
    client.force_login(staff_police_a)

    response = client.get(REVEAL_CHANGELIST)
    index = client.get(reverse("admin:index"))

    assert response.status_code == 403
    assert REVEAL_CHANGELIST not in index.content.decode()
    assert REPORT_CHANGELIST in index.content.decode()


def test_there_is_no_admin_for_the_reporter_contact(client, province_admin, named_report):
    client.force_login(province_admin)

    response = client.get("/admin/reports/reportercontact/")
    index = client.get(reverse("admin:index"))

    assert response.status_code == 404
    assert "reportercontact" not in index.content.decode()


def test_category_admin_changes_a_deadline(client, province_admin, theft):
    client.force_login(province_admin)

    response = client.post(
        reverse("admin:reports_category_change", args=[theft.pk]),
        {
            "name": theft.name,
            "name_en": theft.name_en,
            "severity": theft.severity,
            "deadline_minutes": "45",
            "counts_working_hours": "on" if theft.counts_working_hours else "",
            "allows_anonymous": "on" if theft.allows_anonymous else "",
            "about_the_group": "",
            "model_types": [kind.pk for kind in theft.model_types.all()],
            "active": "on",
            "order": theft.order,
            "retention_days": theft.retention_days,
        },
    )

    assert response.status_code == 302
    counts_working_hours = theft.counts_working_hours
    theft.refresh_from_db()
    assert theft.deadline_minutes == 45
    assert theft.counts_working_hours == counts_working_hours
    assert Category.objects.get(pk=theft.pk).deadline.total_seconds() == 45 * 60


def test_category_changelist_shows_severity_and_deadline(client, province_admin, theft):
    client.force_login(province_admin)

    response = client.get("/admin/reports/category/")

    assert response.status_code == 200
    assert theft in response.context["cl"].result_list
    columns = response.context["cl"].list_display
    assert {"severity", "deadline_minutes", "allows_anonymous", "about_the_group"} <= set(columns)
    assert 'name="form-0-order"' in response.content.decode()


@pytest.mark.parametrize(
    "changelist", [REPORT_CHANGELIST, "/admin/reports/reportevent/", REVEAL_CHANGELIST]
)
def test_report_changelists_run_as_many_queries_for_many_rows_as_for_one(
    client, province_admin, file_report, theft, ward_a, unit_a1, police_a, group_x, changelist
):
    def add_report_with_a_reveal():
        report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
        ContactReveal.objects.create(report=report, revealed_by=police_a, reason="Gọi lại.")

    add_report_with_a_reveal()
    client.force_login(province_admin)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(changelist).status_code == 200
    for _ in range(4):
        add_report_with_a_reveal()
    with CaptureQueriesContext(connection) as five_rows:
        response = client.get(changelist)

    assert response.context["cl"].result_count >= 5
    assert len(five_rows) == len(one_row)
