"""Every move of reports/lifecycle.py's table, by each role it names and by the others.

Roles: "group" is leader_x (group X handles the report), "police" is police_a
(ward A), "admin" is province_admin.
"""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.lifecycle import (
    ADMIN,
    GROUP,
    POLICE,
    TRANSITIONS,
    TransitionNotAllowed,
    apply_transition,
)
from reports.models import Report, ReportEvent, Status

ACTOR_OF_ROLE = {GROUP: "leader_x", POLICE: "police_a", ADMIN: "province_admin"}

ALLOWED = [
    pytest.param(frm, to, role, id=f"{frm}->{to}-by-{role}")
    for (frm, to), rule in TRANSITIONS.items()
    for role in sorted(rule.roles)
]
REFUSED_ROLES = [
    pytest.param(frm, to, role, id=f"{frm}->{to}-by-{role}")
    for (frm, to), rule in TRANSITIONS.items()
    for role in sorted({GROUP, POLICE, ADMIN} - rule.roles)
]
NOT_IN_TABLE = [
    pytest.param(frm, to, id=f"{frm}->{to}")
    for frm, to in itertools.product(Status.values, Status.values)
    if (frm, to) not in TRANSITIONS
]


@pytest.fixture
def report(file_report, theft, ward_a, unit_a1, group_x):
    return file_report(category=theft, ward=ward_a, unit=unit_a1).report


@pytest.fixture
def original(file_report, theft, ward_a, unit_a1, group_x):
    return file_report(category=theft, ward=ward_a, unit=unit_a1).report


def _put_in(report: Report, status: str, *, original: Report) -> Report:
    """Set the status directly, as if earlier moves had happened."""
    Report.objects.filter(pk=report.pk).update(
        status=status, duplicate_of=original if status == Status.DUPLICATE else None
    )
    report.refresh_from_db()
    return report


def _what_the_move_needs(to: str, original: Report) -> dict:
    if to == Status.RESOLVED:
        return {"outcome": "Đã trả lại xe cho chủ."}
    if to == Status.DUPLICATE:
        return {"duplicate_of": original}
    return {}


@pytest.mark.parametrize(("frm", "to", "role"), ALLOWED)
def test_each_move_in_the_table_is_allowed_for_each_role_it_names(
    request, report, original, frm, to, role
):
    actor = request.getfixturevalue(ACTOR_OF_ROLE[role])
    _put_in(report, frm, original=original)

    apply_transition(
        report=report,
        to=to,
        by=actor,
        note="Lý do ghi lại.",
        public=True,
        **_what_the_move_needs(to, original),
    )

    report.refresh_from_db()
    assert report.status == to
    event = report.events.get(kind=ReportEvent.Kind.STATUS)
    assert (event.from_status, event.to_status, event.actor) == (frm, to, actor)
    assert event.note == "Lý do ghi lại." and event.public
    assert report.acknowledged_at is not None
    if to in (Status.RESOLVED, Status.DUPLICATE, Status.REJECTED):
        assert report.closed_at is not None
    else:
        assert report.closed_at is None
    if to == Status.RESOLVED:
        assert report.outcome == "Đã trả lại xe cho chủ."
    if to == Status.DUPLICATE:
        assert report.duplicate_of == original


@pytest.mark.parametrize(("frm", "to", "role"), REFUSED_ROLES)
def test_each_move_in_the_table_is_refused_for_the_roles_it_does_not_name(
    request, report, original, frm, to, role
):
    actor = request.getfixturevalue(ACTOR_OF_ROLE[role])
    _put_in(report, frm, original=original)

    with pytest.raises(PermissionDenied):
        apply_transition(
            report=report, to=to, by=actor, note="Lý do.", **_what_the_move_needs(to, original)
        )

    report.refresh_from_db()
    assert report.status == frm
    assert not report.events.filter(kind=ReportEvent.Kind.STATUS).exists()


@pytest.mark.parametrize(
    ("frm", "to"), [pytest.param(*pair, id="->".join(pair)) for pair in TRANSITIONS]
)
def test_nobody_outside_the_report_may_move_it(request, report, original, frm, to):
    _put_in(report, frm, original=original)

    for outsider in ["member_x", "leader_y", "police_b", "anonymous"]:
        with pytest.raises(PermissionDenied):
            apply_transition(
                report=report,
                to=to,
                by=request.getfixturevalue(outsider),
                note="Lý do.",
                **_what_the_move_needs(to, original),
            )

    report.refresh_from_db()
    assert report.status == frm
    assert not report.events.filter(kind=ReportEvent.Kind.STATUS).exists()


@pytest.mark.parametrize(("frm", "to"), NOT_IN_TABLE)
def test_a_move_not_in_the_table_is_refused_even_for_an_administrator(
    province_admin, report, original, frm, to
):
    _put_in(report, frm, original=original)

    with pytest.raises(TransitionNotAllowed):
        apply_transition(
            report=report,
            to=to,
            by=province_admin,
            note="Lý do.",
            **_what_the_move_needs(to, original),
        )

    report.refresh_from_db()
    assert report.status == frm
    assert not report.events.filter(kind=ReportEvent.Kind.STATUS).exists()


def test_the_group_cannot_move_a_report_meant_for_the_police_only(
    file_report, about_the_group, ward_a, unit_a1, leader_x, police_a
):
    report = file_report(category=about_the_group, ward=ward_a, unit=unit_a1).report

    with pytest.raises(PermissionDenied):
        apply_transition(report=report, to=Status.ACKNOWLEDGED, by=leader_x)
    apply_transition(report=report, to=Status.ACKNOWLEDGED, by=police_a)

    report.refresh_from_db()
    assert report.status == Status.ACKNOWLEDGED


@pytest.mark.parametrize(
    ("to", "changes", "field"),
    [
        (Status.RESOLVED, {"outcome": "  "}, "outcome"),
        (Status.REJECTED, {}, "note"),
        (Status.DUPLICATE, {}, "duplicate_of"),
    ],
)
def test_a_move_without_what_it_needs_is_refused_on_that_field(
    leader_x, report, to, changes, field
):
    with pytest.raises(ValidationError) as refused:
        apply_transition(report=report, to=to, by=leader_x, note="", **changes)

    assert field in refused.value.message_dict
    report.refresh_from_db()
    assert report.status == Status.NEW


def test_police_reopen_a_resolved_report_with_a_reason(police_a, leader_x, report):
    apply_transition(report=report, to=Status.RESOLVED, by=leader_x, outcome="Đã xử lý.")

    with pytest.raises(ValidationError):
        apply_transition(report=report, to=Status.IN_PROGRESS, by=police_a, note="")
    apply_transition(report=report, to=Status.IN_PROGRESS, by=police_a, note="Người dân báo lại.")

    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert report.closed_at is None
