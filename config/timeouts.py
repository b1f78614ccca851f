"""How long a web request or a worker waits for PostgreSQL.

A database that accepts connections and never answers used to hold a gunicorn
worker until gunicorn killed it (30 s, a bare 500). libpq's ``connect_timeout``
bounds the connection; PostgreSQL's ``statement_timeout`` bounds every
statement. Web requests get DATABASE_STATEMENT_TIMEOUT; Celery workers and
management commands (migrations, imports, demo data) do longer work and get
WORKER_DATABASE_STATEMENT_TIMEOUT instead: `config/celery.py` switches a worker
at start, `manage.py` a command. Settings in seconds, 0 for no limit.
"""

import re

from django.conf import settings

_STATEMENT_TIMEOUT = re.compile(r"-c\s*statement_timeout=\S+")


def with_timeouts(database: dict, *, connect_seconds: int, statement_seconds: int) -> dict:
    """``database`` (a DATABASES entry) with both timeouts in its OPTIONS.

    Other ``-c`` options from DATABASE_URL's ``options`` are kept.
    """
    options = dict(database.get("OPTIONS") or {})
    options["connect_timeout"] = connect_seconds
    options["options"] = _with_statement_timeout(options.get("options", ""), statement_seconds)
    return {**database, "OPTIONS": options}


def use_worker_statement_timeout() -> None:
    """Give this process's future database connections the workers' statement timeout.

    Call before the first query: an open connection keeps the timeout it was
    opened with.
    """
    for database in settings.DATABASES.values():
        options = database.setdefault("OPTIONS", {})
        options["options"] = _with_statement_timeout(
            options.get("options", ""), settings.WORKER_DATABASE_STATEMENT_TIMEOUT
        )


def _with_statement_timeout(options: str, seconds: int) -> str:
    # libpq passes ``options`` to the server as command-line switches.
    kept = _STATEMENT_TIMEOUT.sub("", options).strip()
    return f"{kept} -c statement_timeout={seconds}s".strip()
