"""The case list's filters: status, kind of dispute, period received, group."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import SelfManagementGroup
from groups.text_search import SearchFilter
from mediation.models import DisputeKind, MediationCase, Status
from mediation.search import search_cases


class CaseFilter(django_filters.FilterSet):
    q = SearchFilter(method="filter_search")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of dispute"), choices=DisputeKind.choices, empty_label=_("Any kind")
    )
    received_from = django_filters.DateFilter(
        label=_("Received from"),
        field_name="received_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("Received until"),
        field_name="received_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Mediation group"),
        queryset=SelfManagementGroup.objects.none(),
        empty_label=_("All groups"),
    )

    class Meta:
        model = MediationCase
        fields = ["status", "kind", "group"]

    def filter_search(self, queryset, name, value):
        return search_cases(queryset, query=value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only groups whose cases the list can hold.
        self.filters["group"].queryset = SelfManagementGroup.objects.filter(
            pk__in=self.queryset.values("group")
        ).order_by("name")
