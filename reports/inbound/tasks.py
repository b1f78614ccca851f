"""Answers that the provider could not take at once, sent again by a worker.

The receipt code is in the answer only: it is stored nowhere but as a hash
(reports/receipts.py), so a lost answer would be a lost code. When the provider is
down for a moment (a transient error), the answer is handed to a worker, sealed with
the vault's key (reports/vault.py), which tries again after each of
INBOUND_REPLY_RETRY_SECONDS and then gives up; a refusal (a permanent error) is not
retried. The sealed answer lives only in the broker's message, which is gone once
sent or given up, so a tipster's number is kept no longer than that.
"""

import json

from celery import shared_task
from django.conf import settings

from reports import vault
from reports.escalation.outbox import publish_quietly
from reports.inbound import answers


def answer(*, provider: str, recipient: str, text: str, reference: str) -> str:
    """Send the answer now, or hand it to a worker to try again."""
    outcome = answers.send(provider=provider, recipient=recipient, text=text, reference=reference)
    delays = settings.INBOUND_REPLY_RETRY_SECONDS
    if outcome == answers.TRY_AGAIN and delays:
        sealed = vault.seal(
            json.dumps(
                {"provider": provider, "recipient": recipient, "text": text, "ref": reference},
                ensure_ascii=False,
            )
        )
        publish_quietly(send_inbound_answer.apply_async, (sealed, 0), countdown=delays[0])
    return outcome


@shared_task(ignore_result=True)
def send_inbound_answer(sealed: str, attempt: int) -> str:
    try:
        message = json.loads(vault.unseal(sealed))
    except (vault.UnsealError, ValueError):
        return answers.REFUSED  # a key rotated out, or not ours: nothing to send
    outcome = answers.send(
        provider=message["provider"],
        recipient=message["recipient"],
        text=message["text"],
        reference=message["ref"],
    )
    delays = settings.INBOUND_REPLY_RETRY_SECONDS
    if outcome == answers.TRY_AGAIN and attempt + 1 < len(delays):
        publish_quietly(
            send_inbound_answer.apply_async, (sealed, attempt + 1), countdown=delays[attempt + 1]
        )
    return outcome
