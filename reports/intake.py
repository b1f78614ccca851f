"""Taking in a report or tip: from the public form, or logged by a member.

`submit_report` is the one way a report enters the system. It keeps the
reporter's identity in the vault only (never for an anonymous tip), gives the
reporter a receipt code (and a passphrase for a tip) that is stored only as
hashes, routes the report and writes the groups' leaders' notices to the outbox
(reports/escalation/leader_notices.py), sent after commit.
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from reports import intake_statement, receipts, routing
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
    ward, unit = data["ward"], data.get("unit")
    police_only = routing.is_police_only(
        category=category, concerns_group_member=bool(data.get("concerns_group_member"))
    )
    # Reads first, then the writes in one statement: the groups,
    # their leaders and the holidays change by hand, rarely, and a report routed
    # a moment before such a change is routed as it would have been then.
    routes = []
    if not police_only:
        routes = routing.routes_for(
            category=category, ward=ward, unit=unit, on=timezone.localdate(now)
        )
    # Each leader once, however many of the groups they lead.
    leaders = sorted({user: address for route in routes for user, address in route.leaders}.items())
    due_at = deadline_for(category=category, start=now)
    report = Report(
        category=category,
        description=data["description"],
        occurred_at=data.get("occurred_at") or now,
        ward=ward,
        unit=unit,
        address=data.get("address", ""),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        channel=channel,
        is_anonymous=anonymous,
        police_only=police_only,
        due_at=due_at,
        created_at=now,
        logged_by=logged_by,
        receipt_digest=receipts.receipt_digests(code)[0],
        passphrase_hash=receipts.hash_passphrase(passphrase) if anonymous else "",
    )
    escalation.schedule(report=report)
    if not routes:
        # No group may handle it: it goes straight to the ward police.
        report.escalate_at, report.remind_at = now, None
    contact = None
    if not anonymous and (data.get("name") or data.get("phone")):
        contact = ReporterContact(
            report=report, name=data.get("name", ""), phone=data.get("phone", "")
        )
    if leaders or photos:
        # Their links and file names carry the report's id: take it before writing.
        report.pk = intake_statement.reserve_id(Report)
    notices = notifications.new_report_notices(report=report, now=now, leaders=leaders)
    saved_files = []
    try:
        photo_rows = []
        for photo in photos:
            row = ReportPhoto(report=report)
            row.image.save(photo.name, photo, save=False)
            saved_files.append(row.image.name)
            photo_rows.append(row)
        dependents = [
            *([contact] if contact else []),
            *photo_rows,
            *(ReportAssignment(report=report, group_id=route.group_id) for route in routes),
            ReportEvent(report=report, kind=ReportEvent.Kind.CREATED, public=True, created_at=now),
            # In the outbox: the message after commit only hastens it (escalation/outbox.py).
            *notices,
        ]
        # One statement, atomic by itself (reports/intake_statement.py).
        intake_statement.insert_with_dependents(report=report, dependents=dependents)
    except BaseException:
        # Files are not transactional: take back what this failed attempt wrote.
        for name in saved_files:
            ReportPhoto._meta.get_field("image").storage.delete(name)
        raise
    for row in dependents:
        row.report = report
    if notices:
        # Nothing to hasten when no leader is to be told: no broker round trip.
        notify_leaders_of_new_report.delay_on_commit(report.pk)
    return Receipt(report=report, code=code, passphrase=passphrase)
