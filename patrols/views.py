"""Planning pages: my shifts, the group's calendar, schedules, one shift, the calendar feed.

Everything is fetched through ``visible_to``; changes go through the functions of
patrols/schedule.py and patrols/shifts.py, which check ``editable_by``. htmx
swaps a shift's card or its crew in place; without JavaScript the same forms
post and come back to the page.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.caching import private
from groups.htmx import wants_partial
from groups.inputs import parse_day
from groups.models import Member, Membership, SelfManagementGroup
from patrols import ical, schedule, shifts
from patrols.forms import (
    AssignmentForm,
    CancelForm,
    PartnerForm,
    ScheduleForm,
    ShiftForm,
    StartForm,
    SwapForm,
)
from patrols.hotspots import may_register_hotspots
from patrols.logbook import start_log
from patrols.models import (
    CalendarFeed,
    PatrolLog,
    PatrolSchedule,
    PatrolShift,
    ShiftAssignment,
    ShiftPartner,
    groups_loggable_by,
    local_midnight,
)


def _may_edit(user, group) -> bool:
    return SelfManagementGroup.objects.editable_by(user).filter(pk=group.pk).exists()


def _crew():
    return Prefetch(
        "assignments",
        queryset=ShiftAssignment.objects.with_overlaps().select_related("member"),
    )


# My shifts -------------------------------------------------------------------------


@require_GET
@login_required
@private
def home(request):
    """A member's coming shifts and open patrols; links to everything else."""
    user = request.user
    member = Member.objects.filter(user=user).first()
    now = timezone.now()
    my_shifts, open_logs, feed = [], [], None
    if member is not None:
        my_shifts = list(
            ShiftAssignment.objects.filter(member=member, shift__ends_at__gt=now)
            .with_overlaps()
            .select_related("shift__group", "shift__area", "shift__log")
            .order_by("shift__starts_at")[:30]
        )
        open_logs = list(
            PatrolLog.objects.visible_to(user)
            .in_progress()
            .filter(led_by=member)
            .select_related("shift__group")
        )
        feed = CalendarFeed.objects.filter(member=member).first()
    groups = SelfManagementGroup.objects.filter(
        pk__in=Membership.objects.current().filter(member__user=user).values("group")
    ).order_by("name")
    led = set(Membership.objects.led_by(user).values_list("group_id", flat=True))
    context = {
        "member": member,
        "my_shifts": my_shifts,
        "open_logs": open_logs,
        "groups": [(group, group.pk in led) for group in groups],
        "feed_url": request.build_absolute_uri(feed_path(feed)) if feed else None,
        "may_register_hotspots": may_register_hotspots(user),
    }
    return render(request, "patrols/home.html", context)


def feed_path(feed: CalendarFeed) -> str:
    return reverse("patrols:feed", args=[feed.token])


@require_POST
@login_required
def rotate_feed(request):
    member = get_object_or_404(Member, user=request.user)
    had_one = CalendarFeed.objects.filter(member=member).exists()
    ical.rotate_feed(member=member)
    messages.success(
        request,
        _("Your calendar has a new address; the old one no longer works.")
        if had_one
        else _("Your calendar address is ready. Add it to your phone's calendar."),
    )
    return redirect("patrols:home")


@require_GET
def feed(request, token):
    """The member's shifts as iCalendar; the secret token in the address is the key."""
    # A deactivated login or a member who has left gets the same 404 as a wrong
    # token: the address says nothing about whether it ever worked.
    calendar_feed = get_object_or_404(
        CalendarFeed.objects.select_related("member").filter(
            member__in=Member.objects.in_service()
        ),
        token=token,
    )
    now = timezone.now()
    text = ical.calendar_text(
        member=calendar_feed.member,
        shifts=ical.feed_shifts(calendar_feed.member, now=now),
        now=now,
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tuquan-patrols.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


# The group's calendar ------------------------------------------------------------------


def _calendar_range(view: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    if view == "month":
        first = day.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        return first, following
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=7)


@require_GET
@login_required
@private
def calendar(request, group_pk):
    group = get_object_or_404(
        SelfManagementGroup.objects.visible_to(request.user).select_related("ward", "unit"),
        pk=group_pk,
    )
    view = "month" if request.GET.get("view") == "month" else "week"
    day = parse_day(request.GET.get("day")) or timezone.localdate()
    first, following = _calendar_range(view, day)
    shift_list = list(
        PatrolShift.objects.filter(group=group)
        .between(local_midnight(first), local_midnight(following))
        .select_related("log", "area", "group__ward", "group__unit")
        .prefetch_related(_crew(), "partners")
    )
    days = {}
    if view == "week":
        days = {first + datetime.timedelta(days=n): [] for n in range(7)}
    for shift in shift_list:
        days.setdefault(timezone.localdate(shift.starts_at), []).append(shift)
    step = datetime.timedelta(days=7) if view == "week" else None
    previous = first - step if step else (first - datetime.timedelta(days=1)).replace(day=1)
    context = {
        "group": group,
        "view": view,
        "first": first,
        "last": following - datetime.timedelta(days=1),
        "days": sorted(days.items()),
        "previous": previous,
        "next": following,
        "today": timezone.localdate(),
        "may_edit": _may_edit(request.user, group),
        # Police watch a group's calendar; only its members (and administrators) log.
        "may_log": groups_loggable_by(request.user).filter(pk=group.pk).exists(),
    }
    template = "patrols/_calendar.html" if wants_partial(request) else "patrols/calendar.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# Schedules ---------------------------------------------------------------------------


@require_GET
@login_required
@private
def schedule_list(request, group_pk):
    group = get_object_or_404(SelfManagementGroup.objects.visible_to(request.user), pk=group_pk)
    schedules = (
        PatrolSchedule.objects.visible_to(request.user)
        .filter(group=group)
        .select_related("area")
        .prefetch_related("team", "hotspots")
    )
    context = {
        "group": group,
        "schedules": schedules,
        "may_edit": _may_edit(request.user, group),
        "today": timezone.localdate(),
    }
    return render(request, "patrols/schedule_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@private
def schedule_new(request, group_pk):
    group = get_object_or_404(SelfManagementGroup.objects.editable_by(request.user), pk=group_pk)
    return _schedule_form(request, group=group, instance=None)


@require_http_methods(["GET", "POST"])
@login_required
@private
def schedule_edit(request, pk):
    instance = get_object_or_404(
        PatrolSchedule.objects.editable_by(request.user).select_related("group__ward"), pk=pk
    )
    return _schedule_form(request, group=instance.group, instance=instance)


def _schedule_form(request, *, group, instance):
    form = ScheduleForm(request.POST or None, instance=instance, group=group, user=request.user)
    if request.method == "POST" and form.is_valid():
        made = schedule.save_schedule(
            schedule=form.save(commit=False),
            team=form.cleaned_data["team"],
            hotspots=form.cleaned_data["hotspots"],
            by=request.user,
        )
        messages.success(
            request,
            _("The schedule is saved; %(count)d shifts were planned for the coming weeks.")
            % {"count": made},
        )
        return redirect("patrols:calendar", group_pk=group.pk)
    return render(
        request, "patrols/schedule_form.html", {"form": form, "group": group, "schedule": instance}
    )


@require_POST
@login_required
def schedule_delete(request, pk):
    instance = get_object_or_404(PatrolSchedule.objects.editable_by(request.user), pk=pk)
    group_pk = instance.group_id
    schedule.delete_schedule(schedule=instance, by=request.user)
    messages.success(request, _("The schedule is removed; past and changed shifts stay."))
    return redirect("patrols:schedules", group_pk=group_pk)


# One shift ------------------------------------------------------------------------------


def _fetch_shift(request, pk) -> PatrolShift:
    return get_object_or_404(
        PatrolShift.objects.visible_to(request.user).select_related(
            "group__ward", "group__unit", "schedule", "area", "log"
        ),
        pk=pk,
    )


def _shift_context(request, shift: PatrolShift, **forms) -> dict:
    may_edit = _may_edit(request.user, shift.group)
    log = shift.log_or_none()
    if (
        log is not None
        and not PatrolLog.objects.visible_to(request.user).filter(pk=log.pk).exists()
    ):
        log = None  # a member sees that the shift was done, not someone else's log
    return {
        "shift": shift,
        "log": log,
        "crew": shift.assignments.with_overlaps().select_related("member"),
        "partners": shift.partners.all(),
        "bookings": shifts.double_bookings(shift=shift) if may_edit else [],
        "may_edit": may_edit,
        "may_log": PatrolShift.objects.loggable_by(request.user).filter(pk=shift.pk).exists(),
        "start_form": StartForm(),
        "assignment_form": forms.get("assignment_form") or AssignmentForm(shift=shift),
        "swap_form": forms.get("swap_form") or SwapForm(shift=shift),
        "partner_form": forms.get("partner_form") or PartnerForm(),
        "cancel_form": CancelForm(),
        "now": timezone.now(),
    }


@require_GET
@login_required
@private
def shift_detail(request, pk):
    shift = _fetch_shift(request, pk)
    return render(request, "patrols/shift_detail.html", _shift_context(request, shift))


@require_http_methods(["GET", "POST"])
@login_required
@private
def shift_edit(request, pk):
    shift = _fetch_shift(request, pk)
    if not _may_edit(request.user, shift.group):
        raise PermissionDenied
    form = ShiftForm(request.POST or None, instance=shift)
    if request.method == "POST" and form.is_valid():
        bookings = shifts.edit_shift(
            shift=shift,
            by=request.user,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, _("The shift is changed."))
        _warn(request, bookings)
        return redirect("patrols:shift", pk=shift.pk)
    return render(request, "patrols/shift_form.html", {"form": form, "shift": shift})


def _warn(request, bookings) -> None:
    for booking in bookings:
        messages.warning(
            request,
            _("%(member)s is also booked on another shift at this time (%(other)s).")
            % {"member": booking.member, "other": booking.other},
        )


def _card_or_page(request, shift: PatrolShift):
    """After a change from the calendar, its card; otherwise back to the shift's page."""
    if wants_partial(request):
        shift = (
            PatrolShift.objects.select_related("log", "area", "group__ward", "group__unit")
            .prefetch_related(_crew(), "partners")
            .get(pk=shift.pk)
        )
        return render(request, "patrols/_shift_card.html", {"shift": shift, "may_edit": True})
    return redirect("patrols:shift", pk=shift.pk)


@require_POST
@login_required
def shift_cancel(request, pk):
    shift = _fetch_shift(request, pk)
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        shifts.cancel_shift(
            shift=shift, by=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("patrols:shift", pk=shift.pk)
    if not wants_partial(request):
        messages.success(request, _("The shift is cancelled."))
    return _card_or_page(request, shift)


@require_POST
@login_required
def shift_restore(request, pk):
    shift = _fetch_shift(request, pk)
    bookings = shifts.restore_shift(shift=shift, by=request.user)
    if not wants_partial(request):
        messages.success(request, _("The shift is planned again."))
        _warn(request, bookings)
    return _card_or_page(request, shift)


@require_POST
@login_required
def shift_assign(request, pk):
    shift = _fetch_shift(request, pk)
    form = AssignmentForm(request.POST, shift=shift)
    bookings, saved = [], False
    if form.is_valid():
        try:
            bookings = shifts.set_assignments(
                shift=shift, members=form.cleaned_data["members"], by=request.user
            )
            saved = True
        except ValidationError as error:
            form.add_error("members", error)
    if wants_partial(request):
        context = _shift_context(request, shift, assignment_form=form if not saved else None)
        context.update(saved=saved)
        return render(request, "patrols/_crew.html", context)
    if saved:
        messages.success(request, _("The crew is saved."))
        _warn(request, bookings)
        return redirect("patrols:shift", pk=shift.pk)
    context = _shift_context(request, shift, assignment_form=form)
    return render(request, "patrols/shift_detail.html", context, status=400)


@require_POST
@login_required
def shift_swap(request, pk):
    shift = _fetch_shift(request, pk)
    form = SwapForm(request.POST, shift=shift)
    if form.is_valid():
        try:
            shifts.swap_assignments(
                first=form.cleaned_data["mine"], second=form.cleaned_data["other"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The two members have traded places."))
            return redirect("patrols:shift", pk=shift.pk)
    context = _shift_context(request, shift, swap_form=form)
    return render(request, "patrols/shift_detail.html", context, status=400)


@require_POST
@login_required
def partner_add(request, pk):
    shift = _fetch_shift(request, pk)
    form = PartnerForm(request.POST)
    if form.is_valid():
        shifts.add_partner(shift=shift, by=request.user, **form.cleaned_data)
        messages.success(request, _("The partner is on the shift."))
        return redirect("patrols:shift", pk=shift.pk)
    context = _shift_context(request, shift, partner_form=form)
    return render(request, "patrols/shift_detail.html", context, status=400)


@require_POST
@login_required
def partner_remove(request, pk):
    partner = get_object_or_404(ShiftPartner.objects.visible_to(request.user), pk=pk)
    try:
        shifts.remove_partner(partner=partner, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("patrols:shift", pk=partner.shift_id)


@require_POST
@login_required
def shift_start(request, pk):
    shift = _fetch_shift(request, pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date; please try again."))
        return redirect("patrols:shift", pk=shift.pk)
    try:
        outcome = start_log(
            shift=shift, by=request.user, key=form.cleaned_data["key"], at=form.cleaned_data["at"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("patrols:shift", pk=shift.pk)
    return redirect("patrols:log", pk=outcome.log.pk)
