"""A schedule's recurrence in the words people use.

"Thứ Hai và Thứ Năm hằng tuần, 20:00-22:00" instead of the stored RRULE
``FREQ=WEEKLY;BYDAY=MO,TH`` (patrols/recurrence.py), in the active language. The
schedule list, the admin and the calendar feed say it this way; the rule itself
stays only in the schedule form's advanced field.

Rules the sentence does not cover (BYSETPOS, BYWEEKNO, …) read "a custom
recurrence", never the raw rule.
"""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from patrols.recurrence import WEEKDAY_CODES

_COVERED = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL", "WKST"}


def _weekday(index: int) -> str:
    return [
        pgettext("weekday", "Monday"),
        pgettext("weekday", "Tuesday"),
        pgettext("weekday", "Wednesday"),
        pgettext("weekday", "Thursday"),
        pgettext("weekday", "Friday"),
        pgettext("weekday", "Saturday"),
        pgettext("weekday", "Sunday"),
    ][index]


def _listed(items: list[str]) -> str:
    """ "A", "A và B", "A, B và C"."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _parts(rule: str) -> dict[str, str] | None:
    text = "".join(rule.split()).upper().removeprefix("RRULE:")
    parts = {}
    for part in text.split(";"):
        if "=" not in part:
            return None
        key, value = part.split("=", 1)
        parts[key] = value
    return parts if set(parts) <= _COVERED and "FREQ" in parts else None


def _days(codes: str) -> tuple[list[int], int | None] | None:
    """Weekday indexes of a BYDAY list, and the one ordinal they share (1MO,1TH → 1)."""
    days, ordinals = [], set()
    for code in codes.split(","):
        day = code[-2:]
        if day not in WEEKDAY_CODES:
            return None
        ordinal = code[:-2]
        if ordinal:
            try:
                ordinals.add(int(ordinal))
            except ValueError:
                return None
        else:
            ordinals.add(None)
        days.append(WEEKDAY_CODES.index(day))
    if len(ordinals) != 1:
        return None
    return sorted(set(days)), ordinals.pop()


def _ordinal_week(ordinal: int) -> str | None:
    if ordinal == -1:
        return _("the last week")
    if 1 <= ordinal <= 5:
        return _("week %(number)s") % {"number": ordinal}
    return None


def recurrence_in_words(*, rule: str, starts_on: datetime.date) -> str:
    """The recurrence alone: "Thứ Hai và Thứ Năm hằng tuần"."""
    parts = _parts(rule)
    if parts is None:
        return _("A custom recurrence")
    try:
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return _("A custom recurrence")
    frequency = parts["FREQ"]
    days = _days(parts["BYDAY"]) if "BYDAY" in parts else ([starts_on.weekday()], None)
    if days is None:
        return _("A custom recurrence")
    weekdays, ordinal = days
    day_names = _listed([_weekday(day) for day in weekdays])

    if frequency == "DAILY" and "BYDAY" not in parts and "BYMONTHDAY" not in parts:
        words = (
            _("Every day")
            if interval == 1
            else ngettext("Every %(n)s day", "Every %(n)s days", interval) % {"n": interval}
        )
    elif frequency in ("DAILY", "WEEKLY") and ordinal is None and "BYMONTHDAY" not in parts:
        if len(weekdays) == 7 and interval == 1:
            words = _("Every day")
        elif interval == 1:
            words = _("%(days)s every week") % {"days": day_names}
        else:
            words = ngettext(
                "%(days)s every %(n)s week", "%(days)s every %(n)s weeks", interval
            ) % {"days": day_names, "n": interval}
    elif frequency == "MONTHLY" and "BYMONTHDAY" in parts and "BYDAY" not in parts:
        month_days = parts["BYMONTHDAY"].split(",")
        if not all(day.lstrip("-").isdecimal() and day.isascii() for day in month_days):
            return _("A custom recurrence")
        if month_days == ["-1"] and interval == 1:
            return _finish(_("On the last day of every month"), parts)
        named = _listed([_("last") if day == "-1" else str(int(day)) for day in month_days])
        words = (
            _("On day %(days)s of every month") % {"days": named}
            if interval == 1
            else _("On day %(days)s, every %(n)s months") % {"days": named, "n": interval}
        )
    elif frequency == "MONTHLY" and "BYDAY" in parts and ordinal is not None:
        week = _ordinal_week(ordinal)
        if week is None or interval != 1:
            return _("A custom recurrence")
        words = _("%(days)s of %(week)s of every month") % {"days": day_names, "week": week}
    elif frequency == "MONTHLY" and "BYDAY" not in parts:
        words = _("On day %(days)s of every month") % {"days": starts_on.day}
    elif frequency == "YEARLY" and not ({"BYDAY", "BYMONTHDAY"} & set(parts)):
        words = _("Every year on %(day)s") % {"day": formats.date_format(starts_on, "d/m")}
    else:
        return _("A custom recurrence")

    return _finish(words, parts)


def _finish(words: str, parts: dict[str, str]) -> str:
    """`words` and how the recurrence ends: after so many times, or on a day."""
    if "COUNT" in parts and parts["COUNT"].isdecimal() and parts["COUNT"].isascii():
        count = int(parts["COUNT"])
        words += ngettext(", %(count)s time in all", ", %(count)s times in all", count) % {
            "count": count
        }
    if "UNTIL" in parts:
        until = parts["UNTIL"][:8]
        try:
            last = datetime.date(int(until[:4]), int(until[4:6]), int(until[6:8]))
        except ValueError:
            return _("A custom recurrence")
        words += _(", until %(day)s") % {"day": formats.date_format(last, "SHORT_DATE_FORMAT")}
    return words


def schedule_in_words(schedule) -> str:
    """ "Thứ Hai và Thứ Năm hằng tuần, 20:00-22:00" for a PatrolSchedule."""
    times = {
        "start": formats.time_format(schedule.start_time, "TIME_FORMAT"),
        "end": formats.time_format(schedule.end_time, "TIME_FORMAT"),
    }
    if schedule.end_time <= schedule.start_time:
        hours = _("%(start)s–%(end)s the next day") % times  # noqa: RUF001
    else:
        hours = _("%(start)s–%(end)s") % times  # noqa: RUF001
    recurrence = recurrence_in_words(rule=schedule.rule, starts_on=schedule.starts_on)
    return _("%(recurrence)s, %(hours)s") % {"recurrence": recurrence, "hours": hours}
