"""An Open311 client written elsewhere (georeport, from PyPI) against /open311/v2/
on a live server, in both of its formats.

georeport reads only; the Python 3 clients on PyPI that file requests do not
exist (``three`` and ``open311`` are Python 2 code), so filing goes through
requests, form-encoded as the specification says, and is read back with georeport.
"""

from decimal import Decimal

import pytest
import requests
from georeport import GeoReport

from reports.models import Open311Client, Report
from reports.open311 import keys

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def endpoint(live_server):
    return f"{live_server.url}/open311/v2"


@pytest.fixture
def filed(file_report, theft, ward_a, unit_a1, group_x):
    return file_report(
        category=theft,
        ward=ward_a,
        unit=unit_a1,
        latitude=Decimal("20.951234"),
        longitude=Decimal("107.081987"),
    ).report


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(endpoint, fmt, filed, theft):
    client = GeoReport(endpoint, jurisdiction="07030", output_format=fmt)

    services = client.get_service_list()
    definition = client.get_service_definition(str(theft.pk))
    listed = client.get_service_requests(status="open", service_code=str(theft.pk))
    one = client.get_service_request(str(filed.pk))

    assert str(theft.pk) in [service["service_code"] for service in services]
    assert definition["service_code"] == str(theft.pk)
    if fmt == "xml":
        # xmltodict gives a single element as a dict, a repeated one as a list.
        listed = [listed] if isinstance(listed, dict) else listed
    assert [request["service_request_id"] for request in listed] == [str(filed.pk)]
    assert one["service_request_id"] == str(filed.pk)
    assert one["status"] == "open"
    assert str(one["lat"]) == "20.95"


def test_a_filing_over_http_is_read_back_by_georeport(endpoint, theft, ward_a, unit_a1, group_x):
    api_key = keys.issue_key(client=Open311Client(name="Cổng dữ liệu tỉnh"))
    form = {
        "api_key": api_key,
        "jurisdiction_id": "07030",
        "service_code": str(theft.pk),
        "address_string": "Chợ Hạ Long 1",
        "attribute[unit]": str(unit_a1.pk),
        "description": "Mất trộm hàng ở ki-ốt số 3.",
        "first_name": "Phạm",
        "last_name": "Đức",
    }

    refused = requests.post(f"{endpoint}/requests.json", data={**form, "api_key": "x"}, timeout=10)
    answer = requests.post(f"{endpoint}/requests.json", data=form, timeout=10)

    assert refused.status_code == 403
    assert refused.json()[0]["code"] == 403
    assert answer.status_code == 201
    request_id = answer.json()[0]["service_request_id"]
    report = Report.objects.get()
    assert request_id == str(report.pk) and report.channel == "open311"
    read_back = GeoReport(endpoint, jurisdiction="07030").get_service_request(request_id)
    assert read_back["service_name"] == str(theft)
    assert read_back["description"] is None  # theft is sensitive
