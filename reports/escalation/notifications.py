"""Emails about reports. None of them carries the reporter's identity: they are
built from the report's category, place, time and a link, never its contact."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from groups.leaders import leaders_to_email
from groups.models import SelfManagementGroup, User
from reports.models import Notice, Report, Status


def leaders_to_tell(report: Report):
    """Users who lead (or deputise in) a group the report was routed to, with an email."""
    return leaders_to_email(SelfManagementGroup.objects.filter(report_assignments__report=report))


def tell_leaders_of_new_report(*, report: Report) -> int:
    """Email each leader of the report's groups; returns how many were sent."""
    if report.police_only:
        return 0
    link = settings.SITE_URL + reverse("reports:detail", args=[report.pk])
    return _email_leaders(
        report=report, template="new_report", context={"report": report, "link": link}
    )


def _email_leaders(*, report: Report, template: str, context: dict) -> int:
    recipients = list(leaders_to_tell(report).values_list("email", flat=True))
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"reports/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"reports/email/{template}.txt", context)
    # One message per leader: leaders of different groups do not see each other's address.
    for address in recipients:
        send_mail(" ".join(subject.split()), body, None, [address])
    return len(recipients)


def remind_leaders_of_report(*, report: Report) -> int:
    """The reminder before the deadline; only while nobody has acknowledged."""
    if report.police_only or report.status != Status.NEW:
        return 0
    link = settings.SITE_URL + reverse("reports:detail", args=[report.pk])
    return _email_leaders(
        report=report, template="reminder", context={"report": report, "link": link}
    )


def send_failed_notices_summary() -> int:
    """The daily list of notices that exhausted their retries, to province administrators."""
    since = timezone.now() - timedelta(days=1)
    notices = list(
        Notice.objects.filter(status=Notice.Status.FAILED, escalation__created_at__gte=since)
        .select_related("escalation")
        .order_by("pk")
    )
    if not notices:
        return 0
    admins = (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(role=User.Role.PROVINCE_ADMIN))
        .exclude(email="")
    )
    recipients = list(admins.values_list("email", flat=True))
    if not recipients:
        return 0
    context = {
        "notices": notices,
        "admin_link": settings.SITE_URL
        + reverse("admin:reports_notice_changelist")
        + "?status__exact=failed",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("reports/email/failed_notices_subject.txt", context).strip()
        body = render_to_string("reports/email/failed_notices.txt", context)
    send_mail(" ".join(subject.split()), body, None, recipients)
    return len(notices)
