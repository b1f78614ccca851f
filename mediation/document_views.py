"""Printable documents (HTML and PDF) and the statistics page with its XLSX export.

Documents show case content, so they are fetched through ``visible_to`` like the
case page. Statistics show counts and outcomes only and start from ``counted_for``:
the ward police see their ward's figures without seeing its cases.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from groups.audit import Action, record
from groups.caching import private
from groups.inputs import ascii_int, parse_year
from groups.models import Area
from mediation.documents import (
    CASE_DOCUMENTS,
    LOGBOOK_TEMPLATE,
    case_context,
    logbook_groups,
    render_html,
    render_pdf,
    sides,
)
from mediation.export import statistics_workbook
from mediation.forms import StatisticsForm
from mediation.models import MediationCase, Status
from mediation.stats import Period, may_count, statistics


def _language(request) -> str:
    # Documents are in Vietnamese, the forms' language; ?lang=en gives an English copy.
    requested = request.GET.get("lang", "vi")
    return requested if requested in dict(settings.LANGUAGES) else "vi"


def _document_response(request, *, template, context, fmt, filename, obj):
    language = _language(request)
    if fmt == "pdf":
        record(action=Action.DOWNLOAD, obj=obj, detail={"document": filename, "format": "pdf"})
        response = HttpResponse(
            render_pdf(template=template, context=context, language=language),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
        return response
    return HttpResponse(render_html(template=template, context=context, language=language))


@require_GET
@login_required
@private
def case_document(request, pk, name, fmt="html"):
    case = get_object_or_404(
        MediationCase.objects.visible_to(request.user).select_related("group__ward"), pk=pk
    )
    document = CASE_DOCUMENTS.get(name)
    if document is None or (document.statuses and case.status not in document.statuses):
        raise Http404
    context = {
        **case_context(case),
        "doc_date": case.outcome_on if document.statuses else timezone.localdate(),
        "back_url": reverse("mediation:detail", args=[case.pk]),
        "pdf_url": reverse("mediation:document_pdf", args=[case.pk, name]),
    }
    return _document_response(
        request,
        template=document.template,
        context=context,
        fmt=fmt,
        filename=f"case-{case.pk}-{name}",
        obj=case,
    )


@require_GET
@login_required
@private
def logbook(request):
    group_pk = ascii_int(request.GET.get("group"))
    year = parse_year(request.GET.get("year", str(timezone.localdate().year)))
    if group_pk is None or year is None:
        raise Http404
    group = get_object_or_404(logbook_groups(request.user).select_related("ward"), pk=group_pk)
    cases = (
        MediationCase.objects.visible_to(request.user)
        .filter(group=group, received_on__year=year)
        .order_by("received_on", "pk")
        .prefetch_related("parties", "mediators__member", "sessions")
    )
    lines = [
        {
            "case": case,
            "sides": sides(case.parties.all()),
            "mediators": [m for m in case.mediators.all() if m.is_active],
            "sessions": list(case.sessions.all()),
        }
        for case in cases
    ]
    fmt = "pdf" if request.GET.get("format") == "pdf" else "html"
    query = f"?group={group.pk}&year={year}"
    context = {
        "group": group,
        "year": year,
        "lines": lines,
        "back_url": reverse("mediation:list"),
        "pdf_url": reverse("mediation:logbook") + query + "&format=pdf",
    }
    return _document_response(
        request,
        template=LOGBOOK_TEMPLATE,
        context=context,
        fmt=fmt,
        filename=f"logbook-{group.pk}-{year}",
        obj=group,
    )


# Statistics


def _areas(user):
    return Area.objects.pickable_by(user, province=True)


def requested_statistics(request):
    """The figures the request asks for, within what the user may count; None if the
    form is wrong (the form then carries the errors). The statistics page, its export
    and the API (mediation/api.py) ask here."""
    user = request.user
    if not may_count(user):
        raise PermissionDenied
    data = request.GET if "year" in request.GET else {"year": timezone.localdate().year}
    form = StatisticsForm(data, areas=_areas(user))
    if not form.is_valid():
        return form, None, ""
    year, quarter, area = (form.cleaned_data[name] for name in ("year", "quarter", "area"))
    period = Period.quarter(year, quarter) if quarter else Period.year(year)
    cases = MediationCase.objects.counted_for(user)
    if area is not None:
        cases = cases.in_area(area)
        per, scope = ("ward" if area.depth == 1 else "group"), area.name
    elif user.is_province_admin:
        per, scope = "ward", _("All provinces")
    elif user.is_ward_police:
        per, scope = "group", user.police_ward.name
    else:
        per, scope = "group", _("My mediation groups")
    return form, statistics(cases=cases, period=period, per=per), scope


@require_GET
@login_required
@private
def statistics_page(request):
    form, stats, scope = requested_statistics(request)
    query = request.GET.urlencode()
    return render(
        request,
        "mediation/statistics.html",
        {
            "form": form,
            "stats": stats,
            "scope": scope,
            "export_url": reverse("mediation:statistics_xlsx") + (f"?{query}" if query else ""),
            "statuses": Status,
        },
        status=200 if stats is not None else 400,
    )


@require_GET
@login_required
@private
def statistics_xlsx(request):
    _form, stats, scope = requested_statistics(request)
    if stats is None:
        return HttpResponse(_("Check the period and the area."), status=400)
    response = HttpResponse(
        statistics_workbook(stats=stats, scope=scope),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    period = f"{stats.period.start:%Y%m%d}-{stats.period.end:%Y%m%d}"
    record(
        action=Action.EXPORT,
        object_type_label="mediation.mediationcase",
        ward=request.user.police_ward_id,
        detail={"export": "statistics", "format": "xlsx", "period": period},
    )
    response["Content-Disposition"] = f'attachment; filename="mediation-{period}.xlsx"'
    return response
