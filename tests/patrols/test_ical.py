"""A member's shifts as an iCalendar feed at a secret, rotatable address."""

import datetime

import pytest
from django.utils import timezone

from groups.models import Member, Membership, SelfManagementGroup
from patrols import ical
from patrols import shifts as shift_rules
from patrols.models import CalendarFeed
from tests.patrols.conftest import member_of


@pytest.fixture
def feed_x(member_x):
    return ical.rotate_feed(member=member_of(member_x))


def _lines(text: str) -> list[str]:
    """Unfolded content lines."""
    return text.replace("\r\n ", "").split("\r\n")


def test_the_feed_lists_the_members_shifts_in_utc(client, weekend_schedule, feed_x, leader_x):
    friday = weekend_schedule.shifts.order_by("starts_at").first()
    shift_rules.add_partner(
        shift=friday,
        by=leader_x,
        name="Thượng úy Lê Văn Cường",
        organisation="Công an phường Hạ Long",
        kind="police",
    )

    response = client.get(f"/patrols/calendar/{feed_x.token}.ics")

    text = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    lines = _lines(text)
    assert lines.count("BEGIN:VEVENT") == 16
    assert f"UID:patrol-shift-{friday.pk}@127.0.0.1" in lines
    assert "DTSTART:20260306T140000Z" in lines  # 21:00 in Vietnam
    assert "DTEND:20260306T160000Z" in lines
    assert "LOCATION:Nhà văn hóa TDP 1" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "Thượng úy Lê Văn Cường (Công an phường Hạ Long)" in description
    assert "\\n" in description  # lines of text are escaped, never raw


def test_every_line_is_folded_at_75_octets_with_crlf(client, weekend_schedule, feed_x):
    weekend_schedule.shifts.update(route="Đường dài qua ngõ 5, chợ Hạ Long; bờ sông; " * 5)

    text = client.get(f"/patrols/calendar/{feed_x.token}.ics").content.decode()

    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    assert any(line.startswith(" ") for line in physical)
    assert "\n" not in text.replace("\r\n", "")
    route = next(line for line in _lines(text) if line.startswith("DESCRIPTION:"))
    assert "ngõ 5\\, chợ Hạ Long\\; bờ sông" in route


def test_folding_never_splits_a_vietnamese_character(client, weekend_schedule, feed_x):
    name = "Tuần tra đêm ở phường Hạ Long " * 4
    SelfManagementGroup.objects.filter(pk=weekend_schedule.group_id).update(name=name)

    body = client.get(f"/patrols/calendar/{feed_x.token}.ics").content
    text = body.decode("utf-8")  # strict: a character cut in two would not decode

    line = f"SUMMARY:Patrol: {name}"
    assert line in _lines(text)
    folded = text[text.index("SUMMARY:") :].split("\r\n")
    assert len(folded[0].encode("utf-8")) <= 75 and folded[1].startswith(" ")
    assert all(len(part.encode("utf-8")) <= 75 for part in text.split("\r\n"))


def test_a_cancelled_shift_stays_in_the_feed_as_cancelled(
    client, weekend_schedule, feed_x, leader_x
):
    friday = weekend_schedule.shifts.order_by("starts_at").first()
    shift_rules.cancel_shift(shift=friday, by=leader_x, reason="Mưa bão")

    lines = _lines(client.get(f"/patrols/calendar/{feed_x.token}.ics").content.decode())

    event = lines[lines.index(f"UID:patrol-shift-{friday.pk}@127.0.0.1") :]
    assert event[event.index("END:VEVENT") - 2 :][:2] == [
        "STATUS:CANCELLED",
        "DESCRIPTION:Route: Ngõ 5 → chợ → bờ sông\\nCancelled: Mưa bão",
    ]


def test_a_wrong_token_finds_nothing(client, weekend_schedule, feed_x):
    assert client.get("/patrols/calendar/not-the-token.ics").status_code == 404


def test_the_feed_dies_with_a_deactivated_login(client, weekend_schedule, feed_x, member_x):
    address = f"/patrols/calendar/{feed_x.token}.ics"
    assert client.get(address).status_code == 200
    member_x.is_active = False
    member_x.save(update_fields=["is_active"])

    refused = client.get(address)

    # The same answer as a wrong token, and no shift in it.
    assert refused.status_code == 404
    assert b"VEVENT" not in refused.content
    member_x.is_active = True
    member_x.save(update_fields=["is_active"])
    assert client.get(address).status_code == 200


def test_the_feed_dies_when_the_member_leaves_the_group(
    client, monday, weekend_schedule, feed_x, member_x
):
    address = f"/patrols/calendar/{feed_x.token}.ics"
    assert client.get(address).status_code == 200
    membership = Membership.objects.get(member__user=member_x)
    membership.ended = timezone.localdate() - datetime.timedelta(days=1)
    membership.save(update_fields=["ended"])

    refused = client.get(address)

    assert refused.status_code == 404
    assert b"VEVENT" not in refused.content


def test_the_feed_of_a_member_who_has_not_joined_yet_is_refused(
    client, monday, weekend_schedule, feed_x, member_x
):
    Membership.objects.filter(member__user=member_x).update(
        started=timezone.localdate() + datetime.timedelta(days=30)
    )

    assert client.get(f"/patrols/calendar/{feed_x.token}.ics").status_code == 404


def test_the_feed_of_a_member_without_a_login_is_refused(client, weekend_schedule, feed_x):
    Member.objects.filter(pk=feed_x.member_id).update(user=None)

    assert client.get(f"/patrols/calendar/{feed_x.token}.ics").status_code == 404


def test_a_new_address_makes_the_old_one_stop_working(client, weekend_schedule, feed_x, member_x):
    old = feed_x.token
    client.force_login(member_x)

    client.post("/patrols/calendar/link/")

    new = CalendarFeed.objects.get(member=member_of(member_x)).token
    assert new != old
    client.logout()
    assert client.get(f"/patrols/calendar/{old}.ics").status_code == 404
    assert client.get(f"/patrols/calendar/{new}.ics").status_code == 200


def test_the_member_finds_the_address_on_my_shifts(client, weekend_schedule, feed_x, member_x):
    client.force_login(member_x)

    html = client.get("/patrols/").content.decode()

    assert f"/patrols/calendar/{feed_x.token}.ics" in html
