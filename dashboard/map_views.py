"""The dashboard map's points as JSON, for static/js/dashboard-map.js."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dashboard.access import may_use_dashboard
from dashboard.map import hotspot_points, report_points
from dashboard.views import dashboard_filter
from groups.caching import private


@require_GET
@private
def map_points(request):
    """The reports and hotspots of the dashboard's filters (same query string as the page)."""
    # A script reads this: it gets JSON, not the login page or an HTML 403.
    if not may_use_dashboard(request.user):
        return JsonResponse(
            {"error": _("The dashboard is for the police and province administrators.")},
            status=403,
        )
    filterset = dashboard_filter(request)
    if filterset.is_bound and not filterset.form.is_valid():
        return JsonResponse({"errors": filterset.form.errors.get_json_data()}, status=400)
    return JsonResponse(
        {
            "reports": report_points(filterset.qs),
            "hotspots": hotspot_points(
                user=request.user, wards=filterset.wards(), unit=filterset.chosen("unit")
            ),
        },
        json_dumps_params={"ensure_ascii": False},
    )
