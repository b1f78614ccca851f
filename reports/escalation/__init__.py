"""Escalation, the wing of reports that takes an unhandled report up the police
contact chain and delivers the notices (see docs/escalation.md).

- ``chain``: the levels, the sweep that claims due reports, acknowledging;
- ``deadlines``: working-hour deadlines and the days off they skip;
- ``notice_content``, ``channels``, ``delivery``: what a notice says, the ways it
  goes out (e-mail, SMS, Zalo, webhooks) and the leased, retried delivery;
- ``notifications``: the leaders' e-mails (new report, reminder, failed notices);
- ``tasks`` (enqueued after commit) and ``beat`` (on the schedule in config/celery.py);
- ``admin`` and ``views``: the administrators' pages and the acknowledge link.
"""
