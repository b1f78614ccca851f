"""The morning notice: each group's leaders learn which shifts were missed and which
patrol logs had to be closed automatically.

Each shift and each log is told once: the rows are claimed (locked, skipping
rows another worker holds, and stamped `leader_told_at`) in one transaction, and
the emails go out after it commits. The flag itself stays on the rows, so the
calendar and the coverage page show it whether or not an email arrived.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from groups.leaders import leaders_to_email
from patrols.models import LogStatus, PatrolLog, PatrolShift, local_midnight

# On the first run (or after a long outage) older misses are not dug up.
LOOK_BACK = datetime.timedelta(days=7)


def flag_missed_shifts(*, now: datetime.datetime | None = None) -> int:
    """Claim the shifts missed before today and the logs closed automatically, and email
    the groups' leaders after commit. Returns the number of shifts flagged."""
    now = now or timezone.now()
    today = local_midnight(timezone.localdate(now))
    with transaction.atomic():
        shifts = list(
            PatrolShift.objects.missed(now=today)
            .filter(leader_told_at__isnull=True, ends_at__gte=today - LOOK_BACK)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("group")
            .order_by("starts_at")
        )
        logs = list(
            PatrolLog.objects.filter(
                status=LogStatus.AUTO_CLOSED,
                leader_told_at__isnull=True,
                auto_closed_at__gte=today - LOOK_BACK,
            )
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("shift__group")
            .order_by("started_at")
        )
        PatrolShift.objects.filter(pk__in=[shift.pk for shift in shifts]).update(leader_told_at=now)
        PatrolLog.objects.filter(pk__in=[log.pk for log in logs]).update(leader_told_at=now)
        missed_by_group, closed_by_group = defaultdict(list), defaultdict(list)
        for shift in shifts:
            missed_by_group[shift.group].append(shift)
        for log in logs:
            closed_by_group[log.shift.group].append(log)
        groups = set(missed_by_group) | set(closed_by_group)
        transaction.on_commit(
            lambda: [
                _tell_leaders(
                    group=group, missed=missed_by_group[group], closed=closed_by_group[group]
                )
                for group in sorted(groups, key=lambda group: group.pk)
            ]
        )
    return len(shifts)


def leaders_of(group) -> list[str]:
    """Email addresses of the group's current leaders and deputies."""
    return list(leaders_to_email([group]).values_list("email", flat=True))


def _tell_leaders(*, group, missed: list, closed: list) -> int:
    recipients = leaders_of(group)
    if not recipients:
        return 0
    link = settings.SITE_URL + reverse("patrols:calendar", args=[group.pk])
    context = {"group": group, "missed": missed, "closed": closed, "link": link}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("patrols/email/missed_subject.txt", context).strip()
        body = render_to_string("patrols/email/missed.txt", context)
    # One message per leader: leaders do not see each other's addresses.
    for address in recipients:
        send_mail(" ".join(subject.split()), body, None, [address])
    return len(recipients)
