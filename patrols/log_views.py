"""The patrol log pages: the log as it happens (phone first), incidents, logs entered
afterwards, and the list of logs.

The log page works as plain forms. With JavaScript (static/js/patrol-log.js) the
forms are queued on the phone and sent when the network allows; such requests
carry the `X-Patrol-Log` header and get the log's body back to swap in, or a 400
with the errors when the change can never succeed.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.caching import private
from groups.inputs import ascii_int
from groups.models import Member, SelfManagementGroup
from patrols import logbook
from patrols.forms import (
    AfterwardsForm,
    AttendanceForm,
    CheckInForm,
    FinishForm,
    NotesForm,
    PatrolIncidentForm,
)
from patrols.incidents import report_incident
from patrols.models import (
    HotspotCheckIn,
    LogStatus,
    PatrolLog,
    PatrolShift,
    groups_loggable_by,
)

QUEUE_HEADER = "X-Patrol-Log"
PAGE_SIZE = 25


def _queued(request) -> bool:
    return request.headers.get(QUEUE_HEADER) == "1"


def _fetch(request, pk) -> PatrolLog:
    return get_object_or_404(
        PatrolLog.objects.visible_to(request.user).select_related(
            "shift__group__ward", "shift__group__unit", "shift__schedule", "shift__area", "led_by"
        ),
        pk=pk,
    )


def _context(request, log: PatrolLog, **forms) -> dict:
    user = request.user
    members, partners = logbook.attendance_choices(log)
    hotspots = logbook.checkable_hotspots(user, log)
    on_route = []
    if log.shift.schedule_id:
        # A key per form: without JavaScript each hotspot's form posts its own.
        on_route = [
            (hotspot, uuid.uuid4()) for hotspot in hotspots.filter(schedules=log.shift.schedule_id)
        ]
    may_edit = PatrolLog.objects.editable_by(user).filter(pk=log.pk).exists()
    return {
        "log": log,
        "shift": log.shift,
        "group": log.shift.group,
        "may_edit": may_edit,
        "on_route": on_route,
        "checkins": log.checkins.select_related("hotspot", "checked_by"),
        "incidents": log.incidents.select_related("report__category", "hotspot"),
        "attendance": log.attendances.select_related("member", "partner").order_by(
            "-present", "member__full_name", "partner__name"
        ),
        "attendance_form": forms.get("attendance_form")
        or AttendanceForm(log=log, members=members, partners=partners),
        "checkin_form": forms.get("checkin_form") or CheckInForm(hotspots=hotspots),
        "notes_form": forms.get("notes_form")
        or NotesForm(initial={"route": log.route, "observations": log.observations}),
        "finish_form": FinishForm(),
        "error": forms.get("error"),
    }


def _respond(request, log: PatrolLog, *, done: str = "", status: int = 200, **forms):
    """The queue gets the log's body (or its errors); a plain form post the whole page."""
    if _queued(request):
        log = _fetch(request, log.pk)
        context = {**_context(request, log, **forms), "done": done}
        return render(request, "patrols/_log_body.html", context, status=status)
    if status == 200:
        if done:
            messages.success(request, done)
        return redirect("patrols:log", pk=log.pk)
    return render(
        request, "patrols/log_detail.html", _context(request, log, **forms), status=status
    )


def _repeated(outcome) -> str:
    return (
        _("This change had already arrived; nothing was added twice.") if outcome.replayed else ""
    )


@require_GET
@login_required
@private
def log_detail(request, pk):
    log = _fetch(request, pk)
    return render(request, "patrols/log_detail.html", _context(request, log))


@require_POST
@login_required
def log_attendance(request, pk):
    log = _fetch(request, pk)
    members, partners = logbook.attendance_choices(log)
    form = AttendanceForm(request.POST, log=log, members=members, partners=partners)
    if not form.is_valid():
        return _respond(request, log, status=400, attendance_form=form)
    marked_members, marked_partners = form.marks()
    try:
        outcome = logbook.record_attendance(
            log=log,
            by=request.user,
            key=form.cleaned_data["key"],
            members=marked_members,
            partners=marked_partners,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _respond(request, log, status=400, attendance_form=form)
    return _respond(request, log, done=_repeated(outcome) or _("Attendance saved."))


@require_POST
@login_required
def log_checkin(request, pk):
    log = _fetch(request, pk)
    form = CheckInForm(request.POST, hotspots=logbook.checkable_hotspots(request.user, log))
    if not form.is_valid():
        return _respond(request, log, status=400, checkin_form=form)
    data = form.cleaned_data
    try:
        outcome = logbook.check_in(
            log=log,
            hotspot=data["hotspot"],
            by=request.user,
            key=data["key"],
            at=data["at"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            note=data["note"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _respond(request, log, status=400, checkin_form=form)
    return _respond(
        request,
        log,
        done=_repeated(outcome)
        or _("Checked in at %(hotspot)s.") % {"hotspot": data["hotspot"].name},
    )


@require_POST
@login_required
def log_notes(request, pk):
    log = _fetch(request, pk)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _respond(request, log, status=400, notes_form=form)
    outcome = logbook.save_notes(
        log=log,
        by=request.user,
        key=form.cleaned_data["key"],
        route=form.cleaned_data["route"],
        observations=form.cleaned_data["observations"],
    )
    return _respond(request, log, done=_repeated(outcome) or _("Route and observations saved."))


@require_POST
@login_required
def log_finish(request, pk):
    log = _fetch(request, pk)
    form = FinishForm(request.POST)
    if not form.is_valid():
        return _respond(request, log, status=400, error=_("The page was out of date."))
    outcome = logbook.finish_log(
        log=log, by=request.user, key=form.cleaned_data["key"], at=form.cleaned_data["at"]
    )
    return _respond(
        request, log, done=_repeated(outcome) or _("The patrol is finished. Thank you.")
    )


# Incident found ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@private
def log_incident(request, pk):
    """The report form, pre-filled from the patrol: channel, place, time and reporter."""
    log = _fetch(request, pk)
    if not PatrolLog.objects.editable_by(request.user).filter(pk=log.pk).exists():
        raise PermissionDenied
    hotspots = logbook.checkable_hotspots(request.user, log)
    form = PatrolIncidentForm(
        request.POST or None,
        request.FILES or None,
        initial=_incident_initial(request, log, hotspots),
        hotspots=hotspots,
    )
    if request.method == "POST" and form.is_valid():
        incident, receipt = report_incident(
            log=log,
            data=form.cleaned_data,
            photos=form.cleaned_data.get("photos") or [],
            by=request.user,
            key=form.cleaned_data["key"],
            hotspot=form.cleaned_data.get("hotspot"),
        )
        if receipt is None:
            messages.info(request, _("This report had already arrived; nothing was added twice."))
        else:
            messages.success(
                request,
                _(
                    "Report #%(pk)s is filed and linked to this patrol. Its receipt code is "
                    "%(code)s; it is shown only once."
                )
                % {"pk": incident.report_id, "code": receipt.code},
            )
        return redirect("patrols:log", pk=log.pk)
    return render(request, "patrols/incident_form.html", {"form": form, "log": log})


def _incident_initial(request, log: PatrolLog, hotspots) -> dict:
    group = log.shift.group
    member = Member.objects.filter(user=request.user).first()
    initial = {
        "ward": group.ward_id,
        "unit": log.shift.area_id or group.unit_id,
        "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
        "name": member.full_name if member else request.user.get_full_name(),
        "phone": member.phone if member else "",
    }
    hotspot_id = ascii_int(request.GET.get("hotspot"))
    hotspot = hotspots.filter(pk=hotspot_id).first() if hotspot_id else None
    if hotspot is not None:
        initial.update(
            hotspot=hotspot.pk,
            unit=hotspot.unit_id or initial["unit"],
            address=(hotspot.address or hotspot.name)[:255],
            latitude=hotspot.latitude,
            longitude=hotspot.longitude,
        )
    return initial


# Entered afterwards ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@private
def shift_afterwards(request, pk):
    shift = get_object_or_404(
        PatrolShift.objects.loggable_by(request.user).select_related("group__ward", "log"),
        pk=pk,
    )
    if shift.log_or_none() is not None:
        return redirect("patrols:log", pk=shift.log.pk)
    return _afterwards(request, group=shift.group, shift=shift)


@require_http_methods(["GET", "POST"])
@login_required
@private
def group_afterwards(request, group_pk):
    group = get_object_or_404(SelfManagementGroup.objects.visible_to(request.user), pk=group_pk)
    if not groups_loggable_by(request.user).filter(pk=group.pk).exists():
        raise PermissionDenied
    return _afterwards(request, group=group, shift=None)


def _afterwards(request, *, group, shift):
    form = AfterwardsForm(request.POST or None, group=group, user=request.user, shift=shift)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = logbook.enter_afterwards(
                by=request.user,
                key=data["key"],
                group=group,
                shift=shift,
                started_at=data["started_at"],
                finished_at=data["finished_at"],
                route=data["route"],
                observations=data["observations"],
                present=list(data["present"]),
                partners_present=list(data.get("partners_present") or []),
                partners=data["new_partners"],
                hotspots=list(data["hotspots"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _repeated(outcome) or _("The patrol log is saved."))
            return redirect("patrols:log", pk=outcome.log.pk)
    return render(
        request,
        "patrols/afterwards_form.html",
        {"form": form, "group": group, "shift": shift},
        status=400 if form.is_bound else 200,
    )


# The list of logs ----------------------------------------------------------------------


@require_GET
@login_required
@private
def log_list(request):
    checkins = (
        HotspotCheckIn.objects.filter(log=OuterRef("pk"))
        .order_by()
        .values("log")
        .annotate(count=Count("pk"))
        .values("count")
    )
    logs = (
        PatrolLog.objects.visible_to(request.user)
        .select_related("shift__group", "led_by")
        .annotate(
            checkin_count=Coalesce(Subquery(checkins, output_field=IntegerField()), 0),
        )
        .order_by("-started_at", "-pk")
    )
    status = request.GET.get("status", "")
    if status in LogStatus.values:
        logs = logs.filter(status=status)
    page = Paginator(logs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "status": status,
        "statuses": LogStatus.choices,
        "query": query.urlencode(),
    }
    return render(request, "patrols/log_list.html", context)
