"""Downloads from the dashboard: the filtered report list, any dashboard table, and
the monthly summary of a commune/ward (dashboard/exports.py, summary.py)."""

from django import forms
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from dashboard import comparison, exports, trends
from dashboard.access import dashboard_view
from dashboard.filters import dashboard_wards
from dashboard.summary import monthly_summary
from dashboard.tables import Table
from dashboard.views import dashboard_filter, shows_comparison
from groups import inputs
from groups.audit import Action, record
from groups.caching import private
from mediation.documents import render_pdf
from reports import spreadsheets

SUMMARY_TEMPLATE = "dashboard/summary_pdf.html"
SUMMARY_FORMATS = [("xlsx", "XLSX"), ("pdf", "PDF")]
COMPARISON_KEY = "ward-comparison"  # the key dashboard.comparison gives its table


def _valid_filter(request):
    """The dashboard's filter, or a 400 naming the bad fields: a download must not
    quietly ignore a filter the person thinks applies."""
    filterset = dashboard_filter(request)
    if filterset.is_bound and not filterset.form.is_valid():
        errors = "; ".join(
            f"{filterset.form[name].label}: {' '.join(messages)}"
            for name, messages in filterset.form.errors.items()
        )
        return filterset, HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    return filterset, None


@require_GET
@dashboard_view
@private
def export_reports(request, fmt):
    filterset, refused = _valid_filter(request)
    if refused:
        return refused
    start, end = filterset.period
    filename = f"reports-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
    columns, rows = exports.report_columns(), exports.report_rows(filterset.qs)
    _record_export(request, filterset, export="reports", fmt=fmt)
    if fmt == "csv":
        return spreadsheets.csv_response(filename=filename, columns=columns, rows=rows)
    sheet = spreadsheets.Sheet(_("Reports"), columns, rows)
    return spreadsheets.xlsx_response(filename=filename, sheets=[sheet])


@require_GET
@dashboard_view
@private
def export_table(request, key, fmt):
    filterset, refused = _valid_filter(request)
    if refused:
        return refused
    table = dashboard_table(key, filterset, sort=request.GET.get("sort"))
    if table is None:
        raise Http404
    start, end = filterset.period
    filename = f"{table.key}-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
    _record_export(request, filterset, export=table.key, fmt=fmt)
    if fmt == "csv":
        return spreadsheets.csv_response(filename=filename, columns=table.columns, rows=table.rows)
    return spreadsheets.xlsx_response(filename=filename, sheets=[exports.table_sheet(table)])


def _record_export(request, filterset, *, export: str, fmt: str) -> None:
    start, end = filterset.period
    chosen = filterset.form.cleaned_data.get("ward") if filterset.is_bound else None
    record(
        action=Action.EXPORT,
        actor=request.user,
        object_type_label="reports.report",
        ward=chosen.pk if chosen else request.user.police_ward_id,
        detail={"export": export, "format": fmt, "period": f"{start:%Y-%m-%d}/{end:%Y-%m-%d}"},
    )


def dashboard_table(key: str, filterset, *, sort: str | None = None) -> Table | None:
    """The table named `key` as the page shows it with these filters; None when the
    page would not show it to this user."""
    if key == COMPARISON_KEY:
        if not shows_comparison(filterset.user, filterset):
            return None
        return comparison.ward_comparison(filterset, sort=sort)
    if key in trends.TRENDS:
        return trends.trend_table(key, filterset)
    return None


class SummaryForm(forms.Form):
    month = inputs.MonthField(
        label=gettext_lazy("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=gettext_lazy("Year and month, as 2026-03."),
    )
    ward = forms.ModelChoiceField(
        label=gettext_lazy("Commune/ward"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("The whole province"),
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=SUMMARY_FORMATS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = dashboard_wards(user)
        if not user.is_province_admin:
            # The police summarise their own commune/ward; there is nothing to choose.
            del self.fields["ward"]


@require_GET
@dashboard_view
@private
def summary_form(request):
    """The month picker's target: sends the browser to the summary's own address."""
    form = SummaryForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "dashboard/summary_form.html", {"form": form}, status=400)
    month, ward, fmt = (form.cleaned_data.get(name) for name in ("month", "ward", "format"))
    url = reverse(
        "dashboard:summary", kwargs={"year": month.year, "month": f"{month.month:02d}", "fmt": fmt}
    )
    return redirect(f"{url}?ward={ward.pk}" if ward else url)


@require_GET
@dashboard_view
@private
def summary(request, year, month, fmt):
    first = inputs.parse_month(f"{year}-{month}")
    if first is None:
        raise Http404
    year, month = first.year, first.month
    ward = _summary_ward(request)
    tables = monthly_summary(user=request.user, ward=ward, year=year, month=month)
    place = ward.name if ward else _("The whole province")
    filename = f"summary-{first:%Y-%m}.{fmt}"
    record(
        action=Action.EXPORT,
        actor=request.user,
        object_type_label="reports.report",
        ward=ward.pk if ward else request.user.police_ward_id,
        detail={"export": "summary", "format": fmt, "month": f"{first:%Y-%m}"},
    )
    if fmt == "xlsx":
        subtitle = f"{place}, {first:%m/%Y}"
        sheets = [exports.table_sheet(table, subtitle=subtitle) for table in tables]
        return spreadsheets.xlsx_response(filename=filename, sheets=sheets)
    content = render_pdf(
        template=SUMMARY_TEMPLATE,
        context={"tables": tables, "place": place, "month": first},
        # The same language as the XLSX beside it and the page it came from.
        language=translation.get_language(),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _summary_ward(request):
    """The commune/ward summarised: the police's own; for administrators the one
    in ``?ward=``, or none for the whole province. A ward outside the user's
    dashboard is a 404, as if it did not exist."""
    wards = dashboard_wards(request.user)
    chosen = request.GET.get("ward")
    if chosen:
        ward_id = inputs.ascii_int(chosen)
        if ward_id is None:
            raise Http404
        return get_object_or_404(wards, pk=ward_id)
    if request.user.is_province_admin:
        return None
    return get_object_or_404(wards)
