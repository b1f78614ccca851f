"""The resident's pages, without an account. All live under /report/:
reports/privacy.py keeps the sender out of error reports by that prefix."""

from django.urls import path

from reports import public_views

app_name = "public"
urlpatterns = [
    path("report/new/", public_views.new_report, name="new"),
    path("report/units/", public_views.unit_options, name="unit_options"),
    path("report/receipt/", public_views.receipt, name="receipt"),
    path("report/track/", public_views.track, name="track"),
    path("report/track/message/", public_views.track_message, name="track_message"),
    path("report/track/stop/", public_views.track_stop, name="track_stop"),
]
