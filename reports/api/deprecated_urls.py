"""/api/reports/ and /api/escalations/: deprecated, answered as under /api/v1/."""

from rest_framework.routers import SimpleRouter

from reports.api.deprecation import DeprecatedEscalationViewSet, DeprecatedReportViewSet

app_name = "reports_api_deprecated"

router = SimpleRouter()
router.register("reports", DeprecatedReportViewSet, basename="report")
router.register("escalations", DeprecatedEscalationViewSet, basename="escalation")
urlpatterns = router.urls
