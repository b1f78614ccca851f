"""What a notice says: what, where, when, category and severity, how late, a link.

Never the reporter's identity; SMS and Zalo not even the description.
"""

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


def _context(notice) -> dict:
    report = notice.escalation.report
    late = max(timezone.now() - report.due_at, timezone.timedelta(0))
    return {
        "report": report,
        "level": notice.escalation.level,
        "late_minutes": int(late.total_seconds() // 60),
        "report_link": settings.SITE_URL + reverse("reports:detail", args=[report.pk]),
        "acknowledge_link": acknowledge_link(notice),
    }


def notice_email(notice) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        context = _context(notice)
        subject = render_to_string("reports/email/escalation_subject.txt", context).strip()
        body = render_to_string("reports/email/escalation.txt", context)
    return " ".join(subject.split()), body


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
