"""The SMS gateway's webhook: its signature and its payload.

The gateway POSTs each received SMS as JSON:

    {"id": "<the gateway's message id>", "from": "+84912345678", "text": "..."}

with ``X-Signature: sha256=<hex HMAC-SHA256 of the raw body under SMS_INBOUND_SECRET>``.
Anything else is refused before it is read further: a wrong signature 403, a
body that is not such an object 400 (reports/inbound/views.py).
"""

import hashlib
import hmac
import json

from django.conf import settings

from reports.inbound import answers
from reports.inbound.intake import Incoming

MAX_ID_LENGTH = 128
MAX_RAW_TEXT_LENGTH = 10_000
SIGNATURE_HEADER = "X-Signature"


class BadPayload(Exception):
    pass


def signature(body: bytes, *, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def is_signed(body: bytes, header: str) -> bool:
    expected = signature(body, secret=settings.SMS_INBOUND_SECRET)
    return hmac.compare_digest(expected.encode("ascii"), header.encode("utf-8", "replace"))


def parse_payload(body: bytes) -> Incoming:
    try:
        payload = json.loads(body)
    except ValueError:
        raise BadPayload("not JSON") from None
    if not isinstance(payload, dict):
        raise BadPayload("not an object")
    message_id = payload.get("id")
    sender = payload.get("from")
    text = payload.get("text")
    if isinstance(message_id, int) and not isinstance(message_id, bool):
        message_id = str(message_id)
    if not isinstance(message_id, str) or not message_id.strip() or len(message_id) > MAX_ID_LENGTH:
        raise BadPayload("id")
    if not message_id.isascii() or not message_id.isprintable():
        raise BadPayload("id")
    phone = normalized_phone(sender)
    if phone is None:
        raise BadPayload("from")
    if not isinstance(text, str) or len(text) > MAX_RAW_TEXT_LENGTH:
        raise BadPayload("text")
    return Incoming(provider=answers.SMS, message_id=message_id.strip(), sender=phone, text=text)


def normalized_phone(value) -> str | None:
    """ "+84 912 345 678" → "+84912345678"; None unless 6 to 15 ASCII digits."""
    if not isinstance(value, str) or len(value) > 32:
        return None
    compact = value.strip().replace(" ", "").replace("-", "").replace(".", "")
    plus = compact.startswith("+")
    digits = compact[1:] if plus else compact
    if not digits.isascii() or not digits.isdigit() or not 6 <= len(digits) <= 15:
        return None
    return ("+" if plus else "") + digits
