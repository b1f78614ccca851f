"""The audit trail: one call, ``record(...)``, that anything may make.

Lives in the lowest app so that reports, patrols, mediation and the dashboard
can all record without importing each other. Each entry names who acted, the
action, the object (type and id), the commune/ward it concerns and a keyed
hash of the staff session; never a reporter's identity or a tip's text
(callers pass field names and counts in ``detail``, nothing a resident wrote).

The trail is append-only: ``AuditEntry`` rows are written here and nowhere
else, and a PostgreSQL trigger (groups/migrations/0010_audit_trail.py)
refuses UPDATE and DELETE on the table.

The session and the actor of the request being served are known here through
``AuditContextMiddleware``, so a domain function called from a view records
the session without being handed the request.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from groups.models import AuditEntry
from groups.security_events import SECOND_FACTOR_FAILED, staff_security_event

Action = AuditEntry.Action

_current_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)

# Keys of ``detail`` must stay short codes; values longer than this are cut, so a
# careless caller cannot turn the trail into a copy of a report.
MAX_DETAIL_VALUE = 200


def session_hash(session_key: str | None) -> str:
    """A keyed hash of a session key; empty without a session."""
    if not session_key:
        return ""
    return salted_hmac("groups.audit.session", session_key).hexdigest()


def object_type(obj) -> str:
    return obj._meta.label_lower


def ward_of(obj) -> int | None:
    """The commune/ward an object concerns, for the ward police's view of the trail."""
    if obj is None:
        return None
    from groups.models import Area, Membership, User

    if isinstance(obj, Area):
        if obj.depth == 2:
            return obj.pk
        commune = obj.commune
        return commune.pk if commune else None
    if isinstance(obj, User):
        return obj.police_ward_id
    if isinstance(obj, Membership):
        return obj.group.ward_id if obj.group_id else None
    for name in ("ward_id", "police_ward_id"):
        value = getattr(obj, name, None)
        if value:
            return value
    for name in ("area", "group", "report", "case"):
        related = getattr(obj, name, None) if hasattr(type(obj), name) else None
        if related is not None and related is not obj:
            return ward_of(related)
    return None


def _clean_detail(detail: dict | None) -> dict:
    cleaned = {}
    for key, value in (detail or {}).items():
        if isinstance(value, str):
            value = value[:MAX_DETAIL_VALUE]
        elif isinstance(value, list | tuple):
            value = [str(item)[:MAX_DETAIL_VALUE] for item in value][:50]
        elif not isinstance(value, int | float | bool) and value is not None:
            value = str(value)[:MAX_DETAIL_VALUE]
        cleaned[str(key)[:50]] = value
    return cleaned


def record(
    *,
    action: str,
    actor=None,
    obj=None,
    object_type_label: str = "",
    object_id: str | int = "",
    ward=None,
    request=None,
    session_key: str | None = None,
    username: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail and return it.

    ``actor``: the user who acted (None for the system, e.g. the retention job).
    ``obj``: the model instance acted on; or ``object_type_label`` ("app.model")
    and ``object_id``. ``ward``: an Area, its id, or None to derive it from ``obj``.
    ``request`` / ``session_key``: where the session comes from; by default the
    request being served (``AuditContextMiddleware``). ``username``: for a failed
    sign-in, the name that was tried. ``detail``: short codes, field names and
    counts only, never text a resident wrote or a reporter's identity.

    Runs inside the caller's transaction: an action that rolls back leaves no entry.
    """
    request = request or _current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if session_key is None and request is not None:
        session = getattr(request, "session", None)
        session_key = session.session_key if session is not None else None
    ward_id = ward_of(obj) if ward is None else getattr(ward, "pk", ward)
    if obj is not None:
        object_type_label = object_type_label or object_type(obj)
        object_id = object_id or obj.pk
    return AuditEntry.objects.create(
        actor_id=actor.pk if actor is not None else None,
        actor_username=(actor.get_username() if actor is not None else username)[:150],
        action=action,
        object_type=object_type_label[:100],
        object_id=str(object_id if object_id is not None else "")[:64],
        ward_id=ward_id,
        session=session_hash(session_key),
        detail=_clean_detail(detail),
    )


def record_many(*, action: str, objects: Iterable, actor=None, detail=None) -> int:
    """One entry per object (a bulk deletion, a batch of the retention job)."""
    count = 0
    for obj in objects:
        record(action=action, actor=actor, obj=obj, detail=detail)
        count += 1
    return count


class AuditContextMiddleware:
    """Makes the request being served known to ``record`` (its user and session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


# Django's own sign-in signals: every sign-in path (site, admin, API) sends them.
# Second-factor changes and the portal's own sign-outs come from groups/security_events.py.


@receiver(staff_security_event, dispatch_uid="groups.audit.staff_security_event")
def _staff_security_event(sender, event, user, by=None, request=None, **kwargs):
    if event == SECOND_FACTOR_FAILED:
        # Also sent as Django's user_login_failed (it counts towards the lock),
        # which _sign_in_failed below records: once is enough.
        return
    if event.startswith(("second_factor", "recovery_code")):
        action = Action.SECOND_FACTOR
    else:  # signed out everywhere, or by the idle timeout or the absolute lifetime
        action = Action.SIGN_OUT
    record(
        action=action,
        actor=by,
        obj=user,
        request=request,
        detail={"event": event},
    )


@receiver(user_logged_in, dispatch_uid="groups.audit.signed_in")
def _signed_in(sender, request, user, **kwargs):
    session_key = request.session.session_key if request is not None else None
    record(action=Action.SIGN_IN, actor=user, obj=user, request=request, session_key=session_key)


@receiver(user_logged_out, dispatch_uid="groups.audit.signed_out")
def _signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    session_key = request.session.session_key if request is not None else None
    record(action=Action.SIGN_OUT, actor=user, obj=user, request=request, session_key=session_key)


@receiver(user_login_failed, dispatch_uid="groups.audit.sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the name is kept.
    from django.contrib.auth import get_user_model

    username = str(credentials.get(get_user_model().USERNAME_FIELD, ""))[:150]
    known = get_user_model()._default_manager.filter(username=username).first()
    record(
        action=Action.SIGN_IN_FAILED,
        obj=known,
        object_type_label="" if known else "groups.user",
        username=username,
        request=request,
        session_key="",
    )
