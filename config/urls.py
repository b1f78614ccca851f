from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from config import metrics, views
from groups import account_views, public_views

# The admin admits only sessions that passed a second factor (django-otp's
# documented way of switching the default site).
admin.site.__class__ = OTPAdminSite

admin.site.site_header = _("tuquan administration")
admin.site.site_title = _("tuquan administration")
admin.site.index_title = _("Province administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/web", views.healthz_web, name="healthz_web"),
    path("metrics", metrics.metrics, name="metrics"),
    path("accounts/", include("groups.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("groups/", include("groups.urls")),
    path("directory/", include("groups.public_urls")),
    path("privacy/", public_views.privacy_notice, name="privacy"),
    path("accessibility/", public_views.accessibility_statement, name="accessibility"),
    path("", include("reports.public_urls")),
    path("reports/", include("reports.urls")),
    path("patrols/", include("patrols.urls")),
    path("api/v1/", include("config.api_urls")),
    path("inbound/", include("reports.inbound.urls")),
    # Deprecated: the first API paths, kept answering (reports/api/deprecation.py).
    path("api/", include("reports.api.deprecated_urls")),
    path("open311/v2/", include("reports.open311.urls")),
    path("mediation/", include("mediation.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("admin/login/", account_views.admin_sign_in, name="admin_sign_in"),
    path("admin/", admin.site.urls),
]

# Our error pages (config/errors.py): rendered without reading the request.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
