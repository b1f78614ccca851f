"""Escalations of the reports a user may see, and acknowledging one (police)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from groups.api.filters import FilterBackend, StrictBooleanFilter
from groups.api.lookups import NumericLookupMixin
from reports.api.serializers import AcknowledgedEscalationSerializer, EscalationSerializer
from reports.escalation import chain as escalation
from reports.models import Escalation


class EscalationFilter(django_filters.FilterSet):
    awaiting = StrictBooleanFilter(
        label=_("Awaiting acknowledgement"), field_name="acknowledged_at", lookup_expr="isnull"
    )
    # A number, not a choice among all reports: "no such report" would tell
    # which reports exist beyond those the user may see.
    report = django_filters.NumberFilter(
        label=_("Report"), field_name="report_id", min_value=1, max_value=10**18 - 1
    )
    level = django_filters.NumberFilter(label=_("Level"), min_value=0, max_value=32767)

    class Meta:
        model = Escalation
        fields = ["awaiting", "report", "level"]


class EscalationViewSet(NumericLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = EscalationSerializer
    filterset_class = EscalationFilter
    filter_backends = [FilterBackend, OrderingFilter]
    ordering_fields = ["created_at", "level", "acknowledged_at"]

    def get_queryset(self):
        return (
            Escalation.objects.visible_to(self.request.user)
            .select_related("acknowledged_by")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(request=None, responses=AcknowledgedEscalationSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        found = self.get_object()
        # PermissionDenied (a leader who sees the report) becomes a 403 JSON answer.
        taken = escalation.acknowledge(escalation=found, by=request.user)
        found.refresh_from_db(fields=["acknowledged_at", "acknowledged_by"])
        return Response(
            AcknowledgedEscalationSerializer(found, context={"acknowledged": taken}).data
        )
