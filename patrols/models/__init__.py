"""Patrol schedules and their shifts, patrol logs, and the hotspots patrols watch.

A schedule belongs to a group and has a recurrence; its shifts are
materialised for a rolling window (patrols/schedule.py), so that each one can
be changed, cancelled or swapped on its own. A patrol log records one shift as
it happened (patrols/logbook.py). Hotspots are places prone to social evils,
registered per area and checked in at during patrols.

Visibility is decided in one place per model, as everywhere in tuquan:
``Model.objects.visible_to(user)`` and ``editable_by(user)``. In short: a
leader sees the group's patrols, ward police see their ward's, a member sees
the group's schedule and the logs they took part in.

Split by resource: hotspots.py, shifts.py (schedules and their shifts), logs.py
(patrol logs and what they record), feeds.py (calendar feeds), common.py.
"""

from patrols.models.common import MapPointMixin, local_midnight
from patrols.models.feeds import CalendarFeed, CalendarFeedQuerySet
from patrols.models.hotspots import Hotspot, HotspotKind, HotspotQuerySet, RiskLevel
from patrols.models.logs import (
    CheckInQuerySet,
    HotspotCheckIn,
    LogPartQuerySet,
    LogStatus,
    LogSubmission,
    PatrolAttendance,
    PatrolIncident,
    PatrolLog,
    PatrolLogQuerySet,
)
from patrols.models.shifts import (
    SHIFT_STATES,
    GroupPatrolQuerySet,
    PartnerKind,
    PatrolSchedule,
    PatrolScheduleQuerySet,
    PatrolShift,
    PatrolShiftQuerySet,
    ShiftAssignment,
    ShiftAssignmentQuerySet,
    ShiftPartner,
    ShiftPartnerQuerySet,
    ShiftStatus,
    groups_loggable_by,
)

__all__ = [
    "SHIFT_STATES",
    "CalendarFeed",
    "CalendarFeedQuerySet",
    "CheckInQuerySet",
    "GroupPatrolQuerySet",
    "Hotspot",
    "HotspotCheckIn",
    "HotspotKind",
    "HotspotQuerySet",
    "LogPartQuerySet",
    "LogStatus",
    "LogSubmission",
    "MapPointMixin",
    "PartnerKind",
    "PatrolAttendance",
    "PatrolIncident",
    "PatrolLog",
    "PatrolLogQuerySet",
    "PatrolSchedule",
    "PatrolScheduleQuerySet",
    "PatrolShift",
    "PatrolShiftQuerySet",
    "RiskLevel",
    "ShiftAssignment",
    "ShiftAssignmentQuerySet",
    "ShiftPartner",
    "ShiftPartnerQuerySet",
    "ShiftStatus",
    "groups_loggable_by",
    "local_midnight",
]
