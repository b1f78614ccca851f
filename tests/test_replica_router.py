"""Which server a request reads from (config/replica.py), decided per request.

The streaming replica itself is started by `make test-scale`
(tests/deploy/test_scale_out.py); here the replica's state is given, so that each
rule is seen on its own: dashboard GETs read the replica, everything else and
every read after a write (in the request, and for REPLICA_PIN_SECONDS after a
user's POST) reads the primary, and a replica that fails a read hands the
request to the primary.
"""

import pytest
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.test import RequestFactory

from config import replica
from groups.models import User
from reports.models import Report

ROUTER = replica.ReplicaRouter()


@pytest.fixture
def with_replica(settings, monkeypatch):
    """A replica alias (the same server: no query here reaches it), usable or not."""
    settings.DATABASES = {**settings.DATABASES, replica.REPLICA: settings.DATABASES["default"]}
    monkeypatch.setitem(
        connections.settings, replica.REPLICA, dict(connections["default"].settings_dict)
    )
    state = {"usable": True}
    monkeypatch.setattr(replica, "replica_usable", lambda: state["usable"])
    yield state
    connections[replica.REPLICA].close()
    if hasattr(connections._connections, replica.REPLICA):
        delattr(connections._connections, replica.REPLICA)


def _reads_during(request, *, write_first=False):
    seen = {}

    def view(request):
        if write_first:
            ROUTER.db_for_write(Report)
        seen["report"] = ROUTER.db_for_read(Report)
        seen["user"] = ROUTER.db_for_read(User)
        return HttpResponse("ok")

    replica.ReplicaReadsMiddleware(view)(request)
    return seen


def test_a_dashboard_get_reads_the_replica_but_not_the_logins(with_replica):
    seen = _reads_during(RequestFactory().get("/dashboard/now/"))
    assert seen == {"report": replica.REPLICA, "user": "default"}


def test_pages_outside_the_dashboard_read_the_primary(with_replica):
    assert _reads_during(RequestFactory().get("/reports/"))["report"] == "default"


def test_a_read_after_a_write_in_the_same_request_goes_to_the_primary(with_replica):
    seen = _reads_during(RequestFactory().get("/dashboard/now/"), write_first=True)
    assert seen["report"] == "default"


def test_a_users_post_pins_their_next_reads_to_the_primary(with_replica, settings, police_a):
    post = RequestFactory().post("/dashboard/acknowledge/1/")
    post.user = police_a
    response = replica.ReplicaReadsMiddleware(lambda request: HttpResponse("ok"))(post)
    pin = response.cookies[replica.PIN_COOKIE]
    assert pin["max-age"] == settings.REPLICA_PIN_SECONDS
    assert pin["httponly"]

    pinned = RequestFactory().get("/dashboard/now/")
    pinned.COOKIES[replica.PIN_COOKIE] = "1"
    assert _reads_during(pinned)["report"] == "default"


def test_a_down_or_lagging_replica_is_not_read(with_replica):
    with_replica["usable"] = False
    assert _reads_during(RequestFactory().get("/dashboard/now/"))["report"] == "default"


def test_a_replica_gone_since_it_was_last_asked_hands_the_request_to_the_primary(
    with_replica, monkeypatch
):
    monkeypatch.setattr(replica, "forget_replica_state", lambda: None)
    tries = []

    def view(request):
        tries.append(ROUTER.db_for_read(Report))
        if tries[-1] == replica.REPLICA:
            with_replica["usable"] = False  # asked again, it answers no more
            raise OperationalError("connection refused")
        return HttpResponse("from the primary")

    middleware = replica.ReplicaReadsMiddleware(view)
    request = RequestFactory().get("/dashboard/now/")
    token = replica._replica_allowed.set(middleware._may_read_replica(request))
    try:
        with pytest.raises(OperationalError):
            view(request)
        response = middleware.process_exception(request, OperationalError("refused"))
    finally:
        replica._replica_allowed.reset(token)

    assert tries == [replica.REPLICA, "default"]
    assert response.content == b"from the primary"


def test_an_error_with_the_replica_still_up_is_left_to_the_error_page(with_replica, monkeypatch):
    monkeypatch.setattr(replica, "forget_replica_state", lambda: None)
    middleware = replica.ReplicaReadsMiddleware(lambda request: HttpResponse("again"))
    request = RequestFactory().get("/dashboard/now/")
    token = replica._replica_allowed.set(True)
    try:
        assert middleware.process_exception(request, OperationalError("other")) is None
    finally:
        replica._replica_allowed.reset(token)
