"""Who is reached, and when: the levels of the chain, and what stops them.

The sweep is called with `now=` to stand at a moment of the chain. Who is
reached is read from the notices the sweep writes; one test follows the whole
chain to a real SMTP server through a real worker (and is transactional: the
worker sees committed rows only). The others run in a rolled-back transaction.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from reports.escalation.chain import sweep
from reports.escalation.notice_content import acknowledge_link
from reports.escalation.tasks import deliver_notices
from reports.lifecycle import apply_transition
from reports.models import Category, Escalation, Notice, Report, ReportEvent, Status
from tests.reports.escalation.servers import wait_until

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def _minutes(value: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=value)


def _window(report: Report, level: int) -> datetime.timedelta:
    return _minutes(report.category.escalation_rule.levels.get(number=level).window_minutes)


def _recipients_of(report: Report, level: int) -> list[str]:
    return sorted(
        Notice.objects.filter(escalation__report=report, escalation__level=level).values_list(
            "address", flat=True
        )
    )


def _delivered(finished, mailbox, count: int) -> list[list[str]]:
    wait_until(
        lambda: len(finished.outcomes_of(deliver_notices)) >= count, what=f"{count} deliveries"
    )
    return sorted(envelope.rcpt_tos for envelope in mailbox.envelopes)


def test_report_the_group_acknowledged_in_time_is_never_escalated(
    chain, file_report, theft, ward_a, unit_a1, group_x, leader_x
):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report

    apply_transition(report=report, to=Status.ACKNOWLEDGED, by=leader_x)

    result = sweep(now=report.due_at + datetime.timedelta(days=7))
    assert result.escalated == 0
    assert not Escalation.objects.filter(report=report).exists()
    report.refresh_from_db()
    assert report.escalate_at is None
    assert report.escalation_level == 0


def test_nothing_is_escalated_before_the_deadline(
    chain, file_report, theft, ward_a, unit_a1, group_x
):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report

    assert sweep(now=report.due_at - SECOND).escalated == 0

    assert not Escalation.objects.exists()
    assert sweep(now=report.due_at).escalated == 1


@pytest.mark.django_db(transaction=True)
def test_without_acknowledgement_level_two_reaches_the_rest_of_the_list_then_the_province(
    worker, finished, mailbox, chain, file_report, theft, ward_a, unit_a1, group_x
):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    first_at = report.due_at + SECOND

    assert sweep(now=first_at).escalated == 1
    assert _delivered(finished, mailbox, 2) == [[chain.first.email], [chain.second.email]]

    # Level 2 waits for level 1's window, to the second.
    second_at = first_at + _window(report, 1)
    assert sweep(now=second_at - SECOND).escalated == 0
    assert sweep(now=second_at).escalated == 1
    assert _recipients_of(report, 2) == sorted([chain.third.email, chain.fourth.email])
    assert _delivered(finished, mailbox, 4) == sorted(
        [[contact.email] for contact in (chain.first, chain.second, chain.third, chain.fourth)]
    )

    third_at = second_at + _window(report, 2)
    assert sweep(now=third_at - SECOND).escalated == 0
    assert sweep(now=third_at).escalated == 1
    assert _recipients_of(report, 3) == [chain.duty.email]
    assert _delivered(finished, mailbox, 5).count([chain.duty.email]) == 1

    # The chain is exhausted: nothing further, however long nobody answers.
    report.refresh_from_db()
    assert report.escalation_level == 3
    assert report.escalate_at is None
    assert sweep(now=third_at + datetime.timedelta(days=30)).escalated == 0
    assert list(
        Escalation.objects.filter(report=report).order_by("level").values_list("level", flat=True)
    ) == [1, 2, 3]
    assert ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.ESCALATED).count() == 3
    assert mailbox.count() == 5


def test_police_acknowledgement_of_level_one_stops_level_two(
    chain, file_report, theft, ward_a, unit_a1, group_x, police_a, client, settings
):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    sweep(now=report.due_at + SECOND)
    notice = Notice.objects.filter(escalation__report=report).first()
    client.force_login(police_a)

    response = client.post(acknowledge_link(notice).removeprefix(settings.SITE_URL))

    assert response.status_code == 302
    result = sweep(now=report.due_at + _window(report, 1) + datetime.timedelta(days=1))
    assert result.escalated == 0
    assert list(Escalation.objects.filter(report=report).values_list("level", flat=True)) == [1]
    assert Escalation.objects.get(report=report).acknowledged_by == police_a
    assert _recipients_of(report, 2) == []


def test_group_acknowledging_after_level_one_does_not_stop_the_police_chain(
    chain, file_report, theft, ward_a, unit_a1, group_x, leader_x
):
    # Once the police have been called, only the police stop the chain.
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    sweep(now=report.due_at + SECOND)

    apply_transition(report=report, to=Status.ACKNOWLEDGED, by=leader_x)

    assert sweep(now=report.due_at + _window(report, 1) + _minutes(1)).escalated == 1
    assert _recipients_of(report, 2) == sorted([chain.third.email, chain.fourth.email])


def test_contact_who_leaves_the_list_after_level_one_makes_level_two_skip_nobody(
    chain, file_report, theft, ward_a, unit_a1, group_x
):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    sweep(now=report.due_at + SECOND)
    assert _recipients_of(report, 1) == sorted([chain.first.email, chain.second.email])

    chain.first.active = False  # transferred away before level 2
    chain.first.save(update_fields=["active"])

    sweep(now=report.due_at + _window(report, 1) + _minutes(1))
    assert _recipients_of(report, 2) == sorted([chain.third.email, chain.fourth.email])


def test_referral_by_the_group_escalates_at_once_before_the_deadline(
    chain, file_report, theft, ward_a, unit_a1, group_x, leader_x
):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report

    apply_transition(report=report, to=Status.REFERRED, by=leader_x)

    assert timezone.now() < report.due_at
    assert sweep().escalated == 1
    assert Escalation.objects.get(report=report).level == 1
    assert _recipients_of(report, 1) == sorted([chain.first.email, chain.second.email])


def test_report_about_the_group_escalates_at_once_for_the_police_only(
    chain, file_report, about_the_group, ward_a, unit_a1, group_x
):
    report = file_report(category=about_the_group, ward=ward_a, unit=unit_a1).report
    assert report.police_only
    assert timezone.now() < report.due_at

    assert sweep().escalated == 1

    assert Escalation.objects.get(report=report).level == 1
    assert _recipients_of(report, 1) == sorted([chain.first.email, chain.second.email])
    # No reminder to a group that must never see it.
    assert report.remind_at is None


def test_working_hours_report_filed_friday_evening_waits_over_the_weekend(
    chain, file_report, ward_a, unit_a1, group_x
):
    traffic = Category.objects.get(name="Giao thông và trật tự công cộng")
    assert traffic.counts_working_hours
    friday_evening = datetime.datetime(2027, 3, 12, 19, 0, tzinfo=VIETNAM)
    with time_machine.travel(friday_evening, tick=False):
        report = file_report(category=traffic, ward=ward_a, unit=unit_a1).report
    # One working day (450 working minutes) counted from Monday's opening.
    monday_closing = datetime.datetime(2027, 3, 15, 17, 0, tzinfo=VIETNAM)
    assert report.due_at == monday_closing

    saturday = datetime.datetime(2027, 3, 13, 12, 0, tzinfo=VIETNAM)
    assert sweep(now=saturday).escalated == 0
    assert sweep(now=monday_closing - _minutes(1)).escalated == 0
    assert not Escalation.objects.exists()
    assert sweep(now=monday_closing + _minutes(1)).escalated == 1
    assert Escalation.objects.get(report=report).level == 1


def test_expired_acknowledge_link_asks_for_the_dashboard_instead(
    chain, file_report, theft, ward_a, unit_a1, group_x, police_a, client, settings
):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    sweep(now=report.due_at + SECOND)
    notice = Notice.objects.filter(escalation__report=report).first()
    with time_machine.travel(timezone.now() - datetime.timedelta(days=8), tick=False):
        stale = acknowledge_link(notice).removeprefix(settings.SITE_URL)
    client.force_login(police_a)

    response = client.post(stale)

    assert response.status_code == 410
    assert Escalation.objects.get(report=report).acknowledged_at is None
