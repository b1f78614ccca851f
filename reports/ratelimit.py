"""Per-client limits on the public report form and the tracking page.

Residents use these pages without an account, so the only handle on a client
is its IP address, and the address must not be kept anywhere. A client is
therefore counted under a keyed hash of its address (HMAC-SHA256 with a key
derived from SECRET_KEY and salted for this purpose only), in Redis only (the
default cache), for one window; the count expires with the window. Nothing of
it goes to the database or the logs.

The views in reports/public_views.py call ``allow`` before they look at the
request's data, so a limited client changes nothing.
"""

import ipaddress
import logging
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from groups.client_address import client_address

logger = logging.getLogger(__name__)

# Domain separation: this key is used for nothing else derived from SECRET_KEY.
_CLIENT_KEY_SALT = "tuquan.reports.ratelimit.client_address"

REPORT = "report"
TRACK = "track"


@dataclass(frozen=True)
class Limit:
    attempts: int
    window_seconds: int


def limit_for(scope: str) -> Limit:
    attempts, window_seconds = settings.PUBLIC_RATE_LIMITS[scope]
    return Limit(attempts=attempts, window_seconds=window_seconds)


def client_digest(address: str) -> str:
    return salted_hmac(_CLIENT_KEY_SALT, _bucket(address), algorithm="sha256").hexdigest()


def cache_key(*, scope: str, address: str) -> str:
    return f"ratelimit:{scope}:{client_digest(address)}"


def allow(request, *, scope: str) -> bool:
    """Count one attempt of the requesting client in ``scope``.

    False once the client has used up the scope's attempts in the current
    window. If Redis cannot be reached the attempt is allowed: a resident
    reporting an incident should not be turned away because the counter
    store is down.
    """
    limit = limit_for(scope)
    key = cache_key(scope=scope, address=client_address(request))
    try:
        count = _count(key, window_seconds=limit.window_seconds)
    except redis.RedisError:
        logger.warning("Rate limit store unavailable; a %s attempt was not counted", scope)
        return True
    return count <= limit.attempts


def _count(key: str, *, window_seconds: int) -> int:
    # A fixed window: the first attempt creates the counter with the window as
    # its lifetime; later ones only increment it, so the window does not slide.
    # One round trip, atomic (MULTI/EXEC): the counter cannot expire between
    # the two commands and live on without a lifetime. The key and the plain
    # integer are those of the cache API, so cache.get/delete see the same counter.
    full_key = cache.make_and_validate_key(key)
    # Django's RedisCache keeps its redis-py client behind `_cache` (Django 5.2).
    client = cache._cache.get_client(full_key, write=True)
    with client.pipeline(transaction=True) as pipe:
        pipe.set(full_key, 0, ex=window_seconds, nx=True)
        pipe.incr(full_key)
        _created, count = pipe.execute()
    return count


def _bucket(address: str) -> str:
    """What is counted as one client: an IPv4 address, or an IPv6 /64.

    An IPv6 subscriber gets a whole /64 and can pick a new address in it for
    every request.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
