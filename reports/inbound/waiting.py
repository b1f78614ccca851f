"""A message that waits for its place: kept in the cache (Redis) for a short while.

When a message names no place, or a code that names none, the sender is asked
for the code on the poster; their text waits here, under a key derived from the
sender (an HMAC, so the key does not show the number) and sealed with the vault's
key (reports/vault.py), for INBOUND_CONVERSATION_MINUTES. The answer that names
the place files it, and the entry is deleted then (reports/inbound/intake.py),
whoever the sender was. A table would keep it past its use; the cache forgets by
itself.

Redis out of reach loses only the wait: the next message is taken on its own.
"""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

from reports import vault

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Waiting:
    text: str
    tip: bool


def _key(provider: str, sender: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{provider}:{sender}".encode(), hashlib.sha256
    ).hexdigest()
    return f"inbound:waiting:{digest}"


def waiting_message(*, provider: str, sender: str) -> Waiting | None:
    try:
        token = cache.get(_key(provider, sender))
    except RedisError:
        logger.warning("The cache is out of reach: a waiting %s message is not looked up", provider)
        return None
    if not token:
        return None
    try:
        value = json.loads(vault.unseal(token))
        return Waiting(text=str(value["text"]), tip=bool(value["tip"]))
    except (vault.UnsealError, ValueError, KeyError, TypeError):
        return None


def wait_for_place(*, provider: str, sender: str, text: str, tip: bool) -> None:
    token = vault.seal(json.dumps({"text": text, "tip": tip}, ensure_ascii=False))
    try:
        cache.set(_key(provider, sender), token, timeout=settings.INBOUND_CONVERSATION_MINUTES * 60)
    except RedisError:
        logger.warning(
            "The cache is out of reach: a %s message cannot wait for its place", provider
        )


def forget(*, provider: str, sender: str) -> None:
    try:
        cache.delete(_key(provider, sender))
    except RedisError:
        logger.warning(
            "The cache is out of reach: a waiting %s message expires by itself", provider
        )
