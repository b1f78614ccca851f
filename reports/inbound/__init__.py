"""Reports by SMS and Zalo: the webhooks an SMS gateway and a Zalo Official Account
call when a resident writes (docs/inbound.md).

- `sms.py`, `zalo.py`: each provider's signature and payload, nothing else;
- `messages.py`: what a message says (a tip keyword, a place's short code, the text);
- `waiting.py`: a message that waits for its place, in a short-lived store;
- `intake.py`: the rule: a message becomes a report through reports.intake.submit_report,
  once per provider message id, and the sender gets the receipt code back;
- `answers.py`: the answer's text and its way out, through the escalation's channels;
- `views.py`, `urls.py`: the two webhooks, mounted at /inbound/.
"""
