"""Hotspots: the list (with "not checked for N days"), one hotspot with its check-ins,
registering and changing them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from groups.caching import private
from patrols.forms import HotspotFilterForm, HotspotForm
from patrols.hotspot_search import search_hotspots
from patrols.hotspots import may_register_hotspots, save_hotspot, wards_for
from patrols.models import Hotspot, HotspotCheckIn

PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 25


@require_GET
@login_required
@private
def hotspot_list(request):
    form = HotspotFilterForm(request.GET or None)
    hotspots = Hotspot.objects.visible_to(request.user).active().select_related("ward", "unit")
    days = None
    if form.is_valid():
        days = form.cleaned_data["days"]
        if days:
            hotspots = hotspots.not_checked_for(days)
        if form.cleaned_data["kind"]:
            hotspots = hotspots.filter(kind=form.cleaned_data["kind"])
        hotspots = search_hotspots(hotspots, query=form.cleaned_data["q"])
    # Never checked first, then the longest unchecked; the riskiest first among equals.
    hotspots = hotspots.order_by(F("last_checked_at").asc(nulls_first=True), "-risk", "name", "pk")
    page = Paginator(hotspots, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "days": days,
        "query": query.urlencode(),
        "may_register": may_register_hotspots(request.user),
    }
    return render(request, "patrols/hotspot_list.html", context)


@require_GET
@login_required
@private
def hotspot_detail(request, pk):
    hotspot = get_object_or_404(
        Hotspot.objects.visible_to(request.user).select_related("ward", "unit"), pk=pk
    )
    history = (
        HotspotCheckIn.objects.visible_to(request.user)
        .filter(hotspot=hotspot)
        .select_related("log__shift__group", "checked_by")
        .order_by("-checked_at", "-pk")
    )
    page = Paginator(history, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "hotspot": hotspot,
        "page": page,
        "may_edit": Hotspot.objects.editable_by(request.user).filter(pk=hotspot.pk).exists(),
    }
    return render(request, "patrols/hotspot_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@private
def hotspot_new(request):
    if not may_register_hotspots(request.user):
        raise PermissionDenied
    return _hotspot_form(request, instance=None)


@require_http_methods(["GET", "POST"])
@login_required
@private
def hotspot_edit(request, pk):
    instance = get_object_or_404(Hotspot.objects.editable_by(request.user), pk=pk)
    return _hotspot_form(request, instance=instance)


def _hotspot_form(request, *, instance):
    form = HotspotForm(request.POST or None, instance=instance, wards=wards_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            hotspot = save_hotspot(hotspot=form.save(commit=False), by=request.user)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        else:
            messages.success(request, _("The hotspot is saved."))
            return redirect("patrols:hotspot", pk=hotspot.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "patrols/hotspot_form.html", {"form": form, "hotspot": instance}, status=status
    )
