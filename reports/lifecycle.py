"""Who may move a report from one status to another, and what each move records.

new → acknowledged → in progress → resolved | referred to police | duplicate | rejected.
Every move goes through `apply_transition` (or `Report.transition`): it locks the
row, checks the move and the actor, updates the report and writes one timeline
entry, all in one transaction.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import OPEN_STATUSES, Report, ReportEvent, Status

GROUP, POLICE, ADMIN = "group", "police", "admin"


class TransitionNotAllowed(ValidationError):
    pass


@dataclass(frozen=True)
class Rule:
    roles: frozenset
    needs: str = ""  # the one field the move requires: "outcome", "note" or "duplicate_of"


_HANDLERS = frozenset({GROUP, POLICE, ADMIN})
_POLICE = frozenset({POLICE, ADMIN})

TRANSITIONS: dict[tuple[str, str], Rule] = {
    (Status.NEW, Status.ACKNOWLEDGED): Rule(_HANDLERS),
    (Status.NEW, Status.IN_PROGRESS): Rule(_HANDLERS),
    (Status.ACKNOWLEDGED, Status.IN_PROGRESS): Rule(_HANDLERS),
    # Police take over a report the group referred to them.
    (Status.REFERRED, Status.IN_PROGRESS): Rule(_POLICE),
    (Status.REFERRED, Status.RESOLVED): Rule(_POLICE, needs="outcome"),
    # Only police reopen a resolved report.
    (Status.RESOLVED, Status.IN_PROGRESS): Rule(_POLICE, needs="note"),
}
for _from in OPEN_STATUSES:
    TRANSITIONS[(_from, Status.RESOLVED)] = Rule(_HANDLERS, needs="outcome")
    TRANSITIONS[(_from, Status.REFERRED)] = Rule(_HANDLERS)
    TRANSITIONS[(_from, Status.DUPLICATE)] = Rule(_HANDLERS, needs="duplicate_of")
    TRANSITIONS[(_from, Status.REJECTED)] = Rule(_HANDLERS, needs="note")


def handler_role(*, user, report: Report) -> str | None:
    """The capacity in which `user` handles `report`, or None if they may not."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_province_admin:
        return ADMIN
    if user.is_ward_police:
        return POLICE if report.ward_id == user.police_ward_id else None
    if Report.objects.handleable_by(user).filter(pk=report.pk).exists():
        return GROUP
    return None


def allowed_targets(*, user, report: Report) -> list[str]:
    role = handler_role(user=user, report=report)
    return [
        to for (frm, to), rule in TRANSITIONS.items() if frm == report.status and role in rule.roles
    ]


def apply_transition(
    *,
    report: Report,
    to: str,
    by,
    note: str = "",
    public: bool = False,
    **changes,
) -> Report:
    """Move `report` to status `to` for `by`: who may take the step is checked, the
    status moves and one timeline entry is written, in one transaction. `changes`
    are the fields the step sets (the outcome of a resolution, say)."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        rule = TRANSITIONS.get((locked.status, to))
        if rule is None:
            raise TransitionNotAllowed(
                _("A report that is “%(current)s” cannot become “%(target)s”."),
                code="not_allowed",
                params={"current": locked.get_status_display(), "target": Status(to).label},
            )
        if handler_role(user=by, report=locked) not in rule.roles:
            raise PermissionDenied(_("You may not make this change to the report."))
        update_fields = ["status"]
        if rule.needs == "outcome":
            outcome = (changes.get("outcome") or "").strip()
            if not outcome:
                raise ValidationError({"outcome": _("Say how the report was resolved.")})
            locked.outcome = outcome
            update_fields.append("outcome")
        elif rule.needs == "note" and not note.strip():
            raise ValidationError({"note": _("Give a reason.")})
        elif rule.needs == "duplicate_of":
            original = changes.get("duplicate_of")
            _check_duplicate_target(report=locked, original=original)
            locked.duplicate_of = original
            update_fields.append("duplicate_of")

        now = timezone.now()
        from_status = locked.status
        locked.status = to
        if locked.acknowledged_at is None and to != Status.NEW:
            locked.acknowledged_at = now
            update_fields.append("acknowledged_at")
        if from_status == Status.NEW:
            # Someone has taken it: no reminder, and no escalation unless the
            # police chain already started (then only the police stop it).
            locked.remind_at = None
            update_fields.append("remind_at")
            if locked.escalation_level == 0:
                locked.escalate_at = None
                update_fields.append("escalate_at")
        if to == Status.REFERRED and locked.escalation_level == 0:
            # Referring is handing over to the police: reach them now.
            locked.escalate_at = now
            update_fields.append("escalate_at")
        if to in (Status.RESOLVED, Status.DUPLICATE, Status.REJECTED):
            locked.closed_at = now
            locked.escalate_at = locked.remind_at = None
            update_fields.extend(["closed_at", "escalate_at", "remind_at"])
        elif locked.closed_at is not None:
            locked.closed_at = None
            update_fields.append("closed_at")
        locked.save(update_fields=update_fields)
        ReportEvent.objects.create(
            report=locked,
            kind=ReportEvent.Kind.STATUS,
            actor=by,
            from_status=from_status,
            to_status=to,
            note=note.strip(),
            public=public,
            created_at=now,
        )
    return locked


def _check_duplicate_target(*, report: Report, original) -> None:
    if original is None:
        raise ValidationError({"duplicate_of": _("Choose the report this one repeats.")})
    if original.pk == report.pk:
        raise ValidationError({"duplicate_of": _("A report cannot duplicate itself.")})
    if original.status == Status.DUPLICATE:
        raise ValidationError({"duplicate_of": _("Choose the original report, not a duplicate.")})
    if original.ward_id != report.ward_id:
        raise ValidationError({"duplicate_of": _("The reports lie in different communes/wards.")})
