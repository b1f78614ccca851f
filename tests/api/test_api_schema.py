"""The OpenAPI schema: the committed docs/openapi.yaml is what the code generates,
and /api/v1/schema/ and the docs page answer, the page within our CSP."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_the_committed_schema_is_the_generated_one(tmp_path):
    generated = tmp_path / "openapi.yaml"

    call_command("spectacular", "--lang", "en", "--validate", "--file", str(generated))

    assert generated.read_text() == COMMITTED.read_text(), (
        "docs/openapi.yaml is out of date: run `make schema` and commit it"
    )


def test_the_schema_describes_version_1_only_with_the_error_shape():
    schema = yaml.safe_load(COMMITTED.read_text())

    assert schema["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    assert "/api/v1/reports/{id}/hand-to-police/" in schema["paths"]
    assert "/api/v1/escalations/{id}/acknowledge/" in schema["paths"]
    acknowledge = schema["paths"]["/api/v1/reports/{id}/acknowledge/"]["post"]
    assert acknowledge["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert set(schema["components"]["securitySchemes"]) >= {"tokenAuth", "cookieAuth"}


@pytest.mark.django_db
def test_the_schema_is_served_to_anyone(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert "/api/v1/reports/" in response.json()["paths"]


@pytest.mark.django_db
def test_the_docs_page_uses_our_static_files_and_no_inline_script(client):
    page = client.get("/api/v1/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<style" not in html
    assert "<script>" not in html
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in page["Content-Security-Policy"]
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
