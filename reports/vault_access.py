"""Revealing a named reporter's contact: ward police of the report's ward and
province administrators only, always with a reason, always logged.

Group leaders and members are the reporter's neighbours and never reach the
vault. The view shows what ``reveal_contact`` returns on that one response
and keeps it nowhere else (not in the session, not in a cache).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from groups.audit import Action, record
from reports.models import ContactReveal, Report, ReporterContact


def may_reveal_contact(*, user, report: Report) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_province_admin:
        return True
    return user.is_ward_police and user.police_ward_id == report.ward_id


def reveal_contact(*, report: Report, by, reason: str) -> tuple[str, str]:
    """The reporter's (name, phone), after writing who asked, when and why.

    The read and the log row happen in one transaction: the contact is
    returned only once its log row is written. Raises
    PermissionDenied for anyone but the ward police and administrators, and
    ValidationError for an empty reason or when there is nothing to reveal.
    """
    if not may_reveal_contact(user=by, report=report):
        raise PermissionDenied(_("Only the ward police and administrators may see who reported."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you need the contact.")}, code="required")
    if report.is_anonymous:
        raise ValidationError(
            _("This is an anonymous tip: nothing that identifies the sender was kept."),
            code="anonymous",
        )
    with transaction.atomic():
        contact = ReporterContact.objects.filter(report=report).first()
        if contact is None:
            raise ValidationError(
                _("The reporter left no name or phone number."), code="no_contact"
            )
        reveal = ContactReveal.objects.create(report=report, revealed_by=by, reason=reason)
        # The reason stays in ContactReveal: it is the officer's words, but may name people.
        record(action=Action.CONTACT_REVEAL, actor=by, obj=report, detail={"reveal": reveal.pk})
    return contact.name, contact.phone
