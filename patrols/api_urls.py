from django.urls import path
from rest_framework.routers import SimpleRouter

from patrols import api

app_name = "patrols_api"

router = SimpleRouter()
router.register("schedules", api.ScheduleViewSet, basename="schedule")
router.register("shifts", api.ShiftViewSet, basename="shift")
router.register("logs", api.LogViewSet, basename="log")
router.register("checkins", api.CheckInViewSet, basename="checkin")
router.register("hotspots", api.HotspotViewSet, basename="hotspot")
urlpatterns = [
    path("coverage/", api.CoverageView.as_view(), name="coverage"),
    *router.urls,
]
