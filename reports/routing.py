"""Which groups receive a report.

A report goes to the active groups covering its place whose model kind suits
the category. With no such group, or when the report concerns the group itself
(by its category or by the reporter's word), no group gets it and the ward
police alone handle it.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from groups.models import SelfManagementGroup
from reports.models import Category


def groups_for(*, category, ward, unit=None) -> QuerySet:
    groups = SelfManagementGroup.objects.active().filter(ward=ward)
    # A group without a unit covers the whole commune/ward.
    groups = (
        groups.filter(Q(unit=unit) | Q(unit__isnull=True))
        if unit
        else groups.filter(unit__isnull=True)
    )
    # A category that names no kinds suits groups of every kind; one that names some,
    # groups of one of them. Both are subqueries: one query, and no join to de-duplicate.
    named_kinds = Category.model_types.through.objects.filter(category_id=category.pk)
    of_a_named_kind = SelfManagementGroup.model_types.through.objects.filter(
        selfmanagementgroup_id=OuterRef("pk"),
        modeltype_id__in=named_kinds.values("modeltype_id"),
    )
    return groups.filter(~Exists(named_kinds) | Exists(of_a_named_kind))


def is_police_only(*, category, concerns_group_member: bool) -> bool:
    return category.about_the_group or concerns_group_member
