"""`manage.py generate_data`: province-scale synthetic data for the benchmarks, at tiny scale."""

import datetime
import importlib
from collections import Counter, defaultdict
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import translation

from demo.synthetic.groups import MARK, UNIT_CODE_PREFIX, StepLog, bulk_load, copy_rows
from groups.models import Area, Member, Membership, PoliceContact, SelfManagementGroup, User
from reports import routing
from reports.escalation.deadlines import deadline_for
from reports.models import (
    CLOSED_STATUSES,
    Category,
    Report,
    ReportAssignment,
    ReporterContact,
    ReportEvent,
    Status,
)

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
GROUPS, REPORTS, YEARS = 150, 500, 2


def generate(*extra: str, seed: int = 7) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        call_command(
            "generate_data",
            f"--groups={GROUPS}",
            f"--reports={REPORTS}",
            f"--years={YEARS}",
            f"--seed={seed}",
            *extra,
            stdout=out,
        )
    return out.getvalue()


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """Generated once for the module in a transaction that is rolled back at its end.

    Each test runs inside it (its own changes roll back to a savepoint), and nothing
    is ever committed, so the other test modules find the database as it was.
    """
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            _seed_what_migrations_seed()
            yield generate()
        finally:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)


def _seed_what_migrations_seed():
    # A transactional test elsewhere may have emptied the tables the data migrations fill.
    for app, migration, function in [
        ("groups", "0002_seed_model_kinds", "create_model_kinds"),
        ("reports", "0002_seed_categories", "seed"),
        ("reports", "0004_seed_holidays", "seed"),
    ]:
        module = importlib.import_module(f"{app}.migrations.{migration}")
        getattr(module, function)(apps, None)


def snapshot() -> dict[str, list]:
    """What the data says, without the ids that differ from run to run."""
    ward_codes = dict(Area.objects.filter(depth=2).values_list("path", "code"))
    reports = Report.objects.exclude(receipt_digest__startswith="hand-made")
    return {
        "units": sorted(
            (ward_codes[unit.path[: 2 * Area.steplen]], unit.name, unit.kind)
            for unit in Area.objects.filter(code__startswith=UNIT_CODE_PREFIX)
        ),
        "groups": sorted(
            SelfManagementGroup.objects.filter(notes=MARK).values_list(
                "ward__code", "name", "status", "founded", "dissolved_on"
            )
        ),
        "members": sorted(
            Membership.objects.filter(group__notes=MARK).values_list(
                "group__ward__code", "group__name", "member__full_name", "role", "is_leader"
            )
        ),
        "reports": list(
            reports.order_by("created_at").values_list(
                "created_at",
                "category__name",
                "unit__name",
                "channel",
                "is_anonymous",
                "status",
                "due_at",
                "acknowledged_at",
                "closed_at",
                "description",
            )
        ),
    }


def assert_child_counts_are_right():
    # treebeard's find_problems does the same with a query per node.
    for ward in Area.objects.filter(depth=2):
        assert ward.numchild == Area.objects.get_children(ward).count(), ward.name


def test_a_small_province_has_the_asked_numbers_of_rows(generated, db):
    province = Area.objects.get(code="22", depth=1)
    wards = Area.objects.get_children(province)
    assert wards.count() == 54
    units = Area.objects.filter(code__startswith=UNIT_CODE_PREFIX)
    assert units.filter(depth=3).count() == units.count()
    per_ward = Counter(unit.path[: 2 * Area.steplen] for unit in units)
    assert len(per_ward) == 54
    assert all(20 <= count <= 60 for count in per_ward.values())
    assert_child_counts_are_right()

    groups = SelfManagementGroup.objects.filter(notes=MARK)
    assert groups.count() == GROUPS
    assert not groups.filter(model_types=None).exists()
    sizes = groups.annotate(people=Count("memberships"), leaders=Count(
        "memberships", filter=Q(memberships__is_leader=True, memberships__ended=None)
    ))  # fmt: skip
    assert all(8 <= group.people <= 15 and group.leaders == 1 for group in sizes)
    leaders = Membership.objects.filter(group__in=groups.active(), is_leader=True)
    assert not leaders.filter(member__user=None).exists()
    assert Member.objects.filter(memberships__group__in=groups).distinct().count() == (
        Membership.objects.filter(group__in=groups).count()
    )

    for ward in wards:
        contacts = PoliceContact.objects.filter(area=ward).order_by("order")
        assert [contact.order for contact in contacts] == [1, 2, 3]
        assert contacts[0].user.role == User.Role.WARD_POLICE
        assert contacts[0].user.police_ward == ward
    assert PoliceContact.objects.filter(area=province).count() == 2

    assert Report.objects.count() == REPORTS
    assert ReportEvent.objects.filter(kind=ReportEvent.Kind.CREATED).count() == REPORTS
    for line in ("residential units", "reports", "assignments", "events", "Generated in"):
        assert line in generated


def test_every_report_lies_in_its_ward_and_its_times_and_status_agree(generated, db):
    earliest = NOW - datetime.timedelta(days=366 * YEARS)
    reports = Report.objects.select_related("category", "unit", "ward")
    statuses = Counter()
    for report in reports:
        statuses[report.status] += 1
        assert report.unit.path.startswith(report.ward.path), report.pk
        assert earliest <= report.created_at <= NOW
        assert report.occurred_at <= report.created_at
        assert report.due_at == deadline_for(category=report.category, start=report.created_at)
        assert report.due_at > report.created_at
        if report.status == Status.NEW:
            assert report.acknowledged_at is None and report.closed_at is None
        else:
            assert report.created_at <= report.acknowledged_at <= NOW
        if report.status in CLOSED_STATUSES:
            assert report.acknowledged_at <= report.closed_at <= NOW
        else:
            assert report.closed_at is None
        if report.status == Status.DUPLICATE:
            original = report.duplicate_of
            assert original.pk < report.pk
            assert original.ward_id == report.ward_id
            assert original.status != Status.DUPLICATE
        timeline = list(report.events.order_by("created_at", "pk"))
        assert timeline[0].kind == ReportEvent.Kind.CREATED
        assert timeline[0].created_at == report.created_at
        assert (timeline[-1].to_status or Status.NEW) == report.status
    # Two years back most reports are long closed; a few recent ones are still open.
    assert statuses[Status.RESOLVED] > REPORTS / 2
    assert statuses[Status.NEW] + statuses[Status.ACKNOWLEDGED] + statuses[Status.IN_PROGRESS] > 0
    # The deadline counts working hours for some categories and wall-clock time for others.
    assert {c.counts_working_hours for c in Category.objects.filter(reports__isnull=False)} == {
        True,
        False,
    }


def test_assignments_follow_the_routing_rule(generated, db):
    routed, expected_for, led_by = 0, {}, defaultdict(set)
    for user, group in Membership.objects.filter(is_leader=True).values_list(
        "member__user", "group"
    ):
        led_by[user].add(group)
    reports = Report.objects.select_related("category", "ward", "unit").prefetch_related(
        "assignments"
    )
    for report in reports:
        assigned = {assignment.group_id for assignment in report.assignments.all()}
        if report.police_only:
            assert assigned == set()
            continue
        key = (report.category_id, report.unit_id)
        if key not in expected_for:
            groups = routing.groups_for(
                category=report.category, ward=report.ward, unit=report.unit
            )
            expected_for[key] = set(groups.values_list("pk", flat=True))
        assert assigned == expected_for[key], report.pk
        routed += bool(assigned)
        if report.logged_by_id:
            assert assigned & led_by[report.logged_by_id]
    assert routed > 10
    assigned_groups = SelfManagementGroup.objects.filter(report_assignments__isnull=False)
    assert not assigned_groups.exclude(status=SelfManagementGroup.Status.ACTIVE).exists()


def test_anonymous_tips_keep_no_contact_and_named_reports_have_a_sealed_one(generated, db):
    tips = Report.objects.filter(is_anonymous=True)
    assert REPORTS * 0.1 < tips.count() < REPORTS * 0.3
    assert not ReporterContact.objects.filter(report__in=tips).exists()
    assert not tips.exclude(passphrase_hash__startswith="$argon2id$").exists()
    assert not Report.objects.filter(is_anonymous=False).exclude(passphrase_hash="").exists()
    contact = ReporterContact.objects.first()
    assert contact.name and contact.phone.startswith("09")
    assert len(set(Report.objects.values_list("receipt_digest", flat=True))) == REPORTS


def test_wipe_makes_the_same_data_again_from_the_same_seed_and_keeps_the_other_rows(generated, db):
    first = snapshot()
    unit = Area.objects.filter(code__startswith=UNIT_CODE_PREFIX).first()
    ward = Area.objects.get_parent(unit)
    theft = Category.objects.get(name="Trộm cắp tài sản")
    group = SelfManagementGroup.objects.create(name="Tổ tự quản lập tay", ward=ward)

    def report(**place):
        return Report.objects.create(
            category=theft,
            description="Mất xe đạp.",
            occurred_at=NOW,
            due_at=NOW,
            receipt_digest=f"hand-made {len(place)}",
            ward=ward,
            **place,
        )

    in_the_ward, in_a_generated_unit = report(), report(unit=unit)
    ReportAssignment.objects.create(report=in_the_ward, group=group)
    with pytest.raises(CommandError, match="--wipe"):
        generate()

    output = generate("--wipe")

    assert "wipe reports" in output
    assert snapshot() == first
    assert ReportAssignment.objects.filter(report=in_the_ward, group=group).exists()
    assert not Report.objects.filter(pk=in_a_generated_unit.pk).exists()
    assert not Area.objects.filter(pk=unit.pk).exists()  # a new unit has its name now
    assert_child_counts_are_right()


def test_another_seed_makes_other_data(generated, db):
    first = snapshot()

    generate("--wipe", seed=8)

    other = snapshot()
    assert other["reports"] != first["reports"]
    assert other["groups"] != first["groups"]
    assert (len(other["groups"]), len(other["reports"])) == (GROUPS, REPORTS)


def definitions(*models) -> dict[str, list]:
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [tables, tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1", [tables]
        )
        indexes = cursor.fetchall()
    return {"constraints": constraints, "indexes": indexes}


def test_bulk_load_puts_back_every_index_and_constraint_it_lifted(db):
    before = definitions(Report, ReportEvent)
    lines = []

    with transaction.atomic(), bulk_load(Report, ReportEvent, log=StepLog(lines.append)):
        during = definitions(Report, ReportEvent)

    assert definitions(Report, ReportEvent) == before
    assert len(during["constraints"]) < len(before["constraints"])
    assert len(during["indexes"]) < len(before["indexes"])
    assert "indexes and foreign keys" in lines[0]


def test_rows_written_during_a_bulk_load_are_still_checked(db):
    before = definitions(ReportEvent)
    no_such_report = 10**12

    lifted = bulk_load(ReportEvent, log=StepLog(lambda line: None))
    with pytest.raises(IntegrityError), transaction.atomic(), lifted:
        copy_rows(
            model=ReportEvent,
            fields=["report", "kind", "public", "created_at"],
            rows=[(no_such_report, ReportEvent.Kind.CREATED, True, NOW)],
        )

    assert definitions(ReportEvent) == before
    assert not ReportEvent.objects.filter(report_id=no_such_report).exists()


def test_copy_rows_takes_times_as_microseconds_since_2000(generated, db):
    report = Report.objects.first()
    microseconds = (NOW - datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)) // (
        datetime.timedelta(microseconds=1)
    )

    copy_rows(
        model=ReportEvent,
        fields=["report", "kind", "note", "public", "created_at"],
        rows=[(report.pk, ReportEvent.Kind.NOTE, "copied", False, microseconds)],
        microseconds=True,
    )

    assert ReportEvent.objects.get(report=report, note="copied").created_at == NOW
