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
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.audit import Action, record
from groups.models import Area, PoliceContact
from reports.escalation import leader_notices
from reports.escalation.channels import configured_channels
from reports.escalation.outbox import publish_after_commit
from reports.escalation.tasks import deliver_notices
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
# Notices per delivery task. Publishing a message costs about half the CPU of
# sending an email; 25 make that and each task's overhead small per notice,
# spread a burst over every worker thread, and keep a batch whose every send
# runs into the channels' 15 s timeout within the task's time limit
# (reports.tasks.deliver_notices, under delivery.LEASE).
DELIVERY_BATCH = 25


@dataclass(frozen=True)
class SweepResult:
    escalated: int
    notices_enqueued: int


def sweep(*, now: datetime.datetime | None = None, batch_size: int = SWEEP_BATCH) -> SweepResult:
    """Escalate every due report and hand every due notice to the workers.

    Safe to run concurrently with itself: each batch locks its reports with
    SKIP LOCKED, so two sweeps never take the same report, and the unique
    constraints catch anything that slips through.
    """
    now = now or timezone.now()
    escalated = enqueued = 0
    due_reports = Report.objects.filter(escalate_at__lte=now)
    # Nothing due is the common case: one read, without opening a transaction.
    if due_reports.exists():
        while True:
            with transaction.atomic():
                # No join here: ordered by escalate_at alone, the partial index
                # gives the first rows of the batch without sorting every due one.
                due = list(
                    due_reports.order_by("escalate_at").select_for_update(skip_locked=True)[
                        :batch_size
                    ]
                )
                if due:
                    escalated += _escalate_batch(reports=due, now=now)
            if len(due) < batch_size:
                break
            # Each batch's notices go out at once: the workers deliver the
            # first reports' while the sweep escalates the next.
            enqueued += enqueue_due_notices(now=now)
    enqueued += enqueue_due_notices(now=now)
    return SweepResult(escalated=escalated, notices_enqueued=enqueued)


def _escalate_batch(*, reports: list[Report], now: datetime.datetime) -> int:
    """Take each locked, due report to its next level; returns how many escalated.

    A batch costs the same few queries whatever its size: what its reports
    share (levels, contact lists, webhook endpoints) is read once, and the
    ledger rows are written with one statement per table.
    """
    levels = _levels_by_category({report.category_id for report in reports})
    steps, exhausted = [], []
    for report in reports:
        level = levels.get(report.category_id, {}).get(report.escalation_level + 1)
        if level is None:
            exhausted.append(report.pk)
        else:
            steps.append((report, level))
    if exhausted:
        # The chain is exhausted: nobody is left to reach.
        Report.objects.filter(pk__in=exhausted).update(escalate_at=None)
    escalation_ids = _create_escalations(steps=steps, now=now)
    # A report whose level exists already (a concurrent sweep before our lock,
    # or a retried transaction) is never escalated twice.
    steps = [(report, level) for report, level in steps if report.pk in escalation_ids]
    if not steps:
        return 0
    reach = _Reach.load(steps)
    notices, events = [], []
    for report, level in steps:
        made = reach.notices_for(
            escalation_id=escalation_ids[report.pk], report=report, level=level, now=now
        )
        notices.extend(made)
        following = levels[report.category_id].get(level.number + 1)
        report.escalation_level = level.number
        report.escalate_at = (
            now + datetime.timedelta(minutes=level.window_minutes) if following else None
        )
        events.append(
            ReportEvent(
                report=report,
                kind=ReportEvent.Kind.ESCALATED,
                note=_("Escalated to level %(level)s: %(count)s notices")
                % {"level": level.number, "count": len(made)},
                created_at=now,
            )
        )
    Notice.objects.bulk_create(notices)
    # One UPDATE per next state, not bulk_update's CASE per report: a batch's
    # reports share a few levels and windows, and resolving a CASE of hundreds
    # of branches cost more than the rest of the batch.
    next_states: dict[tuple, list[int]] = {}
    for report, _level in steps:
        next_states.setdefault((report.escalation_level, report.escalate_at), []).append(report.pk)
    for (level_number, escalate_at), report_ids in next_states.items():
        Report.objects.filter(pk__in=report_ids).update(
            escalation_level=level_number, escalate_at=escalate_at
        )
    ReportEvent.objects.bulk_create(events)
    return len(steps)


def _levels_by_category(category_ids) -> dict[int, dict[int, EscalationLevel]]:
    levels: dict[int, dict[int, EscalationLevel]] = {}
    for level in EscalationLevel.objects.filter(rule__category_id__in=category_ids).annotate(
        category_id=F("rule__category_id")
    ):
        levels.setdefault(level.category_id, {})[level.number] = level
    return levels


def _create_escalations(*, steps, now: datetime.datetime) -> dict[int, int]:
    """Insert each step's `Escalation`, skipping those that exist; report id → its id.

    One INSERT … ON CONFLICT DO NOTHING for the batch: the unique constraint
    (report, level) decides, without a savepoint per report.
    """
    if not steps:
        return {}
    meta = Escalation._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608  # nosec B608  # quoted model names
            f"({quote(meta.get_field('report').column)}, {quote(meta.get_field('level').column)}, "
            f"{quote(meta.get_field('created_at').column)}) "
            "SELECT due.report_id, due.level, %s FROM unnest(%s::bigint[], %s::int[]) "
            "AS due(report_id, level) ON CONFLICT DO NOTHING "
            f"RETURNING {quote(meta.get_field('report').column)}, {quote(meta.pk.column)}",
            [
                now,
                [report.pk for report, _level in steps],
                [level.number for _report, level in steps],
            ],
        )
        return dict(cursor.fetchall())


@dataclass
class _Reach:
    """Who a batch's reports may reach, read once for the batch."""

    province_of: dict[int, str]  # ward id → its province's path
    ward_contacts: dict[int, list[PoliceContact]]  # ward id → its list, in order
    province_contacts: dict[str, list[PoliceContact]]  # province path → duty contacts
    endpoints: list[WebhookEndpoint]  # annotated with area_path
    reached: dict[int, set[int]]  # report id → contacts already sent a notice

    @classmethod
    def load(cls, steps) -> "_Reach":
        reaches = {level.reaches for _report, level in steps}
        ward_ids = {report.ward_id for report, _level in steps}
        # A commune's path starts with its province's (materialized path).
        province_of = {
            ward_id: path[: Area.steplen]
            for ward_id, path in Area.objects.filter(pk__in=ward_ids).values_list("pk", "path")
        }
        provinces = set(province_of.values())
        ward_contacts, province_contacts, reached = {}, {}, {}
        contacts = PoliceContact.objects.active().order_by("order", "pk")
        if reaches - {EscalationLevel.Reach.PROVINCE_DUTY}:
            for contact in contacts.filter(area_id__in=ward_ids):
                ward_contacts.setdefault(contact.area_id, []).append(contact)
        if EscalationLevel.Reach.PROVINCE_DUTY in reaches:
            for contact in contacts.filter(area__path__in=provinces).annotate(
                area_path=F("area__path")
            ):
                province_contacts.setdefault(contact.area_path, []).append(contact)
        next_in_ward = [
            report.pk for report, level in steps if level.reaches == EscalationLevel.Reach.WARD_NEXT
        ]
        if next_in_ward:
            for report_id, contact_id in (
                Notice.objects.filter(escalation__report__in=next_in_ward, contact__isnull=False)
                .values_list("escalation__report", "contact")
                .distinct()
            ):
                reached.setdefault(report_id, set()).add(contact_id)
        endpoints = list(
            WebhookEndpoint.objects.filter(active=True)
            .filter(Q(area_id__in=ward_ids) | Q(area__path__in=provinces))
            .annotate(area_path=F("area__path"))
        )
        return cls(province_of, ward_contacts, province_contacts, endpoints, reached)

    def contacts_for(self, *, report: Report, level: EscalationLevel) -> list[PoliceContact]:
        if level.reaches == EscalationLevel.Reach.PROVINCE_DUTY:
            contacts = self.province_contacts.get(self.province_of[report.ward_id], [])
        else:
            contacts = self.ward_contacts.get(report.ward_id, [])
            if level.reaches == EscalationLevel.Reach.WARD_NEXT:
                # Leave out who was reached, not how many: a contact who left the
                # list in between must not make the next level skip someone.
                reached = self.reached.get(report.pk, set())
                contacts = [contact for contact in contacts if contact.pk not in reached]
        if level.contact_count:
            contacts = contacts[: level.contact_count]
        return contacts

    def notices_for(self, *, escalation_id: int, report: Report, level, now) -> list[Notice]:
        notices = []
        usable = configured_channels()
        for contact in self.contacts_for(report=report, level=level):
            for channel in level.channels:
                address = contact.address_for(channel)
                if address and channel in contact.channels and channel in usable:
                    notices.append(
                        Notice(
                            escalation_id=escalation_id,
                            contact=contact,
                            channel=channel,
                            address=address,
                            next_attempt_at=now,
                        )
                    )
        province = self.province_of[report.ward_id]
        notices.extend(
            Notice(
                escalation_id=escalation_id,
                endpoint=endpoint,
                channel=NoticeChannel.WEBHOOK,
                address=endpoint.url,
                next_attempt_at=now,
            )
            for endpoint in self.endpoints
            if endpoint.area_id == report.ward_id or endpoint.area_path == province
        )
        return notices


def enqueue_due_notices(*, now: datetime.datetime) -> int:
    """Hand every notice whose time has come to the workers, once per REQUEUE_AFTER.

    New notices are due at once; a lost message or an expired delivery lease
    makes a notice due again. The conditional update is what lets only one
    sweep enqueue a given notice at a time.
    """
    due_notices = Notice.objects.filter(
        status__in=[Notice.Status.PENDING, Notice.Status.SENDING], next_attempt_at__lte=now
    )
    if not due_notices.exists():
        return 0
    enqueued = 0
    while True:
        # In batches, each committed (and its messages sent) before the next:
        # a handed-out notice is due again only after REQUEUE_AFTER, so the
        # loop ends when every notice due now has gone.
        with transaction.atomic():
            due = list(
                due_notices.order_by("next_attempt_at")
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
                # Not delay_on_commit: the batch goes out over one broker connection.
                publish_after_commit(_send_deliveries, due)
                enqueued += len(due)
        if len(due) < ENQUEUE_BATCH:
            return enqueued


def _send_deliveries(notice_ids: list[int]) -> None:
    # One broker connection for the batch, not one from the pool per message.
    with deliver_notices.app.producer_or_acquire() as producer:
        for start in range(0, len(notice_ids), DELIVERY_BATCH):
            chunk = notice_ids[start : start + DELIVERY_BATCH]
            deliver_notices.apply_async((chunk,), producer=producer)


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
        record(
            action=Action.ESCALATION_ACK,
            actor=by,
            obj=escalation,
            ward=report.ward_id,
            detail={"report": report.pk, "level": escalation.level},
        )
    return True


def send_due_reminders(*, now: datetime.datetime | None = None) -> int:
    """Queue the leaders' reminder of every report whose reminder time has come, once.

    The reminders are written to the outbox (reports.escalation.leader_notices) in
    the transaction that clears `remind_at`, so a broker outage delays them only.
    """
    from reports.escalation.notifications import queue_reminders

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Report.objects.filter(remind_at__lte=now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("category", "ward", "unit")[:1000]
        )
        Report.objects.filter(pk__in=[report.pk for report in due]).update(remind_at=None)
        leader_notices.deliver_after_commit(queue_reminders(reports=due, now=now))
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
