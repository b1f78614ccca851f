"""The lock on password guessing, configured for django-axes (settings AXES_*).

Failed sign-ins are counted per username (from any address) and per client
address (for any username); at settings.AXES_FAILURE_LIMIT failures either is
locked for a cool-off. The cool-off grows: the first lock lasts
LOGIN_COOLOFF_MINUTES; the failures are not forgotten when it ends, so each
further failure locks again, for twice as long as the lock before, up to
LOGIN_COOLOFF_MAX_MINUTES, never more: a lock is never permanent, so someone
who guesses at a police officer's username can delay them by at most that
ceiling, and an administrator clears the lock at once (admin "Access attempts").
The history that makes the cool-off grow is forgotten once the ceiling has
passed without a failure, or when the user signs in.

Every sign-in path goes through here: the site's sign-in (password and second
step, groups/account_views.py), the admin's (which redirects to it), and any
endpoint that calls django.contrib.auth.authenticate with the request, as
AxesStandaloneBackend comes first in AUTHENTICATION_BACKENDS.
"""

import datetime
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import user_login_failed
from django.db.models import Max, Q, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from groups.client_address import client_address as _client_address

# The second step of a sign-in posts a code, not a username; its view names the user.
_USERNAME_ATTRIBUTE = "tuquan_sign_in_username"


def client_address(request) -> str:
    return _client_address(request)


def ceiling() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LOGIN_COOLOFF_MAX_MINUTES)


def cool_off(request) -> datetime.timedelta:
    """The cool-off of this request's username and address (AXES_COOLOFF_TIME)."""
    if request is None:
        return ceiling()
    limit = settings.AXES_FAILURE_LIMIT
    failures = _failures(request)
    doublings = max(0, failures - limit)
    base = datetime.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    # min() before the power: 2 ** a large count must not be computed at all.
    return min(base * 2 ** min(doublings, 20), ceiling())


def time_to_wait(request) -> datetime.timedelta:
    last = _attempts(request).aggregate(last=Max("attempt_time"))["last"]
    if last is None:
        return datetime.timedelta(0)
    return max(datetime.timedelta(0), last + cool_off(request) - timezone.now())


def lockout_response(request, original_response=None, credentials=None):
    """Our page for a locked sign-in: says, in the user's language, how long to wait."""
    minutes = max(1, math.ceil(time_to_wait(request).total_seconds() / 60))
    message = ngettext(
        "Too many failed sign-ins. For your safety, signing in is paused: "
        "try again in %(minutes)d minute.",
        "Too many failed sign-ins. For your safety, signing in is paused: "
        "try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return render(
        request,
        "registration/locked.html",
        {"message": message, "minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def is_locked(request, *, username: str) -> bool:
    setattr(request, _USERNAME_ATTRIBUTE, username)
    AxesProxyHandler.update_request(request)
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def record_failure(request, *, username: str) -> None:
    """A wrong second-step code counts as a failed sign-in, as a wrong password does."""
    setattr(request, _USERNAME_ATTRIBUTE, username)
    AxesProxyHandler.update_request(request)
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


class LockHandler(AxesDatabaseHandler):
    """Axes' database handler, keeping attempts until the longest cool-off has passed.

    Axes deletes the attempts older than the *current* request's cool-off; ours
    differ per username and address, so that would cut others' longer locks short.
    """

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        count, _ = AccessAttempt.objects.filter(
            attempt_time__lte=timezone.now() - ceiling()
        ).delete()
        return count


def _username(request) -> str | None:
    return getattr(request, _USERNAME_ATTRIBUTE, None) or get_client_username(request)


def _attempts(request):
    username = _username(request)
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    match = Q(ip_address=address)
    if username:
        match |= Q(username=username)
    return AccessAttempt.objects.filter(match, attempt_time__gte=timezone.now() - ceiling())


def _failures(request) -> int:
    username = _username(request)
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    totals = _attempts(request).aggregate(
        by_name=Sum("failures_since_start", filter=Q(username=username)),
        by_address=Sum("failures_since_start", filter=Q(ip_address=address)),
    )
    return max(totals["by_name"] or 0, totals["by_address"] or 0)
