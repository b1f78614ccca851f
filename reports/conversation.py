"""What handlers write on a report's timeline besides status changes.

An internal note stays with the handlers. A question or an update is public:
the reporter reads it on the tracking page (where no handler is named) and can
answer there. Only people who may handle the report (``handleable_by``) write
here; the detail page, the API and any later channel call these functions.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from reports.models import Report, ReportEvent

MAX_TEXT_LENGTH = 5000


def add_note(*, report: Report, by, text: str, public: bool = False) -> ReportEvent:
    """An internal note, or with ``public`` an update for the reporter."""
    kind = ReportEvent.Kind.UPDATE if public else ReportEvent.Kind.NOTE
    return _write(report=report, by=by, text=text, kind=kind, public=public)


def ask_reporter(*, report: Report, by, text: str) -> ReportEvent:
    """A question that reaches the reporter on the tracking page."""
    return _write(report=report, by=by, text=text, kind=ReportEvent.Kind.QUESTION, public=True)


def _write(*, report: Report, by, text: str, kind: str, public: bool) -> ReportEvent:
    if not Report.objects.handleable_by(by).filter(pk=report.pk).exists():
        raise PermissionDenied(_("You may not write on this report."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write something first.")}, code="required")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {"text": _("Keep it under %(max)d characters.") % {"max": MAX_TEXT_LENGTH}},
            code="max_length",
        )
    return ReportEvent.objects.create(report=report, kind=kind, actor=by, note=text, public=public)
