from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import metrics, views

admin.site.site_header = _("tuquan administration")
admin.site.site_title = _("tuquan administration")
admin.site.index_title = _("Province administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/web", views.healthz_web, name="healthz_web"),
    path("metrics", metrics.metrics, name="metrics"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("groups/", include("groups.urls")),
    path("", include("reports.public_urls")),
    path("reports/", include("reports.urls")),
    path("patrols/", include("patrols.urls")),
    path("api/", include("reports.api_urls")),
    path("mediation/", include("mediation.urls")),
    path("dashboard/", include("reports.dashboard.urls")),
    path("admin/", admin.site.urls),
]

# Our error pages (config/errors.py): rendered without reading the request.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
