"""The handlers' inbox filters, shared by the inbox page, its CSV export and the API."""

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.text_search import SearchFilter
from reports.models import OPEN_STATUSES, Category, Report, Severity, Status
from reports.search import search_reports

# Most severe last, so "-severity" puts urgent reports first.
SEVERITY_RANK = Case(
    When(category__severity=Severity.LOW, then=Value(0)),
    When(category__severity=Severity.NORMAL, then=Value(1)),
    When(category__severity=Severity.HIGH, then=Value(2)),
    When(category__severity=Severity.URGENT, then=Value(3)),
    output_field=IntegerField(),
)


class OverdueSelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [
            ("unknown", _("Overdue or not")),
            ("true", _("Overdue only")),
            ("false", _("Not overdue")),
        ]


class ReportOrdering(django_filters.OrderingFilter):
    """Sorting by received, deadline or severity; severity by rank, not by name."""

    def get_ordering_value(self, param):
        if param.lstrip("-") == "severity":
            return SEVERITY_RANK.desc() if param.startswith("-") else SEVERITY_RANK.asc()
        return super().get_ordering_value(param)

    def filter(self, qs, value):
        ordering = [self.get_ordering_value(param) for param in value or () if param]
        if not ordering:
            return qs
        # A tie-breaker keeps pages stable when many reports share a value.
        return qs.order_by(*ordering, "-pk")


class ReportFilter(django_filters.FilterSet):
    q = SearchFilter(method="filter_search")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all(), empty_label=_("All categories")
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"),
        field_name="category__severity",
        choices=Severity.choices,
        empty_label=_("Any severity"),
    )
    received_from = django_filters.DateFilter(
        label=_("Received from"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("Received until"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Deadline"), method="filter_overdue", widget=OverdueSelect
    )
    ordering = ReportOrdering(
        label=_("Sort by"),
        empty_label=None,
        choices=[
            ("-received", _("Newest first")),
            ("received", _("Oldest first")),
            ("deadline", _("Deadline, soonest first")),
            ("-severity", _("Most severe first")),
        ],
        fields=[("created_at", "received"), ("due_at", "deadline")],
    )

    class Meta:
        model = Report
        fields = ["status", "category", "severity", "overdue"]

    def filter_search(self, queryset, name, value):
        return search_reports(queryset, query=value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.overdue()
        return queryset.exclude(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
