"""Patrol recurrences: an iCalendar RRULE (RFC 5545), expanded in local time.

A schedule keeps its rule without DTSTART (e.g. ``FREQ=WEEKLY;BYDAY=FR,SA``); the
first day and the start time make the DTSTART. The rule runs on wall-clock time
in the portal's time zone (Asia/Ho_Chi_Minh has no daylight saving time, so
"21:00 every Friday" is always 14:00 UTC), and each occurrence becomes an
aware datetime only at the end.
"""

import datetime
from collections.abc import Iterable
from itertools import takewhile

from dateutil import rrule as dateutil_rrule
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# Patrols recur by the day at most; an hourly rule would make thousands of shifts.
ALLOWED_FREQUENCIES = {
    dateutil_rrule.YEARLY,
    dateutil_rrule.MONTHLY,
    dateutil_rrule.WEEKLY,
    dateutil_rrule.DAILY,
}
MAX_RULE_LENGTH = 500


def weekly_rule(*, weekdays: Iterable[int]) -> str:
    """The rule for "every <weekdays>", Monday = 0."""
    days = sorted(set(weekdays))
    return "FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAY_CODES[day] for day in days)


def weekdays_of(rule: str) -> list[int] | None:
    """The weekdays of a plain "every <weekdays>" rule, else None (an advanced rule)."""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    if set(parts) != {"FREQ", "BYDAY"} or parts["FREQ"] != "WEEKLY":
        return None
    codes = parts["BYDAY"].split(",")
    if not all(code in WEEKDAY_CODES for code in codes):
        return None
    return sorted(WEEKDAY_CODES.index(code) for code in codes)


def _normalised(rule: str) -> str:
    rule = "".join(rule.split()).upper()
    return rule.removeprefix("RRULE:")


def _parse(rule: str, dtstart: datetime.datetime) -> dateutil_rrule.rrule:
    return dateutil_rrule.rrulestr(rule, dtstart=dtstart, forceset=False, unfold=True)


def validate_rule(*, rule: str, starts_on: datetime.date) -> str:
    """The rule in canonical form, or a ValidationError saying what is wrong with it."""
    text = _normalised(rule)
    if not text or len(text) > MAX_RULE_LENGTH or "DTSTART" in text or "\\N" in text:
        raise ValidationError({"rule": _("Enter one RRULE line, e.g. FREQ=WEEKLY;BYDAY=FR,SA.")})
    try:
        parsed = _parse(text, datetime.datetime.combine(starts_on, datetime.time.min))
    except (ValueError, TypeError, KeyError, IndexError):
        raise ValidationError(
            {"rule": _("This is not a recurrence rule we understand, e.g. FREQ=WEEKLY;BYDAY=FR.")}
        ) from None
    if not isinstance(parsed, dateutil_rrule.rrule) or parsed._freq not in ALLOWED_FREQUENCIES:
        raise ValidationError(
            {"rule": _("Patrols can recur daily, weekly, monthly or yearly, not more often.")}
        )
    # One shift a day at most, at the schedule's start time: the day is what
    # regeneration recognises a shift by (patrols/schedule.py).
    if any(part in text for part in ("BYHOUR", "BYMINUTE", "BYSECOND")):
        raise ValidationError(
            {"rule": _("The time comes from the schedule's start time; leave BYHOUR out.")}
        )
    return text


def expand(
    *,
    rule: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    start_time: datetime.time,
    duration: datetime.timedelta,
    after: datetime.datetime,
    before: datetime.datetime,
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """(start, end) of every occurrence that starts in [after, before), as aware datetimes.

    `after` and `before` are aware; the rule is expanded on local wall-clock
    time and each occurrence lasts `duration` of wall-clock time.
    """
    zone = timezone.get_default_timezone()
    dtstart = datetime.datetime.combine(starts_on, start_time)
    local_after = timezone.localtime(after, zone).replace(tzinfo=None)
    local_before = timezone.localtime(before, zone).replace(tzinfo=None)
    if ends_on is not None:
        local_before = min(
            local_before,
            datetime.datetime.combine(ends_on + datetime.timedelta(days=1), start_time),
        )
    if local_before <= local_after:
        return []
    occurrences = []
    for start in _parse(rule, dtstart).between(local_after, local_before, inc=True):
        if start >= local_before:
            continue
        if ends_on is not None and start.date() > ends_on:
            continue
        occurrences.append((start.replace(tzinfo=zone), (start + duration).replace(tzinfo=zone)))
    return occurrences


def turns_before(
    *, rule: str, starts_on: datetime.date, start_time: datetime.time, before: datetime.datetime
) -> int:
    """How many occurrences start before `before`: the rotation's turn number of the next."""
    dtstart = datetime.datetime.combine(starts_on, start_time)
    local_before = timezone.localtime(before, timezone.get_default_timezone()).replace(tzinfo=None)
    return sum(1 for _ in takewhile(lambda start: start < local_before, _parse(rule, dtstart)))
