"""Whom a group's e-mails go to: its current leaders and deputies.

The leaders' notices of reports (reports/escalation/notifications.py) and of
missed patrols (patrols/missed.py) both ask here.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q
from django.db.models.functions import JSONObject

from groups.models import Membership


def _leading(groups=None, *, on=None):
    """Leading memberships current `on` (today) (in `groups`, if given) of active users
    with an e-mail address."""
    memberships = (
        Membership.objects.current(on)
        .filter(Q(is_leader=True) | Q(is_deputy=True))
        .filter(member__user__is_active=True)
        .exclude(member__user__email="")
    )
    return memberships if groups is None else memberships.filter(group__in=groups)


def leader_addresses_by_group(groups) -> dict[int, list[tuple[int, str]]]:
    """Group id → (user id, e-mail address) of each active leader and deputy of the
    group today, in one query for any number of groups. `groups` is a queryset or
    a list of groups."""
    by_group: dict[int, list[tuple[int, str]]] = {}
    for group_id, user_id, address in (
        _leading(groups)
        .values_list("group_id", "member__user_id", "member__user__email")
        .distinct()
        .order_by("member__user_id")
    ):
        by_group.setdefault(group_id, []).append((user_id, address))
    return by_group


def leader_addresses_of_each(groups, *, on=None):
    """`groups` (a queryset) with `leader_addresses`: [{"user": id, "email": address}, ...]
    of each group's active leaders and deputies `on` that day (today), read in the
    groups' own query.

    For a caller that reads the groups anyway (the intake): one query, not two.
    """
    leading = (
        _leading(on=on)
        .filter(group=OuterRef("pk"))
        .values(address=JSONObject(user="member__user_id", email="member__user__email"))
    )
    return groups.annotate(leader_addresses=ArraySubquery(leading))
