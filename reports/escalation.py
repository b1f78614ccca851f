"""Taking unhandled reports up the police contact chain: exactly once per level.

The database is the queue's truth. `Report.escalate_at` holds when the next
level is due (the group's deadline for level 1, then each level's window);
it is cleared when the group acknowledges or the police acknowledge. The
sweep (a beat task every few seconds) claims due reports with
``SELECT … FOR UPDATE SKIP LOCKED`` and, in the same transaction, writes the
`Escalation` (unique per report and level) and its `Notice`s (unique per
contact and channel); the delivery tasks are enqueued after commit. Notices
whose message was lost (a Redis restart, a killed worker) are found again by
the sweep through `Notice.next_attempt_at`. See docs/escalation.md.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Area, PoliceContact
from reports.channels import configured_channels
from reports.lifecycle import ADMIN, POLICE, handler_role
from reports.models import (
    Escalation,
    EscalationLevel,
    Notice,
    NoticeChannel,
    Report,
    ReportEvent,
    WebhookEndpoint,
)

SWEEP_BATCH = 200
ENQUEUE_BATCH = 1000
# A notice handed to the broker but still pending this long was lost on the way.
REQUEUE_AFTER = datetime.timedelta(minutes=2)


@dataclass(frozen=True)
class SweepResult:
    escalated: int
    notices_enqueued: int


def sweep(*, now: datetime.datetime | None = None, batch_size: int = SWEEP_BATCH) -> SweepResult:
    """Escalate every due report, then hand every due notice to the workers.

    Safe to run concurrently with itself: each batch locks its reports with
    SKIP LOCKED, so two sweeps never take the same report, and the unique
    constraints catch anything that slips through.
    """
    now = now or timezone.now()
    escalated = 0
    while True:
        with transaction.atomic():
            due = list(
                Report.objects.filter(escalate_at__lte=now)
                .order_by("escalate_at")
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("category", "ward")[:batch_size]
            )
            for report in due:
                escalated += escalate(report=report, now=now)
        if len(due) < batch_size:
            break
    return SweepResult(escalated=escalated, notices_enqueued=enqueue_due_notices(now=now))


def escalate(*, report: Report, now: datetime.datetime) -> int:
    """Take one locked, due report to its next level; returns 1 if it escalated.

    Must run inside the transaction that locked the report.
    """
    level_number = report.escalation_level + 1
    levels = {level.number: level for level in _levels_for(report)}
    level = levels.get(level_number)
    if level is None:
        # The chain is exhausted: nobody is left to reach.
        Report.objects.filter(pk=report.pk).update(escalate_at=None)
        return 0
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                report=report, level=level_number, created_at=now
            )
    except IntegrityError:
        # Already escalated to this level (a concurrent sweep before our lock,
        # or a retried transaction): never twice.
        return 0
    notices = _notices_for(escalation=escalation, report=report, level=level, now=now)
    Notice.objects.bulk_create(notices)
    following = levels.get(level_number + 1)
    report.escalation_level = level_number
    report.escalate_at = (
        now + datetime.timedelta(minutes=level.window_minutes) if following else None
    )
    report.save(update_fields=["escalation_level", "escalate_at"])
    ReportEvent.objects.create(
        report=report,
        kind=ReportEvent.Kind.ESCALATED,
        note=_("Escalated to level %(level)s: %(count)s notices")
        % {
            "level": level_number,
            "count": len(notices),
        },
        created_at=now,
    )
    return 1


def _levels_for(report: Report):
    rule = getattr(report.category, "escalation_rule", None)
    if rule is None:
        return EscalationLevel.objects.none()
    return rule.levels.all()


def _contacts_for(*, report: Report, level: EscalationLevel) -> list[PoliceContact]:
    if level.reaches == EscalationLevel.Reach.PROVINCE_DUTY:
        contacts = PoliceContact.objects.active().filter(area__path=_province_path(report))
    else:
        contacts = PoliceContact.objects.active().filter(area_id=report.ward_id)
        if level.reaches == EscalationLevel.Reach.WARD_NEXT:
            # Leave out who was reached, not how many: a contact who left the
            # list in between must not make the next level skip someone.
            contacts = contacts.exclude(
                pk__in=Notice.objects.filter(
                    escalation__report=report, contact__isnull=False
                ).values("contact")
            )
    contacts = list(contacts.order_by("order", "pk"))
    if level.contact_count:
        contacts = contacts[: level.contact_count]
    return contacts


def _province_path(report: Report) -> str:
    # A commune's path starts with its province's (materialized path).
    return report.ward.path[: Area.steplen]


def _notices_for(*, escalation, report, level, now) -> list[Notice]:
    notices = []
    usable = configured_channels()
    for contact in _contacts_for(report=report, level=level):
        for channel in level.channels:
            address = contact.address_for(channel)
            if address and channel in contact.channels and channel in usable:
                notices.append(
                    Notice(
                        escalation=escalation,
                        contact=contact,
                        channel=channel,
                        address=address,
                        next_attempt_at=now,
                    )
                )
    endpoints = WebhookEndpoint.objects.filter(active=True).filter(
        Q(area_id=report.ward_id) | Q(area__path=_province_path(report))
    )
    notices.extend(
        Notice(
            escalation=escalation,
            endpoint=endpoint,
            channel=NoticeChannel.WEBHOOK,
            address=endpoint.url,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    )
    return notices


def enqueue_due_notices(*, now: datetime.datetime) -> int:
    """Hand every notice whose time has come to the workers, once per REQUEUE_AFTER.

    New notices are due at once; a lost message or an expired delivery lease
    makes a notice due again. The conditional update is what lets only one
    sweep enqueue a given notice at a time.
    """
    from reports.tasks import deliver_notice

    enqueued = 0
    while True:
        # In batches, each committed (and its messages sent) before the next:
        # a handed-out notice is due again only after REQUEUE_AFTER, so the
        # loop ends when every notice due now has gone.
        with transaction.atomic():
            due = list(
                Notice.objects.filter(
                    status__in=[Notice.Status.PENDING, Notice.Status.SENDING],
                    next_attempt_at__lte=now,
                )
                .order_by("next_attempt_at")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:ENQUEUE_BATCH]
            )
            if due:
                # A "sending" notice here has outlived its lease: its worker died.
                Notice.objects.filter(pk__in=due).update(
                    status=Notice.Status.PENDING,
                    enqueued_at=now,
                    next_attempt_at=now + REQUEUE_AFTER,
                )
                for notice_id in due:
                    transaction.on_commit(
                        lambda notice_id=notice_id: deliver_notice.delay(notice_id)
                    )
                enqueued += len(due)
        if len(due) < ENQUEUE_BATCH:
            return enqueued


def acknowledge(*, escalation: Escalation, by) -> bool:
    """The police take the report: record who and when, and stop further levels.

    Returns False when it was already acknowledged (the first one counts).
    """
    report = escalation.report
    if handler_role(user=by, report=report) not in (POLICE, ADMIN):
        raise PermissionDenied(_("Only the police of this commune/ward may acknowledge."))
    now = timezone.now()
    with transaction.atomic():
        taken = Escalation.objects.filter(pk=escalation.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=by
        )
        if not taken:
            return False
        Report.objects.filter(pk=report.pk).update(escalate_at=None)
        ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.POLICE_ACKNOWLEDGED,
            actor=by,
            note=_("Escalation level %(level)s acknowledged") % {"level": escalation.level},
            created_at=now,
        )
    return True


def send_due_reminders(*, now: datetime.datetime | None = None) -> int:
    """Enqueue the leaders' reminder of every report whose reminder time has come, once."""
    from reports.tasks import remind_leaders

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Report.objects.filter(remind_at__lte=now)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:1000]
        )
        Report.objects.filter(pk__in=due).update(remind_at=None)
        for report_id in due:
            transaction.on_commit(lambda report_id=report_id: remind_leaders.delay(report_id))
    return len(due)


def schedule(*, report: Report) -> None:
    """Set when a new report's first escalation and the leaders' reminder are due.

    Called by the intake before the report is saved.
    """
    report.escalate_at = report.due_at
    rule = getattr(report.category, "escalation_rule", None)
    percent = rule.remind_leaders_at_percent if rule else 0
    if percent and not report.police_only:
        report.remind_at = report.created_at + (report.due_at - report.created_at) * percent / 100
