"""What the portal takes from outside as a number, a day, a month, a year or a moment.

Every form, filter, view and API that reads one of these goes through this
module, so that one range holds everywhere:

- numbers: ASCII decimal digits only, at most 18 of them (a PostgreSQL bigint).
  ``"²".isdigit()`` is True and ``int("²")`` raises; ``int("٣")`` is 3 but no
  client of ours sends it.
- days, months and years: from EARLIEST_DAY to LATEST_DAY. Far beyond any record,
  and far enough from the calendar's ends (year 1, year 9999) that a day later,
  a week earlier or the same day a year before still exist, in Python and in
  PostgreSQL, in local time and in UTC.
- moments something happened (a report's time of occurrence): from EARLIEST_DAY
  to FUTURE_TOLERANCE after now; planned times (a shift) within the range of days.

The parsers answer None for anything else; the form fields answer a field error.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2099, 12, 31)
# Midnight starting EARLIEST_DAY in Vietnam (UTC+7 since 1975), a constant that
# database constraints can name.
_VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
EARLIEST_MOMENT = datetime.datetime.combine(EARLIEST_DAY, datetime.time.min, tzinfo=_VIETNAM)
LATEST_MOMENT = datetime.datetime.combine(LATEST_DAY, datetime.time.max, tzinfo=_VIETNAM)
# A phone's clock and the server's disagree by a little; more than this is a mistake.
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
MAX_ID = 2**63 - 1

_ASCII_DECIMAL = re.compile(r"[0-9]{1,18}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def ascii_int(value, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """``value`` as an int if it is 1 to 18 ASCII digits within [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    if not _ASCII_DECIMAL.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def parse_day(value) -> datetime.date | None:
    """An ISO day (YYYY-MM-DD) within the range, else None."""
    if not isinstance(value, str) or not value.isascii():
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None


def parse_month(value) -> datetime.date | None:
    """A month (YYYY-MM) within the range, as its first day, else None."""
    match = _MONTH.fullmatch(value) if isinstance(value, str) else None
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (valid_year(year) and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


def parse_year(value) -> int | None:
    """A year (ASCII digits) within the range, else None."""
    return ascii_int(value, minimum=EARLIEST_DAY.year, maximum=LATEST_DAY.year)


def valid_year(year: int) -> bool:
    return EARLIEST_DAY.year <= year <= LATEST_DAY.year


def in_range(day: datetime.date) -> datetime.date:
    """``day`` moved into the range: for pages that step a period back or forth."""
    return min(max(day, EARLIEST_DAY), LATEST_DAY)


def check_moment(moment: datetime.datetime | None) -> None:
    """Refuse a time something happened before EARLIEST_DAY or after now (give or take)."""
    if moment is None:
        return
    if moment < EARLIEST_MOMENT:
        raise ValidationError(
            _("The time lies before %(earliest)s.")
            % {"earliest": EARLIEST_DAY.strftime("%d/%m/%Y")},
            code="too_early",
        )
    if moment > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError(_("The time lies in the future."), code="future")


def check_time_in_range(moment: datetime.datetime | None) -> None:
    """Refuse a planned time outside the days we accept (a shift in 9999)."""
    if moment is not None and not EARLIEST_MOMENT <= moment <= LATEST_MOMENT:
        raise ValidationError(
            _("Choose a time between %(earliest)s and %(latest)s.")
            % {
                "earliest": EARLIEST_DAY.strftime("%d/%m/%Y"),
                "latest": LATEST_DAY.strftime("%d/%m/%Y"),
            },
            code="out_of_range",
        )


DAY_VALIDATORS = [MinValueValidator(EARLIEST_DAY), MaxValueValidator(LATEST_DAY)]
# A day a stored record names in the admin (a group founded, a member since) may be
# older than the portal; not older than this.
EARLIEST_RECORD_DAY = datetime.date(1900, 1, 1)
RECORD_DAY_VALIDATORS = [MinValueValidator(EARLIEST_RECORD_DAY), MaxValueValidator(LATEST_DAY)]


class DayField(forms.DateField):
    """A day within the range."""

    default_validators = DAY_VALIDATORS


class MonthField(forms.DateField):
    """A month within the range (YYYY-MM, as from <input type="month">), as its first day."""

    default_validators = DAY_VALIDATORS
    input_formats = ["%Y-%m"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class MomentField(forms.DateTimeField):
    """When something happened: not before EARLIEST_DAY, not in the future."""

    default_validators = [check_moment]


class TimeInRangeField(forms.DateTimeField):
    """A planned time (a shift's start or end) within the range of days."""

    default_validators = [check_time_in_range]


class YearField(forms.IntegerField):
    """A year within the range, typed as ASCII digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", EARLIEST_DAY.year)
        kwargs.setdefault("max_value", LATEST_DAY.year)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        year = ascii_int(str(value).strip(), maximum=9999)
        if year is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return year
