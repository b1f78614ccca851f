"""How long a signed-in session lasts, and signing out everywhere.

A session ends after a while without a request (settings.STAFF_IDLE_MINUTES for
ward police, administrators and staff; COMMUNITY_IDLE_MINUTES for leaders and
members, who may be on a patrol for hours between two looks at the phone) and
SESSION_ABSOLUTE_HOURS after the sign-in whatever happens. A user whose second
factor is required and whose session has not passed one is signed out too.

The middleware writes the session's last activity at most once a minute
(TOUCH_SECONDS), so most requests cost no write; the idle timeout is therefore
exact to that minute. A request a page makes by itself (the dashboard's refresh
every 30 seconds) sends BACKGROUND_HEADER and is not activity: an unattended
dashboard is signed out like any other page.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from groups import second_factor, security_events
from groups.models import StaffSession

SIGNED_IN_AT = "tuquan_signed_in_at"
LAST_ACTIVITY = "tuquan_last_activity"
TOUCH_SECONDS = 60
BACKGROUND_HEADER = "X-Background-Refresh"


def idle_limit(user) -> datetime.timedelta:
    staff = second_factor.is_required(user)
    minutes = settings.STAFF_IDLE_MINUTES if staff else settings.COMMUNITY_IDLE_MINUTES
    return datetime.timedelta(minutes=minutes)


def absolute_limit() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.SESSION_ABSOLUTE_HOURS)


def started(request, user) -> None:
    """Called on every sign-in (the user_logged_in signal, see groups/apps.py)."""
    now = timezone.now()
    request.session[SIGNED_IN_AT] = now.timestamp()
    request.session[LAST_ACTIVITY] = now.timestamp()
    if request.session.session_key is None:
        request.session.save()
    StaffSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "signed_in_at": now,
            "last_seen": now,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
    )


def ended(request) -> None:
    """Called on every sign-out (user_logged_out)."""
    key = getattr(request, "session", None) and request.session.session_key
    if key:
        StaffSession.objects.filter(session_key=key).delete()


def active_sessions(user):
    """The user's sessions that have not yet timed out, newest first."""
    now = timezone.now()
    StaffSession.objects.visible_to(user).filter(last_seen__lt=now - idle_limit(user)).delete()
    StaffSession.objects.visible_to(user).filter(signed_in_at__lt=now - absolute_limit()).delete()
    return StaffSession.objects.visible_to(user)


def sign_out_everywhere(*, user, by, request=None) -> int:
    """Ends every session of ``user`` (the current one too); returns how many."""
    store: type[SessionBase] = import_string(settings.SESSION_ENGINE + ".SessionStore")
    rows = list(StaffSession.objects.filter(user=user))
    for row in rows:
        store(session_key=row.session_key).delete()
    StaffSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    security_events.emit(security_events.SIGNED_OUT_EVERYWHERE, user=user, by=by, request=request)
    return len(rows)


class StaffSessionMiddleware:
    """Ends sessions that are too old, idle too long, or lack a required second factor.

    Runs after django-otp's middleware. The request then goes on as anonymous: a
    page asks to sign in again, the API answers 403, as for anyone signed out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request, user) -> None:
        session = request.session
        now = timezone.now().timestamp()
        signed_in_at = session.get(SIGNED_IN_AT, now)
        last_activity = session.get(LAST_ACTIVITY, now)
        if now - signed_in_at > absolute_limit().total_seconds():
            self._end(request, user, security_events.SIGNED_OUT_EXPIRED)
            messages.info(request, _("Your session has ended. Please sign in again."))
        elif now - last_activity > idle_limit(user).total_seconds():
            minutes = int(idle_limit(user).total_seconds() // 60)
            self._end(request, user, security_events.SIGNED_OUT_IDLE)
            messages.info(
                request,
                _("You were signed out after %(minutes)d minutes without activity.")
                % {"minutes": minutes},
            )
        elif second_factor.is_required(user) and not user.is_verified():
            # A session from before the second factor was required, or whose
            # device an administrator has just reset: sign in again, with one.
            self._end(request, user, None)
        elif request.headers.get(BACKGROUND_HEADER) == "1":
            return
        elif now - last_activity >= TOUCH_SECONDS or SIGNED_IN_AT not in session:
            session[LAST_ACTIVITY] = now
            session.setdefault(SIGNED_IN_AT, now)
            StaffSession.objects.filter(session_key=session.session_key).update(
                last_seen=timezone.now()
            )

    def _end(self, request, user, event: str | None) -> None:
        logout(request)
        if event:
            security_events.emit(event, user=user, by=None, request=request)
