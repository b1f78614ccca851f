"""Admin for patrols and hotspots, held to `visible_to`/`editable_by` like every admin.

Logs and their parts are written on the patrol pages (patrols/logbook.py), so the
admin shows them and lets administrators correct text, never invents check-ins
or attendance. Saving a schedule here regenerates its shifts as the portal does.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groups.admin import ReadOnlyInline, ScopedAdminMixin
from groups.admin_input import AdminInputMixin
from patrols import ical, schedule
from patrols.models import (
    CalendarFeed,
    Hotspot,
    HotspotCheckIn,
    LogSubmission,
    PatrolAttendance,
    PatrolIncident,
    PatrolLog,
    PatrolSchedule,
    PatrolShift,
    ShiftAssignment,
    ShiftPartner,
)


@admin.register(Hotspot)
class HotspotAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "risk", "ward", "unit", "last_checked_at", "active"]
    list_filter = ["kind", "risk", "active"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["ward", "unit"]
    list_select_related = ["ward", "unit"]
    readonly_fields = ["last_checked_at", "created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PatrolSchedule)
class PatrolScheduleAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "group", "when", "starts_on", "ends_on"]
    search_fields = ["title", "group__name"]
    autocomplete_fields = ["group", "area", "team", "hotspots"]
    list_select_related = ["group"]

    @admin.display(description=_("when"))
    def when(self, obj):
        return obj.in_words

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        made = schedule.regenerate(schedule=form.instance)
        self.message_user(
            request,
            ngettext("%(count)d shift planned.", "%(count)d shifts planned.", made)
            % {"count": made},
        )

    def delete_model(self, request, obj):
        schedule.delete_schedule(schedule=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            schedule.delete_schedule(schedule=obj, by=request.user)


class ShiftAssignmentInline(AdminInputMixin, admin.TabularInline):
    model = ShiftAssignment
    extra = 0
    autocomplete_fields = ["member"]


class ShiftPartnerInline(AdminInputMixin, admin.TabularInline):
    model = ShiftPartner
    extra = 0


@admin.register(PatrolShift)
class PatrolShiftAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["starts_at", "ends_at", "group", "status", "changed_by_hand", "leader_told_at"]
    list_filter = ["status", "changed_by_hand"]
    search_fields = ["group__name", "route", "meeting_point"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["group", "schedule", "area"]
    list_select_related = ["group"]
    readonly_fields = ["occurrence", "leader_told_at"]
    inlines = [ShiftAssignmentInline, ShiftPartnerInline]

    def save_model(self, request, obj, form, change):
        # A shift changed here is changed by hand: regeneration leaves it alone.
        obj.changed_by_hand = True
        super().save_model(request, obj, form, change)


class AttendanceInline(ReadOnlyInline):
    model = PatrolAttendance
    fields = ["member", "partner", "present"]


class CheckInInline(ReadOnlyInline):
    model = HotspotCheckIn
    fields = ["hotspot", "checked_at", "note", "latitude", "longitude", "checked_by"]


class IncidentInline(ReadOnlyInline):
    model = PatrolIncident
    fields = ["report", "hotspot", "created_at"]


@admin.register(PatrolLog)
class PatrolLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "shift", "status", "started_at", "finished_at", "people_present"]
    list_filter = ["status", "entered_afterwards"]
    search_fields = ["shift__group__name", "route", "observations"]
    date_hierarchy = "started_at"
    list_select_related = ["shift__group"]
    fields = [
        "shift",
        "led_by",
        "started_by",
        "status",
        "started_at",
        "finished_at",
        "auto_closed_at",
        "entered_afterwards",
        "people_present",
        "route",
        "observations",
    ]
    readonly_fields = [
        "shift",
        "led_by",
        "started_by",
        "status",
        "started_at",
        "finished_at",
        "auto_closed_at",
        "entered_afterwards",
        "people_present",
    ]
    inlines = [AttendanceInline, CheckInInline, IncidentInline]

    def has_add_permission(self, request):
        return False


@admin.register(HotspotCheckIn)
class HotspotCheckInAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["hotspot", "checked_at", "log", "checked_by"]
    search_fields = ["hotspot__name", "note"]
    date_hierarchy = "checked_at"
    list_select_related = ["hotspot", "log", "checked_by"]
    readonly_fields = ["log", "hotspot", "checked_at", "latitude", "longitude", "checked_by"]

    def has_add_permission(self, request):
        return False


@admin.register(PatrolAttendance)
class PatrolAttendanceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["log", "member", "partner", "present"]
    list_filter = ["present"]
    list_select_related = ["log", "member", "partner"]
    readonly_fields = ["log", "member", "partner"]

    def has_add_permission(self, request):
        return False


@admin.register(ShiftAssignment)
class ShiftAssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["member", "shift"]
    search_fields = ["member__full_name", "shift__group__name"]
    autocomplete_fields = ["member", "shift"]
    list_select_related = ["member", "shift__group"]


@admin.register(ShiftPartner)
class ShiftPartnerAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "shift"]
    list_filter = ["kind"]
    search_fields = ["name", "organisation"]
    autocomplete_fields = ["shift"]
    list_select_related = ["shift__group"]


@admin.register(PatrolIncident)
class PatrolIncidentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["report", "log", "hotspot", "created_at"]
    list_select_related = ["report", "log", "hotspot"]
    readonly_fields = ["log", "report", "hotspot", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(LogSubmission)
class LogSubmissionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The idempotency ledger, to look at when a phone says it sent something."""

    list_display = ["key", "kind", "log", "received_at"]
    list_filter = ["kind"]
    search_fields = ["key"]
    list_select_related = ["log"]
    readonly_fields = ["key", "kind", "log", "received_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Members' calendar addresses; the token itself is never shown here."""

    list_display = ["member", "created_at"]
    search_fields = ["member__full_name"]
    fields = ["member", "created_at"]
    readonly_fields = ["member", "created_at"]
    actions = ["rotate"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Make new addresses (the old ones stop working)"))
    def rotate(self, request, queryset):
        for feed in queryset.select_related("member"):
            ical.rotate_feed(member=feed.member)
        self.message_user(request, _("New calendar addresses made."), messages.SUCCESS)
