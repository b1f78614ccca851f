"""What a notice says: what, where, when, category and severity, how late, a link.

Never the reporter's identity; SMS and Zalo not even the description.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

ACK_SALT = "tuquan.reports.escalation.acknowledge"
ACK_MAX_AGE = 7 * 24 * 3600  # a week: after that, police acknowledge from the dashboard


def acknowledge_link(notice) -> str:
    token = signing.dumps({"e": notice.escalation_id, "n": notice.pk}, salt=ACK_SALT)
    return settings.SITE_URL + reverse("reports:acknowledge", args=[token])


def read_acknowledge_token(token: str) -> dict:
    """The signed content of an acknowledgement link; raises signing.BadSignature
    (or its subclass SignatureExpired) for a forged or stale link."""
    return signing.loads(token, salt=ACK_SALT, max_age=ACK_MAX_AGE)


def _context(notice, *, acknowledge: str | None = None) -> dict:
    report = notice.escalation.report
    late = max(timezone.now() - report.due_at, timezone.timedelta(0))
    return {
        "report": report,
        "level": notice.escalation.level,
        "late_minutes": int(late.total_seconds() // 60),
        "report_link": settings.SITE_URL + reverse("reports:detail", args=[report.pk]),
        "acknowledge_link": acknowledge or acknowledge_link(notice),
    }


# Stands for a notice's own acknowledgement link in an email rendered for its
# level; unguessable, so that no text of a report can contain it.
_LINK_SLOT = f"[[acknowledge-{secrets.token_hex(16)}]]"


def notice_email(notice) -> tuple[str, str]:
    """Subject and body of the email.

    Every contact of a level gets the same text but for the acknowledgement
    link, and rendering is a quarter of the CPU an email costs: the text is
    rendered once per loaded escalation (the notices of a delivery batch share
    theirs, see delivery.py) and each notice's link put in its place.
    """
    escalation = notice.escalation
    rendered = getattr(escalation, "_email_for_level", None)
    if rendered is None:
        with translation.override(settings.LANGUAGE_CODE):
            context = _context(notice, acknowledge=_LINK_SLOT)
            subject = render_to_string("reports/email/escalation_subject.txt", context)
            body = render_to_string("reports/email/escalation.txt", context)
        rendered = escalation._email_for_level = (" ".join(subject.split()), body)
    subject, body = rendered
    return subject, body.replace(_LINK_SLOT, acknowledge_link(notice))


def notice_short_text(notice) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("reports/sms/escalation.txt", _context(notice))
    return " ".join(text.split())


def notice_payload(notice, *, short: bool = False) -> dict:
    """The webhook's JSON body, or (short) the data of the ZNS template."""
    context = _context(notice)
    report = context["report"]
    payload = {
        "report": report.pk,
        "category": report.category.name,
        "severity": report.category.severity,
        "ward": report.ward.name,
        "place": str(report.place),
        "late_minutes": context["late_minutes"],
        "link": context["acknowledge_link"],
    }
    if short:
        return payload
    return {
        **payload,
        "event": "report.escalated",
        "level": context["level"],
        "ward_code": report.ward.code,
        "received_at": report.created_at.isoformat(),
        "due_at": report.due_at.isoformat(),
        "report_link": context["report_link"],
        "notice": notice.pk,
    }
