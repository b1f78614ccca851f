"""The dashboard (dashboard/) as a browser gets it, from gunicorn.

Every request the dashboard page makes is timed over HTTP against gunicorn
(two workers, as `make run` starts it) on the benchmark database:

- as the police of the commune/ward with the most reports: the page, its Now
  panel, each trend table's JSON, and the map's points;
- as a province administrator: the same for the whole province.

The period is the dashboard's default (the last twelve months). Targets from
the issue: p95 under 150 ms for a ward's requests and under 400 ms for the
province's. Sessions are made for the two users before the run and deleted
after it, with the temporary administrator; nothing else is written.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db.models import Count

from bench.harness import Context, Result

ROOT = Path(__file__).resolve().parent.parent
# BENCH_DASHBOARD_RUNS=15 for a quicker run on a busy machine (p95 of fewer runs).
RUNS = int(os.environ.get("BENCH_DASHBOARD_RUNS", 40))
# BENCH_DASHBOARD_SCOPES=ward to leave out the province administrator's view, which
# on the national data is the whole country's (docs/scale.md): minutes a request.
SCOPES = os.environ.get("BENCH_DASHBOARD_SCOPES", "ward,province").split(",")
WARD_TARGET = 0.150
PROVINCE_TARGET = 0.400


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_gunicorn(port: int) -> subprocess.Popen:
    from django.core.management import call_command

    # As in production: DEBUG off, static files from the hashed manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    environment = {
        **os.environ,
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "SECURE_SSL_REDIRECT": "0",
        "DEBUG": "0",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {server.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start within 60 s")


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    # Police and administrators need a session that passed the second factor, as
    # after a real sign-in (docs/security.md); django-otp checks it on every request.
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _requests(user) -> list[tuple[str, str]]:
    """(label, path) of every request the dashboard page makes for this user."""
    from django.urls import reverse

    from dashboard.trends import TRENDS

    paths = [
        ("page", reverse("dashboard:page")),
        ("now", reverse("dashboard:now")),
        ("headlines", reverse("dashboard:headlines")),
        ("map points", reverse("dashboard:map_points")),
    ]
    if user.is_province_admin:
        paths.append(("comparison", reverse("dashboard:comparison")))
    paths += [(f"trend {key}", reverse("dashboard:trend", args=[key])) for key in TRENDS]
    return paths


def run(context: Context) -> list[Result]:
    from django.contrib.sessions.models import Session

    from groups.models import Area, User
    from reports.models import Report

    busiest = (
        Report.objects.values("ward").annotate(reports=Count("id")).order_by("-reports").first()
    )
    ward = Area.objects.get(pk=busiest["ward"])
    police = User.objects.filter(role=User.Role.WARD_POLICE, police_ward=ward, is_active=True)
    police = police.first()
    if police is None:
        raise AssertionError(f"no police account for {ward}: run generate_data first")
    admin = User.objects.create(
        username=f"bench-dashboard-admin-{os.getpid()}",
        role=User.Role.PROVINCE_ADMIN,
        is_active=True,
    )
    port = _free_port()
    server = _start_gunicorn(port)
    sessions_before = set(Session.objects.values_list("pk", flat=True))
    results = []
    try:
        for scope, user, target in [
            ("ward", police, WARD_TARGET),
            ("province", admin, PROVINCE_TARGET),
        ]:
            if scope not in SCOPES:
                continue
            cookie = _session_cookie(user)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

            for label, path in _requests(user):

                def get(path=path, label=label, connection=connection, cookie=cookie):
                    # As htmx asks for the panels it loads after the page.
                    headers = {"Cookie": cookie}
                    if label != "page":
                        headers["HX-Request"] = "true"
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    body = response.read()
                    if response.status != 200:
                        raise AssertionError(f"{path} answered {response.status}: {body[:300]!r}")

                results.append(
                    context.measure(
                        f"dashboard {scope}: {label}",
                        get,
                        runs=RUNS,
                        target_seconds=target,
                        notes=f"{ward} ({busiest['reports']} reports)" if scope == "ward" else "",
                    )
                )
            connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        Session.objects.exclude(pk__in=sessions_before).delete()
        admin.delete()
    return results
