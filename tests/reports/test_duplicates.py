"""Suggesting reports that may tell of the same incident, and merging them."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import Area, AreaKind
from reports import receipts
from reports.duplicates import merge_duplicate, similar_open_reports
from reports.lifecycle import TransitionNotAllowed, apply_transition
from reports.models import Report, ReportEvent, Status

HTMX = {"HTTP_HX_REQUEST": "true"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MARKET = (Decimal("20.951100"), Decimal("107.080300"))
# About 300 m and 800 m north of the market (1° of latitude is about 111 km).
NEAR_MARKET = (Decimal("20.953800"), Decimal("107.080300"))
FAR_FROM_MARKET = (Decimal("20.958300"), Decimal("107.080300"))


@pytest.fixture
def unit_a2(ward_a):
    return Area.objects.add_child(
        ward_a, {"name": "Tổ dân phố 2", "kind": AreaKind.RESIDENTIAL_GROUP}
    )


@pytest.fixture
def theft_in_x(file_report, theft, ward_a, unit_a1, group_x):
    def file(**data):
        return file_report(category=theft, ward=ward_a, unit=unit_a1, **data).report

    return file


def _suggested(report, user) -> list[int]:
    return [suggestion.pk for suggestion in similar_open_reports(report=report, user=user)]


# Suggestions


def test_a_recent_open_report_of_the_same_category_and_unit_is_suggested(leader_x, theft_in_x):
    earlier = theft_in_x()
    report = theft_in_x()

    assert _suggested(report, leader_x) == [earlier.pk]
    assert _suggested(earlier, leader_x) == [report.pk]


def test_reports_of_another_category_unit_or_ward_are_not_suggested(
    police_a,
    province_admin,
    theft_in_x,
    file_report,
    theft,
    fight,
    ward_a,
    ward_b,
    unit_a1,
    unit_a2,
    unit_b1,
):
    report = theft_in_x()
    file_report(category=fight, ward=ward_a, unit=unit_a1)
    file_report(category=theft, ward=ward_a, unit=unit_a2)
    file_report(category=theft, ward=ward_b, unit=unit_b1)

    assert _suggested(report, police_a) == []
    assert _suggested(report, province_admin) == []


def test_closed_old_and_own_reports_are_not_suggested(leader_x, theft_in_x):
    now = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(now - datetime.timedelta(days=8), tick=False):
        theft_in_x()
    resolved = theft_in_x()
    apply_transition(report=resolved, to=Status.RESOLVED, by=leader_x, outcome="Xong.")
    with time_machine.travel(now - datetime.timedelta(days=6), tick=False):
        six_days_old = theft_in_x()
    report = theft_in_x()

    assert _suggested(report, leader_x) == [six_days_old.pk]


def test_a_report_the_handler_cannot_see_is_not_suggested(
    leader_x, police_a, theft_in_x, file_report, theft, ward_a, unit_a1
):
    report = theft_in_x()
    about_a_member = file_report(
        category=theft, ward=ward_a, unit=unit_a1, concerns_group_member=True
    ).report

    assert _suggested(report, leader_x) == []
    assert _suggested(report, police_a) == [about_a_member.pk]


def test_reports_within_500_m_of_the_map_point_are_suggested(
    police_a, file_report, theft, ward_a, unit_a1, unit_a2
):
    latitude, longitude = MARKET
    report = file_report(category=theft, ward=ward_a, latitude=latitude, longitude=longitude).report
    near_latitude, near_longitude = NEAR_MARKET
    near = file_report(
        category=theft, ward=ward_a, unit=unit_a2, latitude=near_latitude, longitude=near_longitude
    ).report
    far_latitude, far_longitude = FAR_FROM_MARKET
    file_report(category=theft, ward=ward_a, latitude=far_latitude, longitude=far_longitude)
    file_report(category=theft, ward=ward_a, unit=unit_a1)  # no map point to compare

    assert _suggested(report, police_a) == [near.pk]


def test_a_report_with_neither_unit_nor_map_point_matches_its_whole_ward(
    police_a, file_report, theft, ward_a, unit_a2
):
    report = file_report(category=theft, ward=ward_a).report
    elsewhere_in_the_ward = file_report(category=theft, ward=ward_a, unit=unit_a2).report

    assert _suggested(report, police_a) == [elsewhere_in_the_ward.pk]


def test_suggestions_are_the_newest_few(leader_x, theft_in_x):
    older = [theft_in_x() for _ in range(6)]
    report = theft_in_x()

    suggested = similar_open_reports(report=report, user=leader_x, limit=3)

    assert [suggestion.pk for suggestion in suggested] == [r.pk for r in reversed(older)][:3]


def test_the_suggestion_query_is_served_by_an_index(province_admin, theft_in_x):
    report = theft_in_x()
    with CaptureQueriesContext(connection) as captured:
        similar_open_reports(report=report, user=province_admin)
    (query,) = captured.captured_queries

    with connection.cursor() as cursor:
        # Few rows make a sequential scan cheapest; forbid it to see which index fits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {query['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # Which one depends on the data (the ward's open reports, the category's recent
    # ones, the ward by status): any of them, never a scan of every report.
    assert "Index" in plan
    assert "Seq Scan on reports_report" not in plan


def test_the_detail_page_suggests_similar_reports_to_a_handler(client, leader_x, theft_in_x):
    earlier = theft_in_x()
    report = theft_in_x()
    client.force_login(leader_x)

    html = client.get(f"/reports/{report.pk}/", **EN).content.decode()

    assert "Similar open reports:" in html
    assert f'<a href="/reports/{earlier.pk}/">#{earlier.pk}</a>' in html
    assert f'<option value="{earlier.pk}">' in html


# Merging


def test_merging_closes_the_repeat_and_notes_it_on_the_original(leader_x, theft_in_x):
    original = theft_in_x()
    repeat = theft_in_x()

    merged = merge_duplicate(report=repeat, into=original, by=leader_x, note="Cùng một vụ.")

    repeat.refresh_from_db()
    assert merged.pk == repeat.pk
    assert (repeat.status, repeat.duplicate_of) == (Status.DUPLICATE, original)
    assert repeat.closed_at is not None
    status_event = repeat.events.get(kind=ReportEvent.Kind.STATUS)
    assert (status_event.to_status, status_event.note) == (Status.DUPLICATE, "Cùng một vụ.")
    note = original.events.get(kind=ReportEvent.Kind.MERGED)
    assert (note.actor, note.public) == (leader_x, False)
    assert note.note == f"#{repeat.pk} Cùng một vụ."
    original.refresh_from_db()
    assert original.status == Status.NEW


def test_a_merged_report_keeps_its_receipt_working(
    leader_x, file_report, theft, ward_a, unit_a1, group_x
):
    original = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)

    merge_duplicate(report=receipt.report, into=original, by=leader_x)

    found = Report.objects.get(receipt_digest__in=receipts.receipt_digests(receipt.code))
    assert found.pk == receipt.report.pk
    assert found.duplicate_of == original


def test_a_report_cannot_be_merged_into_a_duplicate_or_itself(leader_x, theft_in_x):
    original, repeat, third = theft_in_x(), theft_in_x(), theft_in_x()
    merge_duplicate(report=repeat, into=original, by=leader_x)

    with pytest.raises(ValidationError) as into_duplicate:
        merge_duplicate(report=third, into=repeat, by=leader_x)
    with pytest.raises(ValidationError) as into_itself:
        merge_duplicate(report=third, into=third, by=leader_x)
    with pytest.raises(TransitionNotAllowed):
        merge_duplicate(report=repeat, into=third, by=leader_x)

    assert "duplicate_of" in into_duplicate.value.message_dict
    assert "duplicate_of" in into_itself.value.message_dict
    third.refresh_from_db()
    assert third.status == Status.NEW
    assert not ReportEvent.objects.filter(report=third, kind=ReportEvent.Kind.MERGED).exists()


def test_a_report_cannot_be_merged_into_one_the_handler_cannot_see(
    leader_x, theft_in_x, file_report, theft, ward_a, unit_a1
):
    report = theft_in_x()
    hidden = file_report(
        category=theft, ward=ward_a, unit=unit_a1, concerns_group_member=True
    ).report

    with pytest.raises(ValidationError) as refused:
        merge_duplicate(report=report, into=hidden, by=leader_x)

    assert "duplicate_of" in refused.value.message_dict
    report.refresh_from_db()
    assert report.status == Status.NEW
    assert not hidden.events.filter(kind=ReportEvent.Kind.MERGED).exists()


def test_only_a_handler_of_the_report_may_merge_it(leader_y, police_b, theft_in_x):
    original, repeat = theft_in_x(), theft_in_x()

    for outsider in [leader_y, police_b]:
        with pytest.raises((PermissionDenied, ValidationError)):
            merge_duplicate(report=repeat, into=original, by=outsider)

    repeat.refresh_from_db()
    assert repeat.status == Status.NEW


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_handler_merges_through_the_detail_page(client, leader_x, theft_in_x, headers):
    original, repeat = theft_in_x(), theft_in_x()
    client.force_login(leader_x)

    response = client.post(
        f"/reports/{repeat.pk}/merge/",
        {"duplicate_of": original.pk, "note": "Cùng vụ"},
        **EN,
        **headers,
    )

    repeat.refresh_from_db()
    assert (repeat.status, repeat.duplicate_of) == (Status.DUPLICATE, original)
    if headers:
        assert response.status_code == 200
        html = response.content.decode()
        assert f"Merged into report #{original.pk}." in html
        assert "Status: Closed as duplicate" in html
    else:
        assert response.status_code == 302
        page = client.get(response.url, **EN).content.decode()
        assert f'This report repeats <a href="/reports/{original.pk}/">' in page
    original_page = client.get(f"/reports/{original.pk}/", **EN).content.decode()
    assert f'Merged into this report:\n  <a href="/reports/{repeat.pk}/">' in original_page


def test_merging_into_a_report_of_another_group_is_refused_on_the_field(
    client, leader_x, theft_in_x, file_report, fight, ward_b, unit_b1, group_y
):
    repeat = theft_in_x()
    elsewhere = file_report(category=fight, ward=ward_b, unit=unit_b1).report
    client.force_login(leader_x)

    response = client.post(f"/reports/{repeat.pk}/merge/", {"duplicate_of": elsewhere.pk}, **EN)

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    repeat.refresh_from_db()
    assert repeat.status == Status.NEW
