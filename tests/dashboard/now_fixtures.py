"""Rows for the "Now" panel and comparison tests, written straight to the database
so that each test states its statuses, deadlines and escalations exactly."""

import datetime
import uuid

from django.utils import timezone

from patrols.models import LogStatus, PatrolLog, PatrolShift
from reports.models import Escalation, Report, Status

HOUR = datetime.timedelta(hours=1)


def make_report(
    *,
    category,
    ward,
    unit=None,
    status=Status.NEW,
    due_in_hours=4,
    created_hours_ago=1,
    **fields,
) -> Report:
    now = timezone.now()
    closed = status not in (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
    fields.setdefault("created_at", now - created_hours_ago * HOUR)
    fields.setdefault("closed_at", now if closed else None)
    return Report.objects.create(
        category=category,
        description="Mất trộm xe đạp trước cổng trường.",
        occurred_at=fields["created_at"],
        ward=ward,
        unit=unit,
        status=status,
        due_at=now + due_in_hours * HOUR,
        receipt_digest=uuid.uuid4().hex,
        **fields,
    )


def escalate(report: Report, *, level=1, acknowledged_by=None) -> Escalation:
    """The report taken to `level` (its latest), as the sweep leaves it."""
    escalation = Escalation.objects.create(
        report=report,
        level=level,
        acknowledged_at=timezone.now() if acknowledged_by else None,
        acknowledged_by=acknowledged_by,
    )
    Report.objects.filter(pk=report.pk).update(escalation_level=level)
    report.escalation_level = level
    return escalation


def patrol(group, *, started_hours_ago=1, finished=False, area=None) -> PatrolLog:
    now = timezone.now()
    started = now - started_hours_ago * HOUR
    shift = PatrolShift.objects.create(
        group=group, starts_at=started, ends_at=started + 3 * HOUR, area=area
    )
    return PatrolLog.objects.create(
        shift=shift,
        started_at=started,
        status=LogStatus.FINISHED if finished else LogStatus.IN_PROGRESS,
        finished_at=now if finished else None,
    )
