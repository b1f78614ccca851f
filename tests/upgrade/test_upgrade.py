"""Upgrading keeps every report: this code's migrations apply to a database made
by the previous release's migrations with data in it (previous-release.sql.gz,
written by `make release-fixture`; docs/deployment.md)."""

import gzip
import json
import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.db import connections

from tests.deploy.stack import database_url
from tests.upgrade.release_fixture import BASE_DIR, COUNTS, FIXTURE, FIXTURE_KEY

# Rows no migration may lose.
KEPT = (
    "groups_area",
    "groups_selfmanagementgroup",
    "groups_member",
    "groups_policecontact",
    "groups_user",
    "reports_report",
    "reports_reportercontact",
    "reports_reportevent",
    "mediation_mediationcase",
    "patrols_patrollog",
)


@pytest.fixture
def previous_release_database(django_db_blocker):
    with django_db_blocker.unblock():
        admin = connections["default"].settings_dict
    name = f"tuquan_upgrade_{uuid.uuid4().hex[:10]}"
    server = database_url({**admin, "NAME": "postgres"})
    url = database_url({**admin, "NAME": name})
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(
            ["psql", "--quiet", "--set", "ON_ERROR_STOP=1", "--no-psqlrc", url],
            input=gzip.decompress(FIXTURE.read_bytes()),
            check=True,
            capture_output=True,
            timeout=300,
        )
        yield url
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*arguments: str, database: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": database, "FIELD_ENCRYPTION_KEY": FIXTURE_KEY},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_migrations_apply_to_the_previous_release_and_keep_its_data(previous_release_database):
    before = json.loads(COUNTS.read_text())["rows"]

    migrated = _manage("migrate", "--noinput", database=previous_release_database)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    # Nothing left unapplied, and the models match the migrated schema.
    check = _manage("migrate", "--check", database=previous_release_database)
    assert check.returncode == 0, check.stdout + check.stderr
    with psycopg.connect(previous_release_database) as connection:
        for table in KEPT:
            count = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            assert count == before[table], table
    # The upgraded portal reads what the old one sealed, and lists its reports.
    read = _manage(
        "shell",
        "-c",
        "from reports.models import Report, ReporterContact;"
        "print(Report.objects.count(), sum(bool(c.phone) for c in ReporterContact.objects.all()))",
        database=previous_release_database,
    )
    assert read.returncode == 0, read.stderr
    reports, phones = map(int, read.stdout.strip().splitlines()[-1].split())
    assert reports == before["reports_report"]
    assert phones > 0
