"""When a report falls due: wall-clock time, or working hours where the category says so.

A category that `counts_working_hours` counts only office hours (WORKING_HOURS,
Monday to Friday) on days that are not in the holiday table (`Holiday`). Weekends
and holidays therefore extend a deadline and never shorten it: the result is never
earlier than start + duration. Urgent categories always count wall-clock time
(the category's check constraint keeps them from switching).

Office hours are Vietnamese office hours in Vietnamese local time, whatever the
server's TIME_ZONE: Asia/Ho_Chi_Minh has had no daylight saving time since 1975,
so local and absolute arithmetic agree. reports/intake.py sets `Report.due_at`
with `deadline_for`.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from groups.compiled_queries import CompiledQuery
from reports.models import Category, Holiday, Severity

OFFICE_TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# Morning and afternoon office hours (the lunch break in between does not count).
# Category.counts_working_hours' help text names them; change both together.
WORKING_HOURS = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
WORKING_WEEKDAYS = frozenset(range(5))  # Monday to Friday

# How far ahead the first holiday query looks; a deadline that reaches further
# (a long one, or a long run of days off) looks again with twice the window.
HOLIDAY_LOOKAHEAD = timedelta(days=60)

# Read for every report counted in office hours: its SQL is built once per process,
# its rows kept until the holidays change (groups/reference_data.py).
_HOLIDAYS_BETWEEN = CompiledQuery(
    lambda first, last: Holiday.objects.filter(date__range=(first, last)).values_list("date"),
    dates=("first", "last"),
    reference_data=True,
)


def deadline_for(*, category: Category, start: datetime) -> datetime:
    """The moment a report of `category` received at `start` falls due.

    One query for the holidays in the window the deadline can reach, none while
    the process keeps them.
    """
    if category.severity == Severity.URGENT or not category.counts_working_hours:
        return start + category.deadline
    first = start.astimezone(OFFICE_TIME_ZONE).date()
    last = first + HOLIDAY_LOOKAHEAD
    while True:
        holidays = {day for (day,) in _HOLIDAYS_BETWEEN.rows(first=first, last=last)}
        due = add_working_time(start=start, duration=category.deadline, holidays=holidays)
        # Only a result inside the window was computed with every day off known.
        if due.astimezone(OFFICE_TIME_ZONE).date() <= last:
            return due
        last += last - first


def add_working_time(*, start: datetime, duration: timedelta, holidays: set[date]) -> datetime:
    """`start` plus `duration` of working time, in office local time.

    `start` must be aware. Time is counted only within WORKING_HOURS on working
    weekdays that are not in `holidays`; a start outside them counts from the next
    opening. A deadline that ends exactly at a closing time ends then, not at the
    next opening.
    """
    cursor = start.astimezone(OFFICE_TIME_ZONE)
    remaining = duration
    while remaining > timedelta(0):
        day = cursor.date()
        if day.weekday() in WORKING_WEEKDAYS and day not in holidays:
            for opens, closes in WORKING_HOURS:
                opening = datetime.combine(day, opens, tzinfo=OFFICE_TIME_ZONE)
                closing = datetime.combine(day, closes, tzinfo=OFFICE_TIME_ZONE)
                if cursor >= closing:
                    continue
                cursor = max(cursor, opening)
                if remaining <= closing - cursor:
                    return cursor + remaining
                remaining -= closing - cursor
                cursor = closing
        cursor = datetime.combine(day + timedelta(days=1), time(0), tzinfo=OFFICE_TIME_ZONE)
    return cursor
