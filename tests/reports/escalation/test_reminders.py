"""The leaders' reminder at a share of their deadline: once, and only while nobody acted."""

import datetime

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from reports.escalation.chain import send_due_reminders
from reports.escalation.tasks import deliver_leader_notices
from reports.lifecycle import apply_transition
from reports.models import LeaderNotice, Report, Status
from tests.reports.escalation.servers import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

SECOND = datetime.timedelta(seconds=1)
LEADER_EMAIL = "leader.x@example.test"


@pytest.fixture
def leader_with_email(leader_x):
    leader_x.email = LEADER_EMAIL
    leader_x.save(update_fields=["email"])
    return leader_x


def _reminder_subject(report: Report) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("reports/email/reminder_subject.txt", {"report": report})
    return " ".join(subject.split())


def test_leaders_get_one_reminder_at_three_quarters_of_their_deadline(
    worker,
    finished,
    mailbox,
    escalation_rules,
    file_report,
    theft,
    ward_a,
    unit_a1,
    group_x,
    leader_with_email,
):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    # The seeded rule reminds at 75 %: 90 minutes into theft's 120.
    assert report.remind_at == report.created_at + (report.due_at - report.created_at) * 3 / 4

    assert send_due_reminders(now=report.remind_at - SECOND) == 0
    assert send_due_reminders(now=report.remind_at) == 1
    assert send_due_reminders(now=report.due_at) == 0  # not twice

    reminder = LeaderNotice.objects.get(kind=LeaderNotice.Kind.REMINDER)
    wait_until(lambda: finished.of(deliver_leader_notices), what="the reminder task")
    subject = _reminder_subject(report)
    reminders = [m for m in mailbox.messages(to=LEADER_EMAIL) if m["Subject"].strip() == subject]
    assert len(reminders) == 1
    assert f"/reports/{report.pk}/" in reminders[0].get_body().get_content()
    assert finished.of(deliver_leader_notices) == [(([reminder.pk],), ["sent"])]
    assert Report.objects.get(pk=report.pk).remind_at is None


@pytest.mark.django_db  # no worker: nothing needs committed rows
def test_no_reminder_once_the_group_has_acknowledged(
    escalation_rules, file_report, theft, ward_a, unit_a1, group_x, leader_with_email
):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    assert report.remind_at is not None

    apply_transition(report=report, to=Status.ACKNOWLEDGED, by=leader_with_email)

    assert send_due_reminders(now=report.due_at) == 0
    assert Report.objects.get(pk=report.pk).remind_at is None


def test_reminder_already_on_its_way_is_not_sent_when_the_group_acknowledged_meanwhile(
    start_worker,
    finished,
    mailbox,
    escalation_rules,
    file_report,
    theft,
    ward_a,
    unit_a1,
    group_x,
    leader_with_email,
):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    assert send_due_reminders(now=report.remind_at) == 1  # queued; no worker yet

    apply_transition(report=report, to=Status.ACKNOWLEDGED, by=leader_with_email)
    start_worker()

    wait_until(lambda: finished.of(deliver_leader_notices), what="the reminder task")
    assert finished.of(deliver_leader_notices)[0][1] == ["dropped"]
    subject = _reminder_subject(report)
    assert [m for m in mailbox.messages(to=LEADER_EMAIL) if m["Subject"].strip() == subject] == []
