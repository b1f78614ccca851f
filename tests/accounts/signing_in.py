"""Signing in as a person does: the form, then the code from the phone."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def phone_of(user) -> TOTPDevice:
    """The user's authenticator, made confirmed if they have none yet."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def code_on(device: TOTPDevice) -> str:
    """What the authenticator app shows now (the clock may be time_machine's)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def post_password(client, username, password=None, **extra):
    """Posts the sign-in form; the password defaults to the test cast's ("pw")."""
    return client.post(
        "/accounts/login/", {"username": username, "password": password or "pw"}, **extra
    )
