"""Retention: a closed report is anonymised once its category's time is up, unless a
legal hold keeps it.

Anonymising keeps what the dashboard counts (category, place, channel, status and
every date) and destroys what could identify or quote anyone: the photos (files
and rows), the reporter's contact in the vault, the free text (description,
address, outcome, timeline notes and messages, replaced by the category and the
dates), and the receipt and passphrase, so the tracking page no longer finds it.
The map point stays: it is where the incident happened, and the dashboard's map
and hotspot figures for past periods read it.

The legal hold is set and lifted by the ward's police or an administrator, with a
reason; both are recorded in the audit trail (groups/audit.py), as is every
report the job anonymises.
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.audit import Action, record
from reports.models import (
    CLOSED_STATUSES,
    Category,
    Report,
    ReporterContact,
    ReportEvent,
    ReportPhoto,
)

BATCH_SIZE = 200
# A receipt digest is 64 hex digits; this prefix can never equal one.
VOID_RECEIPT_PREFIX = "void-"
# Not an Argon2 hash: no passphrase verifies against it.
VOID_PASSPHRASE_HASH = "!"  # noqa: S105 (a marker, not a secret)


def may_hold(*, user, report: Report) -> bool:
    """Ward police of the report's ward and province administrators."""
    if not user.is_authenticated:
        return False
    if user.is_province_admin:
        return True
    return user.is_ward_police and user.police_ward_id == report.ward_id


def set_legal_hold(*, report: Report, by, reason: str) -> None:
    """Keep ``report`` from being anonymised, with a reason; changes the reason if held."""
    if not may_hold(user=by, report=report):
        raise PermissionDenied(_("Only the ward police and administrators may set a legal hold."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report must be kept.")}, code="required")
    now = timezone.now()
    with transaction.atomic():
        held = Report.objects.filter(pk=report.pk, anonymised_at__isnull=True).update(
            legal_hold_reason=reason, legal_hold_at=now, legal_hold_by=by
        )
        if not held:
            raise ValidationError(
                _("This report has already been anonymised; there is nothing left to keep."),
                code="anonymised",
            )
        # The reason is the officer's, but may name people: it stays on the report.
        record(action=Action.LEGAL_HOLD_SET, actor=by, obj=report)
    report.legal_hold_reason, report.legal_hold_at, report.legal_hold_by = reason, now, by


def clear_legal_hold(*, report: Report, by) -> bool:
    """Lift the hold; the report is then anonymised when its time is up. False if none."""
    if not may_hold(user=by, report=report):
        raise PermissionDenied(_("Only the ward police and administrators may lift a legal hold."))
    with transaction.atomic():
        lifted = Report.objects.filter(pk=report.pk, legal_hold_at__isnull=False).update(
            legal_hold_reason="", legal_hold_at=None, legal_hold_by=None
        )
        if lifted:
            record(action=Action.LEGAL_HOLD_CLEARED, actor=by, obj=report)
    report.legal_hold_reason, report.legal_hold_at, report.legal_hold_by = "", None, None
    return bool(lifted)


def due(*, category: Category, now: datetime.datetime):
    """Reports of ``category`` whose retention time is up and that no hold keeps."""
    cutoff = now - datetime.timedelta(days=category.retention_days)
    return Report.objects.filter(
        category=category,
        status__in=CLOSED_STATUSES,
        closed_at__lt=cutoff,
        anonymised_at__isnull=True,
        legal_hold_at__isnull=True,
    )


def anonymise_due(*, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Anonymise up to ``batch_size`` due reports; returns how many.

    Idempotent and safe to run twice at once: each report is locked with SKIP
    LOCKED and changed by a conditional update that finds it still due, so a
    report is anonymised once, and one held in between is left alone. The task
    calls this until it returns less than a batch.
    """
    now = now or timezone.now()
    done = 0
    for category in Category.objects.order_by("pk"):
        while done < batch_size:
            ids = list(
                due(category=category, now=now)
                .order_by("closed_at", "pk")
                .values_list("pk", flat=True)[: batch_size - done]
            )
            if not ids:
                break
            progressed = 0
            for report_id in ids:
                if anonymise(report_id=report_id, category=category, now=now):
                    done += 1
                    progressed += 1
            if not progressed:
                break
    return done


def anonymise(*, report_id: int, category: Category, now: datetime.datetime) -> bool:
    """Anonymise one report if it is still due; False if it is not (or is being done)."""
    with transaction.atomic():
        report = (
            due(category=category, now=now)
            .select_for_update(skip_locked=True, of=("self",))
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            return False
        photos = list(ReportPhoto.objects.filter(report=report))
        for photo in photos:
            # Deletes the file once the transaction commits (ReportPhoto.delete).
            photo.delete()
        contacts, _by_model = ReporterContact.objects.filter(report=report).delete()
        notes = ReportEvent.objects.filter(report=report).exclude(note="").update(note="")
        changed = (
            due(category=category, now=now)
            .filter(pk=report.pk)
            .update(
                description=_placeholder(report, category),
                address="",
                outcome="",
                receipt_digest=VOID_RECEIPT_PREFIX + secrets.token_hex(24),
                passphrase_hash=VOID_PASSPHRASE_HASH if report.is_anonymous else "",
                anonymised_at=now,
            )
        )
        if changed != 1:
            raise RuntimeError(f"report {report.pk} changed while locked")
        record(
            action=Action.ANONYMISED,
            obj=report,
            detail={"photos": len(photos), "contact": bool(contacts), "notes": notes},
        )
    return True


def _placeholder(report: Report, category: Category) -> str:
    # In the portal's language, as the rest of the record: read years later by whoever
    # looks the number up.
    local = timezone.localtime
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("%(category)s. Received %(received)s, closed %(closed)s. Anonymised.") % {
            "category": category.name,
            "received": f"{local(report.created_at):%d/%m/%Y}",
            "closed": f"{local(report.closed_at):%d/%m/%Y}",
        }
