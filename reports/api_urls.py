from rest_framework.routers import SimpleRouter

from reports.api import EscalationViewSet, ReportViewSet

app_name = "reports_api"

router = SimpleRouter()
router.register("reports", ReportViewSet, basename="report")
router.register("escalations", EscalationViewSet, basename="escalation")
urlpatterns = router.urls
