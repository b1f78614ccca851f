"""Reads of the dashboard and its exports on the streaming replica, when there is one.

The dashboard and the exports are the heavy reads (aggregates over a province);
the replica (a PostgreSQL hot standby, DATABASE_REPLICA_URL) takes them off the
primary. Everything else stays on the primary, because it must be exact:

- every write, and every read after a write in the same request (the router
  pins the request to the primary once it has routed a write);
- a user's reads for REPLICA_PIN_SECONDS after any POST of theirs (a cookie),
  so that what they just did shows on the next page even on a lagging replica;
- sessions, users and everything outside the dashboard's URLs.

A replica that is down or lags more than REPLICA_MAX_LAG_SECONDS is not used:
each process asks it at most every few seconds and otherwise reads the primary.
"""

import contextvars
import logging
import time

from django.conf import settings
from django.db import DatabaseError, OperationalError, connections
from django.urls import Resolver404, resolve

log = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "tuquan_primary"
# URL namespaces whose GET requests may read from the replica.
REPLICA_NAMESPACES = ("dashboard",)
# Apps whose rows the dashboard reads; auth, sessions and the rest stay on the primary.
REPLICA_APPS = ("groups", "reports", "patrols", "mediation")
# How long one answer about the replica's state is trusted by this process.
CHECK_EVERY_SECONDS = 5

_replica_allowed = contextvars.ContextVar("replica_allowed", default=False)
_state = {"checked_at": float("-inf"), "usable": False}


def replica_usable() -> bool:
    """Whether the replica answers and is at most REPLICA_MAX_LAG_SECONDS behind.

    The lag is the age of the last transaction it replayed, or 0 when it has
    replayed everything it received (an idle primary sends nothing to replay).
    """
    if REPLICA not in settings.DATABASES:
        return False
    now = time.monotonic()
    if now - _state["checked_at"] < CHECK_EVERY_SECONDS:
        return _state["usable"]
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), CASE"
                " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
            )
            in_recovery, lag = cursor.fetchone()
        # Not in recovery: a standby promoted by hand no longer follows the primary.
        usable = bool(in_recovery) and lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
    except DatabaseError:
        connections[REPLICA].close()
        usable = False
    if usable != _state["usable"]:
        log.warning("replica %s", "in use" if usable else "not used: down or lagging")
    _state.update(checked_at=now, usable=usable)
    return usable


def forget_replica_state() -> None:
    """Ask the replica again on the next read (tests, after a failover)."""
    _state.update(checked_at=float("-inf"), usable=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _replica_allowed.get()
            and model._meta.app_label in REPLICA_APPS
            and model._meta.model_name != "user"
            and replica_usable()
        ):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        # What this request reads next must see this write.
        _replica_allowed.set(False)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # One database, two servers: rows from either may be related.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _replica_allowed.set(self._may_read_replica(request))
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        # Only signed-in users read the replica's pages; residents get no cookie.
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and REPLICA in settings.DATABASES
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        # The replica went away since it was last asked (it is asked every
        # CHECK_EVERY_SECONDS): ask again now, and if it is down, answer this GET
        # from the primary instead of a 500.
        if not (_replica_allowed.get() and isinstance(exception, OperationalError)):
            return None
        connections[REPLICA].close()
        forget_replica_state()
        if replica_usable():
            return None
        _replica_allowed.set(False)
        return self.get_response(request)

    @staticmethod
    def _may_read_replica(request) -> bool:
        if REPLICA not in settings.DATABASES or request.method not in ("GET", "HEAD"):
            return False
        if request.COOKIES.get(PIN_COOKIE):
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return bool(set(match.namespaces) & set(REPLICA_NAMESPACES))
