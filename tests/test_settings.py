"""Settings come from the environment; a malformed value stops the start, naming the variable.

Each case starts a fresh interpreter from the test run's own (valid) environment
with one thing changed, because settings are read once per process.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
LOAD_SETTINGS = "import django; from django.conf import settings; settings.INSTALLED_APPS"


def _environment(**changes: str | None) -> dict[str, str]:
    """os.environ with each change applied; None removes the variable."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    # Set by the browser tests for their own process; production never has it.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for name, value in changes.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


def _run(arguments: list[str], **changes: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=BASE_DIR,
        env=_environment(**changes),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _load_settings(**changes: str | None) -> subprocess.CompletedProcess:
    return _run(["-c", LOAD_SETTINGS], **changes)


def _error_line(result: subprocess.CompletedProcess) -> str:
    """The exception's own message: the traceback above it quotes source lines too."""
    return result.stderr.strip().splitlines()[-1]


def test_valid_environment_loads():
    result = _load_settings()

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://x"),
        ("DATABASE_URL", "garbage"),
        ("DATABASE_URL", "postgres://127.0.0.1:5432"),
        ("REDIS_URL", "http://x"),
        ("FIELD_ENCRYPTION_KEY", "short"),
        ("FIELD_ENCRYPTION_KEY", ""),
        ("EMAIL_URL", "ftp://x"),
        ("TIME_ZONE", "Mars/Olympus"),
        ("LANGUAGE_CODE", "fr"),
        ("CONN_MAX_AGE", "abc"),
        ("SECURE_HSTS_SECONDS", "one year"),
        ("SECURE_SSL_REDIRECT", "sometimes"),
        ("DATABASE_CONNECT_TIMEOUT", "0"),
        ("DATABASE_STATEMENT_TIMEOUT", "-1"),
        ("WORKER_DATABASE_STATEMENT_TIMEOUT", "ten"),
        ("REDIS_CONNECT_TIMEOUT", "0"),
        ("REDIS_SOCKET_TIMEOUT", "0"),
        ("CELERY_BROKER_SOCKET_TIMEOUT", "1"),
        ("MAX_REQUEST_BODY_BYTES", "1000"),
        ("RECEIPT_HANDOFF_SECONDS", "5"),
        ("RECEIPT_HANDOFF_SECONDS", "86400"),
        # Below OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
        ("PASSPHRASE_ARGON2_MEMORY_KIB", "19455"),
        ("PASSPHRASE_ARGON2_TIME_COST", "1"),
        ("PASSPHRASE_ARGON2_PARALLELISM", "0"),
    ],
)
def test_malformed_variable_stops_the_start_naming_it(name, value):
    result = _load_settings(**{name: value})

    assert result.returncode != 0
    assert _error_line(result).startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert name in _error_line(result)


@pytest.mark.parametrize("name", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL"])
def test_missing_required_variable_stops_the_start_naming_it(name):
    result = _load_settings(**{name: None, f"{name}_FILE": None})

    assert result.returncode != 0
    assert _error_line(result) == f"django.core.exceptions.ImproperlyConfigured: {name} must be set"


def test_secret_may_come_from_a_file(tmp_path):
    secret = secrets.token_urlsafe(50)
    (tmp_path / "secret_key").write_text(secret + "\n", encoding="utf-8")

    result = _run(
        ["-c", f"{LOAD_SETTINGS}; assert settings.SECRET_KEY == {secret!r}"],
        SECRET_KEY=None,
        SECRET_KEY_FILE=str(tmp_path / "secret_key"),
    )

    assert result.returncode == 0, result.stderr


def test_database_url_may_come_from_a_file(tmp_path):
    (tmp_path / "database_url").write_text(os.environ["DATABASE_URL"], encoding="utf-8")

    result = _run(
        ["manage.py", "check", "--database", "default"],
        DATABASE_URL="mysql://ignored-when-the-file-is-set",
        DATABASE_URL_FILE=str(tmp_path / "database_url"),
    )

    assert result.returncode == 0, result.stderr


def test_unreadable_secret_file_stops_the_start_naming_it(tmp_path):
    result = _load_settings(SECRET_KEY=None, SECRET_KEY_FILE=str(tmp_path / "missing"))

    assert result.returncode != 0
    assert "SECRET_KEY_FILE" in _error_line(result)


def test_debug_is_off_unless_switched_on():
    result = _run(["-c", f"{LOAD_SETTINGS}; assert settings.DEBUG is False"], DEBUG=None)

    assert result.returncode == 0, result.stderr


def test_vietnamese_and_vietnam_time_are_the_defaults():
    check = (
        f"{LOAD_SETTINGS}; assert settings.LANGUAGE_CODE == 'vi', settings.LANGUAGE_CODE; "
        "assert settings.TIME_ZONE == 'Asia/Ho_Chi_Minh', settings.TIME_ZONE"
    )
    result = _run(["-c", check], LANGUAGE_CODE=None, TIME_ZONE=None)

    assert result.returncode == 0, result.stderr


def test_check_deploy_with_production_settings_has_no_warnings():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG=None,
        SECURE_SSL_REDIRECT=None,
        SECURE_HSTS_SECONDS=None,
        SECURE_HSTS_PRELOAD=None,
        SECRET_KEY=secrets.token_urlsafe(64),
        SECRET_KEY_FILE=None,
        ALLOWED_HOSTS="tuquan.example.gov.vn",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_warns_about_a_weak_secret_key():
    # The same run with a poor key must complain: the clean run above is not a blind spot.
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG=None,
        SECURE_SSL_REDIRECT=None,
        SECRET_KEY="short",
        SECRET_KEY_FILE=None,
        ALLOWED_HOSTS="tuquan.example.gov.vn",
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_manage_py_names_the_missing_variable_instead_of_a_django_internal_error():
    result = _run(["manage.py", "check"], SECRET_KEY=None)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in _error_line(result)
    assert "Models aren't loaded yet" not in result.stderr


def test_commands_that_read_only_the_code_run_on_a_bare_checkout():
    bare = dict.fromkeys(("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL"))

    checked = _run(["manage.py", "makemigrations", "--check", "--dry-run"], **bare)
    refused = _run(["manage.py", "migrate", "--plan"], **bare)

    assert checked.returncode == 0, checked.stderr
    assert "No changes detected" in checked.stdout
    # Anything that may touch data still needs the real configuration.
    assert refused.returncode != 0
    assert "must be set" in _error_line(refused)
