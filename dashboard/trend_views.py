"""Each trend of the dashboard as JSON, for static/js/dashboard-charts.js."""

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dashboard.access import may_use_dashboard
from dashboard.trends import CHART_SERIES, TRENDS
from dashboard.views import dashboard_filter
from groups.caching import private


@require_GET
@private
def trend(request, key):
    """One trend's table for the dashboard's filters (same query string as the page),
    with the columns its chart draws."""
    # A script reads this: it gets JSON, not the login page or an HTML 403.
    if not may_use_dashboard(request.user):
        return JsonResponse(
            {"error": _("The dashboard is for the police and province administrators.")},
            status=403,
        )
    if key not in TRENDS:
        raise Http404(_("There is no such figure."))
    filterset = dashboard_filter(request)
    if filterset.is_bound and not filterset.form.is_valid():
        return JsonResponse({"errors": filterset.form.errors.get_json_data()}, status=400)
    table = TRENDS[key](filterset)
    series = CHART_SERIES.get(key) or range(1, len(table.columns))
    return JsonResponse(
        {**table.as_json(), "series": list(series)},
        json_dumps_params={"ensure_ascii": False},
    )
