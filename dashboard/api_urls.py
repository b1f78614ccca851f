from django.urls import path

from dashboard import api

app_name = "dashboard_api"

urlpatterns = [
    path("headlines/", api.HeadlinesView.as_view(), name="headlines"),
    path("now/", api.NowView.as_view(), name="now"),
    path("trends/<slug:key>/", api.TrendView.as_view(), name="trend"),
    path("map/", api.MapView.as_view(), name="map"),
    path("comparison/", api.ComparisonView.as_view(), name="comparison"),
]
