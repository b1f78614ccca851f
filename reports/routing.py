"""Which groups receive a report.

A report goes to the active groups covering its place whose model kind suits
the category. With no such group, or when the report concerns the group itself
(by its category or by the reporter's word), no group gets it and the ward
police alone handle it.
"""

from django.db.models import Q, QuerySet

from groups.models import SelfManagementGroup


def groups_for(*, category, ward, unit=None) -> QuerySet:
    groups = SelfManagementGroup.objects.active().filter(ward=ward)
    # A group without a unit covers the whole commune/ward.
    groups = (
        groups.filter(Q(unit=unit) | Q(unit__isnull=True))
        if unit
        else groups.filter(unit__isnull=True)
    )
    suited_kinds = category.model_types.all()
    if suited_kinds.exists():
        groups = groups.filter(model_types__in=suited_kinds)
    return groups.distinct()


def is_police_only(*, category, concerns_group_member: bool) -> bool:
    return category.about_the_group or concerns_group_member
