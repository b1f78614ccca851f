"""The client's address as our own proxies saw it.

Used by the rate limits of the public pages (reports/ratelimit.py) and by the
lock on sign-in guessing (groups/sign_in_lock.py): both must read the same
address, and neither may trust a header a client can forge.
"""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR, or the address the first of our own proxies saw.

    X-Forwarded-For is read only when settings.TRUSTED_PROXY_COUNT says how
    many proxies of ours stand in front. Each appends the address it saw, so
    the entry that many from the right is the first one a client cannot forge.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if hops:
            return hops[max(len(hops) - proxies, 0)]
    return request.META.get("REMOTE_ADDR", "")
