"""Opening a mediation case: by the mediation group itself, or from an incident report.

A group's head and mediators open cases in their group. An incident report's
handler (a leader of a group the report was routed to, the ward police, an
administrator: ``reports.lifecycle.handler_role``) turns it into a case of a
mediation group of the report's commune/ward in one action; the report keeps a
note of it on its timeline, and the case a link to the report. The handler need
not be a mediator, so they may not be able to open the case afterwards: mediation
is confidential.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.models import Member, Membership, SelfManagementGroup
from mediation.models import (
    CaseEvent,
    CaseMediator,
    CaseParty,
    MediationCase,
    Origin,
    mediating_groups,
)
from reports import conversation
from reports.lifecycle import POLICE, handler_role
from reports.models import Report

PARTY_FIELDS = ("side", "full_name", "birth_year", "address", "phone")


def mediation_groups():
    return SelfManagementGroup.objects.active().filter(model_types__is_mediation=True).distinct()


def groups_open_to(user):
    """Mediation groups in which the user may open a case: the head's and mediators' own."""
    if not user.is_authenticated or not user.is_active or user.is_ward_police:
        return SelfManagementGroup.objects.none()
    if user.is_province_admin:
        return mediation_groups()
    return mediation_groups().filter(pk__in=mediating_groups(user))


def open_case(
    *,
    group: SelfManagementGroup,
    by,
    kind: str,
    summary: str,
    origin: str,
    origin_detail: str = "",
    received_on: datetime.date | None = None,
    parties: Iterable[dict] = (),
    mediators: Iterable[Member] = (),
) -> MediationCase:
    if not groups_open_to(by).filter(pk=group.pk).exists():
        raise PermissionDenied(_("You may not open cases in this group."))
    return _create(
        group=group,
        by=by,
        kind=kind,
        summary=summary,
        origin=origin,
        origin_detail=origin_detail,
        received_on=received_on or timezone.localdate(),
        parties=parties,
        mediators=mediators,
    )


def groups_for_report(report: Report):
    """Mediation groups that may take a report's dispute: its ward's, the unit's own first."""
    return (
        mediation_groups()
        .filter(ward_id=report.ward_id)
        .annotate(
            nearness=Case(
                When(unit_id=report.unit_id, then=Value(0)),
                When(unit__isnull=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("nearness", "name")
    )


def report_has_case(report: Report) -> bool:
    return MediationCase.objects.filter(report=report).exists()


def open_case_from_report(
    *, report: Report, group: SelfManagementGroup, kind: str, by
) -> MediationCase:
    """Turn ``report`` into a case of ``group``, with a note on the report's timeline.

    Only the report's handler may; once per report (a unique constraint keeps two
    clicks from making two cases). The reporter's contact never comes along: the
    parties are recorded by the mediators.
    """
    role = handler_role(user=by, report=report)
    if role is None:
        raise PermissionDenied(_("Only the report's handlers may turn it into a case."))
    if not groups_for_report(report).filter(pk=group.pk).exists():
        raise ValidationError({"group": _("Choose a mediation group of the report's ward.")})
    if report_has_case(report):
        raise ValidationError(_("This report has already been turned into a case."))
    if role == POLICE:
        origin = Origin.POLICE
    elif groups_open_to(by).filter(pk=group.pk).exists():
        origin = Origin.MEDIATOR_INITIATIVE
    else:
        origin = Origin.OTHER_BODY
    try:
        with transaction.atomic():
            case = _create(
                group=group,
                by=by,
                kind=kind,
                summary=report.description,
                origin=origin,
                origin_detail=gettext("Incident report #%(pk)s") % {"pk": report.pk},
                received_on=timezone.localdate(),
                report=report,
            )
            conversation.add_note(
                report=report,
                by=by,
                text=gettext("Turned into mediation case #%(case)s of %(group)s.")
                % {"case": case.pk, "group": group.name},
            )
    except IntegrityError:
        # Two handlers at once: the unique constraint let only one of them through.
        raise ValidationError(_("This report has already been turned into a case.")) from None
    return case


def _create(
    *,
    group: SelfManagementGroup,
    by,
    kind: str,
    summary: str,
    origin: str,
    origin_detail: str,
    received_on: datetime.date,
    parties: Iterable[dict] = (),
    mediators: Iterable[Member] = (),
    report: Report | None = None,
) -> MediationCase:
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date cannot be in the future.")})
    mediators = list(mediators)
    eligible = set(
        Member.objects.filter(
            is_mediator=True,
            pk__in=Membership.objects.current().filter(group=group).values("member"),
        ).values_list("pk", flat=True)
    )
    if any(member.pk not in eligible for member in mediators):
        raise ValidationError({"mediators": _("Choose mediators of the group.")})
    with transaction.atomic():
        case = MediationCase.objects.create(
            group=group,
            kind=kind,
            summary=summary.strip(),
            origin=origin,
            origin_detail=origin_detail.strip(),
            received_on=received_on,
            report=report,
            created_by=by,
        )
        CaseParty.objects.bulk_create(
            CaseParty(
                case=case, **{name: party.get(name) for name in PARTY_FIELDS if name in party}
            )
            for party in parties
        )
        CaseMediator.objects.bulk_create(
            CaseMediator(case=case, member=member, assigned_on=received_on) for member in mediators
        )
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.CREATED,
            actor=by,
            note=origin_detail.strip(),
        )
    return case
