"""The coverage page: per group and month, shifts planned, done, missed, person-hours and
hotspots checked, for what the user may see (a ward, the province, their groups)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from groups.caching import private
from groups.models import Area, SelfManagementGroup
from patrols import coverage
from patrols.forms import CoverageForm

PAGE_SIZE = 50


@require_GET
@login_required
@private
def coverage_page(request):
    user = request.user
    groups = SelfManagementGroup.objects.visible_to(user)
    # Administrators pick the province or a commune/ward; everyone else sees their scope.
    areas = Area.objects.pickable_by(user, province=True) if user.is_province_admin else None
    month, area = timezone.localdate().replace(day=1), None
    form = CoverageForm(request.GET or None, areas=areas, initial={"month": month})
    if form.is_valid():
        month = form.cleaned_data["month"] or month
        area = form.cleaned_data.get("area")
    if area is not None:
        groups = groups.filter(ward__path__startswith=area.path)
    start, end = coverage.month_bounds(month.year, month.month)
    page = Paginator(
        groups.select_related("ward", "unit").order_by("ward__name", "name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    figures = coverage.by_group(groups=[group.pk for group in page], start=start, end=end)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "month": month,
        "area": area,
        "page": page,
        "rows": [(group, figures.get(group.pk, coverage.Figures())) for group in page],
        "totals": coverage.total(groups=groups, start=start, end=end),
        "query": query.urlencode(),
    }
    return render(request, "patrols/coverage.html", context)
