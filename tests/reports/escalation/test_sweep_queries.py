"""What a sweep costs in queries: a few per batch, not ten per report.

A batch reads what its reports share (levels, contact lists, webhook endpoints,
who was reached) once and writes each table's rows in one statement (the
reports' next state in one UPDATE per level and window). The
SAVEPOINT statements of the test's own transaction are left out of the counts:
in production the sweep's transactions are real ones.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.escalation.chain import sweep
from reports.models import Escalation, Notice, Report, WebhookEndpoint

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


def _queries_of_sweep(now: datetime.datetime) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = sweep(now=now)
    statements = [
        query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]
    ]
    return len(statements), result


@pytest.fixture
def filed(chain, file_report, theft, fight, ward_a, unit_a1, group_x, ward_b, unit_b1, group_y):
    """25 reports of two categories in two wards, none due yet."""

    def file(index: int) -> Report:
        if index % 2:
            return file_report(category=theft, ward=ward_a, unit=unit_a1).report
        return file_report(category=fight, ward=ward_b, unit=unit_b1).report

    reports = [file(index) for index in range(25)]
    Report.objects.update(escalate_at=None)
    return reports


def _make_due(reports: list[Report], at: datetime.datetime) -> None:
    Report.objects.filter(pk__in=[report.pk for report in reports]).update(escalate_at=at)


def test_the_queries_of_a_sweep_hardly_grow_with_the_reports_it_escalates(
    filed, ward_a, province, police_b
):
    WebhookEndpoint.objects.create(
        name="Tỉnh", url="http://127.0.0.1:9/hook", secret="s", area=province
    )
    at = filed[0].due_at + SECOND
    _make_due(filed[:5], at)
    few, few_result = _queries_of_sweep(at)
    _make_due(filed[5:], at)
    many, many_result = _queries_of_sweep(at)

    assert few_result.escalated == 5
    assert many_result.escalated == 20
    # Each report has its escalation, notices (two contacts of ward A, the webhook)
    # and timeline entry; ward B has no contact: the webhook only.
    assert Escalation.objects.count() == 25
    assert Notice.objects.filter(endpoint__isnull=False).count() == 25
    assert (many - few) / 15 <= 4
    assert many <= 16


def test_every_level_of_the_chain_costs_a_fixed_number_of_queries(filed):
    # Levels 1 (ward, from the top), 2 (ward, the others) and 3 (province duty) at once.
    at = filed[0].due_at + SECOND
    _make_due(filed[:5], at)
    sweep(now=at)
    _make_due(filed[:3], at)
    sweep(now=at)
    _make_due(filed, at)

    count, result = _queries_of_sweep(at)

    assert result.escalated == 25
    assert sorted(Report.objects.values_list("escalation_level", flat=True)) == (
        [1] * 20 + [2] * 2 + [3] * 3
    )
    assert count <= 20


def test_a_sweep_with_nothing_due_takes_two_queries(filed):
    # Reports whose time has not come, escalated ones waiting for their window,
    # and notices already handed out are all there: none of it is read.
    at = filed[0].due_at + SECOND
    _make_due(filed[:5], at)
    sweep(now=at)
    _make_due(filed[5:], at + datetime.timedelta(hours=1))

    count, result = _queries_of_sweep(at + SECOND)

    assert result.escalated == 0
    assert result.notices_enqueued == 0
    assert count == 2
