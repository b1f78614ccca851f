"""An incident found on patrol becomes a report linked to the patrol, in the group's inbox."""

import uuid

from patrols.models import PatrolIncident
from reports.models import Channel, Report
from tests.patrols.conftest import at


def _form(client, log, **query):
    suffix = "?" + "&".join(f"{name}={value}" for name, value in query.items()) if query else ""
    return client.get(f"/patrols/logs/{log.pk}/incident/{suffix}").context["form"]


def test_incident_found_opens_the_report_form_filled_in_from_the_patrol(
    client, started_log, leader_x, ward_a, unit_a1, karaoke
):
    client.force_login(leader_x)

    form = _form(client, started_log, hotspot=karaoke.pk)

    assert form["ward"].value() == ward_a.pk
    assert form["unit"].value() == unit_a1.pk
    assert form["occurred_at"].value() == at("2026-03-06", 21, 2).replace(tzinfo=None)  # local
    assert (form["name"].value(), form["address"].value()) == ("Leader X", "Ngõ 5, tổ dân phố 1")
    assert form["hotspot"].value() == karaoke.pk
    # The channel is the patrol, and a member reporting is never an anonymous tipster.
    assert not {"channel", "anonymous", "passphrase", "website"} & set(form.fields)


def test_the_incident_becomes_a_patrol_report_linked_both_ways_and_reaches_the_inbox(
    client, started_log, leader_x, theft, ward_a, unit_a1, karaoke, monday
):
    client.force_login(leader_x)
    form = _form(client, started_log, hotspot=karaoke.pk)
    data = {
        "key": form["key"].value(),
        "hotspot": karaoke.pk,
        "category": theft.pk,
        "description": "Phát hiện hai xe máy không biển số dựng trong ngõ.",
        "occurred_at": "2026-03-06T21:02",
        "ward": ward_a.pk,
        "unit": unit_a1.pk,
        "address": "Ngõ 5",
        "name": "Leader X",
        "phone": "0912345678",
    }

    response = client.post(f"/patrols/logs/{started_log.pk}/incident/", data)
    client.post(f"/patrols/logs/{started_log.pk}/incident/", data)  # sent twice

    assert response.status_code == 302
    assert response.url == f"/patrols/logs/{started_log.pk}/"
    report = Report.objects.get()
    assert (report.channel, report.logged_by, report.category) == (Channel.PATROL, leader_x, theft)
    assert report.patrol_incident.log == started_log
    assert list(started_log.incidents.values_list("report", flat=True)) == [report.pk]
    assert PatrolIncident.objects.get().hotspot == karaoke
    assert list(report.groups.all()) == [started_log.shift.group]
    inbox = client.get("/reports/")
    assert report in inbox.context["page"].object_list
    log_page = client.get(response.url).content.decode()
    assert f"/reports/{report.pk}/" in log_page


def test_a_member_not_leading_the_patrol_cannot_report_from_it(client, started_log, member_x):
    client.force_login(member_x)

    response = client.get(f"/patrols/logs/{started_log.pk}/incident/")

    # Member X is not on this log's attendance list: the log is not even visible.
    assert response.status_code == 404


def test_a_member_on_the_patrol_sees_its_log_but_cannot_report_from_it(
    client, started_log, leader_x, member_x
):
    from patrols import logbook
    from tests.patrols.conftest import member_of

    logbook.record_attendance(
        log=started_log,
        by=leader_x,
        key=uuid.uuid4(),
        members={member_of(member_x).pk: True},
        partners={},
    )
    client.force_login(member_x)

    assert client.get(f"/patrols/logs/{started_log.pk}/").status_code == 200
    assert client.get(f"/patrols/logs/{started_log.pk}/incident/").status_code == 403
