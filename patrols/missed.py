"""The morning notice: each group's leaders learn which shifts were missed and which
patrol logs had to be closed automatically.

Each shift and each log is told once: the rows are claimed (locked, skipping
rows another worker holds, and stamped `leader_told_at`) in the transaction that
writes one notice per leader to the outbox (reports/escalation/leader_notices.py); the
emails go out after it commits, or with the sweep after a broker outage. The
flag itself stays on the rows, so the calendar and the coverage page show it
whether or not an email arrived.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.leaders import leader_addresses_by_group
from patrols.models import LogStatus, PatrolLog, PatrolShift, local_midnight
from reports.escalation import leader_notices
from reports.models import LeaderNotice

# On the first run (or after a long outage) older misses are not dug up.
LOOK_BACK = datetime.timedelta(days=7)


def flag_missed_shifts(*, now: datetime.datetime | None = None) -> int:
    """Claim the shifts missed before today and the logs closed automatically, and queue
    the emails to the groups' leaders. Returns the number of shifts flagged."""
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
        notice_ids = []
        for group in sorted(set(missed_by_group) | set(closed_by_group), key=lambda g: g.pk):
            notice_ids += _queue_notices(
                group=group, missed=missed_by_group[group], closed=closed_by_group[group], now=now
            )
        leader_notices.deliver_after_commit(notice_ids)
    return len(shifts)


def leaders_of(group) -> list[tuple[int, str]]:
    """(user id, email address) of the group's current leaders and deputies."""
    return leader_addresses_by_group([group]).get(group.pk, [])


def _queue_notices(*, group, missed: list, closed: list, now) -> list[int]:
    # One notice per leader (they do not see each other's addresses), in the
    # outbox with the claim of the shifts: a broker or SMTP outage delays
    # them, and a retry sends none twice (reports/escalation/leader_notices.py).
    recipients = leaders_of(group)
    if not recipients:
        return []
    link = settings.SITE_URL + reverse("patrols:calendar", args=[group.pk])
    subject, body = leader_notices.render(
        template="patrols/email/missed",
        context={"group": group, "missed": missed, "closed": closed, "link": link},
    )
    return leader_notices.queue(
        kind=LeaderNotice.Kind.MISSED_SHIFTS,
        recipients=recipients,
        subject=subject,
        body=body,
        now=now,
    )
