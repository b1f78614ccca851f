"""Our error pages: 400, 403 (and a failed CSRF check), 404, 413 and 500.

They are rendered without the request: no context processor runs (no user,
no session, no database) and nothing of the request is read, because the
request itself may be what failed (a Host we do not serve, a body in a charset
we refuse, a truncated upload, a database that does not answer). Django's own
handlers are decorated with ``requires_csrf_token``, which reads the POST data
again; for a body that cannot be decoded that raised once more, and the 400
page became a 500 (issue #11). If even our template cannot be rendered (a
broken static manifest, say), a fixed page in both languages is sent.

`config/urls.py` names these as handler400/403/404/500 and settings name
``csrf_failure`` as CSRF_FAILURE_VIEW.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

# What is sent when our template cannot be rendered: no template, no
# translation machinery, nothing that can fail.
FALLBACK = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>tuquan</title></head><body>"
    "<h1>Đã có lỗi xảy ra / Something went wrong</h1>"
    '<p><a href="/">Về trang chủ / Home page</a></p>'
    "</body></html>"
)


def error_page(status: int, *, template: str | None = None) -> HttpResponse:
    try:
        body = loader.render_to_string(template or f"errors/{status}.html")
    except Exception:  # the error page must answer whatever broke
        logger.exception("The %s error page could not be rendered", status)
        body = FALLBACK
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def bad_request(request, exception=None):
    # Django raises RequestDataTooBig (a SuspiciousOperation, so it lands here)
    # for a body over DATA_UPLOAD_MAX_MEMORY_SIZE; config/request_body.py
    # raises it for one over MAX_REQUEST_BODY_BYTES.
    if isinstance(exception, RequestDataTooBig):
        return error_page(413)
    return error_page(400)


def permission_denied(request, exception=None):
    return error_page(403)


def page_not_found(request, exception=None):
    return error_page(404)


def server_error(request=None):
    return error_page(500)


def csrf_failure(request, reason=""):
    return error_page(403, template="errors/csrf.html")
