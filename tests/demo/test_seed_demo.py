"""`manage.py seed_demo` and the model kinds that migration 0002 creates."""

import datetime
import importlib
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.utils import timezone

from dashboard.filters import DashboardFilter
from dashboard.now import counts, now_reports, patrols_under_way
from dashboard.trends import headline_figures
from groups.models import (
    Area,
    EmergencyContact,
    GroupDocument,
    Member,
    Membership,
    ModelType,
    PoliceContact,
    SelfManagementGroup,
    Training,
    User,
)
from mediation.models import MediationCase
from mediation.stats import Period, statistics
from patrols.models import Hotspot, PatrolLog, PatrolShift
from reports.models import Escalation, Report, ReportAssignment, ReportEvent, Status
from tests.accounts.signing_in import post_password

DEMO_USERNAMES = ["admin", "police", "leader", "member"]
SEEDED_MODELS = [
    Area,
    User,
    ModelType,
    SelfManagementGroup,
    SelfManagementGroup.model_types.through,
    Member,
    Membership,
    Training,
    Training.attendees.through,
    EmergencyContact,
    PoliceContact,
    GroupDocument,
]
ACTIVITY_MODELS = [
    Report,
    ReportAssignment,
    ReportEvent,
    Escalation,
    PatrolShift,
    PatrolLog,
    Hotspot,
    MediationCase,
]
# The activity is drawn at random from a fixed seed; at a fixed moment it is the same
# every run, so the figures below cannot change from one day to the next.
NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def seed_demo(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts(models=SEEDED_MODELS) -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in models}


@pytest.fixture
def demo(seeded, debug):
    """The demo seeded at NOW, with the clock running on from there."""
    with time_machine.travel(NOW):
        seed_demo()
        yield


def dashboard(username: str) -> DashboardFilter:
    user = User.objects.get(username=username)
    return DashboardFilter(None, queryset=Report.objects.visible_to(user), user=user)


def test_seed_demo_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match=r"only with DEBUG on.*--force"):
        seed_demo()

    assert not User.objects.exists()
    assert not SelfManagementGroup.objects.exists()
    assert not Area.objects.exists()


def test_seed_demo_runs_with_debug_off_when_forced(db, settings):
    settings.DEBUG = False

    output = seed_demo("--force")

    assert Area.objects.communes().filter(code="06688").exists()  # Quảng Ninh was loaded
    groups = SelfManagementGroup.objects.all()
    assert 45 <= groups.count() <= 60
    assert groups.values("ward").distinct().count() == 7
    assert groups.filter(unit__isnull=False).values("unit").distinct().count() == 20
    # Every kind of model the province runs has demo groups.
    assert not ModelType.objects.filter(groups=None).exists()
    for line in ("admin  /", "police /", "leader /", "member /"):
        assert f"{line} {settings.DEMO_PASSWORD} / " in output


def test_mediation_groups_are_made_of_mediators(db, debug):
    seed_demo()

    mediation_groups = SelfManagementGroup.objects.filter(model_types__is_mediation=True)
    assert mediation_groups.count() == 20
    mediators = Member.objects.filter(memberships__group__in=mediation_groups)
    assert mediators.exists()
    assert not mediators.filter(is_mediator=False).exists()
    heads = Membership.objects.filter(group__in=mediation_groups, is_leader=True)
    assert set(heads.values_list("role", flat=True)) == {Membership.Role.MEDIATION_HEAD}


def test_a_second_run_creates_nothing_and_resets_the_demo_passwords(db, debug, settings):
    seed_demo()
    before = row_counts()
    leader = User.objects.get(username="leader")
    leader.set_password("changed by the user")
    leader.save()

    seed_demo()

    assert row_counts() == before
    leader.refresh_from_db()
    assert leader.check_password(settings.DEMO_PASSWORD)


def test_the_four_demo_users_can_log_in_with_the_demo_password(client, db, debug, settings):
    seed_demo()

    for username in DEMO_USERNAMES:
        signed_in = post_password(client, username, settings.DEMO_PASSWORD)
        if username in ("admin", "police"):
            # The code demo_code prints, as a visitor of the demo would type it.
            assert signed_in.url == "/accounts/login/code/", username
            out = StringIO()
            call_command("demo_code", stdout=out)
            code = out.getvalue().split(": ")[1][:6]
            signed_in = client.post("/accounts/login/code/", {"token": code})
        assert signed_in.status_code == 302, username
        assert int(client.session[SESSION_KEY]) == User.objects.get(username=username).pk
        if username == "admin":
            assert client.get("/admin/").status_code == 200
        client.post("/accounts/logout/")

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.role == User.Role.PROVINCE_ADMIN


def test_demo_code_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_code", stdout=StringIO())


def test_police_is_ward_police_of_a_ward_with_groups_and_on_its_contact_list(db, debug):
    seed_demo()

    police = User.objects.get(username="police")
    assert police.role == User.Role.WARD_POLICE
    assert police.police_ward.name == "Phường Hạ Long"
    assert SelfManagementGroup.objects.visible_to(police).count() >= 5
    ward_list = PoliceContact.objects.filter(area=police.police_ward).order_by("order")
    assert 3 <= ward_list.count() <= 4
    assert ward_list.first().user == police
    assert ward_list.first().rank_or_role.startswith("Đại úy")
    duty = PoliceContact.objects.get(area__code="22")
    assert duty.name == "Trực ban Công an tỉnh Quảng Ninh"
    assert duty.phone


def test_the_demo_publishes_ward_duty_numbers_and_some_group_contacts(db, debug):
    seed_demo()

    police = User.objects.get(username="police")
    assert police.police_ward.police_phone.startswith("0203 ")
    public = SelfManagementGroup.objects.exclude(public_contact="")
    assert 0 < public.count() < SelfManagementGroup.objects.count()
    assert not public.filter(name__startswith="Tổ hòa giải").exists()
    members_phones = set(Member.objects.values_list("phone", flat=True))
    assert not any(g.public_contact.rsplit(" ", 1)[-1] in members_phones for g in public)


def test_leader_leads_a_group_with_members_and_trainings_and_member_belongs_to_it(db, debug):
    seed_demo()

    leader = User.objects.get(username="leader")
    group = SelfManagementGroup.objects.editable_by(leader).get()
    assert Membership.objects.led_by(leader).get().group == group
    assert group.memberships.current().count() >= 5
    assert group.trainings.count() >= 2
    assert not group.trainings.filter(attendees=None).exists()
    assert group.emergency_contacts.count() >= 3
    member = User.objects.get(username="member")
    assert SelfManagementGroup.objects.visible_to(member).get() == group
    assert not SelfManagementGroup.objects.editable_by(member).exists()
    police = User.objects.get(username="police")
    assert SelfManagementGroup.objects.visible_to(police).filter(pk=group.pk).exists()
    assert all(len(m.phone) == 10 and m.phone.startswith("09") for m in Member.objects.all())


def test_the_model_kinds_of_the_province_exist_after_migrating(db):
    kinds = {kind.name: kind for kind in ModelType.objects.all()}

    assert {
        "Khu dân cư phòng, chống ma túy và tội phạm",
        "Câu lạc bộ Thanh niên với pháp luật",
        "Hòm thư tố giác tội phạm",
        "Tổ liên gia, 5 nhà đoàn kết",
        "Tự quản bảo vệ đường biên, mốc giới, ngư trường, bến bãi",
        "Tổ hòa giải",
    } <= set(kinds)
    assert kinds["Tổ hòa giải"].is_mediation
    assert kinds["Tổ hòa giải"].name_en == "Mediation group"
    assert [name for name, kind in kinds.items() if kind.is_mediation] == ["Tổ hòa giải"]
    assert all(kind.name_en and kind.description for kind in kinds.values())


def test_the_model_kinds_migration_runs_again_harmlessly_and_reverses_only_unused_kinds(db, ward_a):
    migration = importlib.import_module("groups.migrations.0002_seed_model_kinds")
    count = ModelType.objects.count()
    in_use = ModelType.objects.get(name="Tổ hòa giải")
    SelfManagementGroup.objects.create(name="Tổ hòa giải TDP 1", ward=ward_a).model_types.add(
        in_use
    )

    migration.create_model_kinds(apps, schema_editor=None)
    assert ModelType.objects.count() == count

    migration.remove_unused_model_kinds(apps, schema_editor=None)
    assert list(ModelType.objects.all()) == [in_use]


def test_the_demo_holds_two_years_of_varied_reports_in_its_wards(demo):
    reports = Report.objects.all()

    assert 1100 <= reports.count() <= 1300
    assert reports.values("ward").distinct().count() == 7
    assert reports.filter(unit__isnull=True).count() == 0
    oldest = reports.order_by("created_at").first().created_at
    assert NOW - datetime.timedelta(days=2 * 366) <= oldest <= NOW - datetime.timedelta(days=600)
    assert reports.values("category").distinct().count() >= 9
    assert reports.values("channel").distinct().count() == 7
    statuses = set(reports.values_list("status", flat=True))
    assert {Status.NEW, Status.RESOLVED, Status.REJECTED} <= statuses
    assert {Status.ACKNOWLEDGED, Status.IN_PROGRESS} & statuses  # in hand
    tips = reports.filter(is_anonymous=True)
    assert tips.count() >= 50
    assert not tips.filter(passphrase_hash="").exists()
    located = reports.filter(latitude__isnull=False)
    assert 0.2 <= located.count() / reports.count() <= 0.45
    # On the map, within a few kilometres of Hạ Long's centre for the police login's ward.
    for latitude, longitude in located.filter(ward__code="06688").values_list(
        "latitude", "longitude"
    ):
        assert abs(float(latitude) - 20.953) < 0.03 and abs(float(longitude) - 107.08) < 0.03
    assert ReportAssignment.objects.filter(report__police_only=False).count() >= reports.count()
    leader = User.objects.get(username="leader")
    assert Report.objects.visible_to(leader).open().exists()  # the leader's inbox


def test_the_police_dashboard_shows_escalated_reports_nobody_acknowledged(demo):
    filterset = dashboard("police")

    figures = counts(now_reports(filterset), timezone.now())

    assert figures.escalated >= 3
    assert figures.overdue >= figures.escalated
    police = User.objects.get(username="police")
    escalated = Escalation.objects.filter(report__ward=police.police_ward, level=1)
    assert escalated.filter(acknowledged_at__isnull=True).count() == figures.escalated
    assert not escalated.filter(notices=None).exists()  # the officers were told


def test_incidents_fall_year_on_year_where_groups_work(demo):
    for username in ("police", "admin"):
        headlines = headline_figures(dashboard(username))

        assert headlines.covered["previous"] >= 50, username
        assert headlines.covered_change < -5, username


def test_about_three_in_four_mediated_cases_succeed_over_two_years(demo):
    cases = MediationCase.objects.all()
    period = Period(NOW.date() - datetime.timedelta(days=2 * 365), NOW.date())

    figures = statistics(cases=cases, period=period).total

    assert cases.count() >= 100
    assert cases.values("group").distinct().count() >= 15
    assert 0.70 <= figures.rate <= 0.85
    assert figures.in_progress >= 1  # recent ones are still being mediated


def test_patrols_of_the_last_months_and_one_under_way(demo):
    logs = PatrolLog.objects.all()
    assert logs.count() >= 100
    assert logs.order_by("started_at").first().started_at >= NOW - datetime.timedelta(days=200)
    assert Hotspot.objects.filter(latitude__isnull=False).count() >= 7
    assert not Hotspot.objects.exclude(notes="").exists()

    leader = User.objects.get(username="leader")
    group = SelfManagementGroup.objects.editable_by(leader).get()
    under_way = patrols_under_way(User.objects.get(username="police"), dashboard("police"), NOW)
    assert [log.shift.group for log in under_way] == [group]
    assert under_way[0].checkins.exists()
    assert PatrolShift.objects.filter(group=group, starts_at__gt=NOW).exists()  # what comes next


def test_a_second_run_adds_no_activity(demo):
    before = row_counts(ACTIVITY_MODELS)

    with time_machine.travel(NOW + datetime.timedelta(minutes=5)):
        output = seed_demo()

    assert row_counts(ACTIVITY_MODELS) == before
    assert "Demo activity added: 0 reports (0 escalated just now), 0 patrol logs" in output
