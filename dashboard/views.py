"""The dashboard page, its "Now" panel and the province comparison; the map, the
trends and the exports have their own view modules (see docs/dashboard.md)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dashboard import comparison, trends
from dashboard.access import dashboard_view
from dashboard.filters import DashboardFilter
from dashboard.now import now_panel
from groups.caching import private
from groups.htmx import wants_partial
from reports.escalation import chain as escalation
from reports.models import Escalation, Report


def dashboard_filter(request) -> DashboardFilter:
    """The filter every dashboard view reads, over the reports the user may see."""
    return DashboardFilter(
        request.GET or None,
        queryset=Report.objects.visible_to(request.user),
        user=request.user,
    )


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _now_context(request, filterset: DashboardFilter, **extra) -> dict:
    query = request.GET.urlencode()
    return {
        "now": now_panel(user=request.user, filterset=filterset, now=timezone.now()),
        "query": query,
        "now_url": _with_query(reverse("dashboard:now"), query),
        **extra,
    }


def shows_comparison(user, filterset: DashboardFilter) -> bool:
    """Province administrators compare wards; once a ward is chosen, the page is about it."""
    return user.is_province_admin and filterset.chosen("ward") is None


def _comparison_context(request, filterset: DashboardFilter) -> dict:
    sort = request.GET.get("sort")
    return {
        "comparison": comparison.ward_comparison(filterset, sort=sort),
        "comparison_headers": comparison.headers(request.GET, sort),
        "ward_query": comparison.ward_query(request.GET),
        "query": request.GET.urlencode(),
    }


def _panel(request, template: str, context: dict):
    """A panel alone for htmx (the page loads it after itself), or on a page of its
    own for a browser without JavaScript following the panel's link."""
    if wants_partial(request):
        return render(request, template, context)
    return render(request, "dashboard/panel_page.html", {**context, "panel": template})


@dashboard_view
@private
def page(request):
    # The page brings what needs action now; the figures over a period (the
    # headlines, the comparison, the charts, the map) load after it, each from
    # its own URL, so that a phone shows the page at once.
    filterset = dashboard_filter(request)
    start, end = filterset.period
    context = {
        "filter": filterset,
        "start": start,
        "end": end,
        "shows_comparison": shows_comparison(request.user, filterset),
    }
    context.update(_now_context(request, filterset))
    return render(request, "dashboard/page.html", context)


@dashboard_view
@private
def now(request):
    """The "Now" panel alone: the page polls it."""
    filterset = dashboard_filter(request)
    return render(request, "dashboard/_now.html", _now_context(request, filterset))


@dashboard_view
@private
def ward_comparison(request):
    """The comparison table alone, for sorting it in place."""
    filterset = dashboard_filter(request)
    if not shows_comparison(request.user, filterset):
        raise PermissionDenied(
            _("The comparison of communes/wards is for province administrators.")
        )
    return _panel(request, "dashboard/_comparison.html", _comparison_context(request, filterset))


@dashboard_view
@private
def headlines(request):
    """The headline figures as text: year on year where groups work, mediation."""
    filterset = dashboard_filter(request)
    return _panel(
        request,
        "dashboard/_headlines.html",
        {"headline": trends.headline_figures(filterset), "query": request.GET.urlencode()},
    )


@dashboard_view
@require_POST
def acknowledge(request, pk):
    """Acknowledge one escalation; the form keeps the dashboard's query string."""
    found = get_object_or_404(
        Escalation.objects.visible_to(request.user).select_related("report"), pk=pk
    )
    try:
        taken = escalation.acknowledge(escalation=found, by=request.user)
    except PermissionDenied as refusal:
        if not wants_partial(request):
            raise
        level, text = messages.ERROR, str(refusal)
    else:
        if taken:
            level = messages.SUCCESS
            text = _("Report #%(pk)s acknowledged: further escalation is stopped.")
        else:
            level = messages.INFO
            text = _("Report #%(pk)s was already acknowledged.")
        text = text % {"pk": found.report_id}
    if wants_partial(request):
        notice = {"tag": messages.DEFAULT_TAGS[level], "text": text}
        context = _now_context(request, dashboard_filter(request), notice=notice)
        return render(request, "dashboard/_now.html", context)
    messages.add_message(request, level, text)
    return redirect(_with_query(reverse("dashboard:page"), request.GET.urlencode()))
