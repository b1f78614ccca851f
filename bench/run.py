"""Run the benchmarks on province-scale data: ``make bench``.

``python -m config.services .venv/bin/python bench/run.py [NAME ...]``

Uses the PostgreSQL server of DATABASE_URL with a database of its own: the
name in DATABASE_URL plus ``_bench``. Unless a mark on that database (its
comment) says it holds data made with the same parameters by the same generator
code, the database is dropped and created afresh (quicker than wiping a million
rows) and filled with ``manage.py generate_data``. It is migrated either way.
Then runs every ``bench/bench_*.py`` (only those whose name contains one
of the NAMEs, if given), prints a table and writes ``bench/results/<stamp>.json``
(and ``latest.json``).

Environment: BENCH_REPORTS (default 1000000; e.g. 100000 for a quick run),
BENCH_GROUPS (4131), BENCH_YEARS (5), BENCH_SEED (1).

BENCH_NATIONAL=1 (``make bench-national``) measures the whole country instead,
in a database named ``<name>_national``: ``generate_data --national`` with 100,000
groups and 10,000,000 reports, times BENCH_SCALE (default 1) for a machine that
cannot hold them (docs/scale.md). BENCH_KEEP_DATA=1 uses whatever data the
benchmark database holds, whatever its mark says (one filled by hand with
``manage.py generate_data``, which takes hours nationally).
"""

import hashlib
import importlib
import json
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path; the project root belongs there.
sys.path[0] = str(ROOT)

RESULTS = ROOT / "bench" / "results"


def national() -> bool:
    return os.environ.get("BENCH_NATIONAL", "") == "1"


def parameters() -> dict:
    if national():
        return {
            "national": True,
            "scale": float(os.environ.get("BENCH_SCALE", 1)),
            "years": int(os.environ.get("BENCH_YEARS", 5)),
            "seed": int(os.environ.get("BENCH_SEED", 1)),
        }
    return {
        "groups": int(os.environ.get("BENCH_GROUPS", 4131)),
        "reports": int(os.environ.get("BENCH_REPORTS", 1_000_000)),
        "years": int(os.environ.get("BENCH_YEARS", 5)),
        "seed": int(os.environ.get("BENCH_SEED", 1)),
    }


def bench_database_url(url: str) -> tuple[str, str]:
    """The benchmark database's name and URL: same server, ``<name>_bench``
    (``<name>_national`` for the whole country)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "tuquan"
    bench_name = f"{name}_national" if national() else f"{name}_bench"
    return bench_name, urlunsplit(parts._replace(path="/" + quote(bench_name)))


def stored_mark(url: str, name: str) -> str | None:
    """The mark of the data in the benchmark database ("" for none); None if there is no
    such database."""
    import psycopg

    with psycopg.connect(url, dbname="postgres", autocommit=True) as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    return (row[0] or "") if row else None


def recreate_database(url: str, name: str) -> None:
    """A fresh, empty benchmark database: faster than wiping a million rows."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, dbname="postgres", autocommit=True) as connection:
        database = sql.Identifier(name)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(database))


def data_mark(params: dict) -> str:
    """What the data was made with; changes when a parameter or a generator changes."""
    from demo.management.commands import generate_data

    digest = hashlib.sha256(Path(generate_data.__file__).read_bytes())
    for module_name in generate_data.GENERATORS:
        digest.update(Path(importlib.import_module(module_name).__file__).read_bytes())
    return json.dumps({**params, "generators": digest.hexdigest()[:16]}, sort_keys=True)


def store_mark(name: str, mark: str | None) -> None:
    from django.db import connection
    from psycopg import sql

    statement = sql.SQL("COMMENT ON DATABASE {} IS {}").format(
        sql.Identifier(name), sql.Literal(mark)
    )
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(cursor.connection))


class Tee:
    """Prints what generate_data says and keeps it for the results file."""

    def __init__(self):
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()
        self.lines.append(text)

    def flush(self) -> None:
        sys.stdout.flush()


def generate(name: str, params: dict, mark: str) -> str:
    """Fill the fresh database; returns what generate_data printed."""
    from django.core.management import call_command

    print(f"Generating data with {mark}", flush=True)
    output = Tee()
    call_command("generate_data", stdout=output, **params)
    store_mark(name, mark)
    return "".join(output.lines)


def benchmark_modules(names: list[str]) -> list:
    paths = sorted((ROOT / "bench").glob("bench_*.py"))
    chosen = [p for p in paths if not names or any(n in p.stem for n in names)]
    return [importlib.import_module(f"bench.{path.stem}") for path in chosen]


def print_table(results) -> None:
    header = " ".join(
        [
            f"{'benchmark':<44}",
            f"{'runs':>5}",
            f"{'median ms':>11}",
            f"{'p95 ms':>10}",
            f"{'target ms':>10}",
            f"{'p95/target':>11}",
        ]
    )
    print()
    print(header)
    print("-" * len(header))
    for result in results:
        target = f"{result.target_seconds * 1000:10.1f}" if result.target_seconds else f"{'-':>10}"
        ratio = f"{result.ratio:11.2f}" if result.ratio is not None else f"{'-':>11}"
        print(
            f"{result.name:<44} {result.runs:>5} {result.median * 1000:11.2f} "
            f"{result.p95 * 1000:10.2f} {target} {ratio}"
        )
    print()


def main(argv: list[str]) -> int:
    name, url = bench_database_url(os.environ["DATABASE_URL"])
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.harness import Context, write_json

    params = parameters()
    mark = data_mark(params)
    stored = stored_mark(url, name)
    keep = stored is not None and os.environ.get("BENCH_KEEP_DATA", "") == "1"
    fresh = stored != mark and not keep
    if fresh:
        print(f"Creating database {name}", flush=True)
        recreate_database(url, name)
    else:
        print(f"Database {name} holds data generated with {stored or 'no mark'}", flush=True)
    with connection.cursor() as cursor:
        # Loading and vacuuming millions of rows outlasts a web request's time limit;
        # the pages measured keep theirs (gunicorn's own connections).
        cursor.execute("SET statement_timeout = 0")
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    generation = generate(name, params, mark) if fresh else None
    generation_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        # What autovacuum does to a live database soon after a bulk load: the
        # visibility map that index-only scans need, and fresh statistics.
        cursor.execute("VACUUM ANALYZE")

    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    context = Context(database=name, parameters=params, results_dir=RESULTS, stamp=stamp)
    results, failed = [], []
    for module in benchmark_modules(argv):
        label = module.__name__.removeprefix("bench.")
        print(f"Running {label}", flush=True)
        try:
            results.extend(module.run(context))
        except Exception:
            traceback.print_exc()
            failed.append(label)
    print_table(results)

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (server_version,) = cursor.fetchone()
    payload = {
        "stamp": stamp,
        "database": name,
        "parameters": params,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "postgresql": server_version,
        },
        "generation": (
            {"seconds": round(generation_seconds, 1), "output": generation} if generation else None
        ),
        "results": [result.as_json() for result in results],
        "failed": failed,
    }
    write_json(RESULTS / f"{stamp}.json", payload)
    write_json(RESULTS / "latest.json", payload)
    print(f"Results: {RESULTS.relative_to(ROOT) / f'{stamp}.json'}")
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
