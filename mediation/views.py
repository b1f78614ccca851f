"""The mediation group's pages: case list, opening a case, the case page and its actions.

Every case is fetched through ``MediationCase.objects.visible_to`` (the domain
functions then check ``editable_by`` for changes). Pages carry confidential
content, so none may be kept by a shared cache or the browser's disk cache.
Documents and statistics are in mediation/document_views.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.caching import private
from groups.text_search import list_paginator
from mediation import details, lifecycle, mediators
from mediation.documents import documents_for, logbook_groups, sides
from mediation.filters import CaseFilter
from mediation.forms import (
    ACTION_FORMS,
    AssignForm,
    CaseEditForm,
    CaseForm,
    FollowUpForm,
    FromReportForm,
    PartyForm,
    PartyFormSet,
    RecuseForm,
    SessionForm,
    initial_parties,
)
from mediation.intake import groups_for_report, groups_open_to, open_case, open_case_from_report
from mediation.models import CaseMediator, CaseParty, MediationCase, Status
from mediation.sessions import record_session
from mediation.stats import may_count
from reports.handling_forms import add_domain_error
from reports.models import Report

PAGE_SIZE = 25


def _fetch(request, pk) -> MediationCase:
    return get_object_or_404(
        MediationCase.objects.visible_to(request.user).select_related("group__ward", "report"),
        pk=pk,
    )


# The list


@require_GET
@login_required
@private
def case_list(request):
    cases = MediationCase.objects.visible_to(request.user).select_related("group")
    case_filter = CaseFilter(request.GET or None, queryset=cases)
    page = list_paginator(case_filter, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mediation/case_list.html",
        {
            "filter": case_filter,
            "page": page,
            "query": query.urlencode(),
            "may_open": groups_open_to(request.user).exists(),
            "may_count": may_count(request.user),
            "logbook_groups": logbook_groups(request.user),
        },
    )


# Opening a case


@require_http_methods(["GET", "POST"])
@login_required
@private
def case_new(request):
    groups = groups_open_to(request.user)
    if not groups.exists():
        raise PermissionDenied
    form = CaseForm(request.POST or None, groups=groups)
    parties = PartyFormSet(request.POST or None, prefix="parties", initial=initial_parties())
    if request.method == "POST" and form.is_valid() and parties.is_valid():
        data = form.cleaned_data
        try:
            case = open_case(
                group=data["group"],
                by=request.user,
                kind=data["kind"],
                summary=data["summary"],
                origin=data["origin"],
                origin_detail=data["origin_detail"],
                received_on=data["received_on"],
                parties=parties.parties(),
                mediators=data["mediators"],
            )
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Case #%(pk)s is open.") % {"pk": case.pk})
            return redirect("mediation:detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "mediation/case_new.html", {"form": form, "parties": parties}, status=status
    )


# The case page and its actions


@require_GET
@login_required
@private
def case_detail(request, pk):
    case = _fetch(request, pk)
    return render(request, "mediation/case_detail.html", _detail_context(request, case))


def _detail_context(request, case: MediationCase, **bound) -> dict:
    user = request.user
    editable = lifecycle.may_edit(user=user, case=case)
    actions = lifecycle.allowed_actions(user=user, case=case) if editable else []
    assignments = list(case.mediators.select_related("member", "replaced_by__member"))
    eligible = mediators.eligible_mediators(case=case)
    staffable = editable and case.status in mediators.STAFFABLE_STATUSES
    changeable = editable and case.status in details.CHANGEABLE_STATUSES
    action_forms = [
        (
            action,
            lifecycle.MOVES[action].label,
            bound.get(action) or ACTION_FORMS[action](prefix=action),
        )
        for action in actions
    ]
    return {
        "case": case,
        "sides": sides(case.parties.all()),
        "active_mediators": [a for a in assignments if a.is_active],
        "recused_mediators": [a for a in assignments if not a.is_active],
        "sessions": case.sessions.prefetch_related(
            "parties_present",
            Prefetch("mediators_present", queryset=CaseMediator.objects.select_related("member")),
        ),
        "events": case.events.select_related("actor"),
        "editable": editable,
        "changeable": changeable,
        "staffable": staffable,
        "action_forms": action_forms,
        "open_action": bound.get("open_action"),
        "follow_up_form": (
            bound.get("follow_up") or FollowUpForm(prefix="follow_up")
            if editable and case.status == Status.SUCCESSFUL
            else None
        ),
        "assign_form": bound.get("assign")
        or (AssignForm(prefix="assign", eligible=eligible) if staffable else None),
        "recuse_form": bound.get("recuse")
        or (RecuseForm(prefix="recuse", case=case, eligible=eligible) if staffable else None),
        "party_form": bound.get("party") or (PartyForm(prefix="party") if changeable else None),
        "may_record_session": editable and case.status == Status.IN_MEDIATION,
        "documents": documents_for(case),
        "report_visible": case.report_id is not None
        and Report.objects.visible_to(user).filter(pk=case.report_id).exists(),
        "error": bound.get("error"),
    }


def _refused(request, case: MediationCase, *, status: int, **bound):
    case = _fetch(request, case.pk)
    return render(
        request,
        "mediation/case_detail.html",
        _detail_context(request, case, **bound),
        status=status,
    )


def _done(request, case: MediationCase, message: str):
    messages.success(request, message)
    return redirect("mediation:detail", pk=case.pk)


def _denied(error: PermissionDenied) -> str:
    return str(error) or _("You may not do this.")


@require_POST
@login_required
@private
def case_action(request, pk, action):
    case = _fetch(request, pk)
    if action not in ACTION_FORMS:
        raise Http404
    form = ACTION_FORMS[action](request.POST, prefix=action)
    if form.is_valid():
        try:
            lifecycle.apply_action(case=case, action=action, by=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            return _refused(request, case, status=403, error=_denied(error))
        except lifecycle.TransitionNotAllowed as error:
            return _refused(request, case, status=409, error=" ".join(error.messages))
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            case.refresh_from_db(fields=["status"])
            return _done(
                request,
                case,
                _("The case is now “%(status)s”.") % {"status": case.get_status_display()},
            )
    return _refused(request, case, status=400, open_action=action, **{action: form})


@require_POST
@login_required
@private
def follow_up(request, pk):
    case = _fetch(request, pk)
    form = FollowUpForm(request.POST, prefix="follow_up")
    if form.is_valid():
        try:
            lifecycle.record_follow_up(
                case=case,
                by=request.user,
                on=form.cleaned_data["on"],
                kept=form.cleaned_data["kept"],
                note=form.cleaned_data["note"],
            )
        except PermissionDenied as error:
            return _refused(request, case, status=403, error=_denied(error))
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            return _done(request, case, _("The follow-up is recorded."))
    return _refused(request, case, status=400, follow_up=form)


@require_POST
@login_required
@private
def assign(request, pk):
    case = _fetch(request, pk)
    form = AssignForm(
        request.POST, prefix="assign", eligible=mediators.eligible_mediators(case=case)
    )
    if form.is_valid():
        try:
            mediators.assign_mediator(
                case=case, member=form.cleaned_data["member"], by=request.user
            )
        except PermissionDenied as error:
            return _refused(request, case, status=403, error=_denied(error))
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            return _done(request, case, _("The mediator is on the case."))
    return _refused(request, case, status=400, assign=form)


@require_POST
@login_required
@private
def recuse(request, pk):
    case = _fetch(request, pk)
    form = RecuseForm(
        request.POST,
        prefix="recuse",
        case=case,
        eligible=mediators.eligible_mediators(case=case),
    )
    if form.is_valid():
        try:
            mediators.recuse_mediator(
                assignment=form.cleaned_data["assignment"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                replacement=form.cleaned_data["replacement"],
            )
        except PermissionDenied as error:
            return _refused(request, case, status=403, error=_denied(error))
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The mediator has stepped aside."))
            # The one who stepped aside may no longer see the case.
            if MediationCase.objects.visible_to(request.user).filter(pk=case.pk).exists():
                return redirect("mediation:detail", pk=case.pk)
            return redirect("mediation:list")
    return _refused(request, case, status=400, recuse=form)


@require_POST
@login_required
@private
def add_party(request, pk):
    case = _fetch(request, pk)
    form = PartyForm(request.POST, prefix="party")
    if form.is_valid():
        try:
            details.add_party(case=case, by=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            return _refused(request, case, status=403, error=_denied(error))
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            return _done(request, case, _("The person is on the record."))
    return _refused(request, case, status=400, party=form)


@require_POST
@login_required
@private
def remove_party(request, pk, party_pk):
    case = _fetch(request, pk)
    party = get_object_or_404(CaseParty, case=case, pk=party_pk)
    try:
        details.remove_party(party=party, by=request.user)
    except PermissionDenied as error:
        return _refused(request, case, status=403, error=_denied(error))
    except ValidationError as error:
        return _refused(request, case, status=400, error=" ".join(error.messages))
    return _done(request, case, _("The person is off the record."))


@require_http_methods(["GET", "POST"])
@login_required
@private
def case_edit(request, pk):
    case = _fetch(request, pk)
    if not lifecycle.may_edit(user=request.user, case=case):
        raise PermissionDenied
    form = CaseEditForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            details.update_details(
                case=case,
                by=request.user,
                **{name: form.cleaned_data[name] for name in details.DETAIL_FIELDS},
            )
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            return _done(request, case, _("The case is updated."))
        case.refresh_from_db()
    status = 400 if request.method == "POST" else 200
    return render(request, "mediation/case_edit.html", {"case": case, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@private
def session_new(request, pk):
    case = _fetch(request, pk)
    if not lifecycle.may_edit(user=request.user, case=case):
        raise PermissionDenied
    form = SessionForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            record_session(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            return _done(request, case, _("The session is recorded."))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "mediation/session_new.html", {"case": case, "form": form}, status=status
    )


# From an incident report


@require_POST
@login_required
@private
def from_report(request, report_pk):
    report = get_object_or_404(Report.objects.visible_to(request.user), pk=report_pk)
    form = FromReportForm(request.POST, groups=groups_for_report(report))
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("reports:detail", pk=report.pk)
    try:
        case = open_case_from_report(
            report=report,
            group=form.cleaned_data["group"],
            kind=form.cleaned_data["kind"],
            by=request.user,
        )
    except PermissionDenied as error:
        raise PermissionDenied(_denied(error)) from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:detail", pk=report.pk)
    messages.success(
        request,
        _("Report #%(report)s is now mediation case #%(case)s of %(group)s.")
        % {"report": report.pk, "case": case.pk, "group": case.group.name},
    )
    # Mediation is confidential: a handler who is not one of the group's mediators
    # goes back to the report.
    if MediationCase.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("mediation:detail", pk=case.pk)
    return redirect("reports:detail", pk=report.pk)
