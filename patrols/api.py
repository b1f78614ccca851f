"""The patrols API: schedules, shifts, patrol logs, check-ins, hotspots and coverage.

Lists go through each model's ``visible_to``, as the pages do. Writes are the schedule
pages', the log page's and the shift page's: plan, change and remove a schedule; start
a shift's patrol, mark attendance, check in at a hotspot, save the route and
observations, finish; cancel and restore a shift. Each validates with the page's form
and calls the same function (patrols/schedule.py, patrols/logbook.py,
patrols/shifts.py), which checks who may do it.

Idempotency: every change to a log carries the page's `key` (a UUID), claimed in
`LogSubmission` exactly as a post from the log page is; a key sent twice, by the page
or by the API, changes nothing the second time and answers `"replayed": true`.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from groups.api.filters import FilterBackend, StrictBooleanFilter
from groups.api.forms import (
    ID_PATTERN,
    IdFilter,
    StableOrdering,
    cleaned,
    form_data,
    refused,
)
from groups.inputs import DAY_VALIDATORS, ascii_int
from groups.models import Area, SelfManagementGroup
from patrols import coverage, logbook, schedule, shifts
from patrols.forms import (
    AttendanceForm,
    CancelForm,
    CheckInForm,
    CoverageForm,
    FinishForm,
    HotspotForm,
    NotesForm,
    ScheduleForm,
    StartForm,
)
from patrols.hotspots import may_register_hotspots, save_hotspot, wards_for
from patrols.models import (
    SHIFT_STATES,
    Hotspot,
    HotspotCheckIn,
    HotspotKind,
    LogStatus,
    PatrolAttendance,
    PatrolLog,
    PatrolSchedule,
    PatrolShift,
    ShiftStatus,
    local_midnight,
)

BACKENDS = [FilterBackend, StableOrdering]


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    filter_backends = BACKENDS
    lookup_value_regex = ID_PATTERN


class DayFilter(django_filters.DateFilter):
    """A day within the accepted range, compared with a moment from local midnight on."""

    def __init__(self, *args, upto: bool = False, **kwargs):
        kwargs.setdefault("validators", DAY_VALIDATORS)
        super().__init__(*args, **kwargs)
        self.upto = upto

    def filter(self, queryset, value):
        if not value:
            return queryset
        if self.upto:
            following = local_midnight(value + datetime.timedelta(days=1))
            return queryset.filter(**{f"{self.field_name}__lt": following})
        return queryset.filter(**{f"{self.field_name}__gte": local_midnight(value)})


# What a log looks like (a shift's start answers with one too) -------------------------


class AttendanceSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id", allow_null=True)
    partner = serializers.IntegerField(source="partner_id", allow_null=True)
    name = serializers.SerializerMethodField()
    present = serializers.BooleanField()

    def get_name(self, row) -> str:
        return str(row.member or row.partner)


class LogSerializer(serializers.ModelSerializer):
    group = serializers.IntegerField(source="shift.group_id", read_only=True)
    led_by_name = serializers.CharField(
        source="led_by.full_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = PatrolLog
        fields = [
            "id",
            "shift",
            "group",
            "led_by",
            "led_by_name",
            "status",
            "started_at",
            "finished_at",
            "auto_closed_at",
            "route",
            "observations",
            "entered_afterwards",
            "people_present",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LogDetailSerializer(LogSerializer):
    attendance = AttendanceSerializer(source="attendances.all", many=True, read_only=True)

    class Meta(LogSerializer.Meta):
        fields = [*LogSerializer.Meta.fields, "attendance"]
        read_only_fields = fields


class LogChangeAnswer(LogDetailSerializer):
    replayed = serializers.BooleanField(read_only=True)

    class Meta(LogDetailSerializer.Meta):
        fields = [*LogDetailSerializer.Meta.fields, "replayed"]
        read_only_fields = fields


class LogFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LogStatus.choices)
    group = IdFilter(field_name="shift__group_id")
    shift = IdFilter(field_name="shift_id")
    started_from = DayFilter(field_name="started_at", label=_("Started from (day)"))
    started_to = DayFilter(field_name="started_at", upto=True, label=_("Started until (day)"))

    class Meta:
        model = PatrolLog
        fields = ["status", "group", "shift", "started_from", "started_to"]


KEYED = {"key": serializers.UUIDField(), "at": serializers.DateTimeField(required=False)}


def _fetch_log(request, pk) -> PatrolLog:
    return get_object_or_404(
        PatrolLog.objects.visible_to(request.user)
        .select_related("shift__group", "led_by")
        .prefetch_related(Prefetch("attendances", queryset=_attendance_rows())),
        pk=pk,
    )


def _log_answer(request, outcome, *, created: bool = False) -> Response:
    log = _fetch_log(request, outcome.log.pk)
    log.replayed = outcome.replayed
    return Response(
        LogChangeAnswer(log, context={"request": request}).data,
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


# Schedules and shifts ---------------------------------------------------------------


class ScheduleSerializer(serializers.ModelSerializer):
    team = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    hotspots = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = PatrolSchedule
        fields = [
            "id",
            "group",
            "title",
            "rule",
            "starts_on",
            "ends_on",
            "start_time",
            "end_time",
            "route",
            "area",
            "meeting_point",
            "people_needed",
            "team",
            "hotspots",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ScheduleFilter(django_filters.FilterSet):
    group = IdFilter(field_name="group_id")
    running_on = django_filters.DateFilter(
        method="filter_running", validators=DAY_VALIDATORS, label=_("Running on")
    )

    class Meta:
        model = PatrolSchedule
        fields = ["group", "running_on"]

    def filter_running(self, queryset, name, value):
        return queryset.running(on=value)


SCHEDULE_FORM = inline_serializer(
    "ScheduleForm",
    {
        "group": serializers.IntegerField(help_text=_("Only when adding a schedule.")),
        "title": serializers.CharField(max_length=200),
        "weekdays": serializers.ListField(
            child=serializers.IntegerField(min_value=0, max_value=6),
            required=False,
            help_text=_("0 is Monday. Or a rule instead."),
        ),
        "rule": serializers.CharField(required=False),
        "start_time": serializers.TimeField(),
        "end_time": serializers.TimeField(),
        "starts_on": serializers.DateField(),
        "ends_on": serializers.DateField(required=False, allow_null=True),
        "route": serializers.CharField(required=False),
        "area": serializers.IntegerField(required=False, allow_null=True),
        "meeting_point": serializers.CharField(required=False),
        "people_needed": serializers.IntegerField(min_value=1),
        "team": serializers.ListField(child=serializers.IntegerField(), required=False),
        "hotspots": serializers.ListField(child=serializers.IntegerField(), required=False),
    },
)


class ScheduleViewSet(ReadOnly):
    """A group's patrol schedules. Planned, changed and removed as on the schedule pages
    (patrols/schedule.py), by the group's leaders and administrators: the same form builds
    the recurrence, the team and the route, and the coming weeks' shifts follow at once.
    A change sends every field of the form (PUT)."""

    serializer_class = ScheduleSerializer
    filterset_class = ScheduleFilter
    ordering_fields = ["title", "starts_on", "created_at"]
    ordering = ["group_id", "title"]
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self):
        return PatrolSchedule.objects.visible_to(self.request.user).prefetch_related(
            "team", "hotspots"
        )

    @extend_schema(request=SCHEDULE_FORM, responses={201: ScheduleSerializer})
    def create(self, request):
        editable = SelfManagementGroup.objects.editable_by(request.user)
        if not editable.exists():
            raise PermissionDenied  # as the page: the group's leaders and administrators
        data = form_data(request)
        group_id = ascii_int(data.get("group", ""), minimum=1)
        group = editable.filter(pk=group_id).first() if group_id else None
        if group is None:
            raise serializers.ValidationError(
                {"group": [_("Choose a group whose patrols you plan.")]}, code="invalid"
            )
        saved = self._save(request, data, group=group, instance=None)
        return Response(self._answer(saved), status=status.HTTP_201_CREATED)

    @extend_schema(request=SCHEDULE_FORM, responses={200: ScheduleSerializer})
    def update(self, request, pk=None):
        # As the edit page: a schedule one sees but may not change is not found.
        instance = get_object_or_404(PatrolSchedule.objects.editable_by(request.user), pk=pk)
        return Response(
            self._answer(
                self._save(request, form_data(request), group=instance.group, instance=instance)
            )
        )

    def destroy(self, request, pk=None):
        """Remove a schedule with its future untouched shifts; past and changed shifts stay."""
        instance = get_object_or_404(PatrolSchedule.objects.editable_by(request.user), pk=pk)
        schedule.delete_schedule(schedule=instance, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _save(self, request, data, *, group, instance):
        form = ScheduleForm(data, instance=instance, group=group, user=request.user)
        cleaned(form)
        schedule.save_schedule(
            schedule=(saved := form.save(commit=False)),
            team=form.cleaned_data["team"],
            hotspots=form.cleaned_data["hotspots"],
            by=request.user,
        )
        return saved

    def _answer(self, saved):
        return ScheduleSerializer(self.get_queryset().get(pk=saved.pk)).data


class ShiftSerializer(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=list(SHIFT_STATES), read_only=True)
    crew = serializers.SerializerMethodField()
    has_log = serializers.SerializerMethodField()

    class Meta:
        model = PatrolShift
        fields = [
            "id",
            "group",
            "schedule",
            "starts_at",
            "ends_at",
            "route",
            "area",
            "meeting_point",
            "people_needed",
            "status",
            "state",
            "cancel_reason",
            "note",
            "changed_by_hand",
            "crew",
            "has_log",
        ]
        read_only_fields = fields

    def get_crew(self, shift) -> list[int]:
        return [assignment.member_id for assignment in shift.assignments.all()]

    def get_has_log(self, shift) -> bool:
        # Whether the patrol happened; the log itself only for those who may read it
        # (a member sees that the shift was done, not someone else's log).
        return shift.log_or_none() is not None


class ShiftFilter(django_filters.FilterSet):
    group = IdFilter(field_name="group_id")
    schedule = IdFilter(field_name="schedule_id")
    status = django_filters.ChoiceFilter(choices=ShiftStatus.choices)
    starts_from = DayFilter(field_name="starts_at", label=_("Starting from (day)"))
    starts_to = DayFilter(field_name="starts_at", upto=True, label=_("Starting until (day)"))

    class Meta:
        model = PatrolShift
        fields = ["group", "schedule", "status", "starts_from", "starts_to"]


class ShiftViewSet(ReadOnly):
    serializer_class = ShiftSerializer
    filterset_class = ShiftFilter
    ordering_fields = ["starts_at", "ends_at"]
    ordering = ["starts_at"]

    def get_queryset(self):
        return (
            PatrolShift.objects.visible_to(self.request.user)
            .select_related("log")
            .prefetch_related("assignments")
        )

    @extend_schema(
        request=inline_serializer(
            "ShiftCancel", {"reason": serializers.CharField(required=False, max_length=255)}
        ),
        responses={200: ShiftSerializer},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a planned shift (the group's leaders). A shift with a log: 409."""
        shift = self.get_object()
        data = cleaned(CancelForm(form_data(request)))
        try:
            shifts.cancel_shift(shift=shift, by=request.user, reason=data.get("reason", ""))
        except ValidationError as error:
            raise refused(error, conflict=True) from None
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=None, responses={200: ShiftSerializer})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Plan a cancelled shift again (the group's leaders)."""
        shift = self.get_object()
        shifts.restore_shift(shift=shift, by=request.user)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=inline_serializer(
            "LogStart",
            {"key": serializers.UUIDField(), "at": serializers.DateTimeField(required=False)},
        ),
        responses={201: LogChangeAnswer, 200: LogChangeAnswer},
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Start the shift's patrol, led by the caller (a current member of the group).
        If someone started it already, their log with `"replayed": true`."""
        shift = self.get_object()
        data = cleaned(StartForm(form_data(request)))
        try:
            outcome = logbook.start_log(
                shift=shift, by=request.user, key=data["key"], at=data["at"]
            )
        except ValidationError as error:
            raise refused(error, conflict=True) from None
        return _log_answer(request, outcome, created=not outcome.replayed)


# Patrol logs -------------------------------------------------------------------------


class LogViewSet(ReadOnly):
    filterset_class = LogFilter
    ordering_fields = ["started_at", "finished_at"]
    ordering = ["-started_at"]

    def get_serializer_class(self):
        return LogSerializer if self.action == "list" else LogDetailSerializer

    def get_queryset(self):
        logs = PatrolLog.objects.visible_to(self.request.user).select_related(
            "shift__group", "led_by"
        )
        if self.action != "list":
            logs = logs.prefetch_related(Prefetch("attendances", queryset=_attendance_rows()))
        return logs

    @extend_schema(
        request=inline_serializer(
            "LogAttendance",
            {
                **KEYED,
                "member_<id>": serializers.CharField(
                    required=False, help_text='"present" or "absent", per member'
                ),
                "partner_<id>": serializers.CharField(
                    required=False, help_text='"present" or "absent", per partner'
                ),
            },
        ),
        responses={200: LogChangeAnswer},
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Mark who came: `member_<id>` and `partner_<id>`, each "present" or "absent"."""
        log = self.get_object()
        members, partners = logbook.attendance_choices(log)
        form = AttendanceForm(form_data(request), log=log, members=members, partners=partners)
        data = cleaned(form)
        marked_members, marked_partners = form.marks()
        try:
            outcome = logbook.record_attendance(
                log=log,
                by=request.user,
                key=data["key"],
                members=marked_members,
                partners=marked_partners,
            )
        except ValidationError as error:
            raise refused(error) from None
        return _log_answer(request, outcome)

    @extend_schema(
        request=inline_serializer(
            "LogCheckIn",
            {
                **KEYED,
                "hotspot": serializers.IntegerField(),
                "note": serializers.CharField(required=False, max_length=500),
                "latitude": serializers.DecimalField(
                    max_digits=9, decimal_places=6, required=False
                ),
                "longitude": serializers.DecimalField(
                    max_digits=9, decimal_places=6, required=False
                ),
            },
        ),
        responses={200: LogChangeAnswer},
    )
    @action(detail=True, methods=["post"])
    def checkin(self, request, pk=None):
        """Check in at a hotspot of the group's commune/ward. After the end: 409."""
        log = self.get_object()
        form = CheckInForm(
            form_data(request), hotspots=logbook.checkable_hotspots(request.user, log)
        )
        data = cleaned(form)
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
            raise refused(error, conflict=True) from None
        return _log_answer(request, outcome)

    @extend_schema(
        request=inline_serializer(
            "LogNotes",
            {
                **KEYED,
                "route": serializers.CharField(required=False, max_length=5000),
                "observations": serializers.CharField(required=False, max_length=10000),
            },
        ),
        responses={200: LogChangeAnswer},
    )
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        """Save the route taken and what was seen."""
        log = self.get_object()
        data = cleaned(NotesForm(form_data(request)))
        outcome = logbook.save_notes(
            log=log,
            by=request.user,
            key=data["key"],
            route=data["route"],
            observations=data["observations"],
        )
        return _log_answer(request, outcome)

    @extend_schema(request=inline_serializer("LogFinish", KEYED), responses={200: LogChangeAnswer})
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        """Finish the patrol (a late finish from a phone still sets the real end)."""
        log = self.get_object()
        data = cleaned(FinishForm(form_data(request)))
        outcome = logbook.finish_log(log=log, by=request.user, key=data["key"], at=data["at"])
        return _log_answer(request, outcome)


def _attendance_rows():
    return PatrolAttendance.objects.select_related("member", "partner").order_by(
        "-present", "member__full_name", "partner__name"
    )


# Check-ins and hotspots --------------------------------------------------------------


class CheckInSerializer(serializers.ModelSerializer):
    hotspot_name = serializers.CharField(source="hotspot.name", read_only=True)

    class Meta:
        model = HotspotCheckIn
        fields = [
            "id",
            "log",
            "hotspot",
            "hotspot_name",
            "checked_at",
            "note",
            "latitude",
            "longitude",
        ]
        read_only_fields = fields


class CheckInFilter(django_filters.FilterSet):
    log = IdFilter(field_name="log_id")
    hotspot = IdFilter(field_name="hotspot_id")
    checked_from = DayFilter(field_name="checked_at", label=_("Checked from (day)"))
    checked_to = DayFilter(field_name="checked_at", upto=True, label=_("Checked until (day)"))

    class Meta:
        model = HotspotCheckIn
        fields = ["log", "hotspot", "checked_from", "checked_to"]


class CheckInViewSet(ReadOnly):
    """Check-ins at hotspots: who sees the hotspot sees its history, who sees the log
    its check-ins. They are made on a log (`POST /patrols/logs/{id}/checkin/`)."""

    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter
    ordering_fields = ["checked_at"]
    ordering = ["-checked_at"]

    def get_queryset(self):
        return HotspotCheckIn.objects.visible_to(self.request.user).select_related("hotspot")


class HotspotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hotspot
        fields = [
            "id",
            "ward",
            "unit",
            "name",
            "kind",
            "risk",
            "address",
            "notes",
            "active",
            "latitude",
            "longitude",
            "last_checked_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


HOTSPOT_FORM = inline_serializer(
    "HotspotForm",
    {
        "name": serializers.CharField(max_length=200),
        "kind": serializers.ChoiceField(choices=HotspotKind.choices),
        "risk": serializers.IntegerField(required=False),
        "ward": serializers.IntegerField(),
        "unit": serializers.IntegerField(required=False, allow_null=True),
        "address": serializers.CharField(required=False, max_length=255),
        "latitude": serializers.DecimalField(max_digits=9, decimal_places=6, required=False),
        "longitude": serializers.DecimalField(max_digits=9, decimal_places=6, required=False),
        "notes": serializers.CharField(required=False),
        "active": serializers.BooleanField(required=False),
    },
)


@extend_schema_field(OpenApiTypes.INT)
class DaysFilter(django_filters.Filter):
    field_class = forms.IntegerField


class HotspotFilter(django_filters.FilterSet):
    ward = IdFilter(field_name="ward_id")
    unit = IdFilter(field_name="unit_id")
    kind = django_filters.ChoiceFilter(choices=HotspotKind.choices)
    active = StrictBooleanFilter()
    # The hotspot page's "not checked for at least N days" (HotspotFilterForm's range).
    days = DaysFilter(
        method="filter_days", min_value=1, max_value=3650, label=_("Not checked for (days)")
    )

    class Meta:
        model = Hotspot
        fields = ["ward", "unit", "kind", "active", "days"]

    def filter_days(self, queryset, name, value):
        return queryset.not_checked_for(value)


class HotspotViewSet(ReadOnly):
    """Hotspots of the areas the user may see. Registered and changed, as on the hotspot
    pages, by administrators, the ward's police and the leaders of its groups
    (patrols/hotspots.py); a change sends every field of the form (PUT)."""

    serializer_class = HotspotSerializer
    filterset_class = HotspotFilter
    ordering_fields = ["name", "risk", "last_checked_at", "created_at"]
    ordering = ["name"]

    def get_queryset(self):
        return Hotspot.objects.visible_to(self.request.user)

    @extend_schema(request=HOTSPOT_FORM, responses={201: HotspotSerializer})
    def create(self, request):
        if not may_register_hotspots(request.user):
            raise PermissionDenied  # as the page: leaders, the ward police, administrators
        hotspot = self._save(request, instance=None)
        return Response(HotspotSerializer(hotspot).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HOTSPOT_FORM, responses={200: HotspotSerializer})
    def update(self, request, pk=None):
        # As the edit page: a hotspot one sees but may not change is not found.
        instance = get_object_or_404(Hotspot.objects.editable_by(request.user), pk=pk)
        return Response(HotspotSerializer(self._save(request, instance=instance)).data)

    def _save(self, request, *, instance):
        form = HotspotForm(form_data(request), instance=instance, wards=wards_for(request.user))
        cleaned(form)
        try:
            return save_hotspot(hotspot=form.save(commit=False), by=request.user)
        except DjangoPermissionDenied as error:
            # The place chosen lies outside the user's area: the form's field, as on the page.
            raise serializers.ValidationError({"unit": [str(error)]}) from None


# Coverage ---------------------------------------------------------------------------


class CoverageFiguresSerializer(serializers.Serializer):
    planned = serializers.IntegerField()
    done = serializers.IntegerField()
    missed = serializers.IntegerField()
    upcoming = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    person_hours = serializers.FloatField()
    done_share = serializers.IntegerField(allow_null=True)
    hotspots_checked = serializers.IntegerField()
    checkins = serializers.IntegerField()


class CoverageRowSerializer(serializers.Serializer):
    group = serializers.IntegerField()
    group_name = serializers.CharField()
    ward = serializers.IntegerField()
    figures = CoverageFiguresSerializer()


class CoverageAnswer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CoverageRowSerializer(many=True)
    month = serializers.CharField()
    area = serializers.IntegerField(allow_null=True)
    totals = CoverageFiguresSerializer()


class CoverageView(GenericAPIView):
    """Coverage per group for one month, as on the coverage page: the groups the user may
    see, paginated; administrators may narrow to the province or a commune/ward."""

    serializer_class = CoverageRowSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "month", OpenApiTypes.STR, description="YYYY-MM; this month if absent"
            ),
            OpenApiParameter("area", OpenApiTypes.INT, description="Administrators only"),
            OpenApiParameter("page", OpenApiTypes.INT),
        ],
        responses={200: CoverageAnswer},
    )
    def get(self, request):
        user = request.user
        groups = SelfManagementGroup.objects.visible_to(user)
        areas = Area.objects.pickable_by(user, province=True) if user.is_province_admin else None
        month = timezone.localdate().replace(day=1)
        data = cleaned(CoverageForm(request.query_params, areas=areas))
        month = data.get("month") or month
        area = data.get("area")
        if area is not None:
            groups = groups.filter(ward__path__startswith=area.path)
        start, end = coverage.month_bounds(month.year, month.month)
        page = self.paginate_queryset(
            groups.select_related("ward").order_by("ward__name", "name", "pk")
        )
        figures = coverage.by_group(groups=[group.pk for group in page], start=start, end=end)
        rows = [
            {
                "group": group.pk,
                "group_name": group.name,
                "ward": group.ward_id,
                "figures": _figures(figures.get(group.pk, coverage.Figures())),
            }
            for group in page
        ]
        answer = self.get_paginated_response(rows)
        answer.data["month"] = f"{month:%Y-%m}"
        answer.data["area"] = area.pk if area else None
        answer.data["totals"] = _figures(coverage.total(groups=groups, start=start, end=end))
        return answer


def _figures(figures: coverage.Figures) -> dict:
    return CoverageFiguresSerializer(figures).data
