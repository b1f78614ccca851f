"""The handlers' pages: inbox, detail with actions, photos, reveal, logging, export.

Every report is fetched through ``Report.objects.visible_to`` (the domain
functions then check ``handleable_by`` for actions). Pages carry report data,
so none of them may be kept by a shared cache or the browser's disk cache.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.audit import Action, record
from groups.caching import private
from groups.htmx import wants_partial
from groups.models import Membership
from groups.text_search import list_paginator
from reports import conversation
from reports.duplicates import merge_duplicate, similar_open_reports
from reports.filters import ReportFilter
from reports.forms import LoggedReportForm
from reports.handling_forms import (
    LegalHoldForm,
    MergeForm,
    MessageForm,
    RevealForm,
    TransitionForm,
    action_name,
    add_domain_error,
)
from reports.intake import submit_report
from reports.lifecycle import allowed_targets, apply_transition, handler_role
from reports.models import OPEN_STATUSES, Report, ReporterContact, ReportEvent, ReportPhoto, Status
from reports.retention import clear_legal_hold, may_hold, set_legal_hold
from reports.spreadsheets import csv_response
from reports.vault_access import may_reveal_contact, reveal_contact

PAGE_SIZE = 25


def _inbox_reports(user):
    # Newest first unless the filter sorts otherwise; the primary key breaks ties.
    return (
        Report.objects.visible_to(user)
        .select_related("category", "ward", "unit")
        .order_by("-created_at", "-pk")
    )


# Inbox and export


@require_GET
@login_required
@private
def inbox(request):
    report_filter = ReportFilter(_inbox_query(request), queryset=_inbox_reports(request.user))
    page = list_paginator(report_filter, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": report_filter,
        "page": page,
        "query": query.urlencode(),
        "may_log": may_log_reports(request.user),
    }
    template = "reports/_inbox_list.html" if wants_partial(request) else "reports/inbox.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _inbox_query(request) -> QueryDict:
    """The inbox opens on the open reports: with no filter chosen (a page number
    alone chooses none), the open statuses are ticked, as the form then shows."""
    if set(request.GET) - {"page"}:
        return request.GET
    query = request.GET.copy()
    query.setlist("status", [str(status) for status in OPEN_STATUSES])
    return query


@require_GET
@login_required
@private
def export_csv(request):
    report_filter = ReportFilter(request.GET or None, queryset=_inbox_reports(request.user))
    rows = (
        [
            report.pk,
            report.created_at,
            str(report.category),
            report.category.get_severity_display(),
            _place(report),
            report.get_status_display(),
            report.due_at,
            report.get_channel_display(),
        ]
        for report in report_filter.qs.iterator(chunk_size=500)
    )
    # Never a contact column: the export goes to leaders too.
    columns = [
        _("Number"),
        _("Received"),
        _("Category"),
        _("Severity"),
        _("Place"),
        _("Status"),
        _("Deadline"),
        _("Channel"),
    ]
    record(
        action=Action.EXPORT,
        actor=request.user,
        object_type_label="reports.report",
        ward=request.user.police_ward_id,
        detail={"export": "inbox", "format": "csv"},
    )
    return csv_response(filename="reports.csv", columns=columns, rows=rows)


def _place(report: Report) -> str:
    return f"{report.unit}, {report.ward}" if report.unit_id else str(report.ward)


# Detail and actions


@require_GET
@login_required
@private
def detail(request, pk):
    report = _fetch(request, pk)
    return render(request, "reports/detail.html", _detail_context(request, report))


def _fetch(request, pk) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(request.user).select_related(
            "category", "ward", "unit", "duplicate_of"
        ),
        pk=pk,
    )


def _detail_context(request, report: Report, **forms) -> dict:
    user = request.user
    handles = handler_role(user=user, report=report) is not None
    targets = allowed_targets(user=user, report=report)
    suggestions = (
        similar_open_reports(report=report, user=user) if Status.DUPLICATE in targets else []
    )
    events = ReportEvent.objects.visible_to(user).filter(report=report).select_related("actor")
    return {
        "report": report,
        "photos": report.photos.all(),
        "events": events,
        "handles": handles,
        "targets": targets,
        "suggestions": suggestions,
        "duplicates": Report.objects.visible_to(user).filter(duplicate_of=report),
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "transition_target": forms.get("transition_target"),
        "merge_form": forms.get("merge_form")
        or (
            MergeForm(report=report, user=user, suggestions=suggestions)
            if Status.DUPLICATE in targets
            else None
        ),
        "message_form": forms.get("message_form") or MessageForm(),
        "may_reveal": may_reveal_contact(user=user, report=report),
        "may_hold": may_hold(user=user, report=report),
        "legal_hold_form": forms.get("legal_hold_form") or LegalHoldForm(),
        "reveal_form": RevealForm(),
        "error": forms.get("error"),
    }


def _after_action(request, report: Report, *, done: str):
    """Show the result: the handling partial for htmx, else back to the page."""
    if wants_partial(request):
        report = _fetch(request, report.pk)
        context = {**_detail_context(request, report), "done": done}
        return render(request, "reports/_handling.html", context)
    messages.success(request, done)
    return redirect("reports:detail", pk=report.pk)


def _refused(request, report: Report, *, status: int, **forms):
    """Show the form again with what was wrong.

    htmx swaps only successful responses by default, so an htmx request gets
    its partial with a 200; a plain request gets the whole page with a 4xx.
    """
    report = _fetch(request, report.pk)
    context = _detail_context(request, report, **forms)
    if wants_partial(request):
        return render(request, "reports/_handling.html", context)
    return render(request, "reports/detail.html", context, status=status)


@require_POST
@login_required
@private
def transition(request, pk):
    report = _fetch(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            report,
            status=400,
            transition_form=form,
            transition_target=request.POST.get("to"),
            error=_("Choose one of the actions shown.") if "to" in form.errors else None,
        )
    to, note = form.cleaned_data["to"], form.cleaned_data["note"]
    # A move the user may not make goes straight on, to be refused with its reason.
    if not form.cleaned_data["confirmed"] and to in allowed_targets(
        user=request.user, report=report
    ):
        return _confirm(request, report, form)
    changes = {"outcome": form.cleaned_data["outcome"]} if to == Status.RESOLVED else {}
    try:
        apply_transition(
            report=report,
            to=to,
            by=request.user,
            note=note,
            # The status itself is on the tracking page anyway; the checkbox decides
            # whether the reporter may also read the handler's note.
            public=form.cleaned_data["public"] or not note.strip(),
            **changes,
        )
    except PermissionDenied as error:
        return _refused(request, report, status=403, error=_message(error))
    except ValidationError as error:
        add_domain_error(form, error)
        return _refused(request, report, status=400, transition_form=form, transition_target=to)
    return _after_action(
        request, report, done=_("The report is now “%(status)s”.") % {"status": Status(to).label}
    )


def _confirm(request, report: Report, form: TransitionForm):
    """The confirmation step of a move, without JavaScript as with htmx: what the
    handler chose, once more, with a button that sends it for real and a way back."""
    to = form.cleaned_data["to"]
    context = {
        **_detail_context(request, report),
        "confirm": form.cleaned_data,
        "confirm_name": action_name(target=to, current=report.status),
    }
    template = "reports/_handling.html" if wants_partial(request) else "reports/detail.html"
    return render(request, template, context)


@require_POST
@login_required
@private
def legal_hold(request, pk):
    report = _fetch(request, pk)
    if not may_hold(user=request.user, report=report):
        raise PermissionDenied
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["lift"]:
                clear_legal_hold(report=report, by=request.user)
                done = _("The legal hold is lifted.")
            else:
                set_legal_hold(report=report, by=request.user, reason=form.cleaned_data["reason"])
                done = _("The report is kept under a legal hold.")
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, done)
            return redirect("reports:detail", pk=report.pk)
    return _refused(request, report, status=400, legal_hold_form=form)


@require_POST
@login_required
@private
def merge(request, pk):
    report = _fetch(request, pk)
    form = MergeForm(
        request.POST,
        report=report,
        user=request.user,
        suggestions=similar_open_reports(report=report, user=request.user),
    )
    if form.is_valid():
        try:
            merge_duplicate(
                report=report,
                into=form.cleaned_data["duplicate_of"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except PermissionDenied as error:
            return _refused(request, report, status=403, error=_message(error))
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            return _after_action(
                request,
                report,
                done=_("Merged into report #%(pk)s.")
                % {"pk": form.cleaned_data["duplicate_of"].pk},
            )
    return _refused(request, report, status=400, merge_form=form)


@require_POST
@login_required
@private
def add_message(request, pk):
    report = _fetch(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        kind, text = form.cleaned_data["kind"], form.cleaned_data["text"]
        try:
            if kind == ReportEvent.Kind.QUESTION:
                conversation.ask_reporter(report=report, by=request.user, text=text)
            else:
                conversation.add_note(
                    report=report,
                    by=request.user,
                    text=text,
                    public=kind == ReportEvent.Kind.UPDATE,
                )
        except PermissionDenied as error:
            return _refused(request, report, status=403, error=_message(error))
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            return _after_action(request, report, done=_("Added to the timeline."))
    return _refused(request, report, status=400, message_form=form)


def _message(error: PermissionDenied) -> str:
    return str(error) or _("You may not do this.")


# Reporter's contact


@require_http_methods(["GET", "POST"])
@login_required
@private
def reveal(request, pk):
    report = _fetch(request, pk)
    if not may_reveal_contact(user=request.user, report=report):
        raise PermissionDenied
    form = RevealForm(request.POST or None)
    contact = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            name, phone = reveal_contact(
                report=report, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            contact = {"name": name, "phone": phone}
    if request.method == "POST" and contact is None:
        status = 400
    context = {
        "report": report,
        "form": form,
        "contact": contact,
        # Say up front when there is nothing to reveal, before anyone gives a reason.
        "nothing_kept": report.is_anonymous
        or not ReporterContact.objects.filter(report=report).exists(),
    }
    return render(request, "reports/reveal.html", context, status=status)


# Photos


@require_GET
@private
def photo(request, photo_pk):
    # No sign-in redirect: whoever may not see the report learns nothing, not even
    # that the photo exists.
    photo = get_object_or_404(ReportPhoto.objects.visible_to(request.user), pk=photo_pk)
    try:
        file = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    record(action=Action.DOWNLOAD, obj=photo)
    return FileResponse(file, filename=photo.image.name)


# Logging a report for a resident


def may_log_reports(user) -> bool:
    """Members of a group, ward police and administrators log reports for residents."""
    if user.is_province_admin or user.is_ward_police:
        return True
    return Membership.objects.current().filter(member__user=user).exists()


@require_http_methods(["GET", "POST"])
@login_required
@private
def log_report(request):
    if not may_log_reports(request.user):
        raise PermissionDenied
    form = LoggedReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        receipt = submit_report(
            data=form.cleaned_data,
            channel=form.cleaned_data["channel"],
            photos=form.cleaned_data.get("photos") or [],
            logged_by=request.user,
        )
        messages.success(request, _receipt_message(receipt))
        return redirect("reports:detail", pk=receipt.report.pk)
    return render(request, "reports/log.html", {"form": form})


def _receipt_message(receipt) -> str:
    if receipt.passphrase:
        return _(
            "Report #%(pk)s is logged. If the resident wants to follow it, give them the "
            "receipt code %(code)s and the passphrase %(passphrase)s; they are shown only once."
        ) % {"pk": receipt.report.pk, "code": receipt.code, "passphrase": receipt.passphrase}
    return _(
        "Report #%(pk)s is logged. If the resident wants to follow it, give them the "
        "receipt code %(code)s; it is shown only once."
    ) % {"pk": receipt.report.pk, "code": receipt.code}
