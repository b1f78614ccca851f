from django.urls import path, re_path

from dashboard import export_views, map_views, trend_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.page, name="page"),
    path("now/", views.now, name="now"),
    path("escalations/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("comparison/", views.ward_comparison, name="comparison"),
    path("headlines/", views.headlines, name="headlines"),
    path("map/points.json", map_views.map_points, name="map_points"),
    path("trends/<slug:key>.json", trend_views.trend, name="trend"),
    re_path(
        r"^export/reports\.(?P<fmt>csv|xlsx)$",
        export_views.export_reports,
        name="export_reports",
    ),
    re_path(
        r"^export/tables/(?P<key>[-\w]+)\.(?P<fmt>csv|xlsx)$",
        export_views.export_table,
        name="export_table",
    ),
    path("summary/", export_views.summary_form, name="summary_form"),
    re_path(
        r"^summary/(?P<year>\d{4})-(?P<month>\d{2})\.(?P<fmt>xlsx|pdf)$",
        export_views.summary,
        name="summary",
    ),
]
