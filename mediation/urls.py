from django.urls import path

from mediation import document_views, views

app_name = "mediation"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("from-report/<int:report_pk>/", views.from_report, name="from_report"),
    path("statistics/", document_views.statistics_page, name="statistics"),
    path("statistics.xlsx", document_views.statistics_xlsx, name="statistics_xlsx"),
    path("logbook/", document_views.logbook, name="logbook"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/actions/<slug:action>/", views.case_action, name="action"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/mediators/", views.assign, name="assign"),
    path("<int:pk>/mediators/recuse/", views.recuse, name="recuse"),
    path("<int:pk>/parties/", views.add_party, name="add_party"),
    path("<int:pk>/parties/<int:party_pk>/remove/", views.remove_party, name="remove_party"),
    path("<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("<int:pk>/documents/<slug:name>/", document_views.case_document, name="document"),
    path(
        "<int:pk>/documents/<slug:name>/pdf/",
        document_views.case_document,
        {"fmt": "pdf"},
        name="document_pdf",
    ),
]
