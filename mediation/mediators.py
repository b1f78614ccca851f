"""Choosing a case's mediators, and replacing one who must step aside.

Mediators come from the case's own group: current members who are mediators. A
mediator related to a party or with an interest in the dispute is recused: the
row stays with the date and the reason, a replacement may take the seat, and the
recused person loses access to the case (see ``MediationCase.objects.visible_to``).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Member, Membership
from mediation.lifecycle import may_edit
from mediation.models import CaseEvent, CaseMediator, MediationCase, Status

# A mediator may join or leave while the case is still open or set aside for now.
STAFFABLE_STATUSES = (Status.RECEIVED, Status.IN_MEDIATION, Status.SUSPENDED)


def eligible_mediators(*, case: MediationCase):
    """Mediators of the case's group who are not on the case and were never recused from it."""
    return (
        Member.objects.filter(
            is_mediator=True,
            pk__in=Membership.objects.current().filter(group_id=case.group_id).values("member"),
        )
        .exclude(pk__in=CaseMediator.objects.filter(case=case).values("member"))
        .order_by("full_name")
    )


def _check(*, case: MediationCase, by) -> None:
    if case.status not in STAFFABLE_STATUSES:
        raise ValidationError(_("The mediators of a decided case no longer change."))
    if not may_edit(user=by, case=case):
        raise PermissionDenied(_("Only the group's head and the case's mediators may do this."))


def _check_eligible(*, case: MediationCase, member: Member, field: str) -> None:
    if not eligible_mediators(case=case).filter(pk=member.pk).exists():
        raise ValidationError(
            {field: _("Choose a mediator of the group who is not on this case yet.")}
        )


def assign_mediator(
    *, case: MediationCase, member: Member, by, on: datetime.date | None = None
) -> CaseMediator:
    with transaction.atomic():
        case = MediationCase.objects.select_for_update().get(pk=case.pk)
        _check(case=case, by=by)
        _check_eligible(case=case, member=member, field="member")
        assignment = CaseMediator.objects.create(
            case=case, member=member, assigned_on=on or timezone.localdate()
        )
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.MEDIATOR_ASSIGNED, actor=by, note=member.full_name
        )
    return assignment


def recuse_mediator(
    *,
    assignment: CaseMediator,
    by,
    reason: str,
    replacement: Member | None = None,
    on: datetime.date | None = None,
) -> CaseMediator | None:
    """Take ``assignment``'s mediator off the case with ``reason``; seat ``replacement``.

    A case being mediated keeps at least one mediator: its last one is replaced,
    never just removed. Returns the replacement's assignment, if any.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Record why the mediator steps aside.")})
    on = on or timezone.localdate()
    with transaction.atomic():
        case = MediationCase.objects.select_for_update().get(pk=assignment.case_id)
        _check(case=case, by=by)
        assignment = CaseMediator.objects.select_for_update().get(pk=assignment.pk)
        if not assignment.is_active:
            raise ValidationError(_("This mediator has already stepped aside."))
        if replacement is not None:
            _check_eligible(case=case, member=replacement, field="replacement")
        others = case.mediators.active().exclude(pk=assignment.pk)
        if replacement is None and case.status == Status.IN_MEDIATION and not others.exists():
            raise ValidationError(
                {"replacement": _("The case's only mediator needs a replacement.")}
            )
        new = None
        if replacement is not None:
            new = CaseMediator.objects.create(case=case, member=replacement, assigned_on=on)
        assignment.recused_on, assignment.recusal_reason = on, reason
        assignment.replaced_by = new
        assignment.save(update_fields=["recused_on", "recusal_reason", "replaced_by"])
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.MEDIATOR_RECUSED,
            actor=by,
            note=f"{assignment.member.full_name}: {reason}"
            + (f" → {replacement.full_name}" if replacement else ""),
        )
    return new
