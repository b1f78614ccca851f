"""schemathesis against the committed OpenAPI schema, on a live server, as the cast.

For every operation of docs/openapi.yaml and every role of the test cast (with
its token; anonymous without one), schemathesis generates valid and invalid
requests and checks each answer: never a 5xx, the status, content type, headers
and body as the schema says, invalid input refused. Marked ``schemathesis``
(`pytest -m schemathesis`); EXAMPLES bounds its cost: 6 gives about 5,700
requests (93 operations x 5 roles, one test a role, x 2 modes; about 1,140 a role,
fewer where an operation has fewer possible inputs), some 15 ms each on a busy
two-core machine.
"""

import datetime
from pathlib import Path

import pytest
import requests
import schemathesis
import yaml
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from groups import second_factor
from reports.escalation.chain import sweep
from reports.models import Escalation
from tests.api.conftest import token_for
from tests.reports.escalation.conftest import chain, escalation_rules  # noqa: F401

pytestmark = [pytest.mark.schemathesis, pytest.mark.long, pytest.mark.django_db(transaction=True)]

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
ROLES = ["province_admin", "police_a", "leader_x", "member_x", None]
# Generated requests per operation, role and mode (valid, invalid).
EXAMPLES = 6
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Making tokens needs a browser session (and its CSRF token): a token is refused
# with a 403 that the schema lists; the token list and revoke are exercised.


@pytest.fixture
def cast_with_reports(
    request,
    file_report,
    chain,  # noqa: F811
    theft,
    fight,
    ward_a,
    unit_a1,
    ward_b,
    unit_b1,
    group_x,
    group_y,
    settings,
    tmp_path,
):
    # Documents the generated uploads add are kept out of the working tree.
    settings.MEDIA_ROOT = tmp_path
    first = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    file_report(category=theft, ward=ward_a, unit=unit_a1, anonymous=True)
    file_report(category=fight, ward=ward_b, unit=unit_b1)
    sweep(now=first.due_at + datetime.timedelta(seconds=1))
    assert Escalation.objects.exists()
    cast = {role: request.getfixturevalue(role) for role in ROLES if role}
    # Police and administrators have their second factor, or their tokens are refused.
    for user in cast.values():
        if second_factor.is_required(user):
            TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    return cast


@pytest.mark.parametrize("role", ROLES)
def test_generated_requests_get_answers_that_conform_to_the_schema(
    live_server, cast_with_reports, role
):
    schema = schemathesis.openapi.from_dict(yaml.safe_load(SCHEMA.read_text()))
    session = requests.Session()
    headers = {"Authorization": f"Token {token_for(cast_with_reports[role])}"} if role else {}
    statuses = []
    session.hooks["response"].append(
        lambda response, *args, **kwargs: statuses.append(response.status_code)
    )
    sent = 0
    failures = []

    for operation in _revoking_last(result.ok() for result in schema.get_all_operations()):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                sent += _exercise(operation, mode, live_server.url, session, headers)
            except Unsatisfiable:
                # Nothing to make invalid: an operation without parameters or body.
                if mode is GenerationMode.POSITIVE:
                    failures.append(f"{operation.label}: no valid request")
            except (Exception, BaseExceptionGroup) as error:
                # schemathesis' FailureGroup is a BaseExceptionGroup: caught here, the
                # run goes on and every operation's failures are told at the end.
                failures.append(f"{operation.label} {mode.value}: {error!r}"[:3000])

    print(f"schemathesis as {role}: {sent} requests")  # noqa: T201 (the measure, with -s)
    assert not failures, "\n\n".join(failures)
    assert sent >= 1000
    if role:
        # The token worked until the run revoked it: few answers were "who are you?".
        assert statuses.count(401) < len(statuses) / 20


def _revoking_last(operations):
    """The operations, revoking a token last: a generated request may revoke the very
    token the run signs in with, and every later answer would be a 401."""
    return sorted(
        operations,
        key=lambda operation: (
            operation.method.upper() == "DELETE" and operation.path.startswith("/api/v1/tokens/")
        ),
    )


def _exercise(operation, mode, base_url, session, headers) -> int:
    """Up to EXAMPLES generated requests to one operation; returns how many were sent."""
    sent = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        nonlocal sent
        sent += 1
        case.call_and_validate(base_url=base_url, session=session, headers=headers, checks=CHECKS)

    run()
    return sent
