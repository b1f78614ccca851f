"""Error reports that leave no trace of a resident who reports or follows a report.

When a view fails, Django's error report (the email to ADMINS, the technical
500 page) lists the request's headers, cookies, POST data, uploaded file
names, the signed-in user and every local variable of the traceback. For the
public report pages (reports/public_urls.py, all under /report/, the public
API under /api/v1/public/ and Open311 under /open311/) that would
be the sender's IP address, device, name and phone, so there the report keeps
only the method, the path and the traceback's code lines.

Wired in config/settings.py as DEFAULT_EXCEPTION_REPORTER_FILTER and
DEFAULT_EXCEPTION_REPORTER; every other page keeps Django's usual report.
"""

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# The prefix of every URL in reports/public_urls.py. Not "/reports/": that is
# the signed-in handlers' inbox, whose error reports stay as Django makes them.
REPORTER_PATH_PREFIX = "/report/"
# The same residents through an app (reports/public_api_urls.py), another
# system (reports/open311/urls.py) or the SMS and Zalo webhooks
# (reports/inbound/), whose locals hold the sender's number.
REPORTER_PATH_PREFIXES = (REPORTER_PATH_PREFIX, "/api/v1/public/", "/open311/", "/inbound/")

# Request metadata that says nothing about who sent the request. An allow-list,
# so a header a proxy adds later (X-Real-IP, CF-Connecting-IP, …) stays out too.
_HARMLESS_META = frozenset(
    {
        "REQUEST_METHOD",
        "PATH_INFO",
        "SCRIPT_NAME",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "HTTP_HOST",
        "wsgi.url_scheme",
    }
)


def is_reporter_request(request) -> bool:
    return request is not None and request.path_info.startswith(REPORTER_PATH_PREFIXES)


class ReporterPrivacyFilter(SafeExceptionReporterFilter):
    """Django's filter, plus: nothing about the sender for /report/ and /inbound/ requests.

    Applies with DEBUG on as well: a development error page is still copied
    into bug reports.
    """

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if not is_reporter_request(request):
            return meta
        return {key: value for key, value in meta.items() if key in _HARMLESS_META}

    def get_safe_cookies(self, request):
        if is_reporter_request(request):
            return {}
        return super().get_safe_cookies(request)

    def get_post_parameters(self, request):
        if is_reporter_request(request):
            return {}
        return super().get_post_parameters(request)

    def get_traceback_frame_variables(self, request, tb_frame):
        if is_reporter_request(request):
            # Local variables hold the form's data, the receipt code, the passphrase.
            return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
        return super().get_traceback_frame_variables(request, tb_frame)


class ReporterPrivacyExceptionReporter(ExceptionReporter):
    """Also leaves out what Django's reporter shows without asking the filter:
    the query string, uploaded file names and the signed-in user (who may be
    sending an anonymous tip)."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if is_reporter_request(self.request):
            data["user_str"] = None
            data["request_GET_items"] = []
            data["request_FILES_items"] = []
            data["request_insecure_uri"] = self.request.path
        return data
