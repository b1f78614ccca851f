"""The OpenAPI schema of the public intake API says what the views do."""

import pytest
from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    patterns = [path("api/v1/public/", include("reports.public_api_urls"))]
    return SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)


def test_filing_takes_json_and_multipart_and_answers_the_receipt(schema):
    operation = schema["paths"]["/api/v1/public/reports/"]["post"]

    assert set(operation["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"201", "400", "429"} <= set(operation["responses"])
    # No authentication asked for: the intake is anonymous.
    assert operation.get("security", []) in ([], [{}])
    receipt = schema["components"]["schemas"]["Receipt"]
    assert set(receipt["properties"]) == {"code", "passphrase", "anonymous"}
    schemas = schema["components"]["schemas"]
    # Named ...Request when the settings split request and response components.
    intake = schemas.get("ReportIntakeRequest") or schemas["ReportIntake"]
    assert {"category", "description", "ward"} <= set(intake["required"])
    assert intake["properties"]["photos"]["maxItems"] == 5


def test_no_public_path_carries_a_receipt_or_passphrase(schema):
    for url, operations in schema["paths"].items():
        assert "{" not in url
        for operation in operations.values():
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            assert not names & {"code", "passphrase", "message"}


def test_following_and_answering_answer_404_and_409_as_they_do(schema):
    track = schema["paths"]["/api/v1/public/track/"]["post"]
    message = schema["paths"]["/api/v1/public/track/messages/"]["post"]

    assert {"200", "404", "429"} <= set(track["responses"])
    assert {"201", "404", "409"} <= set(message["responses"])
    thread = schema["components"]["schemas"]["Thread"]
    assert {"report", "events", "closed", "readable_until"} <= set(thread["properties"])
