"""A report's detail page and its actions through HTTP, with and without htmx."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from groups.models import User
from reports import conversation, receipts
from reports.intake import submit_report
from reports.lifecycle import apply_transition
from reports.models import Channel, Report, ReportEvent, Status
from reports.photos import clean_photo

HTMX = {"HTTP_HX_REQUEST": "true"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def report(file_report, theft, ward_a, unit_a1, group_x):
    return file_report(
        category=theft,
        ward=ward_a,
        unit=unit_a1,
        address="Cổng chợ Hạ Long 1",
        latitude="20.951100",
        longitude="107.080300",
        description="Hai thanh niên lấy trộm xe máy trước cổng chợ.",
    ).report


@pytest.fixture
def police_only_report(file_report, about_the_group, ward_a, unit_a1, group_x):
    return file_report(category=about_the_group, ward=ward_a, unit=unit_a1).report


def _detail(client, user, report, **headers):
    client.force_login(user)
    return client.get(f"/reports/{report.pk}/", **EN, **headers)


def _post(client, user, report, action: str, data: dict, **headers):
    """Posts as the page's form does; a move as from its confirmation step."""
    client.force_login(user)
    if action == "status":
        data = {"confirmed": "1", **data}
    return client.post(f"/reports/{report.pk}/{action}/", data, **EN, **headers)


def _timeline_entry(html: str, text: str) -> str:
    """The timeline's <li> that holds `text`."""
    end = html.index(text)
    return html[html.rindex("<li>", 0, end) : end]


# Who sees the page


def test_the_detail_page_needs_a_sign_in(client, report):
    response = client.get(f"/reports/{report.pk}/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("province_admin", 200),
        ("police_a", 200),
        ("leader_x", 200),
        ("member_x", 404),
        ("police_b", 404),
        ("leader_y", 404),
    ],
)
def test_the_detail_page_is_shown_only_to_those_who_see_the_report(
    request, client, report, role, status
):
    response = _detail(client, request.getfixturevalue(role), report)

    assert response.status_code == status


def test_a_report_for_the_police_only_is_hidden_from_the_group(
    client, leader_x, police_a, police_only_report
):
    assert _detail(client, leader_x, police_only_report).status_code == 404
    assert _detail(client, police_a, police_only_report).status_code == 200


def test_the_detail_page_shows_the_report(client, leader_x, report):
    html = _detail(client, leader_x, report).content.decode()

    for text in [
        "Theft",
        "High",
        "Tổ dân phố 1, Phường Hạ Long",
        "Cổng chợ Hạ Long 1",
        "20.951100, 107.080300",
        "Web form",
        "Hai thanh niên lấy trộm xe máy trước cổng chợ.",
        "Status: New",
        "Deadline:",
    ]:
        assert text in html, text


def test_a_handler_sees_the_actions_the_lifecycle_allows(client, leader_x, report):
    html = _detail(client, leader_x, report).content.decode()

    for button in [
        "Acknowledge",
        "Start work",
        "Resolve",
        "Refer to police",
        "Mark as duplicate",
        "Reject",
    ]:
        assert f">{button}<" in html, button
    assert ">Reopen<" not in html
    assert ">Take over<" not in html
    assert f'action="/reports/{report.pk}/messages/"' in html


def test_the_police_take_over_a_referred_report_and_the_group_cannot(
    client, leader_x, police_a, report
):
    apply_transition(report=report, to=Status.REFERRED, by=leader_x)

    police_html = _detail(client, police_a, report).content.decode()
    leader_html = _detail(client, leader_x, report).content.decode()

    assert ">Take over<" in police_html
    assert ">Take over<" not in leader_html
    assert 'name="to" value="in_progress"' not in leader_html


def test_a_member_who_logged_a_report_follows_it_without_actions_or_internal_notes(
    client, member_x, leader_x, theft, ward_a, unit_a1
):
    logged = submit_report(
        data={"category": theft, "ward": ward_a, "unit": unit_a1, "description": "Mất ví."},
        channel=Channel.WALK_IN,
        logged_by=member_x,
    ).report
    conversation.add_note(report=logged, by=leader_x, text="Ghi chú nội bộ của tổ trưởng.")
    conversation.ask_reporter(report=logged, by=leader_x, text="Ví màu gì?")

    html = _detail(client, member_x, logged).content.decode()

    assert "Walk-in" in html
    assert 'name="to"' not in html
    assert "/messages/" not in html
    assert "Ghi chú nội bộ của tổ trưởng." not in html
    assert "Ví màu gì?" in html


# Status changes


def test_acknowledging_without_htmx_redirects_back_with_a_message(client, leader_x, report):
    response = _post(client, leader_x, report, "status", {"to": "acknowledged"})

    assert response.status_code == 302
    assert response.url == f"/reports/{report.pk}/"
    report.refresh_from_db()
    assert report.status == Status.ACKNOWLEDGED
    assert report.acknowledged_at is not None
    # Without a note the change is public: the reporter sees someone took it up.
    assert report.events.get(kind=ReportEvent.Kind.STATUS).public
    page = client.get(response.url, **EN).content.decode()
    assert "The report is now “Acknowledged”." in page
    assert "Status: Acknowledged" in page


def test_acknowledging_with_htmx_swaps_in_the_actions_and_timeline(client, leader_x, report):
    response = _post(client, leader_x, report, "status", {"to": "acknowledged"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="handling"')
    assert "<html" not in html
    assert "Status: Acknowledged" in html
    assert "from “New” to “Acknowledged”" in html
    assert ">Acknowledge<" not in html
    report.refresh_from_db()
    assert report.status == Status.ACKNOWLEDGED


def test_resolving_records_the_outcome_and_a_public_note_when_asked(client, leader_x, report):
    _post(
        client,
        leader_x,
        report,
        "status",
        {"to": "resolved", "outcome": "Đã tìm lại xe.", "note": "Cảm ơn bạn.", "public": "on"},
    )

    report.refresh_from_db()
    assert report.status == Status.RESOLVED
    assert report.outcome == "Đã tìm lại xe."
    event = report.events.get(kind=ReportEvent.Kind.STATUS)
    assert (event.note, event.public) == ("Cảm ơn bạn.", True)


def test_a_note_stays_internal_unless_the_handler_ticks_the_box(client, leader_x, report):
    _post(client, leader_x, report, "status", {"to": "referred", "note": "Đối tượng có dao."})

    event = report.events.get(kind=ReportEvent.Kind.STATUS)
    assert event.note == "Đối tượng có dao."
    assert not event.public


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_resolving_without_an_outcome_shows_the_error_on_the_field(
    client, leader_x, report, headers
):
    response = _post(client, leader_x, report, "status", {"to": "resolved"}, **headers)

    assert response.status_code == (200 if headers else 400)
    html = response.content.decode()
    assert "Say how the report was resolved." in html
    assert 'id="outcome-resolved" name="outcome" rows="3" required aria-invalid="true"' in html
    report.refresh_from_db()
    assert report.status == Status.NEW
    assert not report.events.filter(kind=ReportEvent.Kind.STATUS).exists()


def test_rejecting_needs_a_reason(client, leader_x, report):
    refused = _post(client, leader_x, report, "status", {"to": "rejected", "note": " "})
    done = _post(client, leader_x, report, "status", {"to": "rejected", "note": "Tin sai sự thật."})

    assert refused.status_code == 400
    assert "Give a reason." in refused.content.decode()
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.REJECTED
    assert report.events.get(kind=ReportEvent.Kind.STATUS).note == "Tin sai sự thật."


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_move_the_lifecycle_refuses_is_explained_not_a_crash(client, leader_x, report, headers):
    apply_transition(report=report, to=Status.RESOLVED, by=leader_x, outcome="Xong.")

    response = _post(client, leader_x, report, "status", {"to": "acknowledged"}, **headers)

    assert response.status_code == (200 if headers else 400)
    assert "cannot become" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.RESOLVED


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_move_for_the_police_only_is_refused_to_the_group_with_a_message(
    client, leader_x, report, headers
):
    apply_transition(report=report, to=Status.RESOLVED, by=leader_x, outcome="Xong.")

    response = _post(
        client, leader_x, report, "status", {"to": "in_progress", "note": "Mở lại"}, **headers
    )

    assert response.status_code == (200 if headers else 403)
    assert "You may not make this change to the report." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.RESOLVED


def test_a_member_who_sees_a_logged_report_may_not_move_it(client, member_x, theft, ward_a):
    logged = submit_report(
        data={"category": theft, "ward": ward_a, "description": "Mất ví."},
        channel=Channel.PHONE,
        logged_by=member_x,
    ).report

    response = _post(client, member_x, logged, "status", {"to": "acknowledged"})

    assert response.status_code == 403
    assert "You may not make this change to the report." in response.content.decode()
    logged.refresh_from_db()
    assert logged.status == Status.NEW


@pytest.mark.parametrize("action", ["status", "messages", "merge"])
def test_actions_on_a_report_the_user_cannot_see_are_not_found(client, leader_y, report, action):
    response = _post(client, leader_y, report, action, {"to": "acknowledged", "kind": "note"})

    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == Status.NEW
    assert report.events.count() == 1


@pytest.mark.parametrize("target", ["duplicate", "new", "flying"])
def test_a_move_that_is_no_action_of_this_form_is_refused(client, leader_x, report, target):
    response = _post(client, leader_x, report, "status", {"to": target})

    assert response.status_code == 400
    assert "Choose one of the actions shown." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.NEW


def test_actions_take_only_posts(client, leader_x, report):
    client.force_login(leader_x)

    assert client.get(f"/reports/{report.pk}/status/?to=acknowledged").status_code == 405
    report.refresh_from_db()
    assert report.status == Status.NEW


# Notes, questions and updates


@pytest.mark.parametrize(
    ("kind", "public", "marker"),
    [
        ("note", False, "internal"),
        ("question", True, "visible to the reporter"),
        ("update", True, "visible to the reporter"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_handler_writes_on_the_timeline(client, leader_x, report, kind, public, marker, headers):
    response = _post(
        client, leader_x, report, "messages", {"kind": kind, "text": "Xe màu gì?"}, **headers
    )

    event = report.events.get(kind=kind)
    assert (event.note, event.public, event.actor) == ("Xe màu gì?", public, leader_x)
    if headers:
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<section id="handling"')
    else:
        assert response.status_code == 302
        html = client.get(response.url, **EN).content.decode()
    assert marker in _timeline_entry(html, "Xe màu gì?")


def test_a_question_to_the_reporter_is_a_public_event(client, police_a, report):
    _post(client, police_a, report, "messages", {"kind": "question", "text": "Bạn thấy mấy người?"})

    question = report.events.get(kind=ReportEvent.Kind.QUESTION)
    assert question.public
    assert question.note == "Bạn thấy mấy người?"
    assert list(report.events.filter(public=True).values_list("kind", flat=True)) == [
        ReportEvent.Kind.CREATED,
        ReportEvent.Kind.QUESTION,
    ]


def test_a_message_from_the_reporter_is_marked_as_such(client, leader_x, report):
    ReportEvent.objects.create(
        report=report, kind=ReportEvent.Kind.REPORTER_MESSAGE, note="Có hai người.", public=True
    )

    html = _detail(client, leader_x, report).content.decode()

    entry = _timeline_entry(html, "Có hai người.")
    assert "Message from the reporter" in entry
    assert "· from the reporter" in entry


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_empty_message_is_refused_on_the_field(client, leader_x, report, headers):
    response = _post(client, leader_x, report, "messages", {"kind": "note", "text": ""}, **headers)

    assert response.status_code == (200 if headers else 400)
    assert "This field is required." in response.content.decode()
    assert report.events.count() == 1


def test_a_member_may_not_write_on_a_report_they_logged(client, member_x, theft, ward_a):
    logged = submit_report(
        data={"category": theft, "ward": ward_a, "description": "Mất ví."},
        channel=Channel.PHONE,
        logged_by=member_x,
    ).report

    response = _post(client, member_x, logged, "messages", {"kind": "question", "text": "Hỏi?"})

    assert response.status_code == 403
    assert "You may not write on this report." in response.content.decode()
    assert not logged.events.filter(kind=ReportEvent.Kind.QUESTION).exists()


def test_writing_on_the_timeline_checks_who_handles_the_report(leader_x, leader_y, report):
    with pytest.raises(PermissionDenied):
        conversation.add_note(report=report, by=leader_y, text="Không phải tổ của tôi.")
    with pytest.raises(ValidationError) as empty:
        conversation.ask_reporter(report=report, by=leader_x, text="   ")

    assert "text" in empty.value.message_dict
    assert report.events.count() == 1


# Photos


def _jpeg() -> bytes:
    output = io.BytesIO()
    Image.effect_noise((32, 24), 64).convert("RGB").save(output, "JPEG")
    return output.getvalue()


@pytest.fixture
def photo(settings, tmp_path, theft, ward_a, unit_a1, group_x):
    settings.MEDIA_ROOT = tmp_path
    cleaned = clean_photo(upload=SimpleUploadedFile("p.jpg", _jpeg(), content_type="image/jpeg"))
    report = submit_report(
        data={"category": theft, "ward": ward_a, "unit": unit_a1, "description": "Có ảnh."},
        channel=Channel.WEB,
        photos=[cleaned],
    ).report
    return report.photos.get()


def test_the_detail_page_links_thumbnails_to_the_photo_view(client, leader_x, photo):
    html = _detail(client, leader_x, photo.report).content.decode()

    assert f'<a href="/reports/photos/{photo.pk}/"><img src="/reports/photos/{photo.pk}/"' in html


def test_the_photo_is_served_privately_to_a_leader_of_the_group(client, leader_x, photo):
    client.force_login(leader_x)

    response = client.get(f"/reports/photos/{photo.pk}/")

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == photo.image.storage.open(photo.image.name).read()
    assert body[:2] == b"\xff\xd8"
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_the_photo_is_not_found_for_a_leader_of_another_group(client, leader_y, photo):
    client.force_login(leader_y)

    assert client.get(f"/reports/photos/{photo.pk}/").status_code == 404


def test_the_photo_is_not_found_for_an_anonymous_visitor(client, photo):
    assert client.get(f"/reports/photos/{photo.pk}/").status_code == 404


# Logging a report for a resident


def test_a_member_logs_a_phone_report_and_lands_on_its_page(
    client, member_x, theft, ward_a, unit_a1
):
    client.force_login(member_x)
    assert client.get("/reports/log/").status_code == 200

    response = client.post(
        "/reports/log/",
        {
            "channel": "phone",
            "category": theft.pk,
            "description": "Bà Lan gọi báo mất xe đạp.",
            "ward": ward_a.pk,
            "unit": unit_a1.pk,
            "name": "Lê Thị Lan",
            "phone": "0911222333",
        },
        **EN,
    )

    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == f"/reports/{report.pk}/"
    assert (report.channel, report.logged_by, report.ward) == (Channel.PHONE, member_x, ward_a)
    assert report.contact.name == "Lê Thị Lan"
    page = client.get(response.url, **EN).content.decode()
    code = re.search(r"receipt code ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", page)
    assert Report.objects.get(receipt_digest__in=receipts.receipt_digests(code[1])) == report
    # The member who took the call is a neighbour too: the contact is not shown back.
    assert "Lê Thị Lan" not in page
    assert "0911222333" not in page


def test_an_invalid_logged_report_is_shown_again_with_errors(client, leader_x, ward_a):
    client.force_login(leader_x)

    response = client.post("/reports/log/", {"channel": "zalo", "ward": ward_a.pk}, **EN)

    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"category", "description"}
    assert not Report.objects.exists()


def test_only_people_in_a_group_police_or_admins_log_reports(
    client, db, police_a, province_admin, member_x
):
    outsider = User.objects.create_user(username="resident", password="pw")
    for user, status in [(outsider, 403), (police_a, 200), (province_admin, 200), (member_x, 200)]:
        client.force_login(user)
        assert client.get("/reports/log/").status_code == status
    client.force_login(outsider)
    assert client.post("/reports/log/", {"channel": "phone"}).status_code == 403
