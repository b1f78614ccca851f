"""The REST API, version 1: each part's endpoints under /api/v1/ (docs/api.md)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from groups.api.fallback import not_found

urlpatterns = [
    # The OpenAPI 3 schema and its Swagger UI, served from our own static files
    # (drf-spectacular-sidecar); the page's script is a file of its own, as the CSP asks.
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema", template_name="api/swagger_ui.html"
        ),
        name="api_docs",
    ),
    path("", include("groups.api.token_urls")),
    path("", include("reports.api_urls")),
    path("", include("groups.api_urls")),
    path("patrols/", include("patrols.api_urls")),
    path("mediation/", include("mediation.api_urls")),
    path("dashboard/", include("dashboard.api_urls")),
    path("public/", include("reports.public_api_urls")),
    # Last: any other path under /api/v1/ is a JSON 404, not the HTML page.
    re_path(r"", not_found, name="api_not_found"),
]
