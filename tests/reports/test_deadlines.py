"""Deadlines in wall-clock time or in working hours, and the holiday table behind them."""

import importlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reports.escalation.deadlines import WORKING_HOURS, add_working_time, deadline_for
from reports.models import Category, Holiday, Report, Severity

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SEED = importlib.import_module("reports.migrations.0004_seed_holidays")
# The seeded days off, as the pure function takes them.
SEEDED_DAYS_OFF = {date.fromisoformat(day) for day, _name, _name_en in SEED.HOLIDAYS}


def local(*args) -> datetime:
    return datetime(*args, tzinfo=VIETNAM)


def working(start, **duration):
    return add_working_time(start=start, duration=timedelta(**duration), holidays=SEEDED_DAYS_OFF)


@pytest.fixture
def traffic(seeded):
    return Category.objects.get(name="Giao thông và trật tự công cộng")


@pytest.fixture
def hygiene(seeded):
    return Category.objects.get(name="Vệ sinh, môi trường")


# The pure rule -----------------------------------------------------------------
# 2026-03-09 is a Monday with no holiday in the weeks around it.


def test_time_within_a_working_morning_is_counted_as_it_is():
    assert working(local(2026, 3, 10, 9, 0), hours=2) == local(2026, 3, 10, 11, 0)


def test_a_deadline_that_fills_the_afternoon_ends_at_closing_time_not_next_morning():
    assert working(local(2026, 3, 10, 16, 0), hours=1) == local(2026, 3, 10, 17, 0)


def test_the_lunch_break_does_not_count():
    assert working(local(2026, 3, 10, 10, 30), hours=2) == local(2026, 3, 10, 14, 30)


def test_the_evening_and_night_do_not_count():
    assert working(local(2026, 3, 10, 16, 0), hours=2) == local(2026, 3, 11, 8, 30)


def test_a_friday_afternoon_report_falls_due_on_monday():
    assert working(local(2026, 3, 13, 16, 0), hours=2) == local(2026, 3, 16, 8, 30)


def test_a_report_filed_at_the_weekend_starts_counting_on_monday_morning():
    assert working(local(2026, 3, 14, 10, 0), minutes=30) == local(2026, 3, 16, 8, 0)


def test_a_report_filed_on_a_holiday_starts_counting_on_the_next_working_morning():
    # 2 September 2026 (National Day) is a Wednesday.
    assert working(local(2026, 9, 2, 9, 0), hours=1) == local(2026, 9, 3, 8, 30)


def test_the_whole_tet_break_of_2027_is_skipped():
    # The break runs from Thursday 4 to Wednesday 10 February 2027.
    assert working(local(2027, 2, 3, 16, 0), hours=2) == local(2027, 2, 11, 8, 30)
    # 24 working hours: 1 on the 3rd, then 11, 12, 15 February (7.5 each), 0.5 on the 16th.
    assert working(local(2027, 2, 3, 16, 0), hours=24) == local(2027, 2, 16, 8, 0)


def test_30_april_1_may_and_the_swapped_day_off_are_skipped():
    # 2025: Wednesday 30 April, Thursday 1 May, Friday 2 May (swapped for Saturday 26 April).
    assert working(local(2025, 4, 29, 16, 30), hours=1) == local(2025, 5, 5, 8, 0)


def test_a_working_day_deadline_ends_at_the_same_time_on_the_next_working_day():
    assert working(local(2026, 3, 13, 10, 0), minutes=450) == local(2026, 3, 16, 10, 0)


def test_a_start_in_another_time_zone_is_counted_in_vietnamese_office_time():
    # 02:00 UTC is 09:00 in Vietnam, which keeps UTC+7 all year round (no daylight saving).
    due = working(datetime(2026, 3, 10, 2, 0, tzinfo=UTC), hours=1)

    assert due == local(2026, 3, 10, 10, 0)
    assert due.utcoffset() == timedelta(hours=7)


def test_the_deadline_is_never_earlier_than_wall_clock_and_always_lands_in_office_hours():
    # Every 47 minutes from before Tết 2027 until after it, for the seeded deadline lengths.
    starts = [local(2027, 1, 25, 0, 0) + timedelta(minutes=47 * n) for n in range(900)]
    for minutes in (15, 120, 450, 1440, 4320):
        duration = timedelta(minutes=minutes)
        previous = None
        for start in starts:
            due = add_working_time(start=start, duration=duration, holidays=SEEDED_DAYS_OFF)
            on_duty = due.weekday() < 5 and due.date() not in SEEDED_DAYS_OFF
            in_hours = any(opens < due.time() <= closes for opens, closes in WORKING_HOURS)

            assert due >= start + duration, (start, minutes)
            assert on_duty and in_hours, (start, minutes, due)
            # A later report never falls due before an earlier one.
            assert previous is None or due >= previous, (start, minutes)
            previous = due


# The categories and the holiday table ------------------------------------------


@pytest.mark.django_db
def test_urgent_categories_count_wall_clock_time_even_on_a_friday_night(fight):
    start = local(2026, 3, 13, 22, 0)

    assert deadline_for(category=fight, start=start) == start + timedelta(minutes=15)


@pytest.mark.django_db
def test_high_categories_count_wall_clock_time(theft):
    start = local(2026, 3, 13, 22, 0)

    assert not theft.counts_working_hours
    assert deadline_for(category=theft, start=start) == start + timedelta(hours=2)


@pytest.mark.django_db
def test_seeded_low_and_normal_categories_count_working_hours(traffic, hygiene, fight, theft):
    assert traffic.counts_working_hours and hygiene.counts_working_hours
    assert not fight.counts_working_hours and not theft.counts_working_hours


@pytest.mark.django_db
def test_an_urgent_category_cannot_be_set_to_count_working_hours(fight):
    fight.counts_working_hours = True

    with pytest.raises(ValidationError) as error:
        fight.full_clean()
    assert "counts_working_hours" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.filter(pk=fight.pk).update(counts_working_hours=True)
    assert not Category.objects.get(pk=fight.pk).counts_working_hours


@pytest.mark.django_db
def test_a_working_hours_deadline_reads_the_holidays_in_one_query(
    traffic, django_assert_num_queries
):
    # The generation they are kept by (groups/reference_data.py), then the holidays.
    with django_assert_num_queries(2):
        due = deadline_for(category=traffic, start=local(2027, 2, 3, 16, 0))
    with django_assert_num_queries(1):
        assert deadline_for(category=traffic, start=local(2027, 2, 3, 16, 0)) == due

    # One working day: an hour on Wednesday 3, the break, then 6.5 hours on Thursday 11.
    assert due == local(2027, 2, 11, 16, 0)


@pytest.mark.django_db
def test_a_holiday_an_administrator_adds_extends_the_deadline(traffic):
    start = local(2026, 3, 13, 16, 0)
    before = deadline_for(category=traffic, start=start)

    Holiday.objects.create(date=date(2026, 3, 16), name="Ngày nghỉ của tỉnh")

    # One working day (7.5 hours): 1 on Friday, 6.5 on the next working day.
    assert before == local(2026, 3, 16, 16, 0)
    assert deadline_for(category=traffic, start=start) == local(2026, 3, 17, 16, 0)


@pytest.mark.django_db
def test_a_long_deadline_still_skips_holidays_beyond_the_first_look_ahead(seeded):
    # 70 working days from 1 June 2026 reach past 31 August to 2 September, more
    # than 60 days ahead.
    long_one = Category.objects.create(
        name="Theo dõi dài hạn",
        severity=Severity.LOW,
        deadline_minutes=450 * 70,
        counts_working_hours=True,
    )
    start = local(2026, 6, 1, 7, 30)

    due = deadline_for(category=long_one, start=start)

    assert due == add_working_time(
        start=start, duration=long_one.deadline, holidays=SEEDED_DAYS_OFF
    )
    # 65 working days in June to August (31 August is off), 1 and 2 September off.
    assert due == local(2026, 9, 9, 17, 0)


# The seed --------------------------------------------------------------------


def test_the_seed_holds_tet_for_every_year_from_2025_to_2035():
    tet = {date.fromisoformat(day) for day, name, _en in SEED.HOLIDAYS if name == "Tết Nguyên Đán"}

    assert sorted(day.year for day in tet) == list(range(2025, 2036))
    assert date(2026, 2, 17) in tet
    assert date(2027, 2, 6) in tet


def test_the_seed_holds_the_fixed_holidays_and_hung_kings_day_every_year():
    for year in range(2025, 2036):
        for month, day in ((1, 1), (4, 30), (5, 1), (9, 2)):
            assert date(year, month, day) in SEEDED_DAYS_OFF, (year, month, day)
        # National Day comes with an adjacent day off.
        assert {date(year, 9, 1), date(year, 9, 3)} & SEEDED_DAYS_OFF, year
    hung_kings = {day for day, name, _en in SEED.HOLIDAYS if name == "Ngày Giỗ Tổ Hùng Vương"}
    assert {"2026-04-26", "2027-04-16"} <= hung_kings


@pytest.mark.django_db
def test_the_migrations_put_the_holidays_in_the_table(seeded):
    assert Holiday.objects.count() == len(SEED.HOLIDAYS)
    assert Holiday.objects.get(date=date(2026, 2, 17)).name == "Tết Nguyên Đán"
    assert Holiday.objects.get(date=date(2027, 2, 6)).name_en == "Lunar New Year"


@pytest.mark.django_db
def test_seeding_again_keeps_edits_and_unseeding_keeps_holidays_added_by_hand(seeded):
    from django.apps import apps

    Holiday.objects.filter(date=date(2026, 2, 17)).update(name="Mùng một Tết")
    Holiday.objects.create(date=date(2026, 3, 17), name="Ngày nghỉ của tỉnh")

    SEED.seed(apps, None)
    assert Holiday.objects.count() == len(SEED.HOLIDAYS) + 1
    assert Holiday.objects.get(date=date(2026, 2, 17)).name == "Mùng một Tết"

    SEED.unseed(apps, None)
    assert list(Holiday.objects.values_list("date", flat=True)) == [date(2026, 3, 17)]


# Intake ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_report_filed_on_friday_evening_falls_due_in_working_hours(
    file_report, traffic, theft, ward_a
):
    friday_evening = local(2026, 3, 13, 19, 0)

    with time_machine.travel(friday_evening, tick=False):
        file_report(category=traffic, ward=ward_a)
        file_report(category=theft, ward=ward_a)

    # One working day: all of Monday.
    assert Report.objects.get(category=traffic).due_at == local(2026, 3, 16, 17, 0)
    # Theft is high: wall-clock time.
    assert Report.objects.get(category=theft).due_at == friday_evening + timedelta(hours=2)


# Admin -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_administrator_lists_the_tet_break_and_adds_a_day_off(client, province_admin, seeded):
    client.force_login(province_admin)

    listing = client.get("/admin/reports/holiday/", {"date__year": 2027, "date__month": 2})
    added = client.post(
        "/admin/reports/holiday/add/",
        {"date": "2026-03-17", "name": "Ngày nghỉ của tỉnh", "name_en": "Provincial day off"},
    )

    assert listing.status_code == 200
    assert [holiday.date for holiday in listing.context["cl"].result_list] == [
        date(2027, 2, day) for day in range(4, 11)
    ]
    assert "Tết Nguyên Đán" in listing.content.decode()
    assert added.status_code == 302
    assert Holiday.objects.get(date=date(2026, 3, 17)).name_en == "Provincial day off"
