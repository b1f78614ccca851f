"""Changing what a case records while it is open: its description and its parties."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.audit import Action, record
from mediation.lifecycle import may_edit
from mediation.models import CaseParty, MediationCase, Status

# Once a case is decided its record is what the documents printed.
CHANGEABLE_STATUSES = (Status.RECEIVED, Status.IN_MEDIATION, Status.SUSPENDED)
DETAIL_FIELDS = ("kind", "origin", "origin_detail", "received_on", "summary")


def _check(*, case: MediationCase, by) -> None:
    if case.status not in CHANGEABLE_STATUSES:
        raise ValidationError(_("A decided case is no longer changed."))
    if not may_edit(user=by, case=case):
        raise PermissionDenied(_("Only the group's head and the case's mediators may do this."))


def update_details(*, case: MediationCase, by, **changes) -> MediationCase:
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"not a detail of a case: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        case = MediationCase.objects.select_for_update().get(pk=case.pk)
        _check(case=case, by=by)
        received_on = changes.get("received_on", case.received_on)
        if received_on > timezone.localdate():
            raise ValidationError({"received_on": _("The date cannot be in the future.")})
        first_session = case.sessions.order_by("held_on").values_list("held_on", flat=True).first()
        if first_session and received_on > first_session:
            raise ValidationError({"received_on": _("The request cannot follow a session.")})
        for name, value in changes.items():
            setattr(case, name, value.strip() if isinstance(value, str) else value)
        case.save(update_fields=[*changes, "updated_at"])
    return case


def add_party(
    *,
    case: MediationCase,
    by,
    side: int,
    full_name: str,
    birth_year: int | None = None,
    address: str = "",
    phone: str = "",
) -> CaseParty:
    full_name = full_name.strip()
    if not full_name:
        raise ValidationError({"full_name": _("Give the person's name.")})
    if side < 1:
        raise ValidationError({"side": _("Sides are numbered from 1.")})
    with transaction.atomic():
        case = MediationCase.objects.select_for_update().get(pk=case.pk)
        _check(case=case, by=by)
        return CaseParty.objects.create(
            case=case,
            side=side,
            full_name=full_name,
            birth_year=birth_year,
            address=address.strip(),
            phone=phone.strip(),
        )


def remove_party(*, party: CaseParty, by) -> None:
    """A party recorded by mistake; not one the minutes of a session name."""
    with transaction.atomic():
        case = MediationCase.objects.select_for_update().get(pk=party.case_id)
        _check(case=case, by=by)
        if party.sessions.exists():
            raise ValidationError(_("This person attended a session and stays on the record."))
        if case.status == Status.IN_MEDIATION and not (
            case.parties.filter(side=party.side).exclude(pk=party.pk).exists()
        ):
            raise ValidationError(_("A case being mediated keeps someone on each side."))
        # The party's name stays out of the trail: the entry names the case and the row.
        record(action=Action.DELETE, actor=by, obj=party, ward=case.group.ward_id)
        party.delete()
