"""The cast every test can use: one province, two wards, two groups, a user per role.

Who may see what:
- ``province_admin``: everything.
- ``police_a`` / ``police_b``: ward police of ward A / ward B; only their ward.
- ``leader_x``: leader of group X (ward A); group X only, may edit it.
- ``member_x``: member of group X; sees group X, edits nothing.
- ``leader_y``: leader of group Y (ward B); group Y only.
- ``anonymous``: a resident without an account; sees no group data.
"""

import datetime
import importlib
import socket
import threading

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from groups.models import (
    Area,
    AreaKind,
    Member,
    Membership,
    ModelType,
    PoliceContact,
    SelfManagementGroup,
    User,
)
from reports.models import Category


@pytest.fixture(scope="session", autouse=True)
def _static_files_from_the_source_tree():
    """Serve static files unhashed, as the live server's static handler expects.

    Production's manifest storage is exercised by test_static.py instead.
    """
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
        yield


@pytest.fixture(scope="session", autouse=True)
def _live_server_answers_without_nagle():
    """The live server writes a response's headers and body in two sends; with
    Nagle's algorithm the body then waits for the client's delayed ACK, 40 ms on
    Linux, on every request of a kept-alive connection (a browser's, schemathesis').
    Production's gunicorn sets TCP_NODELAY itself."""
    from django.core.servers.basehttp import WSGIRequestHandler

    WSGIRequestHandler.disable_nagle_algorithm = True
    yield
    WSGIRequestHandler.disable_nagle_algorithm = False


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """The test client runs a request in the test's own thread, and LocaleMiddleware
    leaves the request's language active after it: a test that asked in Vietnamese
    would leave Vietnamese to the next test in the same worker (an error page
    rendered before the middleware ran, a name read with ``str``)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Django's default hasher is slow on purpose; with it the cast alone costs seconds a test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def verify_second_factor(client, user):
    """Marks ``client``'s session as having passed ``user``'s second factor, as the
    second step of a real sign-in does (groups/account_views.py): the user gets a
    confirmed authenticator if they have none, and the session records it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``client.force_login`` skips the sign-in form, and with it the second step that
    police and administrators must pass; without this, every page would sign them
    out again (groups/staff_sessions.py). Tests of the sign-in itself post the form."""
    from django.test import Client

    from groups import second_factor

    plain_force_login = Client.force_login

    def force_login(self, user, backend=None):
        plain_force_login(self, user, backend)
        if second_factor.is_required(user):
            verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def province(db):
    return Area.objects.add_root({"name": "Quảng Ninh", "kind": AreaKind.PROVINCE, "code": "22"})


@pytest.fixture
def ward_a(province):
    return Area.objects.add_child(
        province, {"name": "Phường Hạ Long", "kind": AreaKind.WARD, "code": "07030"}
    )


@pytest.fixture
def ward_b(province):
    return Area.objects.add_child(
        province, {"name": "Xã Quảng Tân", "kind": AreaKind.COMMUNE, "code": "07150"}
    )


@pytest.fixture
def unit_a1(ward_a):
    return Area.objects.add_child(
        ward_a, {"name": "Tổ dân phố 1", "kind": AreaKind.RESIDENTIAL_GROUP}
    )


@pytest.fixture
def unit_b1(ward_b):
    return Area.objects.add_child(ward_b, {"name": "Thôn Đồng Mỏ", "kind": AreaKind.VILLAGE})


@pytest.fixture
def seeded(db):
    """The rows data migrations seed (model kinds, categories, holidays, escalation rules).

    A transactional test empties every table when it ends, seeded rows
    included; this puts them back for the tests after it.
    """
    from django.apps import apps

    if not ModelType.objects.exists():
        importlib.import_module("groups.migrations.0002_seed_model_kinds").create_model_kinds(
            apps, None
        )
    if not apps.get_model("reports", "Category").objects.exists():
        importlib.import_module("reports.migrations.0002_seed_categories").seed(apps, None)
    if not apps.get_model("reports", "Holiday").objects.exists():
        # Also switches the seeded categories that count working hours.
        importlib.import_module("reports.migrations.0004_seed_holidays").seed(apps, None)
    if not apps.get_model("reports", "EscalationRule").objects.exists():
        importlib.import_module("reports.migrations.0006_seed_escalation_rules").seed(apps, None)


@pytest.fixture
def five_families(seeded):
    # Report categories suit this seeded kind.
    return ModelType.objects.get(name="Tổ liên gia, 5 nhà đoàn kết")


@pytest.fixture
def group_x(ward_a, unit_a1, five_families):
    group = SelfManagementGroup.objects.create(
        name="Tổ tự quản TDP 1", ward=ward_a, unit=unit_a1, founded=datetime.date(2020, 5, 1)
    )
    group.model_types.add(five_families)
    return group


@pytest.fixture
def group_y(ward_b, unit_b1, five_families):
    group = SelfManagementGroup.objects.create(name="Tổ tự quản Đồng Mỏ", ward=ward_b, unit=unit_b1)
    group.model_types.add(five_families)
    return group


def add_leader(group, username, *, email="", deputy=False, active=True, ended=None) -> User:
    """A user who has led `group` (or been its deputy) since 2021, until `ended` if given."""
    user = User.objects.create_user(username=username, password="pw", email=email, is_active=active)
    member = Member.objects.create(full_name=username, user=user)
    Membership.objects.create(
        member=member,
        group=group,
        is_leader=not deputy,
        is_deputy=deputy,
        started=datetime.date(2021, 1, 1),
        ended=ended,
    )
    return user


def _person_in(group, username, *, leader):
    user = User.objects.create_user(username=username, password="pw")
    member = Member.objects.create(full_name=username.replace("_", " ").title(), user=user)
    Membership.objects.create(
        member=member, group=group, is_leader=leader, started=datetime.date(2021, 1, 1)
    )
    return user


@pytest.fixture
def province_admin(db):
    return User.objects.create_user(
        username="province_admin", password="pw", role=User.Role.PROVINCE_ADMIN, is_staff=True
    )


@pytest.fixture
def superuser(db):
    """The one who manages logins: the User admin is for superusers only."""
    return User.objects.create_superuser(
        username="superuser", password="pw", email="root@x.test", role=User.Role.PROVINCE_ADMIN
    )


@pytest.fixture
def police_a(ward_a):
    return User.objects.create_user(
        username="police_a", password="pw", role=User.Role.WARD_POLICE, police_ward=ward_a
    )


@pytest.fixture
def police_b(ward_b):
    return User.objects.create_user(
        username="police_b", password="pw", role=User.Role.WARD_POLICE, police_ward=ward_b
    )


@pytest.fixture
def leader_x(group_x):
    return _person_in(group_x, "leader_x", leader=True)


@pytest.fixture
def member_x(group_x):
    return _person_in(group_x, "member_x", leader=False)


@pytest.fixture
def leader_y(group_y):
    return _person_in(group_y, "leader_y", leader=True)


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def contact_a(ward_a):
    return PoliceContact.objects.create(
        area=ward_a, name="Đại úy Nguyễn Văn An", phone="0912000001", order=1
    )


@pytest.fixture
def contact_b(ward_b):
    return PoliceContact.objects.create(
        area=ward_b, name="Thiếu tá Trần Thị Bình", email="binh@example.test", order=1
    )


# Report categories come from reports/migrations/0002_seed_categories.py, so they exist
# in every test database: fetch them, never create one with a seeded name.


@pytest.fixture
def theft(seeded):
    return Category.objects.get(name="Trộm cắp tài sản")


@pytest.fixture
def fight(seeded):
    return Category.objects.get(name="Đánh nhau, gây rối trật tự công cộng")


@pytest.fixture
def about_the_group(seeded):
    return Category.objects.get(name="Phản ánh về tổ tự quản hoặc thành viên của tổ")


@pytest.fixture
def food_safety(seeded):
    return Category.objects.get(name="An toàn thực phẩm, trật tự kinh doanh")


@pytest.fixture
def black_hole():
    """A TCP server on loopback that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection_ in held:
        connection_.close()
    listener.close()


def pytest_terminal_summary(terminalreporter):
    # The fuzz walk's totals (tests/fuzz/), summed over the test processes
    # (user_properties travel back from pytest-xdist's workers with each report).
    # Here, not in tests/fuzz/conftest.py: pytest-xdist's controller loads only the
    # conftest files of the paths it was given.
    totals = {}
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get(
        "failed", []
    ):
        if report.when != "call":
            continue
        for name, value in report.user_properties:
            if name.startswith("fuzz_"):
                totals[name] = totals.get(name, 0) + value
    if totals:
        terminalreporter.write_line(
            "fuzz walk: "
            + ", ".join(
                f"{name.removeprefix('fuzz_')} {value}" for name, value in sorted(totals.items())
            )
        )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # The tests marked `long` (half a minute or more each) run first of their kind.
    # With `make test`'s --maxschedchunk 2, pytest-xdist hands each worker two tests
    # at a time in this order, so the long ones are shared out early and short ones
    # fill in after: started last, one would run alone while the other worker idled.
    # Transactional tests stay after the others, as pytest-django put them: their
    # flush empties the tables that migrations filled (categories, model kinds).
    items.sort(key=lambda item: (_transactional(item), item.get_closest_marker("long") is None))


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))
