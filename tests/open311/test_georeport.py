"""Open311 GeoReport v2 at /open311/v2/: the specification's fields in JSON and
XML, what is never published, filters, filing with and without a key, errors."""

import datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from groups.models import Area
from reports.lifecycle import apply_transition
from reports.models import Channel, Open311Client, Report, Status
from reports.open311 import keys

ROOT = "/open311/v2"
FORMATS = ["json", "xml"]

# The specification's field lists (GeoReport v2), in its order.
DISCOVERY_FIELDS = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_FIELDS = ["specification", "url", "changeset", "type", "formats"]
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
DEFINITION_FIELDS = ["service_code", "attributes"]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
FILED_FIELDS = ["service_request_id", "token", "service_notice", "account_id"]
TOKEN_FIELDS = ["service_request_id", "token"]
ERROR_FIELDS = ["code", "description"]


def fetch(client, path, fmt, params=None, *, method="get"):
    """(status, body as Python data): JSON as parsed, XML as nested lists of
    (tag, children or text) turned into the same dicts and lists."""
    response = getattr(client, method)(f"{ROOT}/{path}.{fmt}", params or {})
    content_type = response["Content-Type"]
    if fmt == "json":
        assert content_type.startswith("application/json")
        return response.status_code, response.json()
    assert content_type.startswith("text/xml")
    return response.status_code, _xml(ElementTree.fromstring(response.content))  # noqa: S314 - our own answer


LISTS = {"services", "service_requests", "errors", "endpoints", "formats", "attributes", "values"}


def _xml(element):
    if element.tag in LISTS:
        return [_xml(child) for child in element]
    if len(element):
        return {child.tag: _xml(child) for child in element}
    return element.text


def _value(data, fmt):
    """A JSON value as the XML gives it (text, or None for an empty element)."""
    if fmt == "json":
        return data
    if data is None:
        return None
    if isinstance(data, bool):
        return "true" if data else "false"
    return str(data)


@pytest.fixture
def api_key(db):
    return keys.issue_key(client=Open311Client(name="Ứng dụng phường Hạ Long"))


@pytest.fixture
def listed(file_report, theft, ward_a, unit_a1, group_x):
    """A named theft report with a map point: listed, without its description."""
    return file_report(
        category=theft,
        ward=ward_a,
        unit=unit_a1,
        address="Số 12 ngõ 5 Lê Lợi",
        latitude=Decimal("20.951234"),
        longitude=Decimal("107.081987"),
        description="Anh Tuấn nhà số 12 bị mất xe.",
    ).report


@pytest.fixture
def hygiene(seeded):
    from reports.models import Category

    return Category.objects.get(name="Vệ sinh, môi trường")


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_specification_and_both_formats(client, fmt, db):
    status, body = fetch(client, "discovery", fmt)

    assert status == 200
    assert list(body) == DISCOVERY_FIELDS
    (endpoint,) = body["endpoints"]
    assert list(endpoint) == ENDPOINT_FIELDS
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["url"].endswith("/open311/v2/")


def test_services_and_a_definition_take_one_query_each(
    client, theft, unit_a1, django_assert_num_queries
):
    with django_assert_num_queries(1):
        fetch(client, "services", "json")
    # The jurisdiction, the category, the ward's units.
    with django_assert_num_queries(3):
        fetch(client, f"services/{theft.pk}", "xml", {"jurisdiction_id": "07030"})


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_categories_of_the_public_form(client, fmt, theft, about_the_group):
    theft_code = str(theft.pk)
    about_code = str(about_the_group.pk)
    about_the_group.active = False
    about_the_group.save()

    status, services = fetch(client, "services", fmt)

    assert status == 200
    assert all(list(service) == SERVICE_FIELDS for service in services)
    codes = [service["service_code"] for service in services]
    assert theft_code in codes and about_code not in codes
    theft_service = services[codes.index(theft_code)]
    assert theft_service["type"] == "realtime"
    assert theft_service["metadata"] == _value(True, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_lists_the_attributes_the_form_asks_for(
    client, fmt, theft, ward_a, unit_a1, unit_b1
):
    status, definition = fetch(client, f"services/{theft.pk}", fmt, {"jurisdiction_id": "07030"})

    assert status == 200
    assert list(definition) == DEFINITION_FIELDS
    unit, about_group = definition["attributes"]
    assert list(unit) == ATTRIBUTE_FIELDS and list(about_group) == ATTRIBUTE_FIELDS
    assert unit["code"] == "unit" and unit["datatype"] == "singlevaluelist"
    assert unit["values"] == [{"key": str(unit_a1.pk), "name": unit_a1.name}]
    assert about_group["code"] == "concerns_group_member"
    assert about_group["datatype"] == "singlevaluelist"
    assert [value["key"] for value in about_group["values"]] == ["true", "false"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_category_about_the_group_asks_only_for_the_unit(client, fmt, about_the_group):
    _status, definition = fetch(client, f"services/{about_the_group.pk}", fmt)

    (unit,) = definition["attributes"]
    assert unit["code"] == "unit" and unit["datatype"] == "number"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["999999", "abc", "²"])
def test_an_unknown_service_is_a_404_error_list(client, fmt, seeded, code):
    status, errors = fetch(client, f"services/{code}", fmt)

    assert status == 404
    assert [list(error) for error in errors] == [ERROR_FIELDS]
    assert errors[0]["code"] == _value(404, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_list_public_safe_fields_only(client, fmt, listed):
    status, requests = fetch(client, "requests", fmt)

    assert status == 200
    (request,) = requests
    assert list(request) == REQUEST_FIELDS
    assert request["service_request_id"] == str(listed.pk)
    assert request["status"] == "open"
    assert request["status_notes"]
    # Theft is sensitive: no description. No address, only the ward; the point coarsened.
    assert request["description"] is None
    assert request["address"] == "Phường Hạ Long"
    assert request["lat"] == _value(20.95, fmt) and request["long"] == _value(107.08, fmt)
    assert request["media_url"] is None
    text = str(requests)
    for secret in ("Tuấn", "Lê Lợi", "Nguyễn Thị Hoa", "0987654321", "20.951", "107.081"):
        assert secret not in text
    assert datetime.datetime.fromisoformat(request["requested_datetime"]).utcoffset() is not None
    assert request["requested_datetime"].endswith("+07:00")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_category_marked_public_shows_its_description(client, fmt, file_report, hygiene, ward_a):
    file_report(category=hygiene, ward=ward_a, description="Rác đổ trộm ở bờ kênh.")

    _status, (request,) = fetch(client, "requests", fmt)

    assert request["description"] == "Rác đổ trộm ở bờ kênh."


def test_anonymous_tips_and_police_only_reports_are_never_listed(
    client, file_report, theft, about_the_group, ward_a, unit_a1, group_x, listed
):
    tip = file_report(category=theft, ward=ward_a, anonymous=True).report
    police_only = file_report(category=about_the_group, ward=ward_a, unit=unit_a1).report
    member = file_report(
        category=theft, ward=ward_a, unit=unit_a1, concerns_group_member=True
    ).report

    _status, requests = fetch(client, "requests", "json")
    ids = {str(tip.pk), str(police_only.pk), str(member.pk)}
    _status, by_id = fetch(client, "requests", "json", {"service_request_id": ",".join(ids)})

    assert [request["service_request_id"] for request in requests] == [str(listed.pk)]
    assert by_id == []
    for report in (tip, police_only, member):
        status, errors = fetch(client, f"requests/{report.pk}", "json")
        assert status == 404 and errors[0]["code"] == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_is_a_list_of_one(client, fmt, listed):
    status, requests = fetch(client, f"requests/{listed.pk}", fmt)

    assert status == 200
    assert len(requests) == 1 and list(requests[0]) == REQUEST_FIELDS


def test_our_lifecycle_maps_to_open_and_closed_with_notes(client, listed, leader_x):
    apply_transition(report=listed, to=Status.ACKNOWLEDGED, by=leader_x)
    _status, (acknowledged,) = fetch(client, f"requests/{listed.pk}", "json")
    apply_transition(report=listed, to=Status.RESOLVED, by=leader_x, outcome="Đã bắt được kẻ trộm.")
    _status, (resolved,) = fetch(client, f"requests/{listed.pk}", "json")

    assert acknowledged["status"] == "open"
    assert resolved["status"] == "closed"
    assert acknowledged["status_notes"] != resolved["status_notes"]
    assert "kẻ trộm" not in str(resolved)
    assert resolved["updated_datetime"] >= resolved["requested_datetime"]


def test_filters_by_service_code_status_and_dates(
    client, file_report, listed, fight, ward_a, unit_a1, leader_x
):
    fight_report = file_report(category=fight, ward=ward_a, unit=unit_a1).report
    apply_transition(report=fight_report, to=Status.REJECTED, by=leader_x, note="Không đúng.")
    _received(listed, days_ago=40)

    def ids(**params):
        status, requests = fetch(client, "requests", "json", params)
        assert status == 200
        return [request["service_request_id"] for request in requests]

    assert ids() == [str(fight_report.pk), str(listed.pk)]
    assert ids(service_code=str(fight.pk)) == [str(fight_report.pk)]
    assert ids(status="open") == [str(listed.pk)]
    assert ids(status="closed") == [str(fight_report.pk)]
    assert ids(status="open,closed") == [str(fight_report.pk), str(listed.pk)]
    since = (timezone.now() - datetime.timedelta(days=10)).isoformat()
    assert ids(start_date=since) == [str(fight_report.pk)]
    until = (timezone.now() - datetime.timedelta(days=30)).isoformat()
    assert ids(end_date=until) == [str(listed.pk)]
    # The default window is the last 90 days.
    _received(listed, days_ago=91)
    assert ids() == [str(fight_report.pk)]
    # The ids override every other filter.
    assert ids(service_request_id=str(listed.pk), status="closed") == [str(listed.pk)]


def _received(report, *, days_ago):
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    Report.objects.filter(pk=report.pk).update(created_at=moment, occurred_at=moment)


def test_the_list_stops_at_a_thousand_rows(client, listed, django_assert_num_queries):
    reports = [
        Report(
            **{
                field.attname: getattr(listed, field.attname)
                for field in Report._meta.concrete_fields
                if field.attname not in ("id", "receipt_digest")
            },
            receipt_digest=f"{number:064d}",
        )
        for number in range(1000)
    ]
    Report.objects.bulk_create(reports)

    # One query for the page, whatever its length; one more for the jurisdiction.
    with django_assert_num_queries(1):
        _status, requests = fetch(client, "requests", "json")
    with django_assert_num_queries(2):
        fetch(client, "requests", "xml", {"jurisdiction_id": "07030"})

    assert len(requests) == 1000


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-13-45T00:00:00Z"},
        {"start_date": "1999-01-01T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"status": "pending"},
        {"service_code": "1;DROP"},
        {"service_request_id": "1,²"},
    ],
)
def test_bad_filters_are_a_400_error_list(client, fmt, seeded, params):
    status, errors = fetch(client, "requests", fmt, params)

    assert status == 400
    assert [list(error) for error in errors] == [ERROR_FIELDS]
    assert errors[0]["code"] == _value(400, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_jurisdiction_is_a_wards_official_code(client, fmt, listed, ward_b):
    status, requests = fetch(client, "requests", fmt, {"jurisdiction_id": "07030"})
    other_status, other = fetch(client, "requests", fmt, {"jurisdiction_id": ward_b.code})
    unknown_status, errors = fetch(client, "services", fmt, {"jurisdiction_id": "99999"})

    assert status == 200 and len(requests) == 1
    assert other_status == 200 and other == []
    assert unknown_status == 404 and errors[0]["code"] == _value(404, fmt)


# Filing ------------------------------------------------------------------------


def _filing(category, **changes):
    return {
        "jurisdiction_id": "07030",
        "attribute[unit]": str(Area.objects.get(name="Tổ dân phố 1").pk),
        "service_code": str(category.pk),
        "lat": "20.951234",
        "long": "107.081987",
        "address_string": "Chợ Hạ Long 1",
        "description": "Cháy chập điện ở ki-ốt số 3.",
        "first_name": "Phạm",
        "last_name": "Văn Đức",
        "phone": "0912000111",
        "email": "duc@example.test",
        **changes,
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_client_with_a_key_files_a_request_through_the_intake(
    client, fmt, api_key, theft, ward_a, unit_a1, group_x
):
    status, filed = fetch(client, "requests", fmt, _filing(theft, api_key=api_key), method="post")

    assert status == 201
    (answer,) = filed
    assert list(answer) == FILED_FIELDS
    report = Report.objects.get()
    assert answer["service_request_id"] == str(report.pk)
    assert report.channel == Channel.OPEN311 and not report.is_anonymous
    assert list(report.groups.all()) == [group_x]
    assert report.contact.name == "Phạm Văn Đức"
    assert Open311Client.objects.get().last_used_at is not None
    status, tokens = fetch(client, f"tokens/{answer['token']}", fmt)
    assert status == 200 and list(tokens[0]) == TOKEN_FIELDS
    assert tokens[0]["service_request_id"] == str(report.pk)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", [None, "", "not-a-key", "x" * 500])
def test_filing_without_a_valid_key_is_a_403(client, fmt, api_key, theft, unit_a1, key):
    data = _filing(theft) if key is None else _filing(theft, api_key=key)

    status, errors = fetch(client, "requests", fmt, data, method="post")

    assert status == 403
    assert [list(error) for error in errors] == [ERROR_FIELDS]
    assert not Report.objects.exists()


def test_a_switched_off_client_is_refused(client, api_key, theft, unit_a1):
    Open311Client.objects.update(active=False)

    status, _errors = fetch(
        client, "requests", "json", _filing(theft, api_key=api_key), method="post"
    )

    assert status == 403


@pytest.mark.parametrize(
    ("changes", "status", "named"),
    [
        ({"service_code": "999999"}, 400, "service_code"),
        ({"description": ""}, 400, "description"),
        ({"lat": "", "long": "", "address_string": ""}, 400, "lat"),
        ({"lat": "91"}, 400, "lat"),
        ({"phone": "gọi tôi"}, 400, "phone"),
        ({"jurisdiction_id": "99999"}, 404, "jurisdiction_id"),
        ({"jurisdiction_id": ""}, 400, "jurisdiction_id"),
        ({"attribute[unit]": "999999"}, 400, "attribute[unit]"),
    ],
)
def test_bad_filings_name_the_field(
    client, api_key, theft, unit_a1, ward_b, changes, status, named
):
    got, errors = fetch(
        client, "requests", "json", _filing(theft, api_key=api_key, **changes), method="post"
    )

    assert got == status
    assert named in " ".join(error["description"] for error in errors)
    assert not Report.objects.exists()


def test_jurisdiction_may_be_left_out_where_there_is_one_ward(client, api_key, theft, unit_a1):
    status, _filed = fetch(
        client,
        "requests",
        "json",
        _filing(theft, api_key=api_key, jurisdiction_id=""),
        method="post",
    )

    assert status == 201
    assert Report.objects.get().ward.code == "07030"


def test_a_request_about_the_group_goes_to_the_police_and_is_not_listed(
    client, api_key, theft, unit_a1, group_x
):
    status, (filed,) = fetch(
        client,
        "requests",
        "json",
        _filing(theft, api_key=api_key, **{"attribute[concerns_group_member]": "true"}),
        method="post",
    )

    assert status == 201
    assert Report.objects.get().police_only
    assert filed["service_notice"]
    assert fetch(client, f"requests/{filed['service_request_id']}", "json")[0] == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_forged_token_is_a_404(client, fmt, seeded):
    status, errors = fetch(client, "tokens/12:forged", fmt)

    assert status == 404 and errors[0]["code"] == _value(404, fmt)


def test_a_client_key_is_kept_only_as_a_digest(api_key):
    stored = Open311Client.objects.get()

    assert api_key not in str(Open311Client.objects.values_list())
    assert stored.key_digest == keys.digest(api_key) and api_key.startswith(stored.key_prefix)
    assert keys.client_for_key(api_key) == stored


def test_a_new_client_system_gets_its_key_once_in_the_admin(client, superuser):
    client.force_login(superuser)

    response = client.post(
        "/admin/reports/open311client/add/",
        {"name": "Cổng dữ liệu tỉnh", "contact": "so-tttt@example.test", "active": "on"},
        follow=True,
    )

    stored = Open311Client.objects.get()
    shown = " ".join(str(message) for message in response.context["messages"])
    key = next(word for word in shown.split() if word.startswith(stored.key_prefix)).rstrip(".")
    assert keys.client_for_key(key) == stored
    assert (
        key not in client.get(f"/admin/reports/open311client/{stored.pk}/change/").content.decode()
    )
