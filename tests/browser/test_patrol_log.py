"""On a 360 px phone: the leader starts a patrol, marks attendance, checks in at a hotspot
(with the network gone for a while), reports an incident and finishes the patrol.

Selectors use ids, names and addresses, not words: the page is in Vietnamese here.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from groups.models import Member
from patrols.models import (
    Hotspot,
    HotspotKind,
    LogStatus,
    PatrolLog,
    PatrolSchedule,
    PatrolShift,
)
from reports.models import Category, Channel, Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tonight(group_x, leader_x, member_x, unit_a1, ward_a):
    """A patrol of group X that began five minutes ago, with one hotspot on its route."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    start = now - datetime.timedelta(minutes=5)
    schedule = PatrolSchedule.objects.create(
        group=group_x,
        title="Tuần tra tối",
        rule="FREQ=DAILY",
        starts_on=start.date(),
        start_time=start.time(),
        end_time=(start + datetime.timedelta(hours=2)).time(),
    )
    hotspot = Hotspot.objects.create(
        ward=ward_a, unit=unit_a1, name="Quán karaoke đầu ngõ 5", kind=HotspotKind.DRUGS
    )
    schedule.hotspots.add(hotspot)
    shift = PatrolShift.objects.create(
        group=group_x,
        schedule=schedule,
        occurrence=start,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        meeting_point="Nhà văn hóa TDP 1",
    )
    for user in (leader_x, member_x):
        shift.assignments.create(member=Member.objects.get(user=user))
    return shift


def test_the_leader_logs_a_patrol_on_a_phone(
    phone_page, tonight, leader_x, member_x, sign_in, watch_problems
):
    page = phone_page
    problems = watch_problems(page)
    theft = Category.objects.get(name="Trộm cắp tài sản")
    member = Member.objects.get(user=member_x)

    sign_in(page, "leader_x", next_url=f"/patrols/shifts/{tonight.pk}/")
    page.click(f"form[action='/patrols/shifts/{tonight.pk}/start/'] button")
    page.wait_for_url("**/patrols/logs/*/")
    log = PatrolLog.objects.get()

    # Attendance, by keyboard: Member X was there.
    page.focus(f"input[name='member_{member.pk}'][value='present']")
    page.keyboard.press("Space")
    page.click("form[action$='/attendance/'] button[type=submit]")
    page.wait_for_selector("#patrol-log-body[data-people-present='2']")
    assert PatrolLog.objects.get().people_present == 2

    # The network drops in the middle of the check-in: it waits on the phone.
    page.context.set_offline(True)
    checkin = page.locator("form.checkin").first
    checkin.locator("input[name=note]").fill("Ba thanh niên tụ tập trước quán")
    checkin.locator("button[type=submit]").click()
    page.wait_for_selector("#queue-list li")
    page.fill("#id_observations", "Khu vực chợ yên tĩnh")
    assert not log.checkins.exists()
    page.context.set_offline(False)
    page.wait_for_selector("#patrol-log-body a[href^='/patrols/hotspots/']", timeout=30_000)
    expect(page.locator("#queue-list li")).to_have_count(0)
    assert log.checkins.get().note == "Ba thanh niên tụ tập trước quán"
    # What was typed but not sent is still there after the page was redrawn.
    assert page.input_value("#id_observations") == "Khu vực chợ yên tĩnh"

    # Incident found: the report form comes filled in from the patrol.
    page.click(f"a[href='/patrols/logs/{log.pk}/incident/']")
    assert page.input_value("#id_ward") == str(tonight.group.ward_id)
    assert page.input_value("#id_name") == "Leader X"
    page.select_option("#id_category", str(theft.pk))
    page.fill("#id_description", "Hai xe máy không biển số dựng trong ngõ 5.")
    page.click("form.report-form button[type=submit]")
    page.wait_for_url(f"**/patrols/logs/{log.pk}/")
    report = Report.objects.get()
    assert page.locator(f"a[href='/reports/{report.pk}/']").count() == 1

    # It is in the group's report inbox.
    page.goto("/reports/")
    assert page.locator(f"a[href='/reports/{report.pk}/']").count() == 1
    page.goto(f"/patrols/logs/{log.pk}/")

    page.click("form[action$='/notes/'] button[type=submit]")
    page.click("form[action$='/finish/'] button[type=submit]")
    page.wait_for_selector("#patrol-log-body[data-status='finished']")
    expect(page.locator("#queue-list li")).to_have_count(0)
    no_sideways_scroll = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )

    log.refresh_from_db()
    assert log.status == LogStatus.FINISHED
    assert log.observations == "Khu vực chợ yên tĩnh"
    assert dict(log.attendances.values_list("member__user__username", "present")) == {
        "leader_x": True,
        "member_x": True,
    }
    assert (report.channel, report.logged_by, report.patrol_incident.log) == (
        Channel.PATROL,
        leader_x,
        log,
    )
    assert list(report.groups.all()) == [tonight.group]
    assert no_sideways_scroll
    assert problems == []
