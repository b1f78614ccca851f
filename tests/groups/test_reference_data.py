"""groups/reference_data.py: what a report is checked and routed by, kept until it changes."""

import datetime
import gc
import re

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from groups import reference_data
from groups.compiled_queries import CompiledQuery
from groups.models import Area, Membership, SelfManagementGroup
from reports import forms, routing
from reports.escalation import deadlines
from reports.models import Category, Holiday
from tests.conftest import add_leader

pytestmark = pytest.mark.django_db


def _generation() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT generation FROM groups_reference_data_generation")
        return cursor.fetchone()[0]


def _tables_read_by(query: CompiledQuery) -> set[str]:
    sql = query._compiled[0] if query._compiled else query._compile()[0]
    return set(re.findall(r'(?:FROM|JOIN) "(\w+)"', sql))


def _kept_queries() -> list[CompiledQuery]:
    # Those of the modules that make them, and any other module imported by now.
    # type(), not isinstance(): that would make lazy objects among them evaluate.
    assert forms and routing and deadlines
    return [
        thing
        for thing in gc.get_objects()
        if type(thing) is CompiledQuery and thing._reference_data
    ]


def test_every_kept_query_reads_only_tables_whose_changes_change_the_generation(seeded):
    kept = _kept_queries()
    assert len(kept) >= 5  # category, places, routes (two variants), holidays

    for query in kept:
        tables = _tables_read_by(query)
        assert tables, query._build
        assert tables <= reference_data.TABLES, (query._build, tables - reference_data.TABLES)


def test_each_listed_table_has_the_trigger_and_nothing_else_does():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger "
            "WHERE tgname = 'reference_data_changed' AND NOT tgisinternal"
        )
        assert {table for (table,) in cursor.fetchall()} == reference_data.TABLES


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda: Category.objects.update(active=True), id="category"),
        pytest.param(
            lambda: Holiday.objects.create(date=datetime.date(2031, 9, 3), name="Nghỉ bù"),
            id="holiday",
        ),
        pytest.param(lambda: Area.objects.filter(depth=2).update(name="Phường Mới"), id="area"),
        pytest.param(lambda: SelfManagementGroup.objects.update(name="Tổ mới"), id="group"),
        pytest.param(lambda: Membership.objects.all().delete(), id="membership"),
    ],
)
def test_a_change_to_reference_data_gives_a_new_generation(group_x, leader_x, change):
    before = _generation()
    change()
    assert _generation() > before


def test_a_user_signing_in_leaves_the_generation_but_a_new_address_changes_it(leader_x):
    before = _generation()
    leader_x.last_login = timezone.now()
    leader_x.save(update_fields=["last_login"])
    assert _generation() == before

    leader_x.email = "new.address@example.test"
    leader_x.save(update_fields=["email"])
    assert _generation() > before


def test_a_rolled_back_change_leaves_no_number_to_be_seen_again(seeded):
    before = _generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        Category.objects.update(active=True)
        inside = _generation()
        raise RuntimeError("rolled back")
    assert _generation() == before

    Category.objects.update(active=True)
    assert _generation() not in {before, inside}


def test_kept_rows_are_read_again_only_when_the_generation_changes(
    theft, django_assert_num_queries
):
    query = forms._ACTIVE_CATEGORY
    with django_assert_num_queries(2):  # the generation and the category
        (first,) = query.objects(pk=theft.pk)
    with django_assert_num_queries(1):  # the generation only
        (again,) = query.objects(pk=theft.pk)
    assert again == first and again is not first  # a model instance of its own

    Category.objects.filter(pk=theft.pk).update(name="Trộm cắp")
    with django_assert_num_queries(2):
        (changed,) = query.objects(pk=theft.pk)
    assert changed.name == "Trộm cắp"

    Category.objects.filter(pk=theft.pk).update(active=False)
    assert query.objects(pk=theft.pk) == []


def test_one_generation_reads_it_once_for_every_kept_query(
    theft, ward_a, unit_a1, group_x, leader_x, django_assert_num_queries
):
    today = timezone.localdate()
    with reference_data.one_generation():
        with django_assert_num_queries(3):  # the generation, the category, the routes
            forms._ACTIVE_CATEGORY.rows(pk=theft.pk)
            routing.routes_for(category=theft, ward=ward_a, unit=unit_a1, on=today)
        with django_assert_num_queries(0):
            forms._ACTIVE_CATEGORY.rows(pk=theft.pk)
            routing.routes_for(category=theft, ward=ward_a, unit=unit_a1, on=today)
    with django_assert_num_queries(1):
        forms._ACTIVE_CATEGORY.rows(pk=theft.pk)


def test_routes_follow_a_leader_who_steps_down_or_is_added(
    theft, ward_a, unit_a1, group_x, leader_x
):
    today = timezone.localdate()
    leader_x.email = "leader.x@example.test"
    leader_x.save(update_fields=["email"])
    [route] = routing.routes_for(category=theft, ward=ward_a, unit=unit_a1, on=today)
    assert route.leaders == ((leader_x.pk, "leader.x@example.test"),)

    Membership.objects.filter(member__user=leader_x).update(ended=today - datetime.timedelta(1))
    deputy = add_leader(group_x, "deputy_x", email="deputy.x@example.test", deputy=True)

    [route] = routing.routes_for(category=theft, ward=ward_a, unit=unit_a1, on=today)
    assert route.leaders == ((deputy.pk, "deputy.x@example.test"),)


def test_holidays_added_move_the_deadline(seeded):
    traffic = Category.objects.get(name="Giao thông và trật tự công cộng")
    # A Monday morning; the deadline counts office hours.
    start = datetime.datetime(2031, 3, 3, 8, tzinfo=deadlines.OFFICE_TIME_ZONE)
    due = deadlines.deadline_for(category=traffic, start=start)

    Holiday.objects.create(date=start.date(), name="Ngày nghỉ")
    assert deadlines.deadline_for(category=traffic, start=start) > due


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_process_is_seen_by_the_next_read(seeded):
    theft = Category.objects.get(name="Trộm cắp tài sản")
    query = forms._ACTIVE_CATEGORY
    assert query.objects(pk=theft.pk)[0].name == theft.name

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("UPDATE reports_category SET name = 'Mất trộm' WHERE id = %s", [theft.pk])

    assert query.objects(pk=theft.pk)[0].name == "Mất trộm"
