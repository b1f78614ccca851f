"""The parsers of groups/inputs.py: what they take, and None for everything else."""

import datetime

import pytest

from groups import inputs


@pytest.mark.parametrize(
    ("text", "number"),
    [("0", 0), ("42", 42), ("007", 7), ("9" * 18, int("9" * 18))],
)
def test_ascii_decimals_are_numbers(text, number):
    assert inputs.ascii_int(text) == number


@pytest.mark.parametrize(
    "text", ["", " 1", "1 ", "-1", "+1", "1.0", "²", "1²", "٣", "\uff19", "9" * 19, "1\x00", None]
)
def test_anything_else_is_no_number(text):
    assert inputs.ascii_int(text) is None


def test_a_number_outside_its_bounds_is_none():
    assert inputs.ascii_int("5", minimum=6) is None
    assert inputs.ascii_int("5", maximum=4) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [("2000-01-01", datetime.date(2000, 1, 1)), ("2099-12-31", datetime.date(2099, 12, 31))],
)
def test_days_at_the_ends_of_the_range_are_taken(text, day):
    assert inputs.parse_day(text) == day


@pytest.mark.parametrize(
    "text", ["1999-12-31", "2100-01-01", "0001-01-01", "9999-12-31", "2026-02-30", "²", None]
)
def test_days_outside_the_range_or_no_days_are_none(text):
    assert inputs.parse_day(text) is None


def test_months_and_years_keep_to_the_range():
    assert inputs.parse_month("2026-03") == datetime.date(2026, 3, 1)
    assert inputs.parse_month("9999-12") is None
    assert inputs.parse_month("2026-13") is None
    assert inputs.parse_month("\uff12\uff10\uff12\uff16-03") is None  # full-width digits
    assert inputs.parse_year("2026") == 2026
    assert inputs.parse_year("0") is None
    assert inputs.parse_year("2100") is None
