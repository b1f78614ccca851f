"""The first API's paths, /api/reports/ and /api/escalations/, answered by the same
views as their successors under /api/v1/, with a `Deprecation` header (RFC 9745)
and a `Link` to the successor (docs/api.md says until when they stay)."""

import datetime

from reports.api.escalations import EscalationViewSet
from reports.api.reports import ReportViewSet

# The day /api/v1/ took over: RFC 9745 gives it as "@" and the Unix time.
DEPRECATED_SINCE = datetime.datetime(2026, 12, 6, tzinfo=datetime.UTC)
OLD_PREFIX, NEW_PREFIX = "/api/", "/api/v1/"


class DeprecatedPathMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Deprecation"] = f"@{int(DEPRECATED_SINCE.timestamp())}"
        successor = NEW_PREFIX + request.path.removeprefix(OLD_PREFIX)
        response["Link"] = f'<{successor}>; rel="successor-version"'
        return response


class DeprecatedReportViewSet(DeprecatedPathMixin, ReportViewSet):
    pass


class DeprecatedEscalationViewSet(DeprecatedPathMixin, EscalationViewSet):
    pass
