"""The dashboard's figures as JSON: the headlines, "now", the trends, the map's points and
the comparison of communes/wards, for the same people as the page (dashboard/access.py)
and with the same query string (dashboard/filters.py).

Each answer is drawn by the function the page draws its panel with; nothing here counts
on its own. A filter the form refuses (a ward outside the user's scope, a day out of
range) is a 400 naming the field: a system reading figures must not get different ones
silently.
"""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboard import comparison, trends
from dashboard.access import may_use_dashboard
from dashboard.filters import DashboardFilter
from dashboard.map import hotspot_points, report_points
from dashboard.now import now_panel
from dashboard.views import dashboard_filter, shows_comparison
from groups.api.filters import refuse_empty_values
from groups.api.forms import field_errors
from mediation.api import CaseFiguresSerializer

FILTER_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: a year ago)"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (default: today)"),
    OpenApiParameter("ward", OpenApiTypes.INT),
    OpenApiParameter("unit", OpenApiTypes.INT),
    OpenApiParameter("category", OpenApiTypes.INT),
    OpenApiParameter("model_kind", OpenApiTypes.INT),
    OpenApiParameter("channel", OpenApiTypes.STR),
]


class UsesDashboard(BasePermission):
    message = _("The dashboard is for the police and province administrators.")

    def has_permission(self, request, view):
        return may_use_dashboard(request.user)


class DashboardView(APIView):
    permission_classes = [IsAuthenticated, UsesDashboard]

    def filterset(self, request) -> DashboardFilter:
        filterset = dashboard_filter(request)
        refuse_empty_values(filterset, request.query_params)
        if filterset.is_bound and not filterset.form.is_valid():
            raise BadRequest(field_errors(filterset.form.errors))
        return filterset


# Answers -------------------------------------------------------------------------------


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    chart = serializers.CharField()
    series = serializers.ListField(child=serializers.IntegerField())


class YearOnYearSerializer(serializers.Serializer):
    previous = serializers.IntegerField()
    current = serializers.IntegerField()


class HeadlinesSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    covered = YearOnYearSerializer()
    covered_change = serializers.FloatField(allow_null=True)
    uncovered = YearOnYearSerializer()
    uncovered_change = serializers.FloatField(allow_null=True)
    mediation = CaseFiguresSerializer()
    mediated_successfully = serializers.FloatField(allow_null=True)
    hours_to_acknowledge = serializers.FloatField(allow_null=True)
    hours_to_resolve = serializers.FloatField(allow_null=True)


class CountsSerializer(serializers.Serializer):
    new = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    escalated = serializers.IntegerField()


class UrgentReportSerializer(serializers.Serializer):
    # What the panel shows of a report; nothing of its reporter.
    id = serializers.IntegerField()
    category = serializers.CharField(source="category.name")
    severity = serializers.CharField(source="category.severity")
    ward = serializers.IntegerField(source="ward_id")
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)


class AwaitingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    report = UrgentReportSerializer()


class PatrolUnderWaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    group = serializers.IntegerField(source="shift.group_id")
    group_name = serializers.CharField(source="shift.group.name")
    started_at = serializers.DateTimeField()
    led_by_name = serializers.CharField(source="led_by.full_name", default=None, allow_null=True)


class NowSerializer(serializers.Serializer):
    counts = CountsSerializer()
    awaiting = AwaitingSerializer(many=True)
    due_soon = UrgentReportSerializer(
        many=True, help_text="Open reports within their deadline, the nearest deadline first."
    )
    overdue = UrgentReportSerializer(
        many=True, help_text="Open reports past their deadline, the most recently overdue first."
    )
    patrols = PatrolUnderWaySerializer(many=True)


class MapSerializer(serializers.Serializer):
    reports = serializers.JSONField(help_text="GeoJSON FeatureCollection")
    hotspots = serializers.JSONField(help_text="GeoJSON FeatureCollection")


class ComparisonRowSerializer(serializers.Serializer):
    ward = serializers.IntegerField()
    ward_name = serializers.CharField()
    reports = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    escalated = serializers.IntegerField()
    acknowledge_hours = serializers.FloatField(allow_null=True)
    resolve_hours = serializers.FloatField(allow_null=True)


class ComparisonSerializer(serializers.Serializer):
    sort = serializers.CharField()
    rows = ComparisonRowSerializer(many=True)


# Views ---------------------------------------------------------------------------------


class HeadlinesView(DashboardView):
    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: HeadlinesSerializer})
    def get(self, request):
        """The headline figures: year on year where groups work and where none does,
        mediation, and the median hours to acknowledge and to resolve."""
        filterset = self.filterset(request)
        headline = trends.headline_figures(filterset)
        start, end = filterset.period
        figures = headline.mediation
        return Response(
            HeadlinesSerializer(
                {
                    "start": start,
                    "end": end,
                    "covered": headline.covered,
                    "covered_change": headline.covered_change,
                    "uncovered": headline.uncovered,
                    "uncovered_change": headline.uncovered_change,
                    "mediation": {**figures.__dict__, "rate": figures.rate},
                    "mediated_successfully": headline.mediated_successfully,
                    "hours_to_acknowledge": headline.hours_to_acknowledge,
                    "hours_to_resolve": headline.hours_to_resolve,
                }
            ).data
        )


class NowView(DashboardView):
    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: NowSerializer})
    def get(self, request):
        """What needs attention now: counts of open reports, escalations awaiting
        acknowledgement, the open reports due soonest, those overdue (the most recently
        overdue first) and the patrols under way. The period does not apply."""
        panel = now_panel(user=request.user, filterset=self.filterset(request), now=timezone.now())
        return Response(NowSerializer(panel).data)


class TrendView(DashboardView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "key", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(trends.TRENDS)
            ),
            *FILTER_PARAMETERS,
        ],
        responses={200: TableSerializer},
    )
    def get(self, request, key):
        """One trend's table, with the columns its chart draws (`series`)."""
        if key not in trends.TRENDS:
            raise Http404(_("There is no such figure."))
        table = trends.TRENDS[key](self.filterset(request))
        series = trends.CHART_SERIES.get(key) or range(1, len(table.columns))
        return Response({**table.as_json(), "series": list(series)})


class MapView(DashboardView):
    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: MapSerializer})
    def get(self, request):
        """The located reports and hotspots of the filters, as GeoJSON."""
        filterset = self.filterset(request)
        return Response(
            {
                "reports": report_points(filterset.qs),
                "hotspots": hotspot_points(
                    user=request.user, wards=filterset.wards(), unit=filterset.chosen("unit")
                ),
            }
        )


class ComparisonView(DashboardView):
    @extend_schema(
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter(
                "sort",
                OpenApiTypes.STR,
                enum=[f"{sign}{key}" for key in comparison.COLUMN_KEYS for sign in ("", "-")],
            ),
        ],
        responses={200: ComparisonSerializer},
    )
    def get(self, request):
        """The communes/wards compared (province administrators, no ward chosen)."""
        filterset = self.filterset(request)
        if not shows_comparison(request.user, filterset):
            raise PermissionDenied(
                _("The comparison of communes/wards is for province administrators.")
            )
        key, descending = comparison.parse_sort(request.query_params.get("sort"))
        table = comparison.ward_comparison(filterset, sort=request.query_params.get("sort"))
        rows = [
            {"ward": row[0].pk, "ward_name": row[0].name}
            | dict(zip(comparison.COLUMN_KEYS[1:], row[1:], strict=True))
            for row in table.rows
        ]
        return Response(
            ComparisonSerializer({"sort": f"{'-' if descending else ''}{key}", "rows": rows}).data
        )
