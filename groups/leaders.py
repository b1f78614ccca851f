"""Whom a group's e-mails go to: its current leaders and deputies.

The leaders' notices of reports (reports/escalation/notifications.py) and of
missed patrols (patrols/missed.py) both ask here.
"""

from django.db.models import Q

from groups.models import Membership


def _leading(groups):
    """Current leading memberships in `groups` of active users with an e-mail address."""
    return (
        Membership.objects.current()
        .filter(group__in=groups)
        .filter(Q(is_leader=True) | Q(is_deputy=True))
        .filter(member__user__is_active=True)
        .exclude(member__user__email="")
    )


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
