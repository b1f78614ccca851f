"""The Zalo Official Account's webhook: its signature and the "user sends text" event.

Zalo POSTs each event as JSON, for a text:

    {"app_id": "...", "event_name": "user_send_text", "timestamp": "1733449200000",
     "sender": {"id": "<the user's id for this OA>"}, "recipient": {"id": "<OA id>"},
     "message": {"msg_id": "...", "text": "..."}, "user_id_by_app": "..."}

signed in the header ``X-ZEvent-Signature: mac=<hex SHA-256 of app_id + raw body +
timestamp + OA secret key>`` (Zalo's documented formula; ZALO_OA_SECRET_KEY is the
Official Account's secret key). The app id must be ours (ZALO_APP_ID). Other events
(a follow, a sticker, a photo, a seen receipt) are acknowledged and ignored.
"""

import hashlib
import hmac
import json

from django.conf import settings

from reports.inbound import answers
from reports.inbound.intake import Incoming
from reports.inbound.sms import MAX_ID_LENGTH, MAX_RAW_TEXT_LENGTH, BadPayload

SIGNATURE_HEADER = "X-ZEvent-Signature"
TEXT_EVENT = "user_send_text"


def signature(*, app_id: str, body: bytes, timestamp: str, secret: str) -> str:
    digest = hashlib.sha256(
        app_id.encode("utf-8") + body + timestamp.encode("utf-8") + secret.encode("utf-8")
    )
    return "mac=" + digest.hexdigest()


def read_event(body: bytes) -> dict:
    try:
        event = json.loads(body)
    except ValueError:
        raise BadPayload("not JSON") from None
    if not isinstance(event, dict):
        raise BadPayload("not an object")
    for name in ("app_id", "timestamp", "event_name"):
        value = event.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            event[name] = str(value)
        if not _is_text(event.get(name)):
            raise BadPayload(name)
    return event


def _is_text(value) -> bool:
    # A lone surrogate ("\ud800" in the JSON) is a str that cannot be encoded.
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_signed(event: dict, body: bytes, header: str) -> bool:
    expected = signature(
        app_id=event["app_id"],
        body=body,
        timestamp=event["timestamp"],
        secret=settings.ZALO_OA_SECRET_KEY,
    )
    signed = hmac.compare_digest(expected.encode("ascii"), header.encode("utf-8", "replace"))
    ours = not settings.ZALO_APP_ID or hmac.compare_digest(
        event["app_id"].encode("utf-8", "replace"), settings.ZALO_APP_ID.encode("utf-8")
    )
    return signed and ours


def is_text(event: dict) -> bool:
    return event["event_name"] == TEXT_EVENT


def text_message(event: dict) -> Incoming:
    sender = event.get("sender")
    message = event.get("message")
    if not isinstance(sender, dict) or not isinstance(message, dict):
        raise BadPayload("sender/message")
    user_id, message_id, text = sender.get("id"), message.get("msg_id"), message.get("text")
    for value in (user_id, message_id):
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_LENGTH:
            raise BadPayload("id")
        if not value.isascii() or not value.isprintable():
            raise BadPayload("id")
    if not isinstance(text, str) or len(text) > MAX_RAW_TEXT_LENGTH:
        raise BadPayload("text")
    return Incoming(
        provider=answers.ZALO, message_id=message_id.strip(), sender=user_id.strip(), text=text
    )
