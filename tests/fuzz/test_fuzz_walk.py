"""No request from anyone answers 5xx, and none leaves a row that breaks later reads.

For each role of the cast, the walk (tests/fuzz/walk.py) visits every URL pattern
the resolver knows and sends it malformed query strings and form bodies. The
request counts appear at the end of the run ("fuzz walk: ...").
"""

import datetime
import secrets

import pytest
from django.apps import apps
from django.core import signing
from django.db import models
from django.test import Client

from dashboard.trends import TRENDS
from groups.inputs import EARLIEST_RECORD_DAY, LATEST_DAY
from mediation.documents import CASE_DOCUMENTS
from mediation.lifecycle import _ACTIONS as CASE_ACTIONS
from reports.open311 import views as open311_views
from tests.fuzz.walk import Walk

pytestmark = [pytest.mark.django_db, pytest.mark.long]

ROLES = ["anonymous", "member_x", "leader_x", "leader_y", "police_a", "police_b", "province_admin"]
ROUNDS = 2  # random mutated GETs and POSTs per address and role, beside the sweep
SEED = 20261206
# At least this many requests for each role (5,000 over the cast of seven).
MIN_REQUESTS_PER_ROLE = 720
OUR_APPS = ("groups", "reports", "patrols", "mediation")
ODD_IDS = ["9" * 25]
ODD_ADMIN_IDS = ["²", "-1", "9" * 25, "1\x00"]


def _path_values(world):
    """The values of a pattern's path arguments: real objects first, then odd ones."""

    def values_for(name, groups):
        if not groups:
            return [{}]
        name = name or ""
        if name.startswith("admin:"):
            return _admin_values(name, groups)
        chosen = {group: _value(name, group, world) for group in groups}
        expanded = [chosen]
        if "action" in groups:
            expanded = [{**chosen, "action": action} for action in [*CASE_ACTIONS, "bogus"]]
        elif "move" in groups:
            expanded = [{**chosen, "move": move} for move in [*CASE_ACTIONS, "bogus"]]
        elif "name" in groups and name.startswith("mediation:"):
            expanded = [{**chosen, "name": doc} for doc in [*CASE_DOCUMENTS, "bogus"]]
        elif "key" in groups and name.startswith(("dashboard:", "dashboard_api:")):
            expanded = [{**chosen, "key": key} for key in [*TRENDS, "ward-comparison", "bogus"]]
        elif "fmt" in groups and name.startswith("open311:"):
            expanded = [{**chosen, "fmt": fmt} for fmt in ("json", "xml")]
        odd = [
            {**chosen, group: odd_id}
            for group in groups
            if group.endswith("pk") or group == "pk"
            for odd_id in ODD_IDS
        ]
        return expanded + odd

    return values_for


def _value(name, group, world):
    namespace, _, view = name.partition(":")
    if namespace == "open311":
        return _open311_value(group, world)
    if group == "token":
        return secrets.token_urlsafe(16)
    if group == "fmt":
        return "pdf" if view == "summary" else "csv"
    if group == "year":
        return "2026"
    if group == "month":
        return "03"
    if group == "group_pk":
        return str(world["group"].pk)
    if group == "report_pk":
        return str(world["report"].pk)
    if group == "party_pk":
        return str(world["party"].pk)
    objects = {
        "groups": "group",
        "reports": "report",
        "mediation": "case",
    }
    if namespace in ("reports_api", "reports_api_deprecated"):
        key = "report" if view.startswith("report") else None
    elif namespace in ("patrols", "patrols_api"):
        key = next((k for k in ("schedule", "shift", "log", "hotspot") if view.startswith(k)), None)
    elif namespace == "groups_api":
        key = "group" if view.startswith("group-") else None
    elif namespace == "mediation_api":
        key = "case" if view.startswith("case") else None
    else:
        key = objects.get(namespace)
    return str(world[key].pk) if key else "1"


def _open311_value(group, world):
    report = world["report"]
    if group == "code":
        return str(report.category_id)
    if group == "request_id":
        return str(report.pk)
    if group == "token":
        return signing.Signer(salt=open311_views._TOKEN_SALT).sign(str(report.pk))
    return "json"


def _admin_values(name, groups):
    view = name.removeprefix("admin:")
    values = {}
    for group in groups:
        if group == "app_label":
            values[group] = view and "groups"
        elif group in ("object_id", "id"):
            model = _admin_model(view)
            values[group] = (
                str(model._base_manager.order_by("pk").first().pk)
                if model and model._base_manager.exists()
                else "1"
            )
        elif group == "content_type_id":
            values[group] = "1"
        else:
            values[group] = "1"
    found = [values]
    if view.endswith("_change"):
        found += [{**values, groups[0]: odd} for odd in ODD_ADMIN_IDS]
    return found


def _admin_model(view):
    for model in apps.get_models():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if view.startswith(prefix):
            return model
    return None


def poisoned_rows():
    """Rows of our apps that cannot be read, or name a day outside what we accept."""
    found = []
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            names = [
                field.attname
                for field in model._meta.concrete_fields
                if isinstance(field, models.DateField)
            ]
            if not names:
                continue
            try:
                rows = list(model._base_manager.values_list("pk", *names))
            except Exception as error:
                found.append((model.__name__, repr(error)[:200]))
                continue
            for pk, *values in rows:
                for name, value in zip(names, values, strict=True):
                    if value is None:
                        continue
                    day = value.date() if isinstance(value, datetime.datetime) else value
                    if not EARLIEST_RECORD_DAY <= day <= LATEST_DAY:
                        found.append((model.__name__, pk, name, value))
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_request_from_any_role_answers_5xx_or_poisons_a_row(
    request, settings, world, role, record_property
):
    # The public form's rate limit (tested in tests/reports/test_ratelimit.py) would
    # stop the walk after ten reports, before it reached most fields.
    settings.PUBLIC_RATE_LIMITS = {"report": (100_000, 3600), "track": (100_000, 900)}
    user = None if role == "anonymous" else request.getfixturevalue(role)
    # An address of its own: the public form's rate limit is per address.
    client = Client(REMOTE_ADDR=f"10.99.{ROLES.index(role)}.{secrets.randbelow(250) + 1}")

    def login():
        # Again only where a request signed the client out: a sign-in costs more than
        # most requests of the walk.
        if user is not None and client.session.get("_auth_user_id") != str(user.pk):
            client.force_login(user)

    walk = Walk(
        client=client,
        login=login,
        seed=f"{SEED}-{role}",
        path_values=_path_values(world),
        rounds=ROUNDS,
        staff=bool(user and user.is_staff),
    )
    counter = walk.run()

    record_property("fuzz_requests", counter.requests)
    record_property("fuzz_5xx", len(counter.failures))
    assert counter.failures == [], "\n".join(repr(failure)[:600] for failure in counter.failures)
    assert counter.requests >= MIN_REQUESTS_PER_ROLE
    assert poisoned_rows() == []
