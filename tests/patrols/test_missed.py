"""The morning notice to leaders: missed shifts and logs closed automatically, each told once."""

import uuid

import pytest
from django.core import mail

from config.celery import app as celery_app
from groups.models import User
from patrols import logbook
from patrols import shifts as shift_rules
from patrols.missed import flag_missed_shifts
from patrols.models import PatrolLog, PatrolShift
from reports.escalation import leader_delivery, leader_notices
from reports.models import LeaderNotice
from tests.patrols.conftest import at
from tests.reports.escalation.conftest import _reset_broker_pools as reset_broker_pools
from tests.reports.escalation.servers import free_port


@pytest.fixture(autouse=True)
def delivery_runs_here():
    """The delivery task published after commit runs in this process, at once."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def leader_with_email(leader_x):
    User.objects.filter(pk=leader_x.pk).update(email="leader.x@example.test")
    return leader_x


def test_a_missed_shift_is_flagged_to_the_leader_the_next_morning_once(
    weekend_schedule, leader_with_email, monday, django_capture_on_commit_callbacks
):
    friday = weekend_schedule.shifts.order_by("starts_at").first()
    monday.move_to(at("2026-03-06", 23, 30))  # Friday's shift is over, nobody logged it
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_missed_shifts() == 0  # not before the next morning

    monday.move_to(at("2026-03-07", 6, 30))
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_missed_shifts() == 1
        assert flag_missed_shifts() == 0

    friday.refresh_from_db()
    assert friday.leader_told_at == at("2026-03-07", 6, 30)
    assert PatrolShift.objects.filter(leader_told_at__isnull=False).count() == 1
    (message,) = mail.outbox
    assert message.to == ["leader.x@example.test"]
    assert "Tổ tự quản TDP 1" in message.subject
    assert "06/03/2026 21:00\u201323:00" in message.body
    assert f"/patrols/groups/{friday.group_id}/calendar/" in message.body


def test_done_and_cancelled_shifts_are_not_missed(
    weekend_schedule, leader_with_email, monday, django_capture_on_commit_callbacks
):
    friday, saturday = weekend_schedule.shifts.order_by("starts_at")[:2]
    monday.move_to(at("2026-03-06", 21))
    log = logbook.start_log(shift=friday, by=leader_with_email, key=uuid.uuid4()).log
    logbook.finish_log(log=log, by=leader_with_email, key=uuid.uuid4())
    shift_rules.cancel_shift(shift=saturday, by=leader_with_email)
    monday.move_to(at("2026-03-08", 6, 30))

    with django_capture_on_commit_callbacks(execute=True):
        assert flag_missed_shifts() == 0

    assert mail.outbox == []


def test_logs_closed_automatically_are_in_the_morning_notice(
    started_log, leader_with_email, monday, settings, django_capture_on_commit_callbacks
):
    settings.PATROL_AUTO_CLOSE_HOURS = 4
    monday.move_to(at("2026-03-07", 2))
    logbook.auto_close_stale_logs()
    monday.move_to(at("2026-03-07", 6, 30))

    with django_capture_on_commit_callbacks(execute=True):
        flag_missed_shifts()

    (message,) = mail.outbox
    assert "closed automatically" in message.body
    assert PatrolLog.objects.get().leader_told_at == at("2026-03-07", 6, 30)


def test_old_misses_are_not_dug_up_on_a_first_run(
    weekend_schedule, leader_with_email, monday, django_capture_on_commit_callbacks
):
    monday.move_to(at("2026-04-30", 6, 30))

    with django_capture_on_commit_callbacks(execute=True):
        flagged = flag_missed_shifts()

    # Only the last week's misses, Friday 24 and Saturday 25 April; older ones stay quiet.
    assert flagged == 2
    assert set(
        PatrolShift.objects.filter(leader_told_at__isnull=False).values_list("starts_at", flat=True)
    ) == {at("2026-04-24", 21), at("2026-04-25", 21)}


def test_a_missed_shift_notice_waits_out_a_broker_outage_and_goes_out_once(
    weekend_schedule, leader_with_email, monday, django_capture_on_commit_callbacks, caplog
):
    # Nothing listens there: publishing after commit fails, and is only logged.
    celery_app.conf.task_always_eager = False
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    reset_broker_pools()
    try:
        monday.move_to(at("2026-03-07", 6, 30))
        with django_capture_on_commit_callbacks(execute=True):
            assert flag_missed_shifts() == 1
    finally:
        celery_app.conf.broker_url = previous
        reset_broker_pools()

    assert "Could not publish" in caplog.text
    assert mail.outbox == []
    (notice,) = LeaderNotice.objects.all()
    assert (notice.kind, notice.status) == ("missed_shifts", "pending")

    # The sweep hands it out once its time has come; the worker sends it once.
    assert leader_notices.enqueue_due() == 0
    monday.shift(leader_notices.REQUEUE_AFTER)
    celery_app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        assert leader_notices.enqueue_due() == 1
    assert leader_delivery.deliver_batch(notice_ids=[notice.pk]) == ["not-ours"]

    (message,) = mail.outbox
    assert message.to == ["leader.x@example.test"]
    assert "Tổ tự quản TDP 1" in message.subject
