"""What a reporter without an account sees of their report, and what they add to it.

The receipt code (and a tip's passphrase) is the reporter's only key: there is
no user to put through ``visible_to``. ``find_by_receipt`` is the one door;
after it, the follow-up pages (reports/public_views.py) keep only the report's
id in the session. What those pages show comes from ``public_thread`` and
never names a handler or shows an internal note.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports import receipts
from reports.models import CLOSED_STATUSES, Report, ReportEvent, Status

MAX_MESSAGE_LENGTH = 5000
CLOSED_MESSAGE = _(
    "This report is closed and takes no more messages. "
    "To tell us about something new, send a new report."
)

# Timeline entries the reporter sees of their own report.
_OWN_KINDS = (
    ReportEvent.Kind.CREATED,
    ReportEvent.Kind.STATUS,
    ReportEvent.Kind.QUESTION,
    ReportEvent.Kind.UPDATE,
    ReportEvent.Kind.REPORTER_MESSAGE,
    ReportEvent.Kind.MERGED,
)
# Of the report theirs was merged into, only what the handlers say about its
# progress: its questions and reporter messages belong to another reporter.
_MERGED_KINDS = (ReportEvent.Kind.STATUS, ReportEvent.Kind.UPDATE)


def find_by_receipt(*, code: str, passphrase: str) -> Report | None:
    """The report with this receipt code, if the passphrase fits (tips only).

    A named report needs no passphrase. Every path checks exactly one
    passphrase hash, so the time of the answer does not tell a wrong code from
    a wrong passphrase or a code that does not exist.
    """
    canonical = receipts.normalize_receipt_code(code)
    report = None
    if canonical is not None:
        report = Report.objects.filter(
            receipt_digest__in=receipts.receipt_digests(canonical)
        ).first()
    if report is not None and not receipt_opens(report):
        report = None  # lived its life: answered as a code that never existed
    if report is None or not report.is_anonymous:
        receipts.check_passphrase(passphrase, None)
        return report
    if not receipts.check_passphrase(passphrase, report.passphrase_hash):
        return None
    if receipts.needs_rehash(report.passphrase_hash):
        _rehash_passphrase(report=report, passphrase=passphrase)
    return report


def _rehash_passphrase(*, report: Report, passphrase: str) -> None:
    """Store the passphrase hashed with today's parameters (settings PASSPHRASE_ARGON2_*).

    Only if the stored hash is still the one just checked: a concurrent
    rehash of the same tip wins and this one changes nothing.
    """
    old_hash = report.passphrase_hash
    report.passphrase_hash = receipts.hash_passphrase(passphrase)
    Report.objects.filter(pk=report.pk, passphrase_hash=old_hash).update(
        passphrase_hash=report.passphrase_hash
    )


# The life of a receipt --------------------------------------------------------


def followed(report: Report) -> Report:
    """The report whose progress the reporter follows: their own, or the one it
    was finally merged into."""
    return merged_into(report) or report


def is_closed(report: Report) -> bool:
    """Closed for the reporter: no more messages, and the receipt's days are counted."""
    return followed(report).status in CLOSED_STATUSES


def readable_until(report: Report) -> datetime.datetime | None:
    """When the receipt stops opening the thread; None while the report is open.

    Counted from the closing of the report followed, so a receipt merged into a
    report still being handled keeps working.
    """
    current = followed(report)
    if current.status not in CLOSED_STATUSES or current.closed_at is None:
        return None
    return current.closed_at + datetime.timedelta(days=settings.RECEIPT_DAYS_AFTER_CLOSING)


def receipt_opens(report: Report, *, now: datetime.datetime | None = None) -> bool:
    until = readable_until(report)
    return until is None or (now or timezone.now()) < until


@dataclass(frozen=True)
class Thread:
    report: Report
    events: list[ReportEvent]
    # Set when the report was closed as a duplicate: the report it was merged into.
    merged_into: Report | None = None
    merged_events: list[ReportEvent] = field(default_factory=list)
    # Set once the report followed is closed: no reply box, and until when the
    # receipt still opens the thread.
    closed: bool = False
    readable_until: datetime.datetime | None = None


def public_thread(*, report: Report) -> Thread:
    original = merged_into(report)
    return Thread(
        report=report,
        events=_public_events(report, kinds=_OWN_KINDS),
        merged_into=original,
        merged_events=_public_events(original, kinds=_MERGED_KINDS) if original else [],
        closed=is_closed(report),
        readable_until=readable_until(report),
    )


def merged_into(report: Report) -> Report | None:
    """The report a closed duplicate was finally merged into, if any.

    Follows a chain (A merged into B, B later into C) to its end, so the
    reporter sees the report that is still being handled.
    """
    original = None
    seen = {report.pk}
    current = report
    while current.status == Status.DUPLICATE and current.duplicate_of_id not in seen:
        original = Report.objects.get(pk=current.duplicate_of_id)
        seen.add(original.pk)
        current = original
    return original


def add_reporter_message(*, report: Report, text: str) -> ReportEvent:
    """The reporter's answer or addition: public, and with no actor, as they have no account.

    Written on the reporter's own report even when it was merged, so that the
    other reporter of the merged report never reads it. A closed report takes no
    more: nobody reads its thread any longer, and something new is a new report.
    """
    if is_closed(report):
        raise ValidationError(CLOSED_MESSAGE, code="closed")
    return ReportEvent.objects.create(
        report=report,
        kind=ReportEvent.Kind.REPORTER_MESSAGE,
        note=text.strip(),
        public=True,
        actor=None,
    )


def _public_events(report: Report, *, kinds) -> list[ReportEvent]:
    # .only(): the actor is never loaded, so no template can show who acted.
    return list(
        report.events.filter(public=True, kind__in=kinds).only(
            "report_id", "kind", "to_status", "note", "created_at"
        )
    )
