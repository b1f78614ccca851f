from concurrent.futures import ThreadPoolExecutor, wait

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from groups.models import Membership
from reports import heartbeat

# A load balancer's probe gives up after a few seconds, and a part that hangs
# must not hold the web worker: each part is checked in a thread of its own,
# at the same time, and one that has not answered by the deadline is down.
HEALTH_CHECK_SECONDS = 2  # libpq's connect_timeout counts whole seconds, at least 2
HEALTH_DEADLINE_SECONDS = HEALTH_CHECK_SECONDS + 0.5


def home(request):
    """Send each role to its place; residents get the public landing page."""
    user = request.user
    if user.is_authenticated:
        if user.is_province_admin:
            return redirect("admin:index")
        # A leader's work is the group's reports; a one-line list of groups is a detour.
        if Membership.objects.led_by(user).exists():
            return redirect("reports:inbox")
        # The police watch their commune/ward; its dashboard is where that happens.
        if user.is_ward_police:
            return redirect("dashboard:page")
        return redirect("groups:list")
    return render(request, "home.html")


@require_GET
def favicon(request):
    """Browsers ask /favicon.ico whatever the pages say: send them to the static icon
    (a temporary redirect, as its hashed name changes with its content)."""
    response = redirect(static("img/favicon.ico"))
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response


def _database_ok() -> bool:
    # A connection of its own, opened and closed here: the request's pooled
    # connection may be one the server stopped answering on, and waiting on it
    # is what the probe must not do.
    database = connections.create_connection(DEFAULT_DB_ALIAS)
    options = {**database.settings_dict.get("OPTIONS", {}), "connect_timeout": HEALTH_CHECK_SECONDS}
    database.settings_dict = {**database.settings_dict, "OPTIONS": options}
    try:
        with database.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False
    finally:
        database.close()


def _redis_ok() -> bool:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=HEALTH_CHECK_SECONDS,
        socket_timeout=HEALTH_CHECK_SECONDS,
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _check(parts: dict) -> dict[str, bool]:
    executor = ThreadPoolExecutor(max_workers=len(parts), thread_name_prefix="healthz")
    futures = {name: executor.submit(check) for name, check in parts.items()}
    done, _ = wait(futures.values(), timeout=HEALTH_DEADLINE_SECONDS)
    # A check still waiting ends by its own timeouts; nobody waits for it.
    executor.shutdown(wait=False, cancel_futures=True)
    return {
        name: future in done and future.exception() is None and future.result()
        for name, future in futures.items()
    }


def _sweep_on_time() -> bool:
    """Whether an escalation sweep finished within the last three intervals."""
    age = heartbeat.seconds_since_last_sweep()
    return age is not None and age <= 3 * settings.ESCALATION_SWEEP_SECONDS


def _answer(checks: dict[str, bool]) -> JsonResponse:
    body = {name: "ok" if ok else "down" for name, ok in checks.items()}
    body["status"] = "ok" if all(checks.values()) else "down"
    return JsonResponse(body, status=200 if all(checks.values()) else 503)


@require_GET
@never_cache
def healthz(request):
    """The whole portal: database, Redis, and escalation still sweeping (monitoring)."""
    checks = _check({"database": _database_ok, "redis": _redis_ok})
    # Read from Redis: unknown (so late) when Redis is down.
    try:
        checks["sweep"] = checks["redis"] and _sweep_on_time()
    except redis.RedisError:
        checks["sweep"] = False
    return _answer(checks)


@require_GET
@never_cache
def healthz_web(request):
    """This web process's own dependencies only, for the load balancer.

    A stopped beat must not take every web machine out of the load balancer:
    residents could then not even report.
    """
    return _answer(_check({"database": _database_ok, "redis": _redis_ok}))
