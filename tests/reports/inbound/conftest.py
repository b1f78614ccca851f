"""Fixtures for the SMS and Zalo webhooks: the loopback server that plays the SMS
gateway and Zalo's API, the secrets they sign with, and the poster's place code.

The escalation tests' own Redis is the broker here too (``broker``, autouse): filing a
report publishes the leaders' notices, and none may reach the shared broker.
"""

import datetime
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from groups.short_codes import short_code_for
from reports.inbound import waiting
from reports.models import ZaloToken
from tests.reports.escalation.conftest import (  # noqa: F401
    broker,
    finished,
    redis_server,
    smtp_server,
    start_worker,
    web,
)

SMS_SECRET = "sms-inbound-secret"
ZALO_APP_ID = "app-4242"
ZALO_OA_SECRET = "oa-secret-key"


@pytest.fixture
def providers(settings, web):  # noqa: F811
    """Both webhooks configured; answers go to the loopback server `web`."""
    settings.SMS_INBOUND_SECRET = SMS_SECRET
    settings.SMS_INBOUND_NUMBER = "8079"
    settings.SMS_INBOUND_KEYWORD = ""
    settings.SMS_GATEWAY_URL = web.url("/sms/send")
    settings.SMS_GATEWAY_TOKEN = "gateway-token"
    settings.ZALO_OA_SECRET_KEY = ZALO_OA_SECRET
    settings.ZALO_OA_NAME = "Công an Quảng Ninh"
    settings.ZALO_APP_ID = ZALO_APP_ID
    settings.ZALO_OA_MESSAGE_URL = web.url("/zalo/cs")
    settings.ZALO_OAUTH_URL = web.url("/zalo/oauth")
    settings.SITE_URL = "https://tuquan.example.gov.vn"
    ZaloToken.objects.create(
        access_token="access-1",
        refresh_token="refresh-1",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    _forget_senders()
    yield web
    _forget_senders()


SMS_SENDER = "0912345678"  # how sms_body's default sender is kept
ZALO_USER = "2512523625412515"


def _forget_senders():
    # The cache outlives a test: no message may wait from an earlier run.
    waiting.forget(provider="sms", sender=SMS_SENDER)
    waiting.forget(provider="sms", sender="0912345678")
    waiting.forget(provider="zalo", sender=ZALO_USER)


@pytest.fixture
def place_code(unit_a1, group_x):
    """The code on group X's poster: its residential unit's."""
    return short_code_for(unit_a1)


def sms_body(*, message_id="sms-1", sender="0912 345 678", text="") -> bytes:
    return json.dumps({"id": message_id, "from": sender, "text": text}).encode()


def post_sms(client, body: bytes, *, secret: str = SMS_SECRET):
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        "/inbound/sms/",
        data=body,
        content_type="application/json",
        headers={"X-Signature": signature},
    )


def zalo_body(*, message_id="zmsg-1", user_id="2512523625412515", text="", event="user_send_text"):
    return json.dumps(
        {
            "app_id": ZALO_APP_ID,
            "user_id_by_app": "552177279717587730",
            "event_name": event,
            "timestamp": "1733449200000",
            "sender": {"id": user_id},
            "recipient": {"id": "579745863508352884"},
            "message": {"msg_id": message_id, "text": text},
        },
        ensure_ascii=False,
    ).encode()


def zalo_mac(body: bytes, *, secret: str = ZALO_OA_SECRET, timestamp="1733449200000") -> str:
    raw = ZALO_APP_ID.encode() + body + timestamp.encode("utf-8", "surrogatepass") + secret.encode()
    return "mac=" + hashlib.sha256(raw).hexdigest()


def post_zalo(client, body: bytes, *, secret: str = ZALO_OA_SECRET, signature: str | None = None):
    return client.post(
        "/inbound/zalo/",
        data=body,
        content_type="application/json",
        headers={"X-ZEvent-Signature": signature or zalo_mac(body, secret=secret)},
    )
