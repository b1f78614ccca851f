"""Emails about reports. None of them carries the reporter's identity: they are
built from the report's category, place, time and a link, never its contact."""

import datetime
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from groups.leaders import leader_addresses_by_group
from groups.models import SelfManagementGroup, User
from reports.escalation import leader_notices
from reports.models import LeaderNotice, Notice, Report, ReportAssignment


def queue_new_report_notices(*, report: Report, now: datetime.datetime) -> list[int]:
    """In the intake's transaction: one notice per leader of the report's groups; their ids."""
    if report.police_only:
        return []
    return _queue(kind=LeaderNotice.Kind.NEW_REPORT, reports=[report], now=now)


def new_report_notices(
    *, report: Report, now: datetime.datetime, leaders: list[tuple[int, str]]
) -> list[LeaderNotice]:
    """The notices of a new report to `leaders` (user id and e-mail address of each),
    unsaved: the intake writes them in the statement that writes the report
    (reports/intake.py)."""
    if report.police_only or not leaders:
        return []
    subject, body = _render(template=NEW_REPORT_TEMPLATE, report=report)
    return leader_notices.pending(
        kind=LeaderNotice.Kind.NEW_REPORT,
        report=report,
        recipients=leaders,
        subject=subject,
        body=body,
        now=now,
    )


def queue_reminders(*, reports: list[Report], now: datetime.datetime) -> list[int]:
    """In the sweep's transaction: the reminder before the deadline, one per leader.

    Sent only while nobody has acknowledged (reports.escalation.leader_notices drops it otherwise).
    """
    reports = [report for report in reports if not report.police_only]
    return _queue(kind=LeaderNotice.Kind.REMINDER, reports=reports, now=now)


NEW_REPORT_TEMPLATE = "reports/email/new_report"


def _render(*, template: str, report: Report) -> tuple[str, str]:
    link = settings.SITE_URL + reverse("reports:detail", args=[report.pk])
    return leader_notices.render(template=template, context={"report": report, "link": link})


def _queue(*, kind: str, reports: list[Report], now: datetime.datetime) -> list[int]:
    template = {
        LeaderNotice.Kind.NEW_REPORT: NEW_REPORT_TEMPLATE,
        LeaderNotice.Kind.REMINDER: "reports/email/reminder",
    }[kind]
    leaders = _leaders_by_report([report.pk for report in reports])
    ids = []
    for report in reports:
        if not leaders.get(report.pk):
            continue
        subject, body = _render(template=template, report=report)
        ids += leader_notices.queue(
            kind=kind,
            report=report,
            recipients=leaders[report.pk],
            subject=subject,
            body=body,
            now=now,
        )
    return ids


def _leaders_by_report(report_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Report id → (user id, email) of each active leader and deputy of its groups.

    Two queries for any number of reports. One message per leader: leaders of
    different groups do not see each other's address.
    """
    if not report_ids:
        return {}
    by_group = leader_addresses_by_group(
        SelfManagementGroup.objects.filter(report_assignments__report__in=report_ids)
    )
    leaders: dict[int, dict[int, str]] = {}
    for report_id, group_id in ReportAssignment.objects.filter(
        report__in=report_ids, group__in=by_group
    ).values_list("report_id", "group_id"):
        for user_id, address in by_group[group_id]:
            leaders.setdefault(report_id, {})[user_id] = address
    return {report_id: sorted(users.items()) for report_id, users in leaders.items()}


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
