"""deploy/backup.sh and deploy/restore.sh: a database with data and its media,
backed up, restored into a fresh database, compared, and read by a portal."""

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.db import connections

from tests.deploy.stack import BASE_DIR, database_url

pytestmark = pytest.mark.django_db(transaction=True)

# The key tables: what a lost row would cost most.
KEY_TABLES = (
    "groups_area",
    "groups_user",
    "groups_policecontact",
    "reports_report",
    "reports_reportercontact",
    "reports_reportevent",
    "reports_category",
)
OTHER_KEY = "b3RoZXIta2V5LW5vdC10aGUtcG9ydGFscy1rZXktMzI="


def _fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Row count and an md5 over every row, in primary-key order, of each key table."""
    with psycopg.connect(url) as connection:
        return {
            table: connection.execute(
                f"SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t.id)), '')"  # noqa: S608
                f" FROM {table} t"
            ).fetchone()
            for table in KEY_TABLES
        }


@pytest.fixture
def fresh_database():
    admin = connections["default"].settings_dict
    name = f"tuquan_restore_{uuid.uuid4().hex[:10]}"
    server = database_url({**admin, "NAME": "postgres"})
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield database_url({**admin, "NAME": name})
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(arguments, **env):
    return subprocess.run(
        arguments,
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_backup_restores_every_row_and_file_and_the_vault_opens_only_with_the_key(
    file_report, theft, ward_a, police_a, tmp_path, fresh_database, settings
):
    for index in range(5):
        file_report(
            category=theft, ward=ward_a, name=f"Trần Văn {index}", phone=f"09876543{index:02d}"
        )
    file_report(category=theft, ward=ward_a, anonymous=True)
    media = tmp_path / "media"
    (media / "report-photos").mkdir(parents=True)
    (media / "report-photos" / "a.jpg").write_bytes(b"\xff\xd8photo")
    source = database_url(connections["default"].settings_dict)

    backup = _run(
        ["deploy/backup.sh", str(tmp_path / "backups")], DATABASE_URL=source, MEDIA_ROOT=str(media)
    )
    assert backup.returncode == 0, backup.stderr
    backup_dir = backup.stdout.strip().splitlines()[-1]
    # Only ciphertext of the contacts is in the dump.
    dump = (tmp_path / "backups").glob("*/database.dump")
    assert b"09876543" not in next(dump).read_bytes()

    restored_media = tmp_path / "restored-media"
    restore = _run(["deploy/restore.sh", backup_dir, fresh_database, str(restored_media)])
    assert restore.returncode == 0, restore.stderr

    original = _fingerprint(source)
    assert original["reports_report"][0] == 6
    assert original["reports_reportercontact"][0] == 5
    assert _fingerprint(fresh_database) == original
    assert (restored_media / "report-photos" / "a.jpg").read_bytes() == b"\xff\xd8photo"

    # A portal on the restored database, with the key, reads the contacts.
    read_contacts = (
        "from reports.models import ReporterContact;"
        "print(sorted(c.phone for c in ReporterContact.objects.all()))"
    )
    portal = _run(
        [sys.executable, "manage.py", "shell", "-c", read_contacts],
        DATABASE_URL=fresh_database,
        FIELD_ENCRYPTION_KEY=settings.FIELD_ENCRYPTION_KEYS[0],
    )
    assert portal.returncode == 0, portal.stderr
    assert portal.stdout.strip().splitlines()[-1] == str(
        [f"09876543{index:02d}" for index in range(5)]
    )
    # Without it (another key), the backup reveals no contact.
    stranger = _run(
        [sys.executable, "manage.py", "shell", "-c", read_contacts],
        DATABASE_URL=fresh_database,
        FIELD_ENCRYPTION_KEY=OTHER_KEY,
    )
    assert stranger.returncode != 0
    assert "09876543" not in stranger.stdout + stranger.stderr


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, file_report, theft, ward_a):
    source = database_url(connections["default"].settings_dict)
    backup = _run(["deploy/backup.sh", str(tmp_path)], DATABASE_URL=source)
    assert backup.returncode == 0, backup.stderr
    restore = _run(["deploy/restore.sh", backup.stdout.strip(), source])
    assert restore.returncode == 1
    assert "not empty" in restore.stderr


def test_restore_refuses_a_damaged_backup(tmp_path, fresh_database):
    source = database_url(connections["default"].settings_dict)
    backup_dir = _run(["deploy/backup.sh", str(tmp_path)], DATABASE_URL=source).stdout.strip()
    with open(os.path.join(backup_dir, "database.dump"), "ab") as dump:
        dump.write(b"damage")
    restore = _run(["deploy/restore.sh", backup_dir, fresh_database])
    assert restore.returncode != 0
    with psycopg.connect(fresh_database) as connection:
        assert (
            connection.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname='public'"
            ).fetchone()[0]
            == 0
        )
