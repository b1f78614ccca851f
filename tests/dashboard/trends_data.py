"""The trends' hand-built data set, for tests/dashboard/test_trends.py and the browser test.

The period is the first half of 2025; a year earlier is the first half of 2024.

- Unit A1 (ward A) has group X, an active five-family group: 10 thefts a year
  earlier, 8 now (-20 %), all routed to group X.
- Unit A2 (ward A) has no group: 4 fights a year earlier, 5 now (+25 %).
- Unit B1 (ward B) has only group Y, dissolved: no report a year earlier, 3 thefts now
  (no change to compute).

So where an active group works: 10 → 8, -20 %; where none does: 4 → 8, +100 %.
The mediation cases add group M (unit A1) and group N (unit B1), both active.
"""

import datetime
import uuid

from groups.models import Area, AreaKind, ModelType, SelfManagementGroup
from mediation.models import Authority, DisputeKind, MediationCase, Origin
from mediation.models import Status as CaseStatus
from patrols.models import LogStatus, PatrolLog, PatrolShift, ShiftStatus
from reports.models import Report, ReportAssignment, Status
from tests.patrols.conftest import at

PERIOD = {"start": "2025-01-01", "end": "2025-06-30"}
HOUR = datetime.timedelta(hours=1)
D = datetime.date


def second_unit(ward):
    return Area.objects.add_child(
        ward, {"name": "Tổ dân phố 2", "kind": AreaKind.RESIDENTIAL_GROUP}
    )


def mediation_group(name, ward, unit):
    group = SelfManagementGroup.objects.create(name=name, ward=ward, unit=unit)
    group.model_types.add(ModelType.objects.get(is_mediation=True, name="Tổ hòa giải"))
    return group


def dissolve(group):
    group.status = SelfManagementGroup.Status.DISSOLVED
    group.dissolved_on = D(2024, 12, 1)
    group.save(update_fields=["status", "dissolved_on"])
    return group


def file(*, category, ward, unit, received, acknowledged=None, closed=None, status=None, groups=()):
    """A report received at `received`; acknowledged/closed so many hours later."""
    report = Report.objects.create(
        category=category,
        description="…",
        occurred_at=received,
        ward=ward,
        unit=unit,
        created_at=received,
        due_at=received + 24 * HOUR,
        acknowledged_at=received + acknowledged * HOUR if acknowledged is not None else None,
        closed_at=received + closed * HOUR if closed is not None else None,
        status=status or (Status.RESOLVED if closed is not None else Status.NEW),
        receipt_digest=uuid.uuid4().hex,
    )
    ReportAssignment.objects.bulk_create(
        [ReportAssignment(report=report, group=group) for group in groups]
    )
    return report


def file_incidents(*, ward_a, ward_b, unit_a1, unit_a2, unit_b1, group_x, theft, fight):
    """Thefts in A1 for group X, fights in A2, thefts in B1 (see the module's docstring).

    Times to acknowledge and resolve, all in ward A: in January 1 h, 3 h and 2 h to
    acknowledge, 10 h, 20 h and 30 h to resolve; in February one report acknowledged
    after 5 h and closed, rejected, after 100 h (rejected is not resolved).
    """
    a1 = {"category": theft, "ward": ward_a, "unit": unit_a1, "groups": [group_x]}
    a2 = {"category": fight, "ward": ward_a, "unit": unit_a2}
    b1 = {"category": theft, "ward": ward_b, "unit": unit_b1}
    for day in range(1, 11):
        file(**a1, received=at(D(2024, 3, day), 9))
    for day in range(1, 5):
        file(**a2, received=at(D(2024, 5, day), 9))
    file(**a1, received=at("2025-01-05", 9), acknowledged=1, closed=10)
    file(**a1, received=at("2025-01-06", 9), acknowledged=3, closed=20)
    file(**a1, received=at("2025-01-31", 23, 30))
    # February here, still 31 January in UTC.
    file(**a1, received=at("2025-02-01", 0, 30), acknowledged=5, closed=100, status=Status.REJECTED)
    file(**a1, received=at("2025-02-10", 9))
    for day in (3, 4, 5):
        file(**a1, received=at(D(2025, 3, day), 9))
    file(**a2, received=at("2025-01-20", 9), acknowledged=2, closed=30)
    file(**a2, received=at("2025-04-01", 9))
    file(**a2, received=at("2025-04-02", 9))
    file(**a2, received=at("2025-06-01", 9))
    file(**a2, received=at("2025-06-30", 23, 30))
    for day in (1, 2, 3):
        file(**b1, received=at(D(2025, 5, day), 9))
    # Outside both periods: the day after (still 30 June in UTC), between the two, and
    # two years back.
    file(**a2, received=at("2025-07-01", 0, 10))
    file(**a1, received=at("2024-07-15", 9))
    file(**b1, received=at("2023-05-01", 9))


def case(group, status, received, outcome=None):
    return MediationCase.objects.create(
        group=group,
        kind=DisputeKind.NEIGHBOURS,
        summary="…",
        origin=Origin.PARTY_REQUEST,
        received_on=received,
        status=status,
        outcome_on=outcome,
        in_scope=True,
        agreement_terms="Thỏa thuận." if status == CaseStatus.SUCCESSFUL else "",
        authority=Authority.COURT if status == CaseStatus.UNSUCCESSFUL else "",
    )


def open_cases(*, group_m, group_n):
    """Group M (ward A): 3 successful, 1 unsuccessful, 1 withdrawn, one still open →
    75 % mediated successfully; days to outcome 10, 4, 6, 30, 2 → median 6.
    Group N (ward B): 1 successful, 1 unsuccessful → 50 %."""
    case(group_m, CaseStatus.SUCCESSFUL, D(2025, 1, 10), D(2025, 1, 20))
    case(group_m, CaseStatus.SUCCESSFUL, D(2025, 2, 1), D(2025, 2, 5))
    case(group_m, CaseStatus.SUCCESSFUL, D(2025, 3, 1), D(2025, 3, 7))
    case(group_m, CaseStatus.UNSUCCESSFUL, D(2025, 4, 1), D(2025, 5, 1))
    case(group_m, CaseStatus.WITHDRAWN, D(2025, 5, 1), D(2025, 5, 3))
    case(group_m, CaseStatus.IN_MEDIATION, D(2025, 6, 1))
    case(group_m, CaseStatus.UNSUCCESSFUL, D(2024, 3, 1), D(2024, 3, 9))  # a year earlier
    case(group_n, CaseStatus.SUCCESSFUL, D(2025, 2, 1), D(2025, 2, 9))
    case(group_n, CaseStatus.UNSUCCESSFUL, D(2025, 3, 1), D(2025, 3, 9))


def shift(group, day, *, people=None, hours=2, status=ShiftStatus.PLANNED):
    """A shift from 20:00; with `people`, done by that many for `hours` hours."""
    start = at(day, 20)
    planned = PatrolShift.objects.create(
        group=group, starts_at=start, ends_at=start + 2 * HOUR, status=status
    )
    if people is not None:
        PatrolLog.objects.create(
            shift=planned,
            status=LogStatus.FINISHED,
            started_at=start,
            finished_at=start + hours * HOUR,
            people_present=people,
        )


def plan_patrols(*, group_x, group_y):
    """Group X: 2 done (2 people for 2 h, 3 for 1 h: 7 person-hours), 1 missed, 1 cancelled,
    one in July (outside) → 3 planned, 67 % done. Group Y: 1 done by 1 for 2 h."""
    shift(group_x, "2025-02-01", people=2)
    shift(group_x, "2025-03-01", people=3, hours=1)
    shift(group_x, "2025-04-01")
    shift(group_x, "2025-05-01", status=ShiftStatus.CANCELLED)
    shift(group_x, "2025-07-01", people=4)
    shift(group_y, "2025-03-15", people=1)
