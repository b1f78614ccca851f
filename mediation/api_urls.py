from django.urls import path
from rest_framework.routers import SimpleRouter

from mediation import api

app_name = "mediation_api"

router = SimpleRouter()
router.register("cases", api.CaseViewSet, basename="case")
router.register("sessions", api.SessionViewSet, basename="session")
urlpatterns = [
    path("statistics/", api.StatisticsView.as_view(), name="statistics"),
    *router.urls,
]
