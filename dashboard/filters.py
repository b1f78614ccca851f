"""The dashboard's filters: one FilterSet that the page, its charts, its map and
its exports all read, so that a shared URL shows everyone the same figures.

The period filters on `created_at` with a half-open range of aware datetimes
(midnight to midnight in Asia/Ho_Chi_Minh) rather than `__date` lookups, so
that the indexes on `created_at` serve it.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.inputs import DAY_VALIDATORS, ascii_int
from groups.models import Area, ModelType
from groups.text_search import SearchFilter
from reports.models import Category, Channel, Report, ReportAssignment
from reports.search import search_reports

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last twelve months up to today, from the first of a month."""
    first = today.replace(day=1)
    year, month = (first.year - 1, first.month + 1) if first.month < 12 else (first.year, 1)
    return datetime.date(year, month, 1), today


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def dashboard_wards(user):
    """The communes/wards the user's dashboard covers: one for ward police, all for admins."""
    return Area.objects.pickable_by(user)


class DashboardFilter(django_filters.FilterSet):
    # Narrows every panel (the lists, the map, the figures, the exports) to the
    # reports whose text, address or place matches.
    q = SearchFilter(method="filter_search")
    start = django_filters.DateFilter(
        label=_("From"), method="filter_period", widget=DATE_INPUT, validators=DAY_VALIDATORS
    )
    end = django_filters.DateFilter(
        label=_("Until"), method="filter_period", widget=DATE_INPUT, validators=DAY_VALIDATORS
    )
    ward = django_filters.ModelChoiceFilter(
        label=_("Commune/ward"), queryset=Area.objects.none(), empty_label=_("All communes/wards")
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Residential unit"),
        queryset=Area.objects.none(),
        empty_label=_("All residential units"),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all(), empty_label=_("All categories")
    )
    model_kind = django_filters.ModelChoiceFilter(
        label=_("Model kind"),
        queryset=ModelType.objects.all(),
        method="filter_model_kind",
        empty_label=_("All model kinds"),
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Channel.choices, empty_label=_("All channels")
    )

    class Meta:
        model = Report
        fields = ["q", "start", "end", "ward", "unit", "category", "model_kind", "channel"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        wards = dashboard_wards(user)
        self.filters["ward"].queryset = wards
        units = Area.objects.filter(depth=3)
        if user.is_province_admin:
            # The province's 2,000-odd units would make a select no phone can use:
            # an administrator chooses a commune/ward first, then one of its units.
            ward = ascii_int((data or {}).get("ward"))
            if ward:
                ward_path = Area.objects.filter(pk=ward, depth=2).values("path")[:1]
                units = units.filter(path__startswith=Subquery(ward_path))
            else:
                units = units.none()
        elif user.is_ward_police:
            units = units.filter(path__startswith=user.police_ward.path)
        else:
            units = units.none()
        self.filters["unit"].queryset = units.alphabetical()

    @property
    def qs(self):
        # The period always applies: without one the dashboard covers the
        # default twelve months, never the whole history by accident.
        start, end = self.period
        return (
            super()
            .qs.filter(created_at__gte=day_start(start), created_at__lt=day_start(end) + ONE_DAY)
            .order_by("-created_at", "-pk")
        )

    def without_period(self):
        """The same reports over all time, for comparing the period with another one."""
        return super().qs.order_by()

    def filter_period(self, queryset, name, value):
        return queryset  # applied in qs, with its default

    def filter_search(self, queryset, name, value):
        return search_reports(queryset, query=value)

    def filter_model_kind(self, queryset, name, value):
        return queryset.filter(
            Exists(ReportAssignment.objects.filter(report=OuterRef("pk"), group__model_types=value))
        )

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        """(first day, last day) of the chosen period, both included."""
        default_start, default_end = default_period(timezone.localdate())
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        start = data.get("start") or default_start
        end = data.get("end") or default_end
        return (start, end) if start <= end else (end, start)

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as a half-open range of aware datetimes."""
        start, end = self.period
        return day_start(start), day_start(end) + ONE_DAY

    def chosen(self, name):
        """A filter's cleaned value, or None."""
        if not (self.is_bound and self.form.is_valid()):
            return None
        return self.form.cleaned_data.get(name)

    def wards(self):
        """The wards the figures cover: the chosen one or all the user's."""
        ward = self.chosen("ward")
        wards = dashboard_wards(self.user)
        return wards.filter(pk=ward.pk) if ward else wards


ONE_DAY = datetime.timedelta(days=1)
