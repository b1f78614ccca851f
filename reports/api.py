"""Read-only access to the reports a user may see, and acknowledging one.

The serializer has no contact field and no way to reach the vault: the API is
open to group leaders, who must never learn who reported.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from reports.filters import ReportFilter
from reports.models import Report, Status


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
            report = report.transition(to=Status.ACKNOWLEDGED, by=request.user, public=True)
        except DjangoValidationError as error:
            return Response(
                {
                    "detail": " ".join(error.messages),
                    "code": getattr(error, "code", None) or "invalid",
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(self.get_serializer(report).data)
