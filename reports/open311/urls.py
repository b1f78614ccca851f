"""Open311 GeoReport v2, mounted at /open311/v2/ (config/urls.py). Every
endpoint answers in both formats: ``.json`` and ``.xml``."""

from django.urls import re_path

from reports.open311 import views

app_name = "open311"
_FORMAT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^discovery" + _FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + _FORMAT, views.services, name="services"),
    re_path(
        r"^services/(?P<code>[^/.]{1,40})" + _FORMAT,
        views.service_definition,
        name="service_definition",
    ),
    re_path(r"^requests" + _FORMAT, views.service_requests, name="requests"),
    re_path(
        r"^requests/(?P<request_id>[^/.]{1,40})" + _FORMAT,
        views.service_request,
        name="request",
    ),
    re_path(r"^tokens/(?P<token>[A-Za-z0-9_:\-]{1,200})" + _FORMAT, views.token, name="token"),
]
