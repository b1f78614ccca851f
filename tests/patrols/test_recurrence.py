"""Recurrence rules: expansion in Vietnamese local time, across month ends, and validation."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from patrols.recurrence import expand, validate_rule, weekdays_of, weekly_rule
from patrols.schedule import rotation
from tests.patrols.conftest import at

UTC = datetime.UTC


def _expand(rule, *, after, before, start=(21, 0), hours=2, starts_on="2026-01-01", ends_on=None):
    return expand(
        rule=rule,
        starts_on=datetime.date.fromisoformat(starts_on),
        ends_on=datetime.date.fromisoformat(ends_on) if ends_on else None,
        start_time=datetime.time(*start),
        duration=datetime.timedelta(hours=hours),
        after=after,
        before=before,
    )


def test_friday_and_saturday_patrols_run_on_across_the_end_of_january():
    shifts = _expand(
        "FREQ=WEEKLY;BYDAY=FR,SA", after=at("2026-01-29", 0), before=at("2026-02-09", 0)
    )

    assert [start for start, _end in shifts] == [
        at("2026-01-30", 21),
        at("2026-01-31", 21),
        at("2026-02-06", 21),
        at("2026-02-07", 21),
    ]
    assert all(end - start == datetime.timedelta(hours=2) for start, end in shifts)


def test_a_night_patrol_on_the_last_day_of_the_month_ends_in_the_next_month():
    (shift,) = _expand(
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        start=(22, 0),
        hours=4,
        after=at("2026-01-15", 0),
        before=at("2026-02-15", 0),
    )

    assert shift == (at("2026-01-31", 22), at("2026-02-01", 2))


@pytest.mark.parametrize(
    "day",
    # Around the days Europe and America change their clocks: Vietnam does not.
    ["2026-03-06", "2026-03-27", "2026-10-23", "2026-10-30", "2026-11-06", "2026-12-25"],
)
def test_nine_pm_in_vietnam_is_always_two_pm_utc(day):
    (shift,) = _expand(
        "FREQ=WEEKLY;BYDAY=FR", after=at(day, 0), before=at(day, 23, 59), starts_on="2026-01-02"
    )

    assert shift[0].astimezone(UTC) == datetime.datetime.fromisoformat(f"{day}T14:00:00+00:00")
    assert shift[0].utcoffset() == datetime.timedelta(hours=7)


def test_the_window_is_read_in_local_time_not_utc():
    # 06/03 21:00 in Vietnam is 14:00 UTC on the same day; 00:30 local on the 7th is
    # still the 6th in UTC. A window from local midnight must not lose the shift.
    shifts = _expand(
        "FREQ=DAILY", after=at("2026-03-06", 0), before=at("2026-03-07", 0), start=(0, 30)
    )

    assert [start for start, _end in shifts] == [at("2026-03-06", 0, 30)]


def test_a_schedule_makes_no_shift_after_its_last_day_nor_before_its_first():
    shifts = _expand(
        "FREQ=DAILY",
        starts_on="2026-03-03",
        ends_on="2026-03-05",
        after=at("2026-03-01", 0),
        before=at("2026-03-31", 0),
    )

    assert [start.date() for start, _end in shifts] == [
        datetime.date(2026, 3, 3),
        datetime.date(2026, 3, 4),
        datetime.date(2026, 3, 5),
    ]


def test_a_shift_starting_exactly_at_the_end_of_the_window_belongs_to_the_next():
    shifts = _expand("FREQ=DAILY", after=at("2026-03-01", 21), before=at("2026-03-03", 21))

    assert [start for start, _end in shifts] == [at("2026-03-01", 21), at("2026-03-02", 21)]


def test_the_first_saturday_of_each_month_through_an_rrule():
    shifts = _expand(
        "FREQ=MONTHLY;BYDAY=1SA", after=at("2026-01-01", 0), before=at("2026-04-01", 0)
    )

    assert [start.date().isoformat() for start, _end in shifts] == [
        "2026-01-03",
        "2026-02-07",
        "2026-03-07",
    ]


def test_weekdays_make_a_weekly_rule_and_back():
    rule = weekly_rule(weekdays=[5, 4])

    assert rule == "FREQ=WEEKLY;BYDAY=FR,SA"
    assert weekdays_of(rule) == [4, 5]
    assert weekdays_of("FREQ=MONTHLY;BYDAY=1SA") is None


def test_a_rule_is_accepted_with_its_rrule_prefix_and_in_lower_case():
    assert validate_rule(
        rule="rrule:freq=weekly;byday=mo", starts_on=datetime.date(2026, 1, 1)
    ) == ("FREQ=WEEKLY;BYDAY=MO")


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",
        "FREQ=MINUTELY;INTERVAL=5",
        "FREQ=DAILY;BYHOUR=8,20",
        "DTSTART:20260101T000000\nRRULE:FREQ=DAILY",
        "every friday",
        "FREQ=WEEKLY;BYDAY=XX",
        "",
    ],
)
def test_rules_that_would_flood_the_calendar_or_cannot_be_read_are_refused(rule):
    with pytest.raises(ValidationError) as refused:
        validate_rule(rule=rule, starts_on=datetime.date(2026, 1, 1))

    assert "rule" in refused.value.message_dict


def test_the_team_takes_turns_two_at_a_time():
    team = [1, 2, 3]

    crews = [rotation(team=team, needed=2, turn=turn) for turn in range(4)]

    assert crews == [[1, 2], [3, 1], [2, 3], [1, 2]]
    assert rotation(team=[7], needed=3, turn=5) == [7]
    assert rotation(team=[], needed=2, turn=0) == []
