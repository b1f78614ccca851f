"""The world the fuzz walk runs in: the cast of tests/conftest.py with one of each
thing a URL can name (a report, a schedule, a shift and its log, a hotspot, a
mediation case), so that every view is reached past its 404."""

import datetime
import uuid

import pytest
from django.utils import timezone

from groups.models import Member, Membership, ModelType
from mediation.intake import open_case
from mediation.models import DisputeKind, Origin
from patrols import schedule as planning
from patrols.logbook import start_log
from patrols.models import Hotspot, HotspotKind, PatrolSchedule, PatrolShift, RiskLevel
from reports import heartbeat
from reports.intake import submit_report
from reports.models import Channel, Report


@pytest.fixture
def world(
    settings,
    tmp_path,
    province_admin,
    police_a,
    police_b,
    leader_x,
    member_x,
    leader_y,
    group_x,
    ward_a,
    unit_a1,
    theft,
):
    settings.MEDIA_ROOT = tmp_path
    # Beat's sweep ran just now and stays fresh for the walk, as in a healthy
    # production: /healthz then answers 200, and a 503 from it would be a fault.
    settings.ESCALATION_SWEEP_SECONDS = 3600
    heartbeat.record_sweep()
    # The SMS and Zalo webhooks exist only where their secrets are set: the walk
    # then reaches their checks instead of a 404.
    settings.SMS_INBOUND_SECRET = "sms-secret"
    settings.ZALO_OA_SECRET_KEY = "zalo-oa-secret"
    # Group X also mediates, its leader heading it: the cast then reaches every app.
    group_x.model_types.add(ModelType.objects.get(is_mediation=True))
    Membership.objects.filter(member__user=leader_x).update(role=Membership.Role.MEDIATION_HEAD)
    Member.objects.filter(user__in=[leader_x, member_x]).update(is_mediator=True)
    leader, member = (Member.objects.get(user=user) for user in (leader_x, member_x))

    receipt = submit_report(
        data={
            "category": theft,
            "ward": ward_a,
            "unit": unit_a1,
            "anonymous": False,
            "description": "Xe máy bị lấy trộm trước cửa nhà văn hóa.",
            "name": "Nguyễn Thị Hoa",
            "phone": "0987654321",
        },
        channel=Channel.WEB,
    )
    hotspot = Hotspot.objects.create(
        ward=ward_a,
        unit=unit_a1,
        name="Quán karaoke đầu ngõ 5",
        kind=HotspotKind.DRUGS,
        risk=RiskLevel.HIGH,
    )
    today = timezone.localdate()
    patrol = PatrolSchedule(
        group=group_x,
        title="Tuần tra cuối tuần",
        rule="FREQ=WEEKLY;BYDAY=FR,SA",
        starts_on=today,
        start_time=datetime.time(21, 0),
        end_time=datetime.time(23, 0),
        people_needed=2,
    )
    planning.save_schedule(schedule=patrol, team=[leader, member], hotspots=[hotspot], by=leader_x)
    now = timezone.now()
    shift = PatrolShift.objects.create(
        group=group_x,
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(hours=1),
        changed_by_hand=True,
    )
    shift.assignments.create(member=leader)
    shift.assignments.create(member=member)
    log = start_log(shift=shift, by=leader_x, key=uuid.uuid4()).log
    case = open_case(
        group=group_x,
        by=leader_x,
        kind=DisputeKind.NEIGHBOURS,
        summary="Tranh chấp lối đi chung giữa hai hộ liền kề.",
        origin=Origin.PARTY_REQUEST,
        received_on=today,
        parties=[
            {"side": 1, "full_name": "Hoàng Văn Ất", "address": "Số 12 ngõ 3"},
            {"side": 2, "full_name": "Vũ Thị Bính", "address": "Số 14 ngõ 3"},
        ],
        mediators=[member],
    )
    return {
        "report": Report.objects.get(pk=receipt.report.pk),
        "group": group_x,
        "schedule": patrol,
        "shift": shift,
        "log": log,
        "hotspot": hotspot,
        "case": case,
        "party": case.parties.first(),
    }
