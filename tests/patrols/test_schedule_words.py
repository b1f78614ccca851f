"""Schedules in the words people use, never the raw RRULE."""

# ruff: noqa: RUF001 - the times are written with an en dash, as the pages write them

import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from patrols.schedule_words import recurrence_in_words, schedule_in_words

MONDAY = datetime.date(2026, 3, 2)


def _schedule(rule, start=(20, 0), end=(22, 0)):
    return SimpleNamespace(
        rule=rule,
        starts_on=MONDAY,
        start_time=datetime.time(*start),
        end_time=datetime.time(*end),
    )


@pytest.mark.parametrize(
    ("rule", "start", "end", "vi", "en"),
    [
        (
            "FREQ=WEEKLY;BYDAY=MO,TH",
            (20, 0),
            (22, 0),
            "Thứ Hai và Thứ Năm hằng tuần, 20:00–22:00",
            "Monday and Thursday every week, 20:00–22:00",
        ),
        (
            "FREQ=WEEKLY;BYDAY=FR,MO,WE",
            (21, 30),
            (1, 0),
            "Thứ Hai, Thứ Tư và Thứ Sáu hằng tuần, 21:30–01:00 hôm sau",
            "Monday, Wednesday and Friday every week, 21:30–01:00 the next day",
        ),
        ("FREQ=DAILY", (5, 0), (6, 0), "Hằng ngày, 05:00–06:00", "Every day, 05:00–06:00"),
        (
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
            (5, 0),
            (6, 0),
            "Hằng ngày, 05:00–06:00",
            "Every day, 05:00–06:00",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA",
            (19, 0),
            (21, 0),
            "Thứ Bảy, 2 tuần một lần, 19:00–21:00",
            "Saturday every 2 weeks, 19:00–21:00",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=15",
            (8, 0),
            (10, 0),
            "Ngày 15 hằng tháng, 08:00–10:00",
            "On day 15 of every month, 08:00–10:00",
        ),
        (
            "FREQ=MONTHLY;BYDAY=1SU",
            (7, 0),
            (9, 0),
            "Chủ Nhật tuần thứ 1 hằng tháng, 07:00–09:00",
            "Sunday of week 1 of every month, 07:00–09:00",
        ),
        (
            "FREQ=WEEKLY;BYDAY=FR;COUNT=4",
            (21, 0),
            (23, 0),
            "Thứ Sáu hằng tuần, tổng cộng 4 lần, 21:00–23:00",
            "Friday every week, 4 times in all, 21:00–23:00",
        ),
        (
            "FREQ=WEEKLY;BYDAY=FR;UNTIL=20261231",
            (21, 0),
            (23, 0),
            "Thứ Sáu hằng tuần, đến hết ngày 31/12/2026, 21:00–23:00",
            "Friday every week, until 31/12/2026, 21:00–23:00",
        ),
        (
            "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR",
            (8, 0),
            (9, 0),
            "Lịch lặp lại tùy chỉnh, 08:00–09:00",
            "A custom recurrence, 08:00–09:00",
        ),
    ],
)
def test_a_schedule_reads_as_words_in_both_languages(rule, start, end, vi, en):
    schedule = _schedule(rule, start, end)
    with translation.override("vi"):
        assert schedule_in_words(schedule) == vi
    with translation.override("en"):
        assert schedule_in_words(schedule) == en


@pytest.mark.parametrize(
    "rule", ["", "FREQ", "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;INTERVAL=x", "FREQ=WEEKLY;UNTIL=2026"]
)
def test_a_rule_the_sentence_does_not_cover_never_shows_raw(rule):
    with translation.override("en"):
        assert recurrence_in_words(rule=rule, starts_on=MONDAY) == "A custom recurrence"


def test_the_schedule_list_says_when_in_words_not_the_rule(client, leader_x, weekend_schedule):
    client.force_login(leader_x)
    url = f"/patrols/groups/{weekend_schedule.group_id}/schedules/"
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Thứ Sáu và Thứ Bảy hằng tuần, 21:00–23:00" in html
    assert "FREQ=" not in html
    assert "02/03/2026" in html  # its first day, as every date is written


def test_the_admin_lists_schedules_in_words(client, province_admin, weekend_schedule):
    client.force_login(province_admin)
    html = client.get("/admin/patrols/patrolschedule/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Friday and Saturday every week, 21:00–23:00" in html
    assert "FREQ=" not in html
