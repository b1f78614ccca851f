"""The public report form at /report/new/: a resident reports or tips without an account.

Every client here has its own made-up address, so the rate limit of one test
(or of another test process) never gets in the way of another.
"""

import io
import re
import secrets

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from PIL import Image

from reports import ratelimit, receipts
from reports.models import Category, Report, ReporterContact, ReportEvent, ReportPhoto

NAME = "Nguyễn Thị Hoa"
PHONE = "0987654321"
USER_AGENT = "Mozilla/5.0 (Linux; Android 14; SM-A546E) TuquanTestBrowser/1.0"


@pytest.fixture
def client_address():
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    yield address
    for scope in (ratelimit.REPORT, ratelimit.TRACK):
        cache.delete(ratelimit.cache_key(scope=scope, address=address))


@pytest.fixture
def client(client_address):
    return Client(REMOTE_ADDR=client_address, HTTP_USER_AGENT=USER_AGENT)


@pytest.fixture(autouse=True)
def _photos_in_a_temporary_directory(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _jpeg(name="photo.jpg", colour="red") -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(output, "JPEG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/jpeg")


def _form_data(*, category, ward, unit=None, **changes) -> dict:
    data = {
        "category": category.pk,
        "description": "Hai thanh niên lấy trộm xe máy trước nhà văn hóa.",
        "occurred_at": "",
        "ward": ward.pk,
        "unit": unit.pk if unit else "",
        "address": "Số 12 đường Lê Thánh Tông",
        "latitude": "",
        "longitude": "",
        "name": "",
        "phone": "",
        "passphrase": "",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _receipt_code(html: str) -> str:
    return re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}", html).group(0)


def _every_value_in(table: str) -> str:
    """All columns of all rows of a table, as one string, read with plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from models
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


# The page


def test_the_form_opens_for_a_resident_without_an_account(client, theft, ward_a, unit_a1):
    response = client.get("/report/new/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'type="file" name="photos"' in html and "multiple" in html
    assert 'name="anonymous"' in html
    assert str(theft) in html and ward_a.name in html and unit_a1.name in html
    # htmx narrows the units when the ward changes.
    assert 'hx-get="/report/units/"' in html
    assert "/static/js/report-location.js" in html


def test_the_form_loads_nothing_from_other_sites(client, seeded):
    response = client.get("/report/new/")

    html = response.content.decode()
    addresses = re.findall(r'(?:src|href|action)="([^"]*)"', html)
    assert addresses
    assert all(address.startswith(("/", "#", "tel:")) for address in addresses), addresses
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_without_javascript_the_units_are_grouped_by_ward(
    client, seeded, ward_a, ward_b, unit_a1, unit_b1
):
    html = client.get("/report/new/").content.decode()

    assert f'<optgroup label="{ward_a.name}">' in html
    assert f'<optgroup label="{ward_b.name}">' in html


def test_unit_options_list_only_the_units_of_the_chosen_ward(client, ward_a, unit_a1, unit_b1):
    response = client.get("/report/units/", {"ward": ward_a.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{unit_a1.pk}">{unit_a1.name}</option>' in html
    assert unit_b1.name not in html
    assert '<option value="" selected>' in html
    assert "<select" not in html


def test_unit_options_without_a_ward_list_every_unit(client, unit_a1, unit_b1):
    html = client.get("/report/units/", {"ward": "nonsense"}).content.decode()

    assert unit_a1.name in html and unit_b1.name in html


@pytest.mark.parametrize("ward", ["%C2%B2", "%D9%A3", "99999999999999999999999", "-1", "%00"])
def test_unit_options_for_a_ward_that_is_no_number_list_every_unit(client, unit_a1, unit_b1, ward):
    # "²".isdigit() is True and int("²") raises: only ASCII decimals name a ward.
    response = client.get(f"/report/units/?ward={ward}")

    assert response.status_code == 200
    assert unit_a1.name in response.content.decode() and unit_b1.name in response.content.decode()


# Sending


def test_a_named_report_is_saved_and_its_receipt_shown_once(
    client, theft, ward_a, unit_a1, group_x
):
    data = _form_data(category=theft, ward=ward_a, unit=unit_a1, name=NAME, phone="0987 654 321")
    data["photos"] = [_jpeg("one.jpg"), _jpeg("two.jpg", colour="blue")]

    response = client.post("/report/new/", data)

    assert response.status_code == 302
    assert response.url == "/report/receipt/"
    report = Report.objects.get()
    assert report.channel == "web" and not report.is_anonymous
    assert report.unit == unit_a1 and list(report.groups.all()) == [group_x]
    assert report.photos.count() == 2
    assert ReporterContact.objects.get(report=report).phone == PHONE

    receipt_page = client.get("/report/receipt/")
    html = receipt_page.content.decode()
    code = _receipt_code(html)
    assert receipt_page.status_code == 200
    assert receipts.receipt_digests(code)[0] == report.receipt_digest
    assert 'href="/report/track/"' in html
    assert "no-store" in receipt_page["Cache-Control"]

    again = client.get("/report/receipt/").content.decode()
    assert code not in again
    assert 'href="/report/track/"' in again


def test_a_named_reporters_contact_is_stored_encrypted(client, theft, ward_a):
    client.post("/report/new/", _form_data(category=theft, ward=ward_a, name=NAME, phone=PHONE))

    stored = _every_value_in("reports_reportercontact")
    contact = ReporterContact.objects.get()
    assert (contact.name, contact.phone) == (NAME, PHONE)
    assert NAME not in stored and PHONE not in stored
    assert "Nguy" not in stored


def test_an_anonymous_tip_keeps_nothing_that_identifies_the_sender(
    client, client_address, theft, ward_a, unit_a1
):
    data = _form_data(
        category=theft, ward=ward_a, unit=unit_a1, anonymous="on", name=NAME, phone=PHONE
    )
    data["photos"] = [_jpeg()]

    response = client.post("/report/new/", data, HTTP_X_FORWARDED_FOR="192.0.2.77")
    receipt_page = client.get("/report/receipt/").content.decode()

    assert response.status_code == 302
    report = Report.objects.get()
    assert report.is_anonymous and report.logged_by is None
    assert not ReporterContact.objects.exists()
    passphrase = re.search(r"\d{3}(?: \d{3}){5}", receipt_page).group(0)
    assert receipts.check_passphrase(passphrase, report.passphrase_hash)
    stored = " ".join(
        _every_value_in(table)
        for table in (
            "reports_report",
            "reports_reportevent",
            "reports_reportphoto",
            "reports_reportassignment",
            "django_session",
        )
    )
    assert ReportEvent.objects.exists() and ReportPhoto.objects.exists()
    for trace in (NAME, PHONE, "987654321", client_address, "192.0.2.77", "TuquanTestBrowser"):
        assert trace not in stored, trace


def test_a_tipster_may_choose_their_own_passphrase(client, theft, ward_a):
    data = _form_data(category=theft, ward=ward_a, anonymous="on", passphrase="hoa sen nở muộn")

    client.post("/report/new/", data)

    html = client.get("/report/receipt/").content.decode()
    assert "hoa sen nở muộn" in html
    assert receipts.check_passphrase("Hoa sen nở muộn", Report.objects.get().passphrase_hash)


def test_a_filled_honeypot_looks_accepted_but_saves_nothing(client, theft, ward_a, tmp_path):
    data = _form_data(category=theft, ward=ward_a, website="http://spam.example")
    data["photos"] = [_jpeg()]

    response = client.post("/report/new/", data)

    assert response.status_code == 302 and response.url == "/report/receipt/"
    assert _receipt_code(client.get("/report/receipt/").content.decode())
    assert not Report.objects.exists()
    assert not ReportPhoto.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_the_form_refuses_a_post_without_a_csrf_token(client_address, theft, ward_a):
    browser = Client(enforce_csrf_checks=True, REMOTE_ADDR=client_address)

    response = browser.post("/report/new/", _form_data(category=theft, ward=ward_a))

    assert response.status_code == 403
    assert not Report.objects.exists()


def test_the_form_accepts_a_post_with_the_csrf_token_of_its_page(client_address, theft, ward_a):
    browser = Client(enforce_csrf_checks=True, REMOTE_ADDR=client_address)
    page = browser.get("/report/new/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = browser.post(
        "/report/new/", {**_form_data(category=theft, ward=ward_a), "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert Report.objects.count() == 1


# Validation: each problem gets its own message on its own field, nothing is saved.


@pytest.fixture
def no_tips_category(seeded):
    return Category.objects.create(
        name="Thử nghiệm: không nhận tin ẩn danh", deadline_minutes=60, allows_anonymous=False
    )


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"category": ""}, "category", "required"),
        ({"category": "999999"}, "category", "invalid_choice"),
        ({"description": ""}, "description", "required"),
        ({"description": "x" * 5001}, "description", "max_length"),
        ({"ward": ""}, "ward", "required"),
        ({"occurred_at": "2999-01-01T10:00"}, "occurred_at", "future"),
        ({"occurred_at": "yesterday-ish"}, "occurred_at", "invalid"),
        # Before year 1 in UTC once converted: every later read of the row failed.
        ({"occurred_at": "0001-01-01T00:00"}, "occurred_at", "too_early"),
        ({"occurred_at": "1999-12-31T23:59"}, "occurred_at", "too_early"),
        ({"occurred_at": "9999-12-31T23:59"}, "occurred_at", "future"),
        ({"latitude": "20.95"}, "longitude", "incomplete"),
        ({"longitude": "107.08"}, "latitude", "incomplete"),
        ({"latitude": "95", "longitude": "107.08"}, "latitude", "max_value"),
        ({"phone": "call me maybe"}, "phone", "phone"),
        ({"anonymous": "on", "passphrase": "short"}, "passphrase", "passphrase_too_short"),
    ],
)
def test_a_form_with_a_problem_shows_it_on_its_field_and_saves_nothing(
    client, theft, ward_a, changes, field, code
):
    data = {**_form_data(category=theft, ward=ward_a), **changes}

    response = client.post("/report/new/", data)

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors[field]] == [code]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Report.objects.exists()


def test_a_unit_outside_the_chosen_ward_is_refused(client, theft, ward_a, unit_b1):
    response = client.post("/report/new/", _form_data(category=theft, ward=ward_a, unit=unit_b1))

    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors["unit"]] == ["unit_outside_ward"]
    assert not Report.objects.exists()


def test_an_anonymous_tip_in_a_category_that_forbids_it_is_refused(
    client, no_tips_category, ward_a
):
    response = client.post(
        "/report/new/", _form_data(category=no_tips_category, ward=ward_a, anonymous="on")
    )

    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors["anonymous"]] == ["anonymous_not_allowed"]
    assert not Report.objects.exists()


def test_six_photos_are_refused(client, theft, ward_a):
    data = _form_data(category=theft, ward=ward_a)
    data["photos"] = [_jpeg(f"{number}.jpg") for number in range(6)]

    response = client.post("/report/new/", data)

    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors["photos"]] == ["too_many"]
    assert not Report.objects.exists() and not ReportPhoto.objects.exists()


def test_a_bad_photo_keeps_what_the_resident_typed(client, theft, ward_a, unit_a1):
    data = _form_data(category=theft, ward=ward_a, unit=unit_a1, name=NAME)
    data["photos"] = [
        _jpeg("good.jpg"),
        SimpleUploadedFile("notes.jpg", b"not a picture at all", content_type="image/jpeg"),
    ]

    response = client.post("/report/new/", data)

    html = response.content.decode()
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors["photos"]] == ["not_an_image"]
    assert "notes.jpg" in html
    assert "Hai thanh niên lấy trộm xe máy trước nhà văn hóa." in html
    assert 'value="Số 12 đường Lê Thánh Tông"' in html
    assert f'value="{NAME}"' in html
    assert f'<option value="{theft.pk}" selected>' in html
    assert f'<option value="{ward_a.pk}" selected>' in html
    # The unit list is already narrowed to the chosen ward, its unit still chosen.
    assert f'<option value="{unit_a1.pk}" selected>' in html
    assert "<optgroup" not in html.split('name="unit"')[1].split("</select>")[0]
    assert response.context["photos_lost"]
    assert not Report.objects.exists()
