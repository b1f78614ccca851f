"""Taking in a report or tip: from the public form, or logged by a member.

`submit_report` is the one way a report enters the system. It keeps the
reporter's identity in the vault only (never for an anonymous tip), gives the
reporter a receipt code (and a passphrase for a tip) that is stored only as
hashes, routes the report and writes the groups' leaders' notices to the outbox
(reports/escalation/leader_notices.py), sent after commit.
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from reports import receipts, routing
from reports.escalation import chain as escalation
from reports.escalation import notifications
from reports.escalation.deadlines import deadline_for
from reports.escalation.tasks import notify_leaders_of_new_report
from reports.models import Report, ReportAssignment, ReporterContact, ReportEvent, ReportPhoto


@dataclass(frozen=True)
class Receipt:
    report: Report
    code: str
    passphrase: str | None  # only for anonymous tips


def submit_report(
    *,
    data: dict,
    channel: str,
    photos: list[ContentFile] = (),
    logged_by=None,
) -> Receipt:
    """Save a report from validated form data (see reports/forms.py).

    `photos` are already cleaned by reports.photos.clean_photo. For an
    anonymous tip, `data["passphrase"]` may hold the tipster's own choice;
    otherwise one is made for them.
    """
    category = data["category"]
    anonymous = bool(data.get("anonymous"))
    code = receipts.new_receipt_code()
    passphrase = None
    if anonymous:
        passphrase = data.get("passphrase") or receipts.new_passphrase()
    now = timezone.now()
    saved_files = []
    try:
        with transaction.atomic():
            report = Report(
                category=category,
                description=data["description"],
                occurred_at=data.get("occurred_at") or now,
                ward=data["ward"],
                unit=data.get("unit"),
                address=data.get("address", ""),
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
                channel=channel,
                is_anonymous=anonymous,
                police_only=routing.is_police_only(
                    category=category,
                    concerns_group_member=bool(data.get("concerns_group_member")),
                ),
                due_at=deadline_for(category=category, start=now),
                created_at=now,
                logged_by=logged_by,
                receipt_digest=receipts.receipt_digests(code)[0],
                passphrase_hash=receipts.hash_passphrase(passphrase) if anonymous else "",
            )
            escalation.schedule(report=report)
            report.save(force_insert=True)
            if not anonymous and (data.get("name") or data.get("phone")):
                ReporterContact.objects.create(
                    report=report, name=data.get("name", ""), phone=data.get("phone", "")
                )
            for photo in photos:
                row = ReportPhoto(report=report)
                row.image.save(photo.name, photo, save=True)
                saved_files.append(row.image.name)
            assignments = []
            if not report.police_only:
                assignments = ReportAssignment.objects.bulk_create(
                    ReportAssignment(report=report, group=group)
                    for group in routing.groups_for(
                        category=category, ward=report.ward, unit=report.unit
                    )
                )
            if not assignments:
                # No group may handle it: it goes straight to the ward police.
                report.escalate_at, report.remind_at = now, None
                report.save(update_fields=["escalate_at", "remind_at"])
            ReportEvent.objects.create(
                report=report, kind=ReportEvent.Kind.CREATED, public=True, created_at=now
            )
            # In the outbox first: the message only hastens it (reports/escalation/outbox.py).
            notifications.queue_new_report_notices(report=report, now=now)
            notify_leaders_of_new_report.delay_on_commit(report.pk)
    except BaseException:
        # Files are not transactional: take back what this failed attempt wrote.
        for name in saved_files:
            ReportPhoto._meta.get_field("image").storage.delete(name)
        raise
    return Receipt(report=report, code=code, passphrase=passphrase)
