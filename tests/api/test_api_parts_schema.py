"""The OpenAPI schema describes what the groups, patrols, mediation and dashboard endpoints
answer: each 200 of a real request validates against the schema drf-spectacular draws."""

# The fixtures come from the parts' test packages and are then named as test
# arguments, which ruff reads as redefinitions.
# ruff: noqa: F811

import uuid

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

from mediation import lifecycle
from patrols.models import HotspotCheckIn
from tests.dashboard.now_fixtures import escalate, make_report, patrol
from tests.mediation.conftest import (  # noqa: F401
    _english_messages,
    dispute,
    group_m,
    head_m,
    mediation_kind,
    mediator_m1,
    mediator_m2,
)
from tests.patrols.conftest import (  # noqa: F401
    friday_shift,
    karaoke,
    monday,
    started_log,
    weekend_schedule,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(db):
    return SchemaGenerator().get_schema(request=None, public=True)


def check(schema, client, path: str, method: str = "get", data=None, template: str = ""):
    """The answer to `path` validates against the schema's answer for `template`."""
    if method == "get":
        response = client.get(path)
    else:
        response = client.post(path, data or {}, content_type="application/json")
    assert response.status_code in (200, 201), (path, response.content)
    operation = schema["paths"][template or path][method]
    body = operation["responses"][str(response.status_code)]["content"]["application/json"]
    jsonschema.validate(
        response.json(),
        json_schema({**body["schema"], "components": schema["components"]}),
        cls=jsonschema.Draft202012Validator,
    )


def json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type, which jsonschema reads."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def test_group_answers_fit_the_schema(
    schema, client, province_admin, group_x, leader_x, member_x, contact_a, ward_a
):
    client.force_login(province_admin)
    for path in (
        "areas/",
        "model-kinds/",
        "groups/",
        "members/",
        "memberships/",
        "trainings/",
        "group-documents/",
        "emergency-contacts/",
        "police-contacts/",
    ):
        check(schema, client, f"/api/v1/{path}")
    check(schema, client, f"/api/v1/areas/{ward_a.pk}/", template="/api/v1/areas/{id}/")
    check(schema, client, f"/api/v1/groups/{group_x.pk}/", template="/api/v1/groups/{id}/")


def test_patrol_answers_fit_the_schema(
    schema, client, leader_x, started_log, karaoke, weekend_schedule, monday
):
    HotspotCheckIn.objects.create(
        log=started_log, hotspot=karaoke, checked_at=started_log.started_at
    )
    client.force_login(leader_x)
    for path in ("schedules/", "shifts/", "logs/", "checkins/", "hotspots/", "coverage/"):
        check(schema, client, f"/api/v1/patrols/{path}")
    log = f"/api/v1/patrols/logs/{started_log.pk}"
    check(schema, client, f"{log}/", template="/api/v1/patrols/logs/{id}/")
    check(
        schema,
        client,
        f"{log}/notes/",
        "post",
        {"key": str(uuid.uuid4()), "route": "Ngõ 5"},
        template="/api/v1/patrols/logs/{id}/notes/",
    )
    check(
        schema,
        client,
        f"/api/v1/patrols/shifts/{started_log.shift_id}/",
        template="/api/v1/patrols/shifts/{id}/",
    )


def test_mediation_answers_fit_the_schema(schema, client, dispute, head_m):
    client.force_login(head_m)
    check(schema, client, "/api/v1/mediation/cases/")
    check(schema, client, "/api/v1/mediation/sessions/")
    check(
        schema,
        client,
        "/api/v1/mediation/statistics/?year=2025",
        template="/api/v1/mediation/statistics/",
    )
    check(
        schema,
        client,
        f"/api/v1/mediation/cases/{dispute.pk}/actions/start/",
        "post",
        template="/api/v1/mediation/cases/{id}/actions/{move}/",
    )
    lifecycle.apply_action(case=dispute, action="suspend", by=head_m, note="Một bên ốm.")
    check(
        schema,
        client,
        f"/api/v1/mediation/cases/{dispute.pk}/",
        template="/api/v1/mediation/cases/{id}/",
    )


def test_dashboard_answers_fit_the_schema(schema, client, province_admin, ward_a, theft, group_x):
    escalate(make_report(category=theft, ward=ward_a, latitude=20.95, longitude=107.07))
    patrol(group_x)
    client.force_login(province_admin)
    for path in ("headlines/", "now/", "map/", "comparison/"):
        check(schema, client, f"/api/v1/dashboard/{path}")
    check(
        schema,
        client,
        "/api/v1/dashboard/trends/year_on_year/",
        template="/api/v1/dashboard/trends/{key}/",
    )
