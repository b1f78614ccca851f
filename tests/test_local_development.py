"""What `make run` and `make manage` rely on (README's "Start here" and "Other commands").

Each case runs the real thing in a fresh process: settings are read once per
process, and the Procfile and config/services.py are command lines.
"""

import os
import subprocess
import sys
from pathlib import Path

from django.core.mail import EmailMessage, get_connection

from config import services

BASE_DIR = Path(__file__).resolve().parent.parent


def _environment(**changes: str | None) -> dict[str, str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for name, value in changes.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


def _setting(name: str, **changes: str | None) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from django.conf import settings; print(settings.{name})",
        ],
        cwd=BASE_DIR,
        env=_environment(**changes),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def _make_manage(arguments: str, **changes: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "manage", f"ARGS={arguments}"],
        cwd=BASE_DIR,
        env=_environment(**changes),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


PRINT_SITE_URL = "shell -c 'from django.conf import settings; print(settings.SITE_URL)'"


def test_links_in_notices_follow_the_port_of_make_run():
    # make run and make manage share these variables; honcho later hands each
    # process a PORT of its own (the worker's is PORT+100), so settings must
    # not derive SITE_URL from PORT themselves.
    result = _make_manage(PRINT_SITE_URL, SITE_URL=None, PORT="8123")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123"
    assert _setting("SITE_URL", SITE_URL=None, PORT="8223") == "http://127.0.0.1:8000"


def test_a_site_url_that_is_set_wins_over_the_port():
    result = _make_manage(PRINT_SITE_URL, SITE_URL="https://tuquan.example.gov.vn/", PORT="8123")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "https://tuquan.example.gov.vn"


def test_the_demo_of_make_run_and_make_manage_is_quang_ninhs():
    unset = dict.fromkeys(
        ["SERVICE_NAME", "SERVICE_AUTHORITY", "SERVICE_EMBLEM", "SERVICE_CONTACT"], None
    )
    printed = "shell -c 'from django.conf import settings as s; print(s.SERVICE_AUTHORITY)'"
    result = _make_manage(printed, **unset)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "Công an tỉnh Quảng Ninh"
    # Without make, nothing names a province: a deployment sets its own.
    assert _setting("SERVICE_AUTHORITY", **unset) == ""


def test_development_mail_goes_to_the_readable_console_backend():
    assert _setting("EMAIL_BACKEND", EMAIL_URL=None) == "config.console_mail.EmailBackend"
    assert _setting("EMAIL_BACKEND", EMAIL_URL="smtp://127.0.0.1:25") == (
        "django.core.mail.backends.smtp.EmailBackend"
    )


def test_the_console_backend_prints_subject_and_body_decoded(tmp_path):
    output = tmp_path / "mail.txt"
    subject = "Báo cáo mới: trộm cắp xe máy ở Tổ dân phố 1"
    body = "Có một báo cáo mới cần xử lý.\nXem: http://127.0.0.1:8123/reports/7/\n" * 20
    with output.open("w", encoding="utf-8") as stream:
        connection = get_connection("config.console_mail.EmailBackend", stream=stream)
        message = EmailMessage(
            subject, body, "tuquan <no-reply@localhost>", ["to.truong@example.org"]
        )
        connection.send_messages([message])

    printed = output.read_text(encoding="utf-8")
    assert f"Subject: {subject}\n" in printed
    assert body in printed
    assert "To: to.truong@example.org" in printed
    assert "=?utf-8?" not in printed
    assert "Content-Transfer-Encoding" not in printed


def _services(*arguments: str, **changes: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "config.services", *arguments],
        cwd=BASE_DIR,
        env=_environment(**changes),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRINT_REDIS_URL = "import os; print(os.environ['REDIS_URL'])"


def test_make_manage_attaches_to_the_redis_of_a_running_make_run():
    # The Redis a running `make run` started, as config/services.py records it;
    # here the test run's own (DATABASE_URL stays set: no PostgreSQL starts).
    running = os.environ["REDIS_URL"]
    saved = services.RUNNING_REDIS.read_text() if services.RUNNING_REDIS.exists() else None
    services.RUNNING_REDIS.parent.mkdir(parents=True, exist_ok=True)
    services.RUNNING_REDIS.write_text(running)
    try:
        result = _services("--attach", sys.executable, "-c", PRINT_REDIS_URL, REDIS_URL=None)
        assert result.stdout.strip() == running, result.stderr
        # It was not ours to stop or forget.
        assert services.RUNNING_REDIS.read_text() == running
    finally:
        if saved is None:
            services.RUNNING_REDIS.unlink(missing_ok=True)
        else:
            services.RUNNING_REDIS.write_text(saved)


def test_make_manage_starts_its_own_redis_when_none_is_running():
    saved = services.RUNNING_REDIS.read_text() if services.RUNNING_REDIS.exists() else None
    services.RUNNING_REDIS.parent.mkdir(parents=True, exist_ok=True)
    services.RUNNING_REDIS.write_text("redis://127.0.0.1:1/0")  # left by a killed run
    probe = (
        "import os, redis; url = os.environ['REDIS_URL']; "
        "print(url, redis.Redis.from_url(url, socket_timeout=5).ping())"
    )
    try:
        result = _services("--attach", sys.executable, "-c", probe, REDIS_URL=None)
        url, answered = result.stdout.split()
        assert answered == "True", result.stderr
        assert url != "redis://127.0.0.1:1/0"
    finally:
        if saved is None:
            services.RUNNING_REDIS.unlink(missing_ok=True)
        else:
            services.RUNNING_REDIS.write_text(saved)
