"""What one report costs PostgreSQL: the reads, then one INSERT for every row it makes.

The numbers are the ones reached (docs/reports.md, "Intake speed"); a change that
adds a round trip to every report shows here. The first report of a place and
category reads them; the reports after it find them kept (groups/reference_data.py)
and read only the generation they are kept by.
"""

import secrets

import pytest
from django.core.cache import cache
from django.test import Client

from reports import ratelimit
from reports.models import Category, LeaderNotice, Report, ReporterContact


@pytest.fixture
def client():
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    yield Client(REMOTE_ADDR=address)
    cache.delete(ratelimit.cache_key(scope=ratelimit.REPORT, address=address))


def _form_data(*, category, ward, unit, **changes) -> dict:
    data = {
        "category": category.pk,
        "description": "Hai thanh niên lấy trộm xe máy trước nhà văn hóa.",
        "occurred_at": "",
        "ward": ward.pk,
        "unit": unit.pk,
        "address": "",
        "latitude": "",
        "longitude": "",
        "name": "Nguyễn Thị Hoa",
        "phone": "0987654321",
        "passphrase": "",
        "website": "",
    }
    data.update(changes)
    return data


def test_a_named_report_to_a_group_with_a_leader_takes_six_queries_then_three(
    client, theft, ward_a, unit_a1, group_x, leader_x, django_assert_num_queries
):
    leader_x.email = "leader.x@example.test"
    leader_x.save(update_fields=["email"])
    data = _form_data(category=theft, ward=ward_a, unit=unit_a1)

    # The generation; ward and unit; category; groups with their leaders; the
    # report's id (for the notice's link); one INSERT of everything. Theft counts
    # wall-clock time.
    with django_assert_num_queries(6):
        response = client.post("/report/new/", data)
    # Then the generation, the id and the INSERT.
    with django_assert_num_queries(3):
        again = client.post("/report/new/", data)

    assert response.status_code == again.status_code == 302
    for report in Report.objects.all():
        assert list(report.groups.all()) == [group_x]
        assert ReporterContact.objects.get(report=report).phone == "0987654321"
        assert LeaderNotice.objects.get(report=report).address == leader_x.email
        assert report.events.count() == 1


def test_an_anonymous_tip_nobody_leads_takes_five_queries_then_two(
    client, theft, ward_b, unit_b1, django_assert_num_queries
):
    data = _form_data(
        category=theft, ward=ward_b, unit=unit_b1, anonymous="on", passphrase="hoa sen nở muộn"
    )

    # The generation; ward and unit; category; groups (none); one INSERT.
    with django_assert_num_queries(5):
        response = client.post("/report/new/", data)
    # Then the generation and the INSERT.
    with django_assert_num_queries(2):
        again = client.post("/report/new/", data)

    assert response.status_code == again.status_code == 302
    for report in Report.objects.all():
        assert report.is_anonymous and not report.groups.exists()
        assert report.escalate_at == report.created_at  # straight to the ward police
    assert not ReporterContact.objects.exists()


def test_a_report_counted_in_working_hours_reads_the_holidays_once(
    client, seeded, ward_b, unit_b1, django_assert_num_queries
):
    traffic = Category.objects.get(name="Giao thông và trật tự công cộng")
    assert traffic.counts_working_hours
    data = _form_data(category=traffic, ward=ward_b, unit=unit_b1)

    # The generation; ward and unit; category; groups; holidays; one INSERT.
    with django_assert_num_queries(6):
        response = client.post("/report/new/", data)
    # Then the generation and the INSERT.
    with django_assert_num_queries(2):
        again = client.post("/report/new/", data)

    assert response.status_code == again.status_code == 302
    for report in Report.objects.all():
        assert report.due_at > report.created_at + traffic.deadline
