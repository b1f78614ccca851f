"""The routings-per-kind summary (reports/models/routing_summary.py) against a direct
count, on generated data, after every kind of write that changes what it counts."""

import datetime
import importlib
import itertools
import uuid
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation

from dashboard.filters import DashboardFilter
from dashboard.trends import _reports_per_kind
from groups.models import ModelType, SelfManagementGroup, User
from reports import routing_summary
from reports.duplicates import merge_duplicate
from reports.lifecycle import apply_transition
from reports.models import Report, ReportAssignment, RoutingSummary, Status

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)

DIRECT_COUNT = """
    SELECT date_trunc('month', r.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
           r.ward_id, gk.modeltype_id, count(DISTINCT r.id)
    FROM reports_report AS r
    JOIN reports_reportassignment AS a ON a.report_id = r.id
    JOIN groups_selfmanagementgroup_model_types AS gk ON gk.selfmanagementgroup_id = a.group_id
    GROUP BY 1, 2, 3
"""


def direct_count() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(DIRECT_COUNT)
        return {(month, ward, kind): count for month, ward, kind, count in cursor.fetchall()}


def summary() -> dict:
    return {
        (row.month, row.ward_id, row.kind_id): row.reports
        for row in RoutingSummary.objects.exclude(reports=0)
    }


def assert_exact():
    expected = direct_count()
    assert expected, "the generated data routes reports to groups"
    assert summary() == expected


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """A small province generated once for the module, rolled back at its end."""
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            for app, migration, function in [
                ("groups", "0002_seed_model_kinds", "create_model_kinds"),
                ("reports", "0002_seed_categories", "seed"),
                ("reports", "0004_seed_holidays", "seed"),
            ]:
                module = importlib.import_module(f"{app}.migrations.{migration}")
                getattr(module, function)(apps, None)
            with time_machine.travel(NOW, tick=False), translation.override("en"):
                call_command(
                    "generate_data",
                    "--groups=120",
                    "--reports=3000",
                    "--years=2",
                    "--seed=11",
                    stdout=StringIO(),
                )
            yield
        finally:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)


@pytest.fixture
def admin(generated, db):
    return User.objects.create_user(
        username="summary-admin", password="pw", role=User.Role.PROVINCE_ADMIN
    )


def routed_reports():
    return Report.objects.filter(assignments__isnull=False).distinct().order_by("pk")


def groups_sharing_a_kind():
    """Two active groups of one ward that share a model kind, and the kind."""
    for kind in ModelType.objects.order_by("pk"):
        groups = list(SelfManagementGroup.objects.filter(model_types=kind).order_by("ward", "pk"))
        for first, second in itertools.pairwise(groups):
            if first.ward_id == second.ward_id:
                return first, second, kind
    raise AssertionError("the generated data has two groups of one kind in a ward")


def test_the_generated_data_is_counted_exactly(generated, db):
    assert_exact()


def new_reports(count: int, *, group) -> list[Report]:
    template = routed_reports().first()
    made = []
    for n in range(count):
        received = NOW - datetime.timedelta(days=40 * n)
        made.append(
            Report.objects.create(
                category=template.category,
                description="…",
                occurred_at=received,
                ward_id=group.ward_id,
                unit=group.unit,
                created_at=received,
                due_at=NOW + datetime.timedelta(days=1),
                receipt_digest=uuid.uuid4().hex,
            )
        )
    return made


def test_new_reports_routed_to_two_groups_of_one_kind_count_once(generated, db):
    first, second, _kind = groups_sharing_a_kind()
    made = new_reports(3, group=first)
    # Both routings of a report in one statement, as intake writes them; then one
    # report's routings one statement at a time.
    ReportAssignment.objects.bulk_create(
        [ReportAssignment(report=r, group=g) for r in made[:2] for g in (first, second)]
    )
    ReportAssignment.objects.create(report=made[2], group=first)
    ReportAssignment.objects.create(report=made[2], group=second)
    assert_exact()


def test_status_changes_and_merges_leave_the_counts_exact(generated, db, admin):
    first, second, _kind = groups_sharing_a_kind()
    reports = new_reports(6, group=first)
    ReportAssignment.objects.bulk_create(
        [ReportAssignment(report=r, group=g) for r in reports for g in (first, second)]
    )
    apply_transition(report=reports[0], to=Status.ACKNOWLEDGED, by=admin)
    apply_transition(report=reports[1], to=Status.REJECTED, by=admin, note="Không đủ thông tin.")
    merge_duplicate(report=reports[2], into=reports[3], by=admin)
    Report.objects.filter(pk__in=[r.pk for r in reports[4:]]).update(status=Status.IN_PROGRESS)
    assert Report.objects.get(pk=reports[2].pk).status == Status.DUPLICATE
    assert_exact()


def test_routings_removed_rerouted_and_reports_deleted_leave_the_counts_exact(generated, db):
    first, second, _kind = groups_sharing_a_kind()
    reports = list(routed_reports()[:40])
    ReportAssignment.objects.filter(report=reports[0]).delete()
    # One routing each of nine reports not routed to ``second`` moves there, in one statement.
    moving = [
        report.assignments.order_by("pk").first().pk
        for report in reports[1:30]
        if not report.assignments.filter(group=second).exists()
    ][:9]
    assert moving
    ReportAssignment.objects.filter(pk__in=moving).update(group=second)
    reports[10].delete()
    ReportAssignment.objects.filter(group=first).delete()
    assert_exact()


def test_a_group_changing_kinds_and_a_report_moving_leave_the_counts_exact(generated, db):
    group = SelfManagementGroup.objects.filter(report_assignments__isnull=False).first()
    old = group.model_types.first()
    new = ModelType.objects.exclude(groups=group).first()
    group.model_types.remove(old)
    group.model_types.add(new)
    report = routed_reports().last()
    other_ward = SelfManagementGroup.objects.exclude(ward=report.ward_id).first().ward_id
    earlier = report.created_at - datetime.timedelta(days=95)
    Report.objects.filter(pk=report.pk).update(
        ward_id=other_ward, created_at=earlier, occurred_at=earlier
    )
    assert_exact()


def test_a_bulk_load_with_the_triggers_paused_ends_exact(generated, db):
    group = SelfManagementGroup.objects.filter(report_assignments__isnull=False).first()
    with transaction.atomic(), routing_summary.paused():
        ReportAssignment.objects.filter(group=group).delete()
        assert summary() != direct_count()  # the triggers are off inside
    assert_exact()


@pytest.mark.parametrize(
    "period",
    [
        {"start": "2025-04-01", "end": "2026-02-28"},  # whole months only
        {"start": "2025-03-17", "end": "2026-03-02"},  # days before and after them
        {"start": "2025-11-05", "end": "2025-11-20"},  # no whole month
    ],
)
def test_the_dashboard_per_kind_figures_equal_a_count_of_the_reports(generated, db, admin, period):
    with time_machine.travel(NOW, tick=False):
        filterset = DashboardFilter(period, queryset=Report.objects.visible_to(admin), user=admin)
        figures = _reports_per_kind(filterset)
    start = datetime.date.fromisoformat(period["start"])
    end = datetime.date.fromisoformat(period["end"])
    expected = {}
    for label, (first, last) in {
        "current": (start, end),
        "previous": (start.replace(year=start.year - 1), end.replace(year=end.year - 1)),
    }.items():
        reports = Report.objects.filter(
            created_at__gte=_local_midnight(first),
            created_at__lt=_local_midnight(last + datetime.timedelta(days=1)),
        )
        for kind in ModelType.objects.all():
            count = reports.filter(assignments__group__model_types=kind).distinct().count()
            if count:
                expected.setdefault(kind.pk, {"previous": 0, "current": 0})[label] = count
    got = {kind: row for kind, row in figures.items() if row["previous"] or row["current"]}
    assert got == expected
    assert expected


def _local_midnight(day: datetime.date) -> datetime.datetime:
    from dashboard.filters import day_start

    return day_start(day)
