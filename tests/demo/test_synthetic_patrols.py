"""demo/synthetic/patrols.py at tiny scale: the rows are sound, coverage can be read off them,
and --wipe takes them away again."""

import datetime

import pytest
import time_machine
from django.db.models import Count, Exists, Max, OuterRef, Q

from demo.synthetic import groups as groups_synthetic
from demo.synthetic import patrols as synthetic
from demo.synthetic.groups import MARK, Options, StepLog, World
from patrols.models import (
    Hotspot,
    HotspotCheckIn,
    LogStatus,
    PatrolAttendance,
    PatrolLog,
    PatrolSchedule,
    PatrolShift,
    ShiftAssignment,
    ShiftStatus,
)
from patrols.schedule import WINDOW

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
LOGS = 300


@pytest.fixture
def generated(seeded):
    options = Options(groups=60, reports=LOGS * synthetic.REPORTS_PER_LOG, years=2, seed=5, now=NOW)
    world, log = World(), StepLog(lambda line: None)
    with time_machine.travel(NOW, tick=False):
        groups_synthetic.generate(options=options, world=world, log=log)
        synthetic.generate(options=options, world=world, log=log)
    return world


def test_about_the_wanted_number_of_logs_over_the_years(generated):
    logs = PatrolLog.objects.all()

    assert LOGS * 0.8 <= logs.count() <= LOGS * 1.6
    first = logs.order_by("started_at").first().started_at
    assert first >= NOW - datetime.timedelta(days=2 * 365 + 1)
    assert not logs.filter(started_at__gt=NOW).exists()
    assert set(logs.values_list("status", flat=True)) <= {LogStatus.FINISHED, LogStatus.AUTO_CLOSED}


def test_every_shift_belongs_to_a_generated_group_and_the_window_reaches_eight_weeks(generated):
    shifts = PatrolShift.objects.all()

    assert not shifts.exclude(group__notes=MARK).exists()
    assert shifts.aggregate(last=Max("starts_at"))["last"] > NOW + WINDOW - datetime.timedelta(
        days=7
    )
    # Past shifts are done, cancelled or missed; nothing in the future has a log.
    assert not shifts.filter(starts_at__gt=NOW, log__isnull=False).exists()
    assert not shifts.filter(status=ShiftStatus.CANCELLED, log__isnull=False).exists()
    missed = shifts.missed(now=NOW)
    assert missed.exists()
    assert not missed.filter(leader_told_at__isnull=True).exists()


def test_logs_fit_their_shifts_and_count_who_came(generated):
    for log in PatrolLog.objects.select_related("shift").annotate(
        came=Count("attendances", filter=Q(attendances__present=True))
    ):
        assert abs(log.started_at - log.shift.starts_at) <= datetime.timedelta(minutes=20)
        assert log.finished_at > log.started_at
        assert log.people_present == log.came >= 1
        assert (log.status == LogStatus.AUTO_CLOSED) == (log.auto_closed_at is not None)
    # Every member on the attendance list was booked on the shift.
    booked = ShiftAssignment.objects.filter(shift=OuterRef("log__shift"), member=OuterRef("member"))
    assert not (
        PatrolAttendance.objects.filter(member__isnull=False).exclude(Exists(booked)).exists()
    )


def test_check_ins_are_at_hotspots_of_the_groups_ward_and_keep_last_checked(generated):
    checkins = HotspotCheckIn.objects.select_related("hotspot", "log__shift__group")

    assert checkins.exists()
    for checkin in checkins:
        assert checkin.hotspot.ward_id == checkin.log.shift.group.ward_id
        assert checkin.log.started_at <= checkin.checked_at <= checkin.log.finished_at
    latest = dict(
        HotspotCheckIn.objects.values("hotspot")
        .annotate(latest=Max("checked_at"))
        .values_list("hotspot", "latest")
    )
    for hotspot in Hotspot.objects.filter(pk__in=latest):
        assert hotspot.last_checked_at == latest[hotspot.pk]


def test_schedules_recur_weekly_and_their_teams_take_the_shifts(generated):
    for schedule in PatrolSchedule.objects.prefetch_related("team"):
        assert schedule.rule.startswith("FREQ=WEEKLY;BYDAY=")
        team = {member.pk for member in schedule.team.all()}
        booked = set(schedule.shifts.values_list("assignments__member", flat=True).distinct())
        assert booked <= team


def test_wipe_takes_the_patrols_away_and_the_groups_can_follow(generated):
    log = StepLog(lambda line: None)

    synthetic.wipe(log=log)
    groups_synthetic.wipe(log=log)

    for model in (PatrolLog, PatrolShift, PatrolSchedule, Hotspot, HotspotCheckIn):
        assert not model.objects.exists(), model
