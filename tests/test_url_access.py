"""Every URL pattern, asked as each role of the cast, gives the answer the table says.

The objects in the URLs belong to group X in ward A. So ``leader_y`` (another
group) and ``police_b`` (another ward) stand for "someone signed in who has no
business here": a 200 for them would be a scoping hole. A new URL pattern without
an entry in ``PORTAL`` (or, for the admin, without a rule below) fails
``test_every_url_pattern_has_an_entry``, so a new view cannot ship unchecked.

Each request runs in a savepoint that is rolled back, so a POST that changes
something does not change what the next role finds. POST-only views are asked by
POST with an empty body: the answer then shows whether the view found the object
(400/409 for a form it refuses, 403 for a refused action) or hid it (404).
"""

import datetime
import uuid

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from groups.models import EmergencyContact, GroupDocument, Member, Membership, ModelType, Training
from mediation.intake import open_case
from mediation.models import DisputeKind, MediationSession, Origin
from patrols import schedule as planning
from patrols.ical import rotate_feed
from patrols.logbook import start_log
from patrols.models import (
    Hotspot,
    HotspotCheckIn,
    HotspotKind,
    PatrolSchedule,
    PatrolShift,
    ShiftPartner,
)
from reports import heartbeat
from reports.escalation.chain import sweep
from reports.escalation.notice_content import ACK_SALT
from reports.models import Escalation, Notice, ReportPhoto
from reports.open311 import views as open311_views
from tests.reports.conftest import file_report  # noqa: F401
from tests.reports.escalation.conftest import chain, escalation_rules  # noqa: F401

ROLES = ["anonymous", "member_x", "leader_x", "leader_y", "police_a", "police_b", "province_admin"]

LOGIN = "login"  # 302 to the sign-in page
ADMIN_LOGIN = "admin_login"  # 302 to the admin's sign-in page


def answers(*statuses):
    """One expected answer per role, in the order of ROLES."""
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses, strict=True))


def same(status):
    return answers(*[status] * len(ROLES))


@pytest.fixture
def world(
    settings,
    file_report,  # noqa: F811
    chain,  # noqa: F811
    theft,
    ward_a,
    unit_a1,
    group_x,
    group_y,
    leader_x,
    member_x,
    leader_y,
    police_a,
    police_b,
    province_admin,
    contact_a,
):
    """One of everything a URL can point at, all of group X in ward A."""
    # Beat's sweep ran just now, as in a healthy production (/healthz).
    settings.ESCALATION_SWEEP_SECONDS = 3600
    # The SMS and Zalo webhooks exist only where their secrets are set.
    settings.SMS_INBOUND_SECRET = "sms-secret"
    settings.ZALO_OA_SECRET_KEY = "zalo-oa-secret"
    heartbeat.record_sweep()
    # The public API's POSTs count against the per-client limits, as every role asks.
    settings.PUBLIC_RATE_LIMITS = {"report": (100_000, 3600), "track": (100_000, 900)}
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    other = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    photo = ReportPhoto(report=report)
    photo.image.save("p.jpg", ContentFile(b"\xff\xd8\xff"), save=True)
    assert sweep(now=report.due_at + datetime.timedelta(seconds=1)).escalated == 2
    escalation = Escalation.objects.get(report=report, level=1)
    notice = Notice.objects.filter(escalation=escalation).first()
    ack_token = signing.dumps({"e": escalation.pk, "n": notice.pk if notice else 0}, salt=ACK_SALT)
    document = GroupDocument(group=group_x, kind=GroupDocument.Kind.HANDBOOK, title="Sổ tay")
    document.file.save("sotay.pdf", ContentFile(b"%PDF-1.4"), save=True)

    leader = Member.objects.get(user=leader_x)
    member = Member.objects.get(user=member_x)
    hotspot = Hotspot.objects.create(
        ward=ward_a, unit=unit_a1, name="Quán karaoke", kind=HotspotKind.DRUGS
    )
    today = timezone.localdate()
    schedule = PatrolSchedule(
        group=group_x,
        title="Tuần tra",
        rule="FREQ=DAILY",
        starts_on=today,
        start_time=datetime.time(21, 0),
        end_time=datetime.time(23, 0),
        people_needed=2,
    )
    planning.save_schedule(
        schedule=schedule, team=[leader, member], hotspots=[hotspot], by=leader_x
    )
    now = timezone.now()
    shift = PatrolShift.objects.create(
        group=group_x,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=1),
        changed_by_hand=True,
    )
    shift.assignments.create(member=member)
    partner = ShiftPartner.objects.create(shift=shift, name="Anh Tư", organisation="Bảo vệ chợ")
    log = start_log(shift=shift, by=leader_x, key=uuid.uuid4()).log
    feed = rotate_feed(member=member)

    group_x.model_types.add(ModelType.objects.get(is_mediation=True, name="Tổ hòa giải"))
    Member.objects.filter(pk=leader.pk).update(is_mediator=True)
    case = open_case(
        group=group_x,
        by=leader_x,
        kind=DisputeKind.NEIGHBOURS,
        summary="Tranh chấp lối đi chung.",
        origin=Origin.PARTY_REQUEST,
        received_on=today,
        parties=[{"side": 1, "full_name": "Hoàng Văn Ất"}, {"side": 2, "full_name": "Lý Thị Bê"}],
        mediators=[Member.objects.get(pk=leader.pk)],
    )
    party = case.parties.first()
    checkin = HotspotCheckIn.objects.create(log=log, hotspot=hotspot, checked_at=now)
    session = MediationSession.objects.create(
        case=case, held_on=today, place="Nhà văn hóa", minutes="Biên bản."
    )
    training = Training.objects.create(
        group=group_x, topic=Training.Topic.FIRE, held_on=datetime.date(2025, 5, 1)
    )
    emergency_contact = EmergencyContact.objects.create(group=group_x, name="Đội PCCC", phone="114")
    return {
        "report": report,
        "other": other,
        "photo": photo,
        "escalation": escalation,
        "ack_token": ack_token,
        "document": document,
        "hotspot": hotspot,
        "schedule": schedule,
        "shift": shift,
        "partner": partner,
        "log": log,
        "feed": feed,
        "case": case,
        "party": party,
        "group": group_x,
        "checkin": checkin,
        "session": session,
        "training": training,
        "emergency_contact": emergency_contact,
        "membership": Membership.objects.get(member=leader),
        "member": leader,
        "police_contact": contact_a,
        "ward": ward_a,
    }


def url_patterns(patterns=None, prefix="", namespace=""):
    """(name, pattern) of every URL pattern, namespaces included."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def _ask(client, method, url):
    with transaction.atomic():
        response = client.post(url) if method == "POST" else client.get(url)
        transaction.set_rollback(True)
    return response


def _answer(response) -> str | int:
    if response.status_code == 302:
        location = response.headers["Location"]
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        if location.startswith("/accounts/login/"):
            return LOGIN
    return response.status_code


# Query strings some pages need to show anything.
QUERIES = {
    "mediation:logbook": lambda w: f"?group={w['group'].pk}&year={w['case'].received_on.year}",
}

# How each URL's arguments are taken from the world.
ARGS = {
    "groups:detail": lambda w: [w["group"].pk],
    "groups:document": lambda w: [w["document"].pk],
    "reports:photo": lambda w: [w["photo"].pk],
    "reports:detail": lambda w: [w["report"].pk],
    "reports:transition": lambda w: [w["report"].pk],
    "reports:merge": lambda w: [w["report"].pk],
    "reports:message": lambda w: [w["report"].pk],
    "reports:reveal": lambda w: [w["report"].pk],
    "reports:legal_hold": lambda w: [w["report"].pk],
    "reports:acknowledge": lambda w: [w["ack_token"]],
    "patrols:feed": lambda w: [w["feed"].token],
    "patrols:calendar": lambda w: [w["group"].pk],
    "patrols:schedules": lambda w: [w["group"].pk],
    "patrols:schedule_new": lambda w: [w["group"].pk],
    "patrols:group_afterwards": lambda w: [w["group"].pk],
    "patrols:schedule_edit": lambda w: [w["schedule"].pk],
    "patrols:schedule_delete": lambda w: [w["schedule"].pk],
    "patrols:shift": lambda w: [w["shift"].pk],
    "patrols:shift_edit": lambda w: [w["shift"].pk],
    "patrols:shift_cancel": lambda w: [w["shift"].pk],
    "patrols:shift_restore": lambda w: [w["shift"].pk],
    "patrols:shift_assign": lambda w: [w["shift"].pk],
    "patrols:shift_swap": lambda w: [w["shift"].pk],
    "patrols:partner_add": lambda w: [w["shift"].pk],
    "patrols:shift_start": lambda w: [w["shift"].pk],
    "patrols:shift_afterwards": lambda w: [w["shift"].pk],
    "patrols:partner_remove": lambda w: [w["partner"].pk],
    "patrols:log": lambda w: [w["log"].pk],
    "patrols:log_attendance": lambda w: [w["log"].pk],
    "patrols:log_checkin": lambda w: [w["log"].pk],
    "patrols:log_notes": lambda w: [w["log"].pk],
    "patrols:log_finish": lambda w: [w["log"].pk],
    "patrols:log_incident": lambda w: [w["log"].pk],
    "patrols:hotspot": lambda w: [w["hotspot"].pk],
    "patrols:hotspot_edit": lambda w: [w["hotspot"].pk],
    "reports_api:report-detail": lambda w: [w["report"].pk],
    "reports_api:report-acknowledge": lambda w: [w["other"].pk],
    "reports_api:report-start": lambda w: [w["other"].pk],
    "reports_api:report-resolve": lambda w: [w["other"].pk],
    "reports_api:report-hand-to-police": lambda w: [w["other"].pk],
    "reports_api:report-reject": lambda w: [w["other"].pk],
    "reports_api:report-merge": lambda w: [w["other"].pk],
    "reports_api:report-timeline": lambda w: [w["report"].pk],
    "reports_api:report-messages": lambda w: [w["report"].pk],
    "reports_api:report-reveal": lambda w: [w["report"].pk],
    "reports_api:escalation-detail": lambda w: [w["escalation"].pk],
    "reports_api:escalation-acknowledge": lambda w: [w["escalation"].pk],
    "reports_api_deprecated:report-detail": lambda w: [w["report"].pk],
    "reports_api_deprecated:report-acknowledge": lambda w: [w["other"].pk],
    "reports_api_deprecated:report-start": lambda w: [w["other"].pk],
    "reports_api_deprecated:report-resolve": lambda w: [w["other"].pk],
    "reports_api_deprecated:report-hand-to-police": lambda w: [w["other"].pk],
    "reports_api_deprecated:report-reject": lambda w: [w["other"].pk],
    "reports_api_deprecated:report-merge": lambda w: [w["other"].pk],
    "reports_api_deprecated:report-timeline": lambda w: [w["report"].pk],
    "reports_api_deprecated:report-messages": lambda w: [w["report"].pk],
    "reports_api_deprecated:report-reveal": lambda w: [w["report"].pk],
    "reports_api_deprecated:escalation-detail": lambda w: [w["escalation"].pk],
    "reports_api_deprecated:escalation-acknowledge": lambda w: [w["escalation"].pk],
    "tokens_api:token-detail": lambda w: ["1"],
    "revoke_api_token": lambda w: ["1"],
    "mediation:from_report": lambda w: [w["report"].pk],
    "mediation:detail": lambda w: [w["case"].pk],
    "mediation:edit": lambda w: [w["case"].pk],
    "mediation:action": lambda w: [w["case"].pk, "withdraw"],
    "mediation:follow_up": lambda w: [w["case"].pk],
    "mediation:assign": lambda w: [w["case"].pk],
    "mediation:recuse": lambda w: [w["case"].pk],
    "mediation:add_party": lambda w: [w["case"].pk],
    "mediation:remove_party": lambda w: [w["case"].pk, w["party"].pk],
    "mediation:session_new": lambda w: [w["case"].pk],
    "mediation:document": lambda w: [w["case"].pk, "sheet"],
    "mediation:document_pdf": lambda w: [w["case"].pk, "sheet"],
    "dashboard:acknowledge": lambda w: [w["escalation"].pk],
    "dashboard:trend": lambda w: ["incidents_by_month"],
    "dashboard:export_reports": lambda w: ["csv"],
    "dashboard:export_table": lambda w: ["incidents_by_month", "csv"],
    "dashboard:summary": lambda w: ["2026", "01", "xlsx"],
    "directory:ward": lambda w: [w["report"].ward_id],
    "directory:ward_posters": lambda w: [w["report"].ward_id],
    "directory:group_poster": lambda w: [w["group"].pk],
    "groups_api:area-detail": lambda w: [w["ward"].pk],
    "groups_api:model-kind-detail": lambda w: [ModelType.objects.order_by("pk").first().pk],
    "groups_api:group-detail": lambda w: [w["group"].pk],
    "groups_api:member-detail": lambda w: [w["member"].pk],
    "groups_api:membership-detail": lambda w: [w["membership"].pk],
    "groups_api:training-detail": lambda w: [w["training"].pk],
    "groups_api:group-document-detail": lambda w: [w["document"].pk],
    "groups_api:emergency-contact-detail": lambda w: [w["emergency_contact"].pk],
    "groups_api:police-contact-detail": lambda w: [w["police_contact"].pk],
    "patrols_api:schedule-detail": lambda w: [w["schedule"].pk],
    "patrols_api:shift-detail": lambda w: [w["shift"].pk],
    "patrols_api:shift-cancel": lambda w: [w["shift"].pk],
    "patrols_api:shift-restore": lambda w: [w["shift"].pk],
    "patrols_api:shift-start": lambda w: [w["shift"].pk],
    "patrols_api:log-detail": lambda w: [w["log"].pk],
    "patrols_api:log-attendance": lambda w: [w["log"].pk],
    "patrols_api:log-checkin": lambda w: [w["log"].pk],
    "patrols_api:log-notes": lambda w: [w["log"].pk],
    "patrols_api:log-finish": lambda w: [w["log"].pk],
    "patrols_api:checkin-detail": lambda w: [w["checkin"].pk],
    "patrols_api:hotspot-detail": lambda w: [w["hotspot"].pk],
    "mediation_api:case-detail": lambda w: [w["case"].pk],
    "mediation_api:case-move": lambda w: [w["case"].pk, "withdraw"],
    "mediation_api:case-follow-up": lambda w: [w["case"].pk],
    "mediation_api:case-sessions": lambda w: [w["case"].pk],
    "mediation_api:session-detail": lambda w: [w["session"].pk],
    "dashboard_api:trend": lambda w: ["incidents_by_month"],
    "open311:discovery": lambda w: ["json"],
    "open311:services": lambda w: ["xml"],
    "open311:service_definition": lambda w: [w["report"].category_id, "json"],
    "open311:requests": lambda w: ["xml"],
    "open311:request": lambda w: [w["report"].pk, "json"],
    "open311:token": lambda w: [
        signing.Signer(salt=open311_views._TOKEN_SALT).sign(str(w["report"].pk)),
        "xml",
    ],
}


# name: (method, expected answer per role). The URL's arguments come from ARGS.
# Roles:          anonymous, member_x, leader_x, leader_y, police_a, police_b, province_admin
L = LOGIN
PORTAL = {
    "home": ("GET", answers(200, 302, 302, 302, 302, 302, 302)),
    "healthz": ("GET", same(200)),
    "favicon": ("GET", same(302)),
    "login": ("GET", same(200)),
    "logout": ("POST", same(302)),
    "healthz_web": ("GET", same(200)),
    "metrics": ("GET", same(200)),
    "second_factor": ("GET", same(L)),
    # Leaders and members may add a second factor of their own.
    "enrol_second_factor": ("GET", answers(L, 200, 200, 200, 200, 200, 200)),
    "account_security": ("GET", answers(L, 200, 200, 200, 200, 200, 200)),
    # New codes for those with a second factor (the cast's police and administrator).
    "renew_recovery_codes": ("POST", answers(L, 302, 302, 302, 200, 200, 200)),
    "sign_out_everywhere": ("POST", same(L)),
    "directory:index": ("GET", same(200)),
    "directory:ward": ("GET", same(200)),
    "directory:ward_posters": ("GET", answers(L, 403, 403, 403, 200, 403, 200)),
    "directory:group_poster": ("GET", answers(L, 200, 200, 404, 200, 404, 200)),
    "privacy": ("GET", same(200)),
    "accessibility": ("GET", same(200)),
    "set_language": ("POST", same(302)),
    "groups:list": ("GET", answers(L, 200, 200, 200, 200, 200, 200)),
    "groups:detail": ("GET", answers(L, 200, 200, 404, 200, 404, 200)),
    "groups:document": ("GET", answers(L, 200, 200, 404, 200, 404, 200)),
    "groups:audit": ("GET", answers(L, 403, 403, 403, 200, 200, 200)),
    "groups:audit_export": ("GET", answers(L, 403, 403, 403, 200, 200, 200)),
    # The public pages: a resident needs no account.
    "public:new": ("GET", same(200)),
    "public:unit_options": ("GET", same(200)),
    "public:receipt": ("GET", same(200)),
    "public:track": ("GET", same(200)),
    "public:track_message": ("POST", same(302)),
    "public:track_stop": ("POST", same(302)),
    # Providers' webhooks: no session counts, only the signature (none here).
    "inbound:sms": ("POST", same(403)),
    "inbound:zalo": ("POST", same(403)),
    "reports:inbox": ("GET", answers(L, 200, 200, 200, 200, 200, 200)),
    "reports:export": ("GET", answers(L, 200, 200, 200, 200, 200, 200)),
    "reports:log": ("GET", answers(L, 200, 200, 200, 200, 200, 200)),
    # No sign-in redirect: whoever may not see the report learns nothing.
    "reports:photo": ("GET", answers(404, 404, 200, 404, 200, 404, 200)),
    "reports:detail": ("GET", answers(L, 404, 200, 404, 200, 404, 200)),
    "reports:transition": ("POST", answers(L, 404, 400, 404, 400, 404, 400)),
    "reports:merge": ("POST", answers(L, 404, 400, 404, 400, 404, 400)),
    "reports:message": ("POST", answers(L, 404, 400, 404, 400, 404, 400)),
    # The leader sees the report but may not open the vault.
    "reports:reveal": ("GET", answers(L, 404, 403, 404, 200, 404, 200)),
    "reports:legal_hold": ("POST", answers(L, 404, 403, 404, 400, 404, 400)),
    "reports:acknowledge": ("GET", answers(L, 404, 200, 404, 200, 404, 200)),
    "patrols:home": ("GET", answers(L, 200, 200, 200, 200, 200, 200)),
    "patrols:rotate_feed": ("POST", answers(L, 302, 302, 302, 404, 404, 404)),
    # The calendar feed's secret address is its key (patrols/ical.py).
    "patrols:feed": ("GET", same(200)),
    "patrols:calendar": ("GET", answers(L, 200, 200, 404, 200, 404, 200)),
    "patrols:schedules": ("GET", answers(L, 200, 200, 404, 200, 404, 200)),
    "patrols:schedule_new": ("GET", answers(L, 404, 200, 404, 404, 404, 200)),
    "patrols:group_afterwards": ("GET", answers(L, 200, 200, 404, 403, 404, 200)),
    "patrols:schedule_edit": ("GET", answers(L, 404, 200, 404, 404, 404, 200)),
    "patrols:schedule_delete": ("POST", answers(L, 404, 302, 404, 404, 404, 302)),
    "patrols:shift": ("GET", answers(L, 200, 200, 404, 200, 404, 200)),
    "patrols:shift_edit": ("GET", answers(L, 403, 200, 404, 403, 404, 200)),
    "patrols:shift_cancel": ("POST", answers(L, 403, 302, 404, 403, 404, 302)),
    "patrols:shift_restore": ("POST", answers(L, 403, 302, 404, 403, 404, 302)),
    "patrols:shift_assign": ("POST", answers(L, 403, 302, 404, 403, 404, 302)),
    "patrols:shift_swap": ("POST", answers(L, 400, 400, 404, 400, 404, 400)),
    "patrols:partner_add": ("POST", answers(L, 400, 400, 404, 400, 404, 400)),
    "patrols:shift_start": ("POST", answers(L, 302, 302, 404, 302, 404, 302)),
    "patrols:shift_afterwards": ("GET", answers(L, 302, 302, 404, 404, 404, 302)),
    "patrols:partner_remove": ("POST", answers(L, 403, 302, 404, 403, 404, 302)),
    "patrols:logs": ("GET", answers(L, 200, 200, 200, 200, 200, 200)),
    "patrols:log": ("GET", answers(L, 404, 200, 404, 200, 404, 200)),
    "patrols:log_attendance": ("POST", answers(L, 404, 400, 404, 400, 404, 400)),
    "patrols:log_checkin": ("POST", answers(L, 404, 400, 404, 400, 404, 400)),
    "patrols:log_notes": ("POST", answers(L, 404, 400, 404, 400, 404, 400)),
    "patrols:log_finish": ("POST", answers(L, 404, 400, 404, 400, 404, 400)),
    "patrols:log_incident": ("GET", answers(L, 404, 200, 404, 403, 404, 200)),
    "patrols:hotspots": ("GET", answers(L, 200, 200, 200, 200, 200, 200)),
    "patrols:hotspot_new": ("GET", answers(L, 403, 200, 200, 200, 200, 200)),
    "patrols:hotspot": ("GET", answers(L, 200, 200, 404, 200, 404, 200)),
    "patrols:hotspot_edit": ("GET", answers(L, 404, 200, 404, 200, 404, 200)),
    "patrols:coverage": ("GET", answers(L, 200, 200, 200, 200, 200, 200)),
    # The API answers 401 without credentials, never a redirect; the old paths
    # answer as under /api/v1/ (reports/api/deprecation.py).
    "reports_api:report-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "reports_api:report-detail": ("GET", answers(401, 404, 200, 404, 200, 404, 200)),
    "reports_api:report-acknowledge": ("POST", answers(401, 404, 200, 404, 200, 404, 200)),
    "reports_api:report-start": ("POST", answers(401, 404, 200, 404, 200, 404, 200)),
    "reports_api:report-resolve": ("POST", answers(401, 404, 400, 404, 400, 404, 400)),
    "reports_api:report-hand-to-police": ("POST", answers(401, 404, 200, 404, 200, 404, 200)),
    "reports_api:report-reject": ("POST", answers(401, 404, 400, 404, 400, 404, 400)),
    "reports_api:report-merge": ("POST", answers(401, 404, 400, 404, 400, 404, 400)),
    "reports_api:report-timeline": ("GET", answers(401, 404, 200, 404, 200, 404, 200)),
    "reports_api:report-messages": ("POST", answers(401, 404, 400, 404, 400, 404, 400)),
    # Only the ward's police and administrators reveal; without a reason, a 400.
    "reports_api:report-reveal": ("POST", answers(401, 404, 403, 404, 400, 404, 400)),
    "reports_api:escalation-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "reports_api:escalation-detail": ("GET", answers(401, 404, 200, 404, 200, 404, 200)),
    "reports_api:escalation-acknowledge": ("POST", answers(401, 404, 403, 404, 200, 404, 200)),
    "reports_api_deprecated:report-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "reports_api_deprecated:report-detail": ("GET", answers(401, 404, 200, 404, 200, 404, 200)),
    "reports_api_deprecated:report-acknowledge": (
        "POST",
        answers(401, 404, 200, 404, 200, 404, 200),
    ),
    "reports_api_deprecated:report-start": ("POST", answers(401, 404, 200, 404, 200, 404, 200)),
    "reports_api_deprecated:report-resolve": ("POST", answers(401, 404, 400, 404, 400, 404, 400)),
    "reports_api_deprecated:report-hand-to-police": (
        "POST",
        answers(401, 404, 200, 404, 200, 404, 200),
    ),
    "reports_api_deprecated:report-reject": ("POST", answers(401, 404, 400, 404, 400, 404, 400)),
    "reports_api_deprecated:report-merge": ("POST", answers(401, 404, 400, 404, 400, 404, 400)),
    "reports_api_deprecated:report-timeline": ("GET", answers(401, 404, 200, 404, 200, 404, 200)),
    "reports_api_deprecated:report-messages": ("POST", answers(401, 404, 400, 404, 400, 404, 400)),
    # Only the ward's police and administrators reveal; without a reason, a 400.
    "reports_api_deprecated:report-reveal": ("POST", answers(401, 404, 403, 404, 400, 404, 400)),
    "reports_api_deprecated:escalation-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "reports_api_deprecated:escalation-detail": ("GET", answers(401, 404, 200, 404, 200, 404, 200)),
    "reports_api_deprecated:escalation-acknowledge": (
        "POST",
        answers(401, 404, 403, 404, 200, 404, 200),
    ),
    "tokens_api:token-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    # Tokens are listed and revoked (DELETE, tests/api/test_api_tokens.py), not read one by one.
    "tokens_api:token-detail": ("GET", answers(401, 405, 405, 405, 405, 405, 405)),
    "api_schema": ("GET", same(200)),
    "api_docs": ("GET", same(200)),
    "api_not_found": ("GET", same(404)),
    "create_api_token": ("POST", answers(L, 302, 302, 302, 302, 302, 302)),
    "revoke_api_token": ("POST", answers(L, 404, 404, 404, 404, 404, 404)),
    "mediation:list": ("GET", answers(L, 200, 200, 200, 200, 200, 200)),
    "mediation:new": ("GET", answers(L, 403, 200, 403, 403, 403, 200)),
    "mediation:from_report": ("POST", answers(L, 404, 302, 404, 302, 404, 302)),
    "mediation:statistics": ("GET", answers(L, 403, 200, 403, 200, 200, 200)),
    "mediation:statistics_xlsx": ("GET", answers(L, 403, 200, 403, 200, 200, 200)),
    "mediation:logbook": ("GET", answers(L, 404, 200, 404, 404, 404, 200)),
    # Mediation is confidential: the police read a case only once it is referred to them.
    "mediation:detail": ("GET", answers(L, 404, 200, 404, 404, 404, 200)),
    "mediation:edit": ("GET", answers(L, 404, 200, 404, 404, 404, 200)),
    "mediation:action": ("POST", answers(L, 404, 400, 404, 404, 404, 400)),
    "mediation:follow_up": ("POST", answers(L, 404, 400, 404, 404, 404, 400)),
    "mediation:assign": ("POST", answers(L, 404, 400, 404, 404, 404, 400)),
    "mediation:recuse": ("POST", answers(L, 404, 400, 404, 404, 404, 400)),
    "mediation:add_party": ("POST", answers(L, 404, 400, 404, 404, 404, 400)),
    "mediation:remove_party": ("POST", answers(L, 404, 302, 404, 404, 404, 302)),
    "mediation:session_new": ("GET", answers(L, 404, 200, 404, 404, 404, 200)),
    "mediation:document": ("GET", answers(L, 404, 200, 404, 404, 404, 200)),
    "mediation:document_pdf": ("GET", answers(L, 404, 200, 404, 404, 404, 200)),
    "dashboard:page": ("GET", answers(L, 403, 403, 403, 200, 200, 200)),
    "dashboard:now": ("GET", answers(L, 403, 403, 403, 200, 200, 200)),
    "dashboard:acknowledge": ("POST", answers(L, 403, 403, 403, 302, 404, 302)),
    "dashboard:comparison": ("GET", answers(L, 403, 403, 403, 403, 403, 200)),
    "dashboard:headlines": ("GET", answers(L, 403, 403, 403, 200, 200, 200)),
    "dashboard:map_points": ("GET", answers(403, 403, 403, 403, 200, 200, 200)),
    "dashboard:trend": ("GET", answers(403, 403, 403, 403, 200, 200, 200)),
    "dashboard:export_reports": ("GET", answers(L, 403, 403, 403, 200, 200, 200)),
    "dashboard:export_table": ("GET", answers(L, 403, 403, 403, 200, 200, 200)),
    # Without a month chosen, the form's errors.
    "dashboard:summary_form": ("GET", answers(L, 403, 403, 403, 400, 400, 400)),
    "dashboard:summary": ("GET", answers(L, 403, 403, 403, 200, 200, 200)),
    # API v1. Areas and model kinds are public reference data, as on the report form.
    "groups_api:area-list": ("GET", same(200)),
    "groups_api:area-detail": ("GET", same(200)),
    "groups_api:model-kind-list": ("GET", same(200)),
    "groups_api:model-kind-detail": ("GET", same(200)),
    "groups_api:group-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "groups_api:group-detail": ("GET", answers(401, 200, 200, 404, 200, 404, 200)),
    "groups_api:member-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "groups_api:member-detail": ("GET", answers(401, 200, 200, 404, 200, 404, 200)),
    "groups_api:membership-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "groups_api:membership-detail": ("GET", answers(401, 200, 200, 404, 200, 404, 200)),
    "groups_api:training-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "groups_api:training-detail": ("GET", answers(401, 200, 200, 404, 200, 404, 200)),
    "groups_api:group-document-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "groups_api:group-document-detail": ("GET", answers(401, 200, 200, 404, 200, 404, 200)),
    "groups_api:emergency-contact-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "groups_api:emergency-contact-detail": ("GET", answers(401, 200, 200, 404, 200, 404, 200)),
    "groups_api:police-contact-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "groups_api:police-contact-detail": ("GET", answers(401, 200, 200, 404, 200, 404, 200)),
    "patrols_api:schedule-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "patrols_api:schedule-detail": ("GET", answers(401, 200, 200, 404, 200, 404, 200)),
    "patrols_api:shift-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "patrols_api:shift-detail": ("GET", answers(401, 200, 200, 404, 200, 404, 200)),
    # The world's shift has a log: cancelling it is a move its state does not allow.
    "patrols_api:shift-cancel": ("POST", answers(401, 403, 409, 404, 403, 404, 409)),
    "patrols_api:shift-restore": ("POST", answers(401, 403, 200, 404, 403, 404, 200)),
    # Without its idempotency key.
    "patrols_api:shift-start": ("POST", answers(401, 400, 400, 404, 400, 404, 400)),
    "patrols_api:log-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "patrols_api:log-detail": ("GET", answers(401, 404, 200, 404, 200, 404, 200)),
    "patrols_api:log-attendance": ("POST", answers(401, 404, 400, 404, 400, 404, 400)),
    "patrols_api:log-checkin": ("POST", answers(401, 404, 400, 404, 400, 404, 400)),
    "patrols_api:log-notes": ("POST", answers(401, 404, 400, 404, 400, 404, 400)),
    "patrols_api:log-finish": ("POST", answers(401, 404, 400, 404, 400, 404, 400)),
    "patrols_api:checkin-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "patrols_api:checkin-detail": ("GET", answers(401, 200, 200, 404, 200, 404, 200)),
    "patrols_api:hotspot-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "patrols_api:hotspot-detail": ("GET", answers(401, 200, 200, 404, 200, 404, 200)),
    "patrols_api:coverage": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    # Confidential as on the pages: the police read a case only once it is referred.
    "mediation_api:case-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "mediation_api:case-detail": ("GET", answers(401, 404, 200, 404, 404, 404, 200)),
    "mediation_api:case-move": ("POST", answers(401, 404, 400, 404, 404, 404, 400)),
    "mediation_api:case-follow-up": ("POST", answers(401, 404, 400, 404, 404, 404, 400)),
    "mediation_api:case-sessions": ("POST", answers(401, 404, 400, 404, 404, 404, 400)),
    # Counts only, as the statistics page: the police count every case of their ward.
    "mediation_api:statistics": ("GET", answers(401, 403, 200, 403, 200, 200, 200)),
    "mediation_api:session-list": ("GET", answers(401, 200, 200, 200, 200, 200, 200)),
    "mediation_api:session-detail": ("GET", answers(401, 404, 200, 404, 404, 404, 200)),
    "dashboard_api:headlines": ("GET", answers(401, 403, 403, 403, 200, 200, 200)),
    "dashboard_api:now": ("GET", answers(401, 403, 403, 403, 200, 200, 200)),
    "dashboard_api:trend": ("GET", answers(401, 403, 403, 403, 200, 200, 200)),
    "dashboard_api:map": ("GET", answers(401, 403, 403, 403, 200, 200, 200)),
    "dashboard_api:comparison": ("GET", answers(401, 403, 403, 403, 403, 403, 200)),
    # The public intake API takes no sign-in: an empty body is refused alike for all.
    "public_api:categories": ("GET", same(200)),
    # Without a ward's code.
    "public_api:places": ("GET", same(404)),
    "public_api:report": ("POST", same(400)),
    "public_api:track": ("POST", same(400)),
    "public_api:message": ("POST", same(400)),
    # Open311 reads are open to anyone; filing (POST) needs a client system's key.
    "open311:discovery": ("GET", same(200)),
    "open311:services": ("GET", same(200)),
    "open311:service_definition": ("GET", same(200)),
    "open311:requests": ("GET", same(200)),
    "open311:request": ("GET", same(200)),
    "open311:token": ("GET", same(200)),
}

# The admin: only staff get in (the cast's province administrator); everyone else is
# sent to the admin's sign-in. Per model, the administrator's answers follow from the
# kind of page; object pages are asked for an object that does not exist (0), which
# the admin answers with a redirect to its index.
ADMIN_ROLES = ["anonymous", "member_x", "police_a", "province_admin"]
ADMIN_PAGE_KINDS = {
    "changelist": 200,
    "add": 200,
    "change": 302,
    "history": 302,
    "delete": 302,
    "import": 200,
    "process_import": 405,
    "export": 200,
}
# Models whose rows enter or change only through the portal or the system.
ADMIN_NO_ADD = {
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "groups_auditentry",
    "reports_leadernotice",
    "reports_report",
    "reports_reportevent",
    "reports_contactreveal",
    "reports_escalation",
    "reports_notice",
    "patrols_patrollog",
    "patrols_patrolattendance",
    "patrols_hotspotcheckin",
    "patrols_patrolincident",
    "patrols_logsubmission",
    "patrols_calendarfeed",
    "mediation_mediationcase",
    "mediation_caseevent",
}
# Records nobody deletes, administrators included.
ADMIN_NO_DELETE = {
    "groups_auditentry",
    "reports_report",
    "reports_contactreveal",
    "mediation_caseevent",
}
# Logins and secrets: for superusers only, not a province administrator.
ADMIN_SUPERUSER_ONLY = {
    "groups_user",
    "groups_apitoken",
    "reports_webhookendpoint",
    "reports_zalotoken",
    "reports_open311client",
}
ADMIN_SPECIAL = {
    "admin:index": ([], 200),
    # The admin's sign-in hands over to the site's (second factor and lock).
    "admin:login": ([], LOGIN),
    "admin:logout": ([], 405),
    "admin:password_change": ([], 200),
    "admin:password_change_done": ([], 200),
    "admin:autocomplete": ([], 403),
    "admin:jsi18n": ([], 200),
    "admin:view_on_site": (["0", "0"], 404),
    "admin:app_list": (["groups"], 200),
    "admin:auth_user_password_change": (["0"], 403),
    "admin_sign_in": ([], LOGIN),
    # Nobody reads an authenticator's key back (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    "admin:otp_totp_totpdevice_config": (["0"], 403),
    "admin:otp_totp_totpdevice_qrcode": (["0"], 403),
}
# Those the admin's sign-in page answers itself.
ADMIN_OPEN = {"admin:login": LOGIN, "admin_sign_in": LOGIN, "admin:logout": 302}


def _admin_page(name: str) -> tuple[list, int] | None:
    """(arguments, the administrator's answer) of an admin URL, or None if unknown."""
    if name in ADMIN_SPECIAL:
        return ADMIN_SPECIAL[name]
    model, _sep, kind = name.removeprefix("admin:").rpartition("_")
    if kind == "import" and model.endswith("_process"):
        model, kind = model.removesuffix("_process"), "process_import"
    if kind not in ADMIN_PAGE_KINDS or not model:
        return None
    answer = ADMIN_PAGE_KINDS[kind]
    if (kind == "add" and model in ADMIN_NO_ADD) or (kind == "delete" and model in ADMIN_NO_DELETE):
        answer = 403
    # (The history of an object that does not exist redirects before any check.)
    if model in ADMIN_SUPERUSER_ONLY and kind != "history":
        answer = 403
    return (["0"] if kind in ("change", "history", "delete") else []), answer


def test_every_url_pattern_has_an_entry():
    missing = []
    for name, pattern in url_patterns():
        if pattern.startswith("admin/"):
            # Unnamed admin patterns only redirect to a named one.
            if name and name != "admin:None" and _admin_page(name) is None:
                missing.append(name)
        elif name not in PORTAL:
            missing.append(name or pattern)
    assert missing == [], "add these URL patterns to the table of tests/test_url_access.py"
    stale = set(PORTAL) - {name for name, _pattern in url_patterns()}
    assert stale == set()


def _as(client, request, role):
    client.logout()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


@pytest.mark.long
def test_each_role_gets_the_expected_answer_on_every_portal_url(client, world, request):
    wrong = []
    for role in ROLES:
        _as(client, request, role)
        for name, (method, expected) in PORTAL.items():
            if name in ("logout", "sign_out_everywhere"):
                # Last of all for this role: they end the session.
                continue
            url = reverse(name, args=ARGS.get(name, lambda w: [])(world))
            url += QUERIES.get(name, lambda w: "")(world)
            got = _answer(_ask(client, method, url))
            if got != expected[role]:
                wrong.append(f"{role} {method} {url}: {got}, expected {expected[role]}")
        got = _answer(_ask(client, "POST", reverse("sign_out_everywhere")))
        if got != PORTAL["sign_out_everywhere"][1][role]:
            wrong.append(f"{role} POST sign_out_everywhere: {got}")
        _as(client, request, role)
        got = _answer(_ask(client, "POST", reverse("logout")))
        if got != PORTAL["logout"][1][role]:
            wrong.append(f"{role} POST logout: {got}")
    assert wrong == [], "\n".join(wrong)


def test_only_staff_get_into_the_admin(client, request, db):
    wrong = []
    names = sorted(
        {name for name, pattern in url_patterns() if name and pattern.startswith("admin/")}
        - {"admin:None"}
    )
    for role in ADMIN_ROLES:
        _as(client, request, role)
        for name in names:
            args, answer = _admin_page(name)
            if role != "province_admin":
                answer = ADMIN_OPEN.get(name, ADMIN_LOGIN)
            got = _answer(_ask(client, "GET", reverse(name, args=args)))
            if got != answer:
                wrong.append(f"{role} {name}: {got}, expected {answer}")
    assert wrong == [], "\n".join(wrong)
