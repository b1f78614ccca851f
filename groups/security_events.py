"""What staff sign-in and account code tells the audit trail.

``staff_security_event`` is sent after each security-relevant account change
(docs/security.md lists them). This module keeps no record itself: the audit
trail connects a receiver and writes its append-only rows. Senders pass:

- ``event``: one of the names below;
- ``user``: whose account it is about;
- ``by``: who did it (the same user, an administrator, or None for the system);
- ``request``: the request it happened in, or None (the session it came from).
"""

from django.dispatch import Signal

SECOND_FACTOR_ENROLLED = "second_factor_enrolled"
SECOND_FACTOR_RESET = "second_factor_reset"
SECOND_FACTOR_FAILED = "second_factor_failed"
RECOVERY_CODE_USED = "recovery_code_used"
RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
SIGNED_OUT_IDLE = "signed_out_idle"
SIGNED_OUT_EXPIRED = "signed_out_expired"

staff_security_event = Signal()


def emit(event: str, *, user, by=None, request=None) -> None:
    staff_security_event.send(sender=event, event=event, user=user, by=by, request=request)
