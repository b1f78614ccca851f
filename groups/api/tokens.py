"""Making and revoking API tokens: who may, and the recent second factor police need.

A user makes tokens for themselves on their account page (or through the API,
from a browser session); a superuser, who manages logins, makes one for someone
else in the admin. Either way the token is shown once and only its hash is kept
(groups.models.ApiToken), with an expiry of at most settings.API_TOKEN_DAYS.

Ward police, administrators and staff must pass a second factor to sign in
(groups/second_factor.py); so that a token cannot be a way round it, making a
token for such a user, or as such a user, needs a session whose second factor
was passed at most settings.API_TOKEN_SECOND_FACTOR_MINUTES ago. The sign-in is
that moment: the second step is what signs these users in
(groups/account_views.py), and groups/staff_sessions.py records when.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups import second_factor, staff_sessions
from groups.audit import Action, record
from groups.models import ApiToken

MAX_NAME_LENGTH = 100


def has_recent_second_factor(request) -> bool:
    """Whether this request's session passed a second factor recently enough."""
    user = request.user
    session = getattr(request, "session", None)
    if session is None or not user.is_authenticated or not user.is_verified():
        return False
    signed_in_at = session.get(staff_sessions.SIGNED_IN_AT)
    if not isinstance(signed_in_at, int | float):
        return False
    age = timezone.now().timestamp() - signed_in_at
    return 0 <= age <= settings.API_TOKEN_SECOND_FACTOR_MINUTES * 60


def needs_recent_second_factor(*, owner, by) -> bool:
    return second_factor.is_required(owner) or second_factor.is_required(by)


def may_create_for(*, owner, by) -> bool:
    return (
        by.is_authenticated
        and by.is_active
        and owner.is_active
        and (owner.pk == by.pk or by.is_superuser)
    )


def create_token(*, owner, by, name: str, days: int | None, request) -> tuple[ApiToken, str]:
    """A new token for ``owner``; returns the row and the token, which is never kept.

    Raises PermissionDenied (code ``second_factor_required`` when only the recent
    second factor is missing) and ValidationError for a bad name or lifetime.
    """
    if not may_create_for(owner=owner, by=by):
        raise PermissionDenied(_("You may not make a token for this user."))
    if needs_recent_second_factor(owner=owner, by=by) and not has_recent_second_factor(request):
        raise SecondFactorRequired
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the token (what will use it).")}, code="required")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            {"name": _("Keep it under %(max)d characters.") % {"max": MAX_NAME_LENGTH}},
            code="max_length",
        )
    longest = settings.API_TOKEN_DAYS
    days = longest if days is None else days
    if not 1 <= days <= longest:
        raise ValidationError(
            {"days": _("Between 1 and %(max)d days.") % {"max": longest}}, code="range"
        )
    if ApiToken.objects.filter(user=owner).live().count() >= settings.REST_KNOX.get(
        "TOKEN_LIMIT_PER_USER", 20
    ):
        raise ValidationError(
            _("This user has too many tokens; revoke one first."), code="too_many_tokens"
        )
    with transaction.atomic():
        token, secret = ApiToken.objects.create(
            user=owner,
            expiry=datetime.timedelta(days=days),
            name=name,
            created_by=None if owner.pk == by.pk else by,
        )
        record(action=Action.CREATE, actor=by, obj=owner, detail={"api_token": token.pk})
    return token, secret


class SecondFactorRequired(PermissionDenied):
    code = "second_factor_required"

    def __init__(self):
        super().__init__(
            _(
                "Sign in again with your second factor (at most %(minutes)d minutes ago) "
                "to make a token."
            )
            % {"minutes": settings.API_TOKEN_SECOND_FACTOR_MINUTES}
        )


def revoke_token(*, token: ApiToken, by) -> None:
    """Deletes ``token``: its owner or a superuser. The next request with it is a 401."""
    if not ApiToken.objects.visible_to(by).filter(pk=token.pk).exists():
        raise PermissionDenied(_("You may not revoke this token."))
    with transaction.atomic():
        record(action=Action.DELETE, actor=by, obj=token.user, detail={"api_token": token.pk})
        token.delete()
