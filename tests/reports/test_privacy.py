"""The public report pages leave no trace of the sender in error reports or logs.

Error reports are made by Django's own machinery (the configured exception
reporter and AdminEmailHandler) from real requests and a real exception.
"""

import logging
import runpy
import secrets
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.utils.log import AdminEmailHandler
from django.views.debug import get_exception_reporter_class

from reports import ratelimit

ADDRESS = "198.51.100.23"
FORWARDED_FOR = "203.0.113.45"
USER_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5) TuquanTracerUA/2.0"
SESSION_COOKIE = "tracer-session-cookie-value"
NAME = "Trần Văn Tracer"
PHONE = "0911222333"
FILE_NAME = "IMG_tracer_at_home.jpg"
SECRET_IN_A_LOCAL = "tracer-local-variable-passphrase"
TRACES = (
    ADDRESS,
    FORWARDED_FOR,
    "TuquanTracerUA",
    SESSION_COOKIE,
    NAME,
    PHONE,
    FILE_NAME,
    SECRET_IN_A_LOCAL,
    "tracer.login",
)


def _request(path: str, user=None):
    request = RequestFactory().post(
        path,
        {
            "name": NAME,
            "phone": PHONE,
            "description": "Tin báo thử",
            "photos": SimpleUploadedFile(FILE_NAME, b"jpeg bytes", content_type="image/jpeg"),
        },
        REMOTE_ADDR=ADDRESS,
        HTTP_X_FORWARDED_FOR=FORWARDED_FOR,
        HTTP_X_REAL_IP=FORWARDED_FOR,
        HTTP_USER_AGENT=USER_AGENT,
        HTTP_COOKIE=f"sessionid={SESSION_COOKIE}; tracker={SESSION_COOKIE}",
        QUERY_STRING=f"phone={PHONE}",
    )
    request.user = user
    return request


def _failing_view(request):
    passphrase = SECRET_IN_A_LOCAL  # noqa: F841 - a local variable the report could show
    raise RuntimeError("the database went away")


def _error_report(request) -> tuple[str, str]:
    try:
        _failing_view(request)
    except RuntimeError:
        reporter_class = get_exception_reporter_class(request)
        reporter = reporter_class(request, *sys.exc_info(), is_email=True)
        return reporter.get_traceback_text(), reporter.get_traceback_html()


@pytest.fixture
def tracer_user(django_user_model):
    return django_user_model.objects.create_user(username="tracer.login", password="pw")


@pytest.mark.parametrize(
    "path",
    [
        "/report/new/",
        "/report/track/",
        "/report/track/message/",
        # The same residents through an app or another system.
        "/api/v1/public/reports/",
        "/api/v1/public/track/messages/",
        "/open311/v2/requests.json",
    ],
)
def test_an_error_report_of_a_public_report_page_carries_nothing_about_the_sender(
    path, tracer_user
):
    text, html = _error_report(_request(path, user=tracer_user))

    for report in (text, html):
        for trace in TRACES:
            assert trace not in report, trace
        # What a developer needs is still there.
        assert path in report
        assert "RuntimeError" in report and "the database went away" in report
        assert "_failing_view" in report


def test_an_error_report_of_other_pages_stays_as_django_makes_it(tracer_user):
    text, html = _error_report(_request("/reports/17/", user=tracer_user))

    for report in (text, html):
        assert ADDRESS in report
        assert "TuquanTracerUA" in report
        assert NAME in report
        assert "tracer.login" in report
    # Only the HTML version lists local variables.
    assert SECRET_IN_A_LOCAL in html


def test_the_error_email_of_a_public_report_page_carries_nothing_about_the_sender(
    settings, tracer_user
):
    settings.ADMINS = [("Operator", "ops@example.test")]
    request = _request("/report/new/", user=tracer_user)
    try:
        _failing_view(request)
    except RuntimeError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            0,
            "Internal Server Error: %s",
            (request.path,),
            sys.exc_info(),
        )
    record.request = request
    record.status_code = 500

    AdminEmailHandler(include_html=True).emit(record)

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "/report/new/" in message.subject and "/report/new/" in message.body
    for part in (message.subject, message.body, html):
        for trace in TRACES:
            assert trace not in part, trace


def test_public_report_views_mark_all_their_post_data_sensitive(seeded):
    client = Client(REMOTE_ADDR=ADDRESS)
    address_key = [
        ratelimit.cache_key(scope=scope, address=ADDRESS) for scope in ("report", "track")
    ]
    try:
        for path in (
            "/report/new/",
            "/report/track/",
            "/report/track/message/",
            "/api/v1/public/reports/",
            "/api/v1/public/track/",
            "/api/v1/public/track/messages/",
            "/open311/v2/requests.json",
        ):
            response = client.post(path, {"description": "x"})
            assert response.wsgi_request.sensitive_post_parameters == "__ALL__", path
    finally:
        cache.delete_many(address_key)


def test_log_lines_of_public_report_pages_name_the_path_only(seeded, caplog):
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.7"
    browser = Client(enforce_csrf_checks=True, REMOTE_ADDR=address, HTTP_USER_AGENT=USER_AGENT)
    plain = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")

    with caplog.at_level(logging.INFO):
        assert browser.post("/report/new/", {"description": "x"}).status_code == 403
        assert browser.get("/report/track/message/").status_code == 405
        assert browser.get("/report/no-such-page/").status_code == 404

    lines = [plain.format(record) for record in caplog.records]
    assert any("/report/new/" in line for line in lines)
    assert any("/report/track/message/" in line for line in lines)
    for line in lines:
        assert address not in line and "TuquanTracerUA" not in line, line


def test_the_access_log_leaves_out_the_client_address_and_query():
    gunicorn = runpy.run_path(str(Path(__file__).resolve().parents[2] / "config" / "gunicorn.py"))

    log_format = gunicorn["access_log_format"]
    assert "%(U)s" in log_format  # the path, without the query string
    for field in ("%(h)s", "%(q)s", "%(r)s", "%(a)s", "%(f)s", "{x-forwarded-for}i"):
        assert field not in log_format, field
