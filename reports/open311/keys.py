"""Client systems' keys: made here, shown once, kept as a SHA-256 digest only."""

import hashlib
import secrets

from django.utils import timezone

from reports.models import Open311Client

_PREFIX_LENGTH = 8
# A pasted paragraph is not a key; do not spend work on it.
_MAX_KEY_LENGTH = 128


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(*, client: Open311Client) -> str:
    """A new key for ``client`` (replacing any old one); the caller shows it once."""
    key = secrets.token_urlsafe(32)
    client.key_prefix = key[:_PREFIX_LENGTH]
    client.key_digest = digest(key)
    if client.pk is None:
        client.save()
    else:
        client.save(update_fields=["key_prefix", "key_digest"])
    return key


def client_for_key(key) -> Open311Client | None:
    """The active client system this key belongs to, noting that it was used."""
    if not isinstance(key, str) or not key or len(key) > _MAX_KEY_LENGTH or not key.isascii():
        return None
    client = Open311Client.objects.active().filter(key_digest=digest(key)).first()
    if client is not None:
        client.last_used_at = timezone.now()
        client.save(update_fields=["last_used_at"])
    return client
