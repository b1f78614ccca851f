"""What the resident gets back, and how: through the escalation's own channels.

An SMS is answered through the SMS gateway (SmsChannel.send_text), a Zalo message
through the Official Account's consultation message (ZaloOaChannel). The answer
is sent after the transaction commits (the report is saved whatever happens
next), within INBOUND_REPLY_TIMEOUT seconds; a failure is logged without the
number or the text and never reaches the provider as an error, which would make it
send the message again.

When the provider is down for a moment, a worker tries again
(reports/inbound/tasks.py).
"""

import logging
import unicodedata
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from reports.escalation import channels

logger = logging.getLogger(__name__)

SMS = "sms"
ZALO = "zalo"
# Residents write in Vietnamese, whatever the deployment's default language (as the
# posters, groups/posters.py).
ANSWER_LANGUAGE = "vi"


def receipt_text(*, code: str, passphrase: str | None) -> str:
    track_url = urljoin(settings.SITE_URL + "/", reverse("public:track").lstrip("/"))
    with translation.override(ANSWER_LANGUAGE):
        if passphrase:
            return _(
                "Your tip has been received. Receipt code: %(code)s. Passphrase: %(passphrase)s. "
                "Your number is not kept. Follow your tip at %(url)s"
            ) % {"code": code, "passphrase": passphrase, "url": track_url}
        return _("Your report has been received. Receipt code: %(code)s. Follow it at %(url)s") % {
            "code": code,
            "url": track_url,
        }


def ask_for_place_text(*, unknown_code: str | None) -> str:
    with translation.override(ANSWER_LANGUAGE):
        if unknown_code:
            start = _("No place has the code %(code)s.") % {"code": unknown_code}
        else:
            start = _("Where did it happen?")
        return (
            start
            + " "
            + _(
                "Reply with the 6-character place code printed on the tip-box poster "
                "(within %(minutes)d minutes). In an emergency, call 113."
            )
            % {"minutes": settings.INBOUND_CONVERSATION_MINUTES}
        )


def how_to_text() -> str:
    with translation.override(ANSWER_LANGUAGE):
        return _(
            "To report, write: PLACE CODE (from the tip-box poster) then what happened. "
            "For an anonymous tip, start with TOGIAC. In an emergency, call 113."
        )


SENT = "sent"
TRY_AGAIN = "try_again"
REFUSED = "refused"


def send(*, provider: str, recipient: str, text: str, reference: str) -> str:
    """Send the answer now: SENT, TRY_AGAIN (a transient error) or REFUSED (logged)."""
    try:
        if provider == SMS:
            # Without diacritics: one SMS holds 160 such characters, only 70 with them.
            channels.channel_for("sms").send_text(
                to=recipient,
                message=sms_text(text),
                reference=reference,
                timeout=settings.INBOUND_REPLY_TIMEOUT,
            )
        else:
            channels.ZALO_OA.send_text(
                user_id=recipient, message=text, timeout=settings.INBOUND_REPLY_TIMEOUT
            )
    except (channels.TransientDeliveryError, channels.PermanentDeliveryError) as error:
        logger.warning(
            "The answer to a %s message was not sent: %s", provider, type(error).__name__
        )
        if isinstance(error, channels.TransientDeliveryError):
            return TRY_AGAIN
        return REFUSED
    return SENT


def sms_text(text: str) -> str:
    """The text in plain letters: "Mã biên nhận" → "Ma bien nhan"."""
    swapped = text.replace("đ", "d").replace("Đ", "D")
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", swapped) if not unicodedata.combining(ch)
    )
