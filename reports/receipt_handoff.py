"""Handing a receipt from the form's POST to the receipt page, outside every table.

The receipt code (and a tipster's passphrase) exists in clear only in the
request that made it and on the page that shows it once. Between the two it
waits in Redis, for RECEIPT_HANDOFF_SECONDS at most, and never in the
database, the session or a log:

- the POST makes a random token (128 bits) and gives it to the browser in a
  cookie that only the receipt page gets (HttpOnly, path /report/receipt/,
  expiring with the entry);
- Redis holds the receipt sealed with a key derived from that token (Fernet),
  under a key that is a hash of the token. A copy of Redis alone opens
  nothing; the entry expires even if the page is never opened;
- the receipt page takes the entry and deletes it: whoever deletes it shows
  it, so it is shown once even to two requests at the same moment.

If Redis cannot be reached, `hand_over` answers False and the view renders the
receipt in the POST's own answer instead (reports/public_views.py): the report
is already saved, and the resident must still see their receipt.
"""

import base64
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass

import redis
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

COOKIE_NAME = "receipt"
_KEY_PREFIX = "receipt-handoff:"


@dataclass(frozen=True)
class HandedReceipt:
    code: str
    passphrase: str | None


def hand_over(response, *, code: str, passphrase: str | None, path: str) -> bool:
    """Keep the receipt for the receipt page at `path` and set its cookie on `response`.

    False (and no cookie) when Redis cannot take it: then show it at once.
    """
    token = secrets.token_urlsafe(16)
    sealed = _fernet(token).encrypt(
        json.dumps({"code": code, "passphrase": passphrase}).encode("utf-8")
    )
    lifetime = settings.RECEIPT_HANDOFF_SECONDS
    try:
        cache.set(_entry_key(token), sealed, timeout=lifetime)
    except redis.RedisError:
        logger.warning("Receipt store unavailable; the receipt is shown in the answer")
        return False
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=lifetime,
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return True


def take(request) -> HandedReceipt | None:
    """The receipt waiting for this browser, removed as it is taken; None if there is none.

    The page then calls `forget` on its answer.
    """
    token = request.COOKIES.get(COOKIE_NAME, "")
    if not token or len(token) > 64:
        return None
    key = _entry_key(token)
    try:
        sealed = cache.get(key)
        # Whoever deletes the entry shows it: once, even to two requests at a time.
        if sealed is None or not cache.delete(key):
            return None
    except redis.RedisError:
        logger.warning("Receipt store unavailable; a receipt could not be shown")
        return None
    try:
        data = json.loads(_fernet(token).decrypt(sealed))
    except (InvalidToken, TypeError, ValueError):
        return None
    return HandedReceipt(code=data["code"], passphrase=data["passphrase"])


def forget(request, response) -> None:
    """Delete the cookie a receipt was handed over with, if the browser sent one."""
    if COOKIE_NAME in request.COOKIES:
        response.delete_cookie(COOKIE_NAME, path=request.path, samesite="Lax")


def _entry_key(token: str) -> str:
    return _KEY_PREFIX + hashlib.sha256(b"key:" + token.encode("ascii", "replace")).hexdigest()


def _fernet(token: str) -> Fernet:
    # A different hash of the token than the entry's key: knowing the key opens nothing.
    secret = hashlib.sha256(b"seal:" + token.encode("ascii", "replace")).digest()
    return Fernet(base64.urlsafe_b64encode(secret))
