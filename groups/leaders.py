"""Whom a group's e-mails go to: its current leaders and deputies.

The leaders' notices of reports (reports/escalation/notifications.py) and of
missed patrols (patrols/missed.py) both ask here.
"""

from django.db.models import Q

from groups.models import Membership, User


def leaders_to_email(groups):
    """Active users who lead (or deputise in) any of `groups` today and have an
    e-mail address; each once. `groups` is a queryset or a list of groups."""
    leading = (
        Membership.objects.current()
        .filter(group__in=groups)
        .filter(Q(is_leader=True) | Q(is_deputy=True))
    )
    return (
        User.objects.filter(is_active=True, member__memberships__in=leading)
        .exclude(email="")
        .distinct()
    )
