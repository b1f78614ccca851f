"""Read-only access to the reports and escalations a user may see, and acknowledging them.

The serializers have no contact field and no way to reach the vault: the API is
open to group leaders, who must never learn who reported.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from reports.escalation import chain as escalation
from reports.filters import ReportFilter
from reports.lifecycle import apply_transition
from reports.models import Escalation, Report, Status


class ReportSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.__str__", read_only=True)
    severity = serializers.CharField(source="category.severity", read_only=True)
    place = serializers.CharField(source="place.__str__", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Report
        # Listed one by one: a new model field must be a decision, not a leak.
        fields = [
            "id",
            "category",
            "category_name",
            "severity",
            "description",
            "occurred_at",
            "ward",
            "unit",
            "place",
            "address",
            "latitude",
            "longitude",
            "channel",
            "status",
            "created_at",
            "due_at",
            "is_overdue",
            "acknowledged_at",
            "closed_at",
            "outcome",
            "duplicate_of",
        ]
        read_only_fields = fields


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self):
        return (
            Report.objects.visible_to(self.request.user)
            .select_related("category", "ward", "unit")
            .order_by("-created_at", "-pk")
        )

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        report = self.get_object()
        # PermissionDenied from the lifecycle becomes DRF's 403 JSON answer.
        try:
            # Public as on the detail page: the reporter sees that someone took it up.
            report = apply_transition(
                report=report, to=Status.ACKNOWLEDGED, by=request.user, public=True
            )
        except DjangoValidationError as error:
            return Response(
                {
                    "detail": " ".join(error.messages),
                    "code": getattr(error, "code", None) or "invalid",
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(self.get_serializer(report).data)


class EscalationSerializer(serializers.ModelSerializer):
    report = serializers.PrimaryKeyRelatedField(read_only=True)
    # A name for the officer who took it, never anything of the reporter's.
    acknowledged_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = Escalation
        fields = ["id", "report", "level", "created_at", "acknowledged_at", "acknowledged_by"]
        read_only_fields = fields


class EscalationFilter(django_filters.FilterSet):
    awaiting = django_filters.BooleanFilter(
        label=_("Awaiting acknowledgement"), field_name="acknowledged_at", lookup_expr="isnull"
    )
    # A number, not a choice among all reports: "no such report" would tell
    # which reports exist beyond those the user may see.
    report = django_filters.NumberFilter(label=_("Report"), field_name="report_id")

    class Meta:
        model = Escalation
        fields = ["awaiting", "report", "level"]


class EscalationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EscalationSerializer
    filterset_class = EscalationFilter

    def get_queryset(self):
        return (
            Escalation.objects.visible_to(self.request.user)
            .select_related("acknowledged_by")
            .order_by("-created_at", "-pk")
        )

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        found = self.get_object()
        # PermissionDenied (a leader who sees the report) becomes DRF's 403 JSON answer.
        taken = escalation.acknowledge(escalation=found, by=request.user)
        found.refresh_from_db(fields=["acknowledged_at", "acknowledged_by"])
        return Response({**self.get_serializer(found).data, "acknowledged": taken})
