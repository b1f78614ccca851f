"""The second factor of a sign-in: who needs one, enrolment, recovery codes, reset.

django-otp does the cryptography (RFC 6238 TOTP with its own throttling of wrong
codes, single-use static recovery codes); this module decides when they apply.
Views (groups/account_views.py), the admin action and the demo call these
functions; none of them touches a device otherwise.

A required second factor is enforced twice: the sign-in does not log a user in
before the code is right, and groups/staff_sessions.py ends any session of such a
user that has not passed one (a session from before enrolment was required, or
one a second factor reset left behind).
"""

import secrets

import segno
from django.db import transaction
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from groups import security_events
from groups.models import ApiToken

RECOVERY_DEVICE_NAME = "recovery"
RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"


def is_required(user) -> bool:
    """Ward police, province administrators, superusers and staff must have one."""
    return bool(
        user.is_staff
        or user.is_superuser
        or user.role in (user.Role.WARD_POLICE, user.Role.PROVINCE_ADMIN)
    )


def has_device(user) -> bool:
    return any(devices_for_user(user, confirmed=True))


def is_asked(user) -> bool:
    """Whether signing in as this user takes a second step (required, or chosen)."""
    return is_required(user) or has_device(user)


def pending_authenticator(user) -> TOTPDevice:
    """The not yet confirmed authenticator of an enrolment, made once and reused,
    so reloading the page does not change the QR code under the user's camera."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def qr_code_data_uri(device: TOTPDevice) -> str:
    # A data: URI: the Content-Security-Policy admits data: images, and the secret
    # never travels in a URL of its own.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32 groups of four, for an authenticator without a camera."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm_enrolment(*, user, token: str, request=None) -> list[str] | None:
    """Confirms the pending authenticator if ``token`` is its current code.

    Returns the new recovery codes (shown once), or None for a wrong code.
    Any earlier authenticator of the user is removed: one phone at a time.
    """
    device = pending_authenticator(user)
    if not device.verify_token(_digits(token)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    security_events.emit(
        security_events.SECOND_FACTOR_ENROLLED, user=user, by=user, request=request
    )
    return codes


def verify(*, user, token: str, request=None):
    """The device that accepts ``token`` (an authenticator code or a recovery code,
    which is used up), or None. Wrong codes are throttled by django-otp."""
    device = match_token(user, _digits(token))
    if device is None:
        security_events.emit(
            security_events.SECOND_FACTOR_FAILED, user=user, by=user, request=request
        )
    elif isinstance(device, StaticDevice):
        security_events.emit(
            security_events.RECOVERY_CODE_USED, user=user, by=user, request=request
        )
    return device


@transaction.atomic
def renew_recovery_codes(*, user, request=None) -> list[str]:
    codes = _new_recovery_codes(user)
    security_events.emit(
        security_events.RECOVERY_CODES_RENEWED, user=user, by=user, request=request
    )
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset(*, user, by, request=None) -> None:
    """Removes every second factor of ``user`` (a lost or stolen phone).

    Their sessions end with it (django-otp checks the device on every request),
    and their API tokens are deleted;
    if the second factor is required they enrol a new phone at the next sign-in.
    """
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).delete()
    # A token must not outlive the second factor it was made with (groups/api/tokens.py).
    ApiToken.objects.filter(user=user).delete()
    security_events.emit(security_events.SECOND_FACTOR_RESET, user=user, by=by, request=request)


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _recovery_code() -> str:
    # 10 characters from an alphabet without look-alikes (0/o, 1/l): ~50 bits each.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def _digits(token: str) -> str:
    # Phones show the code as "123 456"; people type what they see. (Recovery
    # codes have no spaces either.)
    return "".join(token.split())
