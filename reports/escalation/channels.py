"""How a notice leaves the system: email, signed webhook, SMS gateway, Zalo ZNS.

Each channel's `send(notice=…)` returns the provider's reference and raises
TransientDeliveryError (worth retrying: the network, a 5xx, a 429) or
PermanentDeliveryError (a refused address, a 4xx). SMS and Zalo carry only a
reference, the place, the category and a link, never the report's
description; no channel carries the reporter's identity.
"""

import contextlib
import hashlib
import hmac
import http.client
import json
import smtplib
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from reports.escalation import outbound
from reports.escalation.notice_content import notice_email, notice_payload, notice_short_text


class TransientDeliveryError(Exception):
    pass


class PermanentDeliveryError(Exception):
    pass


HTTP_TIMEOUT = 15


def _post(
    url: str, *, body: bytes, headers: dict, timeout: float = HTTP_TIMEOUT
) -> tuple[int, str]:
    # A webhook's URLField also admits ftp://; urllib would follow file:// too.
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise PermanentDeliveryError(f"not an http(s) address: {url[:100]}")
    # Only to public addresses (or OUTBOUND_ALLOWED_HOSTS), no redirects
    # (reports/escalation/outbound.py).
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
    try:
        with outbound.open_guarded(request, timeout=timeout) as response:
            return response.status, response.read(65536).decode("utf-8", "replace")
    except outbound.UnresolvedHost as error:
        raise TransientDeliveryError(str(error)) from None  # DNS may answer later
    except outbound.RefusedAddress as error:
        raise PermanentDeliveryError(f"refused: {error}") from None
    except urllib.error.HTTPError as error:
        text = error.read(65536).decode("utf-8", "replace")
        if error.code >= 500 or error.code == 429:
            raise TransientDeliveryError(f"HTTP {error.code}: {text[:500]}") from None
        if 300 <= error.code < 400:
            raise PermanentDeliveryError(
                f"HTTP {error.code}: redirects are not followed "
                f"(to {error.headers.get('Location', '?')[:200]})"
            ) from None
        raise PermanentDeliveryError(f"HTTP {error.code}: {text[:500]}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise TransientDeliveryError(f"{type(error).__name__}: {error}") from None
    except http.client.HTTPException as error:
        # A peer that answers something other than HTTP (BadStatusLine,
        # IncompleteRead): worth retrying, and an attempt to record, not a crash
        # that would leave the notice "sending" until its lease runs out, forever.
        raise TransientDeliveryError(f"{type(error).__name__}: {error}") from None


def _post_json(
    url: str, payload: dict, headers: dict, *, timeout: float = HTTP_TIMEOUT
) -> tuple[int, str]:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return _post(
        url, body=body, headers={"Content-Type": "application/json", **headers}, timeout=timeout
    )


class EmailChannel:
    """Email through Django's backend, over one connection per worker thread.

    Connecting, greeting and quitting cost more than sending a notice: a
    burst of escalations goes out over a connection that stays open. One
    idle for a while is checked (NOOP) before use; one that failed is dropped.
    """

    IDLE_CHECK_AFTER = 10.0  # seconds

    def __init__(self):
        self._local = threading.local()

    def send(self, *, notice) -> str:
        subject, body = notice_email(notice)
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ")
        message_id = f"<{notice.idempotency_key}@{domain}>"
        try:
            message = EmailMessage(
                subject,
                body,
                to=[notice.address],
                headers={"Message-ID": message_id},
                connection=self._connection(),
            )
            message.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentDeliveryError(f"recipient refused: {error.recipients}") from None
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            raise TransientDeliveryError(f"{type(error).__name__}: {error}") from None
        self._local.used_at = time.monotonic()
        return message_id

    def _connection(self):
        # Settings differ between tests and may change at run time: a
        # connection serves the settings it was opened with only.
        wanted = (
            settings.EMAIL_BACKEND,
            settings.EMAIL_HOST,
            settings.EMAIL_PORT,
            settings.EMAIL_HOST_USER,
            settings.EMAIL_USE_TLS,
            settings.EMAIL_USE_SSL,
        )
        idle = time.monotonic() - getattr(self._local, "used_at", 0.0)
        if getattr(self._local, "settings", None) != wanted or (
            idle > self.IDLE_CHECK_AFTER and not self._answers()
        ):
            self._drop()
        if getattr(self._local, "connection", None) is None:
            connection = get_connection()
            # Opened here, it stays open after a send (the backend closes only
            # the connections it opened itself).
            connection.open()
            self._local.connection, self._local.settings = connection, wanted
            self._local.used_at = time.monotonic()
        return self._local.connection

    def _answers(self) -> bool:
        smtp = getattr(self._local.connection, "connection", None)
        if smtp is None:
            return True  # a backend without a socket (console, locmem)
        try:
            return smtp.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = self._local.settings = None
        if connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):  # already gone
                connection.close()


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex; receivers recompute and compare."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookChannel:
    def send(self, *, notice) -> str:
        payload = notice_payload(notice)
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Tuquan-Timestamp": timestamp,
            "X-Tuquan-Signature": webhook_signature(
                secret=notice.endpoint.secret, timestamp=timestamp, body=body
            ),
            "Idempotency-Key": notice.idempotency_key,
        }
        status, _text = _post(notice.address, body=body, headers=headers)
        return f"HTTP {status}"


class SmsChannel:
    """A generic SMS gateway: POST {to, message, reference} with a bearer token."""

    def send(self, *, notice) -> str:
        return self.send_text(
            to=notice.address,
            message=notice_short_text(notice),
            reference=notice.idempotency_key,
        )

    def send_text(
        self, *, to: str, message: str, reference: str, timeout: float = HTTP_TIMEOUT
    ) -> str:
        """Any text to a phone: a notice, or the answer to a resident's SMS (reports/inbound/)."""
        if not settings.SMS_GATEWAY_URL:
            raise PermanentDeliveryError("SMS_GATEWAY_URL is not set")
        status, text = _post_json(
            settings.SMS_GATEWAY_URL,
            {"to": international_phone(to), "message": message, "reference": reference},
            {"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
            timeout=timeout,
        )
        return text[:200] or f"HTTP {status}"


def international_phone(phone: str) -> str:
    """0912345678 / +84912345678 → 84912345678, the form Zalo and gateways want."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):
        return "84" + digits[1:]
    return digits


class ZaloZnsChannel:
    """Zalo Notification Service: an approved template filled with the notice's data.

    An HTTP 200 whose JSON carries a non-zero ``error`` is a failure. The
    access token comes from the ZaloToken row; when Zalo says it expired, it
    is refreshed once under a row lock (the refresh token is single-use, so
    two workers must never both spend it) and stored in the same transaction.
    """

    EXPIRED_TOKEN_ERRORS = {-124, -216}

    def send(self, *, notice) -> str:
        refused = ""
        for attempt in range(2):
            token = current_zalo_access_token(refused=refused)
            _status, text = _post_json(
                settings.ZALO_ZNS_URL,
                {
                    "phone": international_phone(notice.address),
                    "template_id": settings.ZALO_ZNS_TEMPLATE_ID,
                    "template_data": notice_payload(notice, short=True),
                    "tracking_id": notice.idempotency_key,
                },
                {"access_token": token},
            )
            answer = _json_or_empty(text)
            error = answer.get("error", -1)
            if error == 0:
                return str(answer.get("data", {}).get("msg_id", "")) or "ok"
            if error in self.EXPIRED_TOKEN_ERRORS and attempt == 0:
                refused = token
                continue
            raise PermanentDeliveryError(f"ZNS error {error}: {answer.get('message', text)[:300]}")
        raise TransientDeliveryError("ZNS access token refused after refresh")


class ZaloOaChannel:
    """The Official Account's consultation message: the OA answers a user who wrote to it.

    A resident who writes to the OA (reports/inbound/zalo.py) is known by the
    user id Zalo gives them for this OA, not by a phone number; the answer goes
    to that id, with the same access token as ZNS (refreshed the same way).
    """

    def send_text(self, *, user_id: str, message: str, timeout: float = HTTP_TIMEOUT) -> str:
        refused = ""
        for attempt in range(2):
            token = current_zalo_access_token(refused=refused)
            _status, text = _post_json(
                settings.ZALO_OA_MESSAGE_URL,
                {"recipient": {"user_id": user_id}, "message": {"text": message}},
                {"access_token": token},
                timeout=timeout,
            )
            answer = _json_or_empty(text)
            error = answer.get("error", -1)
            if error == 0:
                data = answer.get("data")
                return str(data.get("message_id", "") if isinstance(data, dict) else "") or "ok"
            if error in ZaloZnsChannel.EXPIRED_TOKEN_ERRORS and attempt == 0:
                refused = token
                continue
            raise PermanentDeliveryError(
                f"Zalo OA error {error}: {str(answer.get('message', text))[:300]}"
            )
        raise TransientDeliveryError("Zalo OA access token refused after refresh")


def _json_or_empty(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def current_zalo_access_token(*, refused: str = "") -> str:
    """The access token to use; refreshed when it expired or Zalo `refused` it.

    Two workers refused the same token must spend the single-use refresh token
    once: under the row lock, a token other than the refused one means another
    worker has refreshed it already (whether before or while we waited).
    """
    from reports.models import ZaloToken

    token = ZaloToken.objects.order_by("pk").first()
    if token is None:
        raise PermanentDeliveryError("no Zalo token is stored; add one in the admin")
    if token.access_token != refused and token.expires_at > timezone.now():
        return token.access_token
    with transaction.atomic():
        locked = ZaloToken.objects.select_for_update().get(pk=token.pk)
        if locked.access_token != refused and locked.expires_at > timezone.now():
            return locked.access_token  # another worker refreshed it
        _status, text = _post_json_form(
            settings.ZALO_OAUTH_URL,
            {
                "refresh_token": locked.refresh_token,
                "app_id": settings.ZALO_APP_ID,
                "grant_type": "refresh_token",
            },
            {"secret_key": settings.ZALO_SECRET_KEY},
        )
        answer = _json_or_empty(text)
        if "access_token" not in answer or "refresh_token" not in answer:
            raise TransientDeliveryError(f"Zalo token refresh failed: {text[:300]}")
        locked.access_token = answer["access_token"]
        locked.refresh_token = answer["refresh_token"]
        locked.expires_at = timezone.now() + timezone.timedelta(
            seconds=int(answer.get("expires_in", 3600)) - 60
        )
        locked.save(update_fields=["access_token", "refresh_token", "expires_at", "updated_at"])
        return locked.access_token


def _post_json_form(url: str, fields: dict, headers: dict) -> tuple[int, str]:
    body = urlencode(fields).encode("ascii")
    return _post(
        url, body=body, headers={"Content-Type": "application/x-www-form-urlencoded", **headers}
    )


_CHANNELS = {
    "email": EmailChannel(),
    "webhook": WebhookChannel(),
    "sms": SmsChannel(),
    "zalo": ZaloZnsChannel(),
}
# Not a notice channel: it answers residents who wrote to the Official Account.
ZALO_OA = ZaloOaChannel()


def channel_for(name: str):
    return _CHANNELS[name]


def configured_channels() -> set[str]:
    """Channels this deployment can send on; notices are only made for these."""
    configured = {"email", "webhook"}
    if settings.SMS_GATEWAY_URL:
        configured.add("sms")
    if settings.ZALO_APP_ID and settings.ZALO_ZNS_TEMPLATE_ID:
        configured.add("zalo")
    return configured
