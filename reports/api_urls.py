"""The reports API under /api/v1/ (reports/api/), and the deprecated first paths."""

from rest_framework.routers import SimpleRouter

from reports.api.escalations import EscalationViewSet
from reports.api.reports import ReportViewSet

app_name = "reports_api"

router = SimpleRouter()
router.register("reports", ReportViewSet, basename="report")
router.register("escalations", EscalationViewSet, basename="escalation")
urlpatterns = router.urls
