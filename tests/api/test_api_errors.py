"""Every 4xx of the API is JSON with a code, a message and the fields at fault;
invalid lifecycle moves are 409s; throttles answer 429 (counted in real Redis)."""

import pytest
from django.core.cache import cache

from reports.lifecycle import apply_transition
from reports.models import Status


@pytest.fixture
def report_x(file_report, theft, ward_a, unit_a1, group_x):
    return file_report(category=theft, ward=ward_a, unit=unit_a1).report


def _shape(body):
    assert set(body) >= {"code", "message", "errors"}
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_without_credentials_the_answer_is_a_401_in_json(client):
    answer = client.get("/api/v1/reports/")

    assert answer.status_code == 401
    assert _shape(answer.json())["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reports/abc/",
        "/api/v1/reports/1.5/",
        "/api/v1/reports/%C2%B2/",
        "/api/v1/reports/99999999999999999999/",
        "/api/v1/reports/0/",
        "/api/v1/escalations/-1/",
        "/api/v1/no-such-thing/",
        "/api/v1/reports/1/no-such-action/",
    ],
)
def test_a_bad_or_unknown_id_or_path_is_a_json_404(client, leader_x, path):
    client.force_login(leader_x)

    answer = client.get(path)

    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert _shape(answer.json())["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=flying", "status"),
        ("received_from=2026-02-30", "received_from"),
        ("category=%C2%B2", "category"),
        ("ordering=sideways", "ordering"),
        ("overdue=perhaps", "overdue"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field_and_rule(client, police_a, query, field):
    client.force_login(police_a)

    answer = client.get(f"/api/v1/reports/?{query}")

    assert answer.status_code == 400
    body = _shape(answer.json())
    assert body["code"] == "invalid"
    assert [error["field"] for error in body["errors"]] == [field]
    assert body["errors"][0]["code"]


@pytest.mark.parametrize("query", ["report=abc", "level=%C2%B2", "awaiting=x", "awaiting=yes"])
def test_bad_escalation_filters_are_400s(client, police_a, query):
    client.force_login(police_a)

    answer = client.get(f"/api/v1/escalations/?{query}")

    assert answer.status_code == 400
    assert _shape(answer.json())["errors"][0]["field"] == query.partition("=")[0]


def test_a_missing_required_field_names_it(client, leader_x, report_x):
    client.force_login(leader_x)

    answer = client.post(f"/api/v1/reports/{report_x.pk}/resolve/", {}, "application/json")

    assert answer.status_code == 400
    body = _shape(answer.json())
    assert body["errors"] == [
        {"field": "outcome", "code": "required", "message": "This field is required."}
    ]


def test_malformed_json_is_a_400(client, leader_x, report_x):
    client.force_login(leader_x)

    answer = client.post(
        f"/api/v1/reports/{report_x.pk}/resolve/", b"{not json", content_type="application/json"
    )

    assert answer.status_code == 400
    assert _shape(answer.json())["code"] == "parse_error"


def test_an_invalid_lifecycle_move_is_a_409(client, leader_x, report_x):
    apply_transition(report=report_x, to=Status.RESOLVED, by=leader_x, outcome="Xong.")
    client.force_login(leader_x)

    answer = client.post(
        f"/api/v1/reports/{report_x.pk}/reject/", {"note": "Trùng."}, "application/json"
    )

    assert answer.status_code == 409
    body = _shape(answer.json())
    assert body["code"] == "not_allowed"
    assert "Resolved" in body["message"]


def test_a_wrong_method_is_a_json_405(client, leader_x, report_x):
    client.force_login(leader_x)

    answer = client.delete(f"/api/v1/reports/{report_x.pk}/")

    assert answer.status_code == 405
    assert _shape(answer.json())["code"] == "method_not_allowed"


def test_a_user_is_throttled_after_the_configured_rate(client, leader_x, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "anon": "1000/minute"},
    }
    cache.delete(f"throttle_user_{leader_x.pk}")
    client.force_login(leader_x)

    answers = [client.get("/api/v1/reports/") for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    body = _shape(answers[-1].json())
    assert body["code"] == "throttled"
    assert 0 < body["wait"] <= 60
    assert int(answers[-1]["Retry-After"]) > 0
    assert cache.get(f"throttle_user_{leader_x.pk}")  # counted in Redis


def test_an_anonymous_client_is_throttled_by_its_address(client, settings, db):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "1000/minute", "anon": "2/minute"},
    }
    cache.delete("throttle_anon_203.0.113.9")
    cache.delete("throttle_anon_203.0.113.10")

    answers = [client.get("/api/v1/schema/", REMOTE_ADDR="203.0.113.9") for _ in range(3)]
    other = client.get("/api/v1/schema/", REMOTE_ADDR="203.0.113.10")

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert other.status_code == 200


@pytest.mark.parametrize("size", ["abc", "0", "-1", "%C2%B2", "1.5"])
def test_a_bad_page_size_is_a_400(client, police_a, size):
    client.force_login(police_a)

    answer = client.get(f"/api/v1/reports/?page_size={size}")

    assert answer.status_code == 400
    assert _shape(answer.json())["errors"][0]["field"] == "page_size"


@pytest.mark.parametrize("page", ["", "abc", "0", "-1", "%C2%B2", "last"])
def test_a_bad_page_is_a_400(client, police_a, page):
    client.force_login(police_a)

    answer = client.get(f"/api/v1/reports/?page={page}")

    assert answer.status_code == 400
    assert _shape(answer.json())["errors"][0]["field"] == "page"


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/group-documents/?group=", "group"),
        ("/api/v1/group-documents/?kind=", "kind"),
        ("/api/v1/escalations/?awaiting=", "awaiting"),
    ],
)
def test_an_empty_value_of_a_typed_filter_is_a_400(client, police_a, path, parameter):
    client.force_login(police_a)

    answer = client.get(path)

    assert answer.status_code == 400
    assert parameter in [error["field"] for error in _shape(answer.json())["errors"]]


def test_an_empty_text_filter_is_no_filter(client, police_a):
    client.force_login(police_a)

    assert client.get("/api/v1/areas/?name=").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/model-kinds/?is_mediation=maybe",
        "/api/v1/police-contacts/?active=yes",
        "/api/v1/memberships/?current=2",
    ],
)
def test_a_boolean_filter_takes_true_or_false_only(client, province_admin, path):
    client.force_login(province_admin)

    answer = client.get(path)

    assert answer.status_code == 400
    assert _shape(answer.json())["errors"][0]["field"] == path.split("?")[1].split("=")[0]
