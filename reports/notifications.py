"""Emails about reports. None of them carries the reporter's identity: they are
built from the report's category, place, time and a link, never its contact."""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from groups.models import Membership, User
from reports.models import Report


def leaders_to_tell(report: Report):
    """Users who lead (or deputise in) a group the report was routed to, with an email."""
    leading = (
        Membership.objects.current()
        .filter(Q(is_leader=True) | Q(is_deputy=True))
        .filter(group__report_assignments__report=report)
    )
    return (
        User.objects.filter(is_active=True, member__memberships__in=leading)
        .exclude(email="")
        .distinct()
    )


def tell_leaders_of_new_report(*, report: Report) -> int:
    """Email each leader of the report's groups; returns how many were sent."""
    if report.police_only:
        return 0
    recipients = list(leaders_to_tell(report).values_list("email", flat=True))
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "report": report,
            "link": settings.SITE_URL + reverse("reports:detail", args=[report.pk]),
        }
        subject = render_to_string("reports/email/new_report_subject.txt", context).strip()
        body = render_to_string("reports/email/new_report.txt", context)
    # One message per leader: leaders of different groups do not see each other's address.
    for address in recipients:
        send_mail(subject, body, None, [address])
    return len(recipients)
