"""The public intake API, mounted at /api/v1/public/ (config/api_urls.py).

No receipt code or passphrase in any of these URLs: they go in the body.
reports/privacy.py keeps the sender out of error reports under this prefix.
"""

from django.urls import path

from reports import public_api

app_name = "public_api"
urlpatterns = [
    path("categories/", public_api.CategoriesView.as_view(), name="categories"),
    path("places/", public_api.PlacesView.as_view(), name="places"),
    path("reports/", public_api.ReportIntakeView.as_view(), name="report"),
    path("track/", public_api.TrackView.as_view(), name="track"),
    path("track/messages/", public_api.ReporterMessageView.as_view(), name="message"),
]
