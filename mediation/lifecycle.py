"""How a mediation case moves from request to outcome, and who may move it.

received → being mediated → successful | unsuccessful | suspended | withdrawn;
received → outside scope, referred (not mediated); suspended → being mediated again;
successful → being mediated again when the follow-up finds the agreement broken.

Every move goes through `apply_action`: it locks the case, checks the move, the
actor (``editable_by``) and what the move needs, updates the case and writes one
history entry, in one transaction. Pages, admin actions and the data generator's
rules follow this table.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mediation.models import Authority, CaseEvent, MediationCase, Status


class TransitionNotAllowed(ValidationError):
    pass


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]
    target: str
    label: Promise


MOVES: dict[str, Move] = {
    "start": Move((Status.RECEIVED,), Status.IN_MEDIATION, _("Start mediation")),
    "refer": Move((Status.RECEIVED,), Status.REFERRED, _("Outside the scope: refer")),
    "succeed": Move((Status.IN_MEDIATION,), Status.SUCCESSFUL, _("Record a successful mediation")),
    "fail": Move(
        (Status.IN_MEDIATION,), Status.UNSUCCESSFUL, _("Record an unsuccessful mediation")
    ),
    "suspend": Move((Status.IN_MEDIATION,), Status.SUSPENDED, _("Suspend")),
    "resume": Move((Status.SUSPENDED,), Status.IN_MEDIATION, _("Resume mediation")),
    "withdraw": Move(
        (Status.RECEIVED, Status.IN_MEDIATION, Status.SUSPENDED),
        Status.WITHDRAWN,
        _("Request withdrawn"),
    ),
    "reopen": Move((Status.SUCCESSFUL,), Status.IN_MEDIATION, _("Reopen")),
}


def may_edit(*, user, case: MediationCase) -> bool:
    return MediationCase.objects.editable_by(user).filter(pk=case.pk).exists()


def allowed_actions(*, user, case: MediationCase) -> list[str]:
    if not may_edit(user=user, case=case):
        return []
    return [action for action, move in MOVES.items() if case.status in move.sources]


def apply_action(
    *,
    case: MediationCase,
    action: str,
    by,
    on: datetime.date | None = None,
    note: str = "",
    agreement_terms: str = "",
    authority: str = "",
    authority_detail: str = "",
    guidance: str = "",
) -> MediationCase:
    """Take ``action`` on ``case``; raises TransitionNotAllowed, PermissionDenied or
    ValidationError (keyed by the form field at fault) and then changes nothing."""
    move = MOVES.get(action)
    if move is None:
        raise TransitionNotAllowed(_("Unknown action."), code="unknown")
    note, agreement_terms, guidance = note.strip(), agreement_terms.strip(), guidance.strip()
    with transaction.atomic():
        locked = MediationCase.objects.select_for_update().get(pk=case.pk)
        if locked.status not in move.sources:
            raise TransitionNotAllowed(
                _("A case that is “%(current)s” cannot become “%(target)s”."),
                code="not_allowed",
                params={
                    "current": locked.get_status_display(),
                    "target": Status(move.target).label,
                },
            )
        if not may_edit(user=by, case=locked):
            raise PermissionDenied(_("Only the group's head and the case's mediators may do this."))
        fields = _ACTIONS[action](
            locked,
            on=on or timezone.localdate(),
            note=note,
            agreement_terms=agreement_terms,
            authority=authority,
            authority_detail=authority_detail.strip(),
            guidance=guidance,
        )
        from_status = locked.status
        locked.status = move.target
        locked.save(update_fields=["status", "updated_at", *fields])
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.STATUS,
            actor=by,
            from_status=from_status,
            to_status=move.target,
            note=note,
        )
    return locked


def _check_outcome_date(case: MediationCase, on: datetime.date) -> None:
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if on < case.received_on:
        raise ValidationError({"on": _("The outcome cannot precede the request.")})
    last_session = case.sessions.order_by("-held_on").values_list("held_on", flat=True).first()
    if last_session and on < last_session:
        raise ValidationError({"on": _("The outcome cannot precede the last session.")})


def _check_authority(authority: str) -> None:
    if authority not in Authority.values:
        raise ValidationError({"authority": _("Choose the competent authority.")})


def _needs_note(note: str, message) -> None:
    if not note:
        raise ValidationError({"note": message})


def _start(case, **_ignored) -> list[str]:
    errors = []
    if not case.mediators.active().exists():
        errors.append(_("Assign at least one mediator first."))
    if case.parties.values("side").distinct().count() < 2:
        errors.append(_("Record the parties of at least two sides first."))
    if errors:
        raise ValidationError(errors)
    return []


def _refer(case, *, on, note, authority, authority_detail, **_ignored) -> list[str]:
    _needs_note(note, _("Say why the matter is outside grassroots mediation's scope."))
    _check_authority(authority)
    _check_outcome_date(case, on)
    case.in_scope = False
    case.scope_note = note
    case.authority, case.authority_detail = authority, authority_detail
    case.outcome_on = on
    return ["in_scope", "scope_note", "authority", "authority_detail", "outcome_on"]


def _needs_a_session(case) -> None:
    if not case.sessions.exists():
        raise ValidationError(_("Record at least one session first."))


def _succeed(case, *, on, agreement_terms, **_ignored) -> list[str]:
    _needs_a_session(case)
    if not agreement_terms:
        raise ValidationError({"agreement_terms": _("Record the terms the parties agreed.")})
    _check_outcome_date(case, on)
    case.agreement_terms, case.outcome_on = agreement_terms, on
    # A new agreement: whatever an earlier follow-up found was about the old one.
    case.followed_up_on = case.agreement_kept = None
    case.follow_up_note = ""
    return ["agreement_terms", "outcome_on", "followed_up_on", "agreement_kept", "follow_up_note"]


def _fail(case, *, on, authority, authority_detail, guidance, **_ignored) -> list[str]:
    _needs_a_session(case)
    _check_authority(authority)
    if not guidance:
        raise ValidationError({"guidance": _("Record the guidance given to the parties.")})
    _check_outcome_date(case, on)
    case.authority, case.authority_detail, case.guidance = authority, authority_detail, guidance
    case.outcome_on = on
    return ["authority", "authority_detail", "guidance", "outcome_on"]


def _set_aside(case, *, on, note, **_ignored) -> list[str]:
    _needs_note(note, _("Give a reason."))
    _check_outcome_date(case, on)
    case.outcome_note, case.outcome_on = note, on
    return ["outcome_note", "outcome_on"]


def _resume(case, **_ignored) -> list[str]:
    case.outcome_on = None
    return ["outcome_on"]


def _reopen(case, *, note, **_ignored) -> list[str]:
    _needs_note(note, _("Say why the case is reopened."))
    case.outcome_on = None
    return ["outcome_on"]


_ACTIONS = {
    "start": _start,
    "refer": _refer,
    "succeed": _succeed,
    "fail": _fail,
    "suspend": _set_aside,
    "withdraw": _set_aside,
    "resume": _resume,
    "reopen": _reopen,
}


def record_follow_up(
    *, case: MediationCase, by, on: datetime.date, kept: bool, note: str = ""
) -> MediationCase:
    """Whether the parties kept a successful mediation's agreement. A broken one may
    then be reopened (the "reopen" action)."""
    with transaction.atomic():
        locked = MediationCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != Status.SUCCESSFUL:
            raise TransitionNotAllowed(
                _("Only a successful mediation's agreement is followed up."), code="not_allowed"
            )
        if not may_edit(user=by, case=locked):
            raise PermissionDenied(_("Only the group's head and the case's mediators may do this."))
        if on > timezone.localdate():
            raise ValidationError({"on": _("The date cannot be in the future.")})
        if on < locked.outcome_on:
            raise ValidationError({"on": _("The follow-up cannot precede the agreement.")})
        locked.followed_up_on, locked.agreement_kept = on, kept
        locked.follow_up_note = note.strip()
        locked.save(
            update_fields=["followed_up_on", "agreement_kept", "follow_up_note", "updated_at"]
        )
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.FOLLOW_UP,
            actor=by,
            # Stored as words: the history is read long after, by whoever holds the case.
            note=" ".join(
                part
                for part in (
                    gettext("Agreement kept.") if kept else gettext("Agreement not kept."),
                    note.strip(),
                )
                if part
            ),
        )
    return locked
