from django.urls import path

from reports import views
from reports.escalation import views as escalation_views

app_name = "reports"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("export.csv", views.export_csv, name="export"),
    path("log/", views.log_report, name="log"),
    path("photos/<int:photo_pk>/", views.photo, name="photo"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.transition, name="transition"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/messages/", views.add_message, name="message"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/legal-hold/", views.legal_hold, name="legal_hold"),
    path("acknowledge/<str:token>/", escalation_views.acknowledge, name="acknowledge"),
]
