"""An SMS or Zalo message becomes a report: the same submit_report as the web form.

`take_in` is called by the webhooks with a verified, parsed message. It is
idempotent on the provider's message id: the ledger row (InboundMessage) is
inserted in the transaction that files the report, so a retry, even one that
arrives while the first attempt is still running, waits on the unique index
and then does nothing (no second report, no second answer).

Who wrote is kept as little as the report allows:
- a named report keeps the number (or the Zalo user id) in the vault only
  (ReporterContact, reports/vault.py);
- a tip (the TOGIAC / TIP keyword) keeps it nowhere: not on the report, not in
  the ledger, and the waiting message (reports/inbound/waiting.py) is deleted
  before the answer is sent; the number lives on only in this request's memory.
"""

import enum
import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from groups import short_codes
from reports.inbound import answers, messages, tasks, waiting
from reports.intake import submit_report
from reports.models import Category, Channel, InboundMessage

CHANNELS = {answers.SMS: Channel.SMS, answers.ZALO: Channel.ZALO}


class Outcome(enum.StrEnum):
    FILED = "filed"  # a report, and its receipt code sent back
    ASKED_FOR_PLACE = "asked_for_place"  # the text waits for the place code
    EXPLAINED = "explained"  # nothing to file: how to write a report sent back
    REPEAT = "repeat"  # the provider sent a message again: nothing done


@dataclass(frozen=True)
class Incoming:
    provider: str  # answers.SMS or answers.ZALO
    message_id: str
    sender: str  # a phone number, or the Zalo user id for the Official Account
    text: str


def take_in(*, message: Incoming) -> Outcome:
    with transaction.atomic():
        try:
            with transaction.atomic():
                ledger = InboundMessage.objects.create(
                    provider=message.provider, message_id=message.message_id
                )
        except IntegrityError:
            return Outcome.REPEAT
        said = messages.parse(message.text, keyword=settings.SMS_INBOUND_KEYWORD)
        earlier = waiting.waiting_message(provider=message.provider, sender=message.sender)
        text = " ".join(part for part in (earlier and earlier.text, said.text) if part)
        text = text[: messages.MAX_TEXT_LENGTH]
        tip = said.tip or bool(earlier and earlier.tip)
        place = short_codes.area_for_code(said.code) if said.code else None
        category = _category()
        if not text or category is None:
            _answer_after_commit(message, answers.how_to_text())
            return Outcome.EXPLAINED
        if place is None:
            waiting.wait_for_place(
                provider=message.provider, sender=message.sender, text=text, tip=tip
            )
            _answer_after_commit(message, answers.ask_for_place_text(unknown_code=said.code))
            return Outcome.ASKED_FOR_PLACE
        receipt = submit_report(
            data={
                "category": category,
                "description": text,
                "ward": place.commune if place.depth == 3 else place,
                "unit": place if place.depth == 3 else None,
                "anonymous": tip,
                **_contact(message, tip=tip),
            },
            channel=CHANNELS[message.provider],
        )
        ledger.report = receipt.report
        ledger.save(update_fields=["report"])
        transaction.on_commit(
            functools.partial(waiting.forget, provider=message.provider, sender=message.sender)
        )
        _answer_after_commit(
            message, answers.receipt_text(code=receipt.code, passphrase=receipt.passphrase)
        )
        return Outcome.FILED


def _category() -> Category | None:
    # The configured one; if an administrator renamed it, any: handlers re-file it anyway.
    return (
        Category.objects.filter(name=settings.INBOUND_REPORT_CATEGORY).first()
        or Category.objects.order_by("pk").last()
    )


def _contact(message: Incoming, *, tip: bool) -> dict:
    if tip:
        return {}
    if message.provider == answers.SMS:
        return {"phone": message.sender}
    return {"name": f"Zalo {message.sender}"}


def _answer_after_commit(message: Incoming, text: str) -> None:
    transaction.on_commit(
        functools.partial(
            tasks.answer,
            provider=message.provider,
            recipient=message.sender,
            text=text,
            reference=f"inbound-{message.provider}-{message.message_id}"[:128],
        )
    )
