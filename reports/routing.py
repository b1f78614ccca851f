"""Which groups receive a report.

A report goes to the active groups covering its place whose model kind suits
the category. With no such group, or when the report concerns the group itself
(by its category or by the reporter's word), no group gets it and the ward
police alone handle it.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from groups.compiled_queries import CompiledQuery
from groups.leaders import leader_addresses_of_each
from groups.models import SelfManagementGroup
from reports.models import Category


@dataclass(frozen=True)
class Route:
    """A group a report goes to, with (user id, e-mail address) of its leaders and deputies."""

    group_id: int
    leaders: tuple[tuple[int, str], ...]


def routes_for(*, category, ward, unit=None, on: datetime.date) -> list[Route]:
    """The groups of `groups_for`, each with its leaders on the day `on`, in one query.

    The intake's query: its SQL is built once per process (groups/compiled_queries.py),
    as building it took longer than running it, and its rows are kept until the
    groups or their leaders change (groups/reference_data.py).
    """
    if unit:
        rows = _ROUTES_IN_UNIT.rows(category=category.pk, ward=ward.pk, unit=unit.pk, on=on)
    else:
        rows = _ROUTES_IN_WARD.rows(category=category.pk, ward=ward.pk, on=on)
    return [
        Route(
            group_id=group_id,
            leaders=tuple((address["user"], address["email"]) for address in addresses),
        )
        for group_id, addresses in rows
    ]


def groups_for(*, category, ward, unit=None) -> QuerySet:
    """The active groups that receive a report of `category` (an instance or an id)
    from `ward` and `unit` (instances or ids)."""
    groups = SelfManagementGroup.objects.active().filter(ward=ward)
    # A group without a unit covers the whole commune/ward.
    groups = (
        groups.filter(Q(unit=unit) | Q(unit__isnull=True))
        if unit
        else groups.filter(unit__isnull=True)
    )
    # A category that names no kinds suits groups of every kind; one that names some,
    # groups of one of them. Both are subqueries: one query, and no join to de-duplicate.
    named_kinds = Category.model_types.through.objects.filter(category=category)
    of_a_named_kind = SelfManagementGroup.model_types.through.objects.filter(
        selfmanagementgroup_id=OuterRef("pk"),
        modeltype_id__in=named_kinds.values("modeltype_id"),
    )
    return groups.filter(~Exists(named_kinds) | Exists(of_a_named_kind))


def _routes_query(*, category, ward, unit=None, on):
    groups = groups_for(category=category, ward=ward, unit=unit)
    return leader_addresses_of_each(groups, on=on).values_list("pk", "leader_addresses")


_ROUTES_IN_UNIT = CompiledQuery(
    _routes_query, ints=("category", "ward", "unit"), dates=("on",), reference_data=True
)
_ROUTES_IN_WARD = CompiledQuery(
    _routes_query, ints=("category", "ward"), dates=("on",), reference_data=True
)


def is_police_only(*, category, concerns_group_member: bool) -> bool:
    return category.about_the_group or concerns_group_member
