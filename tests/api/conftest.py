"""API fixtures: the report fixtures of tests/reports, and tokens for the cast."""

import pytest
from rest_framework.test import APIClient

from groups.models import ApiToken
from tests.reports.conftest import file_report  # noqa: F401 (a fixture)
from tests.reports.escalation.conftest import chain, escalation_rules  # noqa: F401


def token_for(user, *, name="test") -> str:
    """A token for ``user`` made as the account page makes one, returned in clear."""
    import datetime

    _row, secret = ApiToken.objects.create(user=user, expiry=datetime.timedelta(days=1), name=name)
    return secret


@pytest.fixture
def api_as():
    """``api_as(user)``: an API client that sends ``user``'s token, no session."""

    def client_for(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return client

    return client_for


def error_fields(response) -> list:
    """The fields a 4xx answer names, in order, from the one error shape
    (groups/api/errors.py): ``{"code", "message", "errors": [{"field", ...}]}``."""
    body = response.json()
    assert body.keys() >= {"code", "message", "errors"}, body
    return [error["field"] for error in body["errors"]]
