"""Make tests/upgrade/previous-release.sql.gz: a database built by this release's
migrations, with data in it, for the next release's upgrade test.

`make release-fixture` runs this when a release is cut (docs/deployment.md);
test_upgrade.py then checks that every later migration applies on top of it.
It runs on the PostgreSQL of DATABASE_URL, in a database of its own that it drops.
"""

import gzip
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).with_name("previous-release.sql.gz")
COUNTS = Path(__file__).with_name("previous-release.json")
# The contacts in the fixture are sealed with this key (the Makefile's local one).
FIXTURE_KEY = "bG9jYWwtZGV2ZWxvcG1lbnQtZmllbGQta2V5LTMyYnk="


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _manage(*arguments: str, database: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": database, "FIELD_ENCRYPTION_KEY": FIXTURE_KEY},
        check=True,
    )


def main() -> None:
    server = os.environ["DATABASE_URL"]
    name = f"tuquan_release_{uuid.uuid4().hex[:8]}"
    admin = _with_database(server, "postgres")
    database = _with_database(server, name)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        _manage("migrate", "--noinput", database=database)
        _manage("load_areas", "--province", "22", database=database)
        _manage(
            "generate_data",
            "--groups",
            "12",
            "--reports",
            "400",
            "--years",
            "1",
            database=database,
        )
        dump = subprocess.run(
            ["pg_dump", "--format=plain", "--no-owner", "--no-privileges", database],
            check=True,
            capture_output=True,
        ).stdout
        FIXTURE.write_bytes(gzip.compress(dump, compresslevel=9, mtime=0))
        with psycopg.connect(database) as connection:
            tables = connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            ).fetchall()
            counts = {
                table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                for (table,) in tables
            }
        COUNTS.write_text(json.dumps({"rows": counts}, indent=2, sort_keys=True) + "\n")
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"wrote {FIXTURE.name} and {COUNTS.name}")  # noqa: T201


if __name__ == "__main__":
    main()
