"""The benchmark data's mediation cases, at tiny scale: believable, consistent, wipeable."""

import datetime
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.synthetic import groups as groups_synthetic
from demo.synthetic import mediation as synthetic
from demo.synthetic import reports as reports_synthetic
from demo.synthetic.groups import Options, StepLog, World
from groups.models import Area, Membership, SelfManagementGroup
from mediation.models import CaseEvent, CaseMediator, MediationCase, Status
from mediation.stats import Period, statistics

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
REPORTS = 4000  # one case per twenty reports: 200 cases


@pytest.fixture
def generated(seeded):
    options = Options(groups=150, reports=REPORTS, years=2, seed=3, now=NOW)
    world, lines = World(), []
    log = StepLog(lines.append)
    with time_machine.travel(NOW, tick=False):
        groups_synthetic.generate(options=options, world=world, log=log)
        reports_synthetic.generate(options=options, world=world, log=log)
        synthetic.generate(options=options, world=world, log=log)
    return lines


def test_the_generated_cases_are_consistent_and_believable(generated):
    cases = MediationCase.objects.select_related("group")
    assert cases.count() == REPORTS // 20
    today = NOW.date()
    statuses = Counter()
    for case in cases.prefetch_related("sessions", "mediators__member", "parties"):
        statuses[case.status] += 1
        assert case.group.model_types.filter(is_mediation=True).exists()
        assert today - datetime.timedelta(days=2 * 365 + 10) <= case.received_on <= today
        assert {party.side for party in case.parties.all()} == {1, 2}
        active = [m for m in case.mediators.all() if m.is_active]
        assert active, case.pk
        for seat in case.mediators.all():
            # Every mediator is a mediator of the case's own group.
            assert seat.member.is_mediator
            assert Membership.objects.filter(member=seat.member, group=case.group).exists()
        sessions = [session.held_on for session in case.sessions.all()]
        if case.outcome_on:
            assert all(case.received_on <= held <= case.outcome_on for held in sessions)
        if case.status in (Status.SUCCESSFUL, Status.UNSUCCESSFUL, Status.SUSPENDED):
            assert sessions, case.pk
        if case.report_id:
            assert case.report.ward_id == case.group.ward_id
        history = list(case.events.order_by("created_at", "pk"))
        assert history[0].kind == CaseEvent.Kind.CREATED
        moves = [event for event in history if event.kind == CaseEvent.Kind.STATUS]
        assert (moves[-1].to_status if moves else Status.RECEIVED) == case.status
    assert statuses[Status.SUCCESSFUL] > statuses[Status.UNSUCCESSFUL] > 0
    assert statuses[Status.IN_MEDIATION] + statuses[Status.RECEIVED] > 0
    assert CaseMediator.objects.filter(recused_on__isnull=False).count() > 0
    assert "mediation cases" in "".join(generated)


def test_the_province_statistics_of_the_generated_year_take_three_queries(generated):
    province = Area.objects.get(depth=1, code="22")
    with CaptureQueriesContext(connection) as queries:
        stats = statistics(
            cases=MediationCase.objects.in_area(province), period=Period.year(2025), per="ward"
        )
    assert len(queries) == 3
    assert stats.total.received > 0
    # The field's 70-85 %, within what a couple of hundred cases allow.
    assert 0.6 < stats.total.rate < 0.95


def test_wiping_removes_the_generated_cases_and_nothing_else(generated, mediation_kind):
    ward = Area.objects.filter(depth=2).first()
    own = SelfManagementGroup.objects.create(name="Tổ hòa giải không sinh ra", ward=ward)
    own.model_types.add(mediation_kind)
    kept = MediationCase.objects.create(
        group=own, kind="other", summary="…", origin="party_request", received_on=NOW.date()
    )
    synthetic.wipe(log=StepLog(lambda line: None))
    assert list(MediationCase.objects.all()) == [kept]
