"""When the escalation sweep last finished: the sign that escalation still runs.

Escalation that has stopped is silent: nothing fails, reports just never reach
the police. Each finished sweep stamps the time in Redis; /healthz turns
unhealthy and the metric ``tuquan_sweep_age_seconds`` grows once no sweep has
finished for a few intervals (config/views.py, config/metrics.py).
"""

import time

from django.core.cache import cache

_LAST_SWEEP_KEY = "escalation:last-sweep"
_SWEEPS_KEY = "escalation:sweeps"


def record_sweep() -> None:
    cache.set(_LAST_SWEEP_KEY, time.time(), timeout=None)
    try:
        cache.incr(_SWEEPS_KEY)
    except ValueError:
        cache.set(_SWEEPS_KEY, 1, timeout=None)


def seconds_since_last_sweep() -> float | None:
    """None when no sweep has ever been recorded (a new install, or Redis lost its data)."""
    last = cache.get(_LAST_SWEEP_KEY)
    return None if last is None else max(time.time() - last, 0.0)


def sweeps_recorded() -> int:
    return cache.get(_SWEEPS_KEY) or 0
