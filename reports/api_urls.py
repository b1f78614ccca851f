from rest_framework.routers import SimpleRouter

from reports.api import ReportViewSet

app_name = "reports_api"

router = SimpleRouter()
router.register("reports", ReportViewSet, basename="report")
urlpatterns = router.urls
