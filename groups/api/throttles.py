"""Requests per client, counted in the Redis cache (settings DEFAULT_THROTTLE_RATES).

A signed-in user or a token's owner is counted by user, whatever device they
use; an anonymous client by the address our own proxies saw (the same one the
public pages' rate limits and the sign-in lock read).
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

from groups.client_address import client_address


class _RatesFromSettings:
    # DRF reads the rates once, at import; read them on each request instead, so a
    # changed setting (and a test that lowers a rate) takes effect.
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_address(request)


class UserRateThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    pass


class AnonRateThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    pass
