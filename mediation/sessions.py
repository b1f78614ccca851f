"""Recording a mediation session: when, where, who came, what was said, what comes next."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.lifecycle import may_edit
from mediation.models import (
    CaseEvent,
    CaseMediator,
    CaseParty,
    MediationCase,
    MediationSession,
    Status,
)


def record_session(
    *,
    case: MediationCase,
    by,
    held_on: datetime.date,
    place: str,
    minutes: str,
    next_steps: str = "",
    other_attendees: str = "",
    parties_present: Iterable[CaseParty] = (),
    mediators_present: Iterable[CaseMediator] = (),
) -> MediationSession:
    """Sessions are held while the case is being mediated (start it first)."""
    minutes, place = minutes.strip(), place.strip()
    parties_present, mediators_present = list(parties_present), list(mediators_present)
    with transaction.atomic():
        case = MediationCase.objects.select_for_update().get(pk=case.pk)
        if case.status != Status.IN_MEDIATION:
            raise ValidationError(_("Sessions are recorded while the case is being mediated."))
        if not may_edit(user=by, case=case):
            raise PermissionDenied(_("Only the group's head and the case's mediators may do this."))
        errors = {}
        if held_on > timezone.localdate():
            errors["held_on"] = _("The date cannot be in the future.")
        elif held_on < case.received_on:
            errors["held_on"] = _("A session cannot precede the request.")
        if not place:
            errors["place"] = _("Say where the session was held.")
        if not minutes:
            errors["minutes"] = _("Write the minutes of the session.")
        if any(party.case_id != case.pk for party in parties_present):
            errors["parties_present"] = _("Choose parties of this case.")
        if any(m.case_id != case.pk or not m.is_active for m in mediators_present):
            errors["mediators_present"] = _("Choose mediators of this case.")
        if errors:
            raise ValidationError(errors)
        session = MediationSession.objects.create(
            case=case,
            held_on=held_on,
            place=place,
            minutes=minutes,
            next_steps=next_steps.strip(),
            other_attendees=other_attendees.strip(),
            recorded_by=by,
        )
        session.parties_present.set(parties_present)
        session.mediators_present.set(mediators_present)
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.SESSION, actor=by, note=f"{held_on:%d/%m/%Y}, {place}"
        )
    return session
