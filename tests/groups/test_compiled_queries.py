"""groups/compiled_queries.py: a queryset's SQL built once, run with other values."""

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from groups.compiled_queries import CompiledQuery
from groups.models import Area, Membership
from reports.models import Category

pytestmark = pytest.mark.django_db


def test_rows_are_the_querysets_rows_for_each_set_of_values(ward_a, ward_b, unit_a1, unit_b1):
    def build(ward, unit):
        return Area.objects.filter(Q(pk=ward) | Q(pk=unit)).order_by("pk").values_list("pk", "name")

    query = CompiledQuery(build, ints=("ward", "unit"))

    for ward, unit in [(ward_a, unit_a1), (ward_b, unit_b1), (ward_a, unit_b1)]:
        assert query.rows(ward=ward.pk, unit=unit.pk) == list(build(ward.pk, unit.pk))


def test_the_sql_is_built_at_the_first_run_only(ward_a, ward_b, django_assert_num_queries):
    built = []

    def build(pk):
        built.append(pk)
        return Area.objects.filter(pk=pk).values_list("name")

    query = CompiledQuery(build, ints=("pk",))

    with django_assert_num_queries(2):
        assert query.rows(pk=ward_a.pk) == [(ward_a.name,)]
        assert query.rows(pk=ward_b.pk) == [(ward_b.name,)]
    assert len(built) == 1  # with the marker, not with either id


def test_objects_are_the_querysets_instances_with_their_related_rows(
    seeded, django_assert_num_queries
):
    categories = Category.objects.select_related("escalation_rule")
    query = CompiledQuery(lambda pk: categories.filter(pk=pk), ints=("pk",))
    theft = Category.objects.get(name="Trộm cắp tài sản")
    expected = categories.get(pk=theft.pk)

    with django_assert_num_queries(1):
        (found,) = query.objects(pk=theft.pk)
        rule = found.escalation_rule  # read with it, as select_related does
    assert found == expected
    assert rule == expected.escalation_rule
    assert [(field.attname, getattr(found, field.attname)) for field in Category._meta.fields] == [
        (field.attname, getattr(expected, field.attname)) for field in Category._meta.fields
    ]
    assert found._state.adding is False and found._state.db == "default"
    assert query.objects(pk=0) == []


def test_values_are_converted_as_the_queryset_converts_them(leader_x, group_x):
    from groups.leaders import leader_addresses_of_each
    from groups.models import SelfManagementGroup

    leader_x.email = "leader.x@example.test"
    leader_x.save(update_fields=["email"])

    def build(pk, on):
        groups = SelfManagementGroup.objects.filter(pk=pk)
        return leader_addresses_of_each(groups, on=on).values_list("pk", "leader_addresses")

    query = CompiledQuery(build, ints=("pk",), dates=("on",))
    today = timezone.localdate()

    # JSON from PostgreSQL's text, as values_list() gives it.
    assert (
        query.rows(pk=group_x.pk, on=today)
        == list(build(group_x.pk, today))
        == [(group_x.pk, [{"user": leader_x.pk, "email": "leader.x@example.test"}])]
    )
    # Before the leader started, nobody leads.
    assert query.rows(pk=group_x.pk, on=datetime.date(2020, 6, 1)) == [(group_x.pk, [])]


def test_a_value_that_does_not_reach_the_sql_as_a_parameter_is_refused(ward_a):
    # The marker is left out of the query: its SQL cannot take the value.
    query = CompiledQuery(lambda pk, on: Area.objects.filter(pk=pk), ints=("pk",), dates=("on",))

    with pytest.raises(ValueError, match="on"):
        query.rows(pk=ward_a.pk, on=timezone.localdate())


def test_constants_of_the_queryset_stay_as_they_are(group_x, leader_x, member_x):
    # True, "" and the like in the queryset are parameters too, and no marker.
    def build(group):
        return (
            Membership.objects.filter(group=group, is_leader=True)
            .exclude(member__user__email="")
            .values_list("member__user__username")
        )

    query = CompiledQuery(build, ints=("group",))
    Membership.objects.filter(group=group_x).update(is_leader=True)
    type(leader_x).objects.filter(pk=leader_x.pk).update(email="leader.x@example.test")

    assert query.rows(group=group_x.pk) == [("leader_x",)]


def test_the_sql_is_kept_prepared_on_the_connection(ward_a):
    from django.db import connection

    query = CompiledQuery(lambda pk: Area.objects.filter(pk=pk).values_list("name"), ints=("pk",))
    sql_start = 'SELECT "groups_area"."name" AS "name" FROM "groups_area" WHERE'

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [
                statement for (statement,) in cursor.fetchall() if statement.startswith(sql_start)
            ]

    assert query.rows(pk=ward_a.pk) == [(ward_a.name,)]
    assert query.rows(pk=ward_a.pk + 1) == []

    assert len(prepared()) == 1  # once, whatever the values
