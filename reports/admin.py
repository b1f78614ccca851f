"""Admin for report categories, reports, their timeline and the log of contact reveals.

The reporter's contact (`ReporterContact`) has no admin and appears on no page
here, not even as an inline: the vault is opened only by the reveal action on
the portal, which writes a `ContactReveal`. Reports are read-mostly: they enter
through `reports.intake.submit_report` and move through their lifecycle on the
portal (`Report.transition`), so the admin never adds, deletes or moves one.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from groups.admin import ReadOnlyInline, ScopedAdminMixin
from groups.admin_input import AdminInputMixin
from groups.audit_admin import AuditedAdminMixin
from reports.models import Category, ContactReveal, Holiday, Report, ReportEvent, ReportPhoto
from reports.retention import clear_legal_hold, set_legal_hold


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, AdminInputMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "name_en",
        "severity",
        "deadline_minutes",
        "counts_working_hours",
        "allows_anonymous",
        "about_the_group",
        "publish_description",
        "retention_days",
        "order",
        "active",
    ]
    list_editable = ["order", "active"]
    list_filter = [
        "severity",
        "counts_working_hours",
        "allows_anonymous",
        "about_the_group",
        "active",
    ]
    search_fields = ["name", "name_en"]
    filter_horizontal = ["model_types"]


# Timeline columns, shared by the report's inline and the timeline's own list.


@admin.display(description=_("report"), ordering="report")
def event_report(event):
    return event.report


@admin.display(description=_("when"), ordering="created_at")
def event_time(event):
    return event.created_at


@admin.display(description=_("what"), ordering="kind")
def event_kind(event):
    return event.get_kind_display()


@admin.display(description=_("by"))
def event_actor(event):
    # No actor: the reporter or the system, never named.
    return event.actor or "—"


@admin.display(description=_("status"))
def event_status_change(event):
    if not event.to_status:
        return ""
    return f"{event.get_from_status_display()} → {event.get_to_status_display()}"


@admin.display(description=_("note"))
def event_note(event):
    return event.note


@admin.display(description=_("shown to the reporter"), boolean=True, ordering="public")
def event_shown_to_reporter(event):
    return event.public


TIMELINE_COLUMNS = [
    event_time,
    event_kind,
    event_actor,
    event_status_change,
    event_note,
    event_shown_to_reporter,
]


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    verbose_name = _("timeline entry")
    verbose_name_plural = _("timeline")
    fields = TIMELINE_COLUMNS
    readonly_fields = TIMELINE_COLUMNS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ReportPhotoInline(ReadOnlyInline):
    model = ReportPhoto
    verbose_name = _("photo")
    verbose_name_plural = _("photos")
    fields = ["photo", "received"]
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def photo(self, photo):
        label = _("Photo %(number)s") % {"number": photo.pk}
        # The photo is served only by the portal's permission-checked view, never
        # from the file storage directly; should that view not be routed, the label
        # alone, so that the report page still opens.
        try:
            url = reverse("reports:photo", args=[photo.pk])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("received"))
    def received(self, photo):
        return photo.created_at


class ReportAdminForm(forms.ModelForm):
    # Not a model field of the form: saving it goes through reports/retention.py,
    # which records the hold (and its lifting) in the audit trail.
    legal_hold = forms.CharField(
        label=_("Legal hold"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The reason to keep this report from being anonymised after its retention "
            "period. Empty: no hold."
        ),
    )

    class Meta:
        model = Report
        # What the admin may correct (ReportAdmin.fieldsets); the rest is read-only there.
        fields = [
            "category",
            "description",
            "occurred_at",
            "ward",
            "unit",
            "address",
            "latitude",
            "longitude",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["legal_hold"].initial = self.instance.legal_hold_reason


@admin.register(Report)
class ReportAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = ReportAdminForm
    list_display = ["id", "category", "ward", "status", "created_at", "due_at", "channel"]
    list_filter = ["status", "category", "channel", "is_anonymous"]
    search_fields = ["=id", "description"]
    date_hierarchy = "created_at"
    list_select_related = ["category", "ward"]
    autocomplete_fields = ["ward", "unit"]
    # What a province administrator may correct; everything else is the lifecycle's.
    fieldsets = [
        (_("What was reported"), {"fields": ["category", "description", "occurred_at"]}),
        (_("Where"), {"fields": ["ward", "unit", "address", "latitude", "longitude"]}),
        (
            _("Handling"),
            {
                "fields": [
                    "status",
                    "groups",
                    "police_only",
                    "due_at",
                    "acknowledged_at",
                    "closed_at",
                    "outcome",
                    "duplicate_of",
                ]
            },
        ),
        (_("Received"), {"fields": ["created_at", "channel", "is_anonymous", "logged_by"]}),
        (
            _("Retention"),
            {"fields": ["legal_hold", "legal_hold_at", "legal_hold_by", "anonymised_at"]},
        ),
    ]
    readonly_fields = [
        "status",
        "groups",
        "police_only",
        "due_at",
        "acknowledged_at",
        "closed_at",
        "outcome",
        "duplicate_of",
        "created_at",
        "channel",
        "is_anonymous",
        "logged_by",
        "legal_hold_at",
        "legal_hold_by",
        "anonymised_at",
    ]
    # Deliberately no inline for the reporter's contact: see the module's docstring.
    inlines = [ReportEventInline, ReportPhotoInline]

    def has_add_permission(self, request):
        # A report enters only through submit_report (receipt, routing, vault, email).
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "legal_hold" not in form.changed_data:
            return
        reason = form.cleaned_data["legal_hold"].strip()
        try:
            if reason:
                set_legal_hold(report=obj, by=request.user, reason=reason)
            else:
                clear_legal_hold(report=obj, by=request.user)
        except ValidationError as error:
            # Anonymised meanwhile: say so instead of pretending the hold is set.
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def has_change_permission(self, request, obj=None):
        # Handlers act on the portal; in the admin only province administrators
        # correct what was reported and where.
        return request.user.is_province_admin and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A report, its timeline and its reveal log are the record of what happened.
        return False


@admin.register(ReportEvent)
class ReportEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Every timeline entry across reports, e.g. all open questions to reporters."""

    list_display = [event_report, *TIMELINE_COLUMNS]
    list_filter = ["kind", "public"]
    date_hierarchy = "created_at"
    list_select_related = ["report__category", "actor"]
    fields = [event_report, *TIMELINE_COLUMNS]
    readonly_fields = fields

    def has_add_permission(self, request):
        # Entries are written by intake and the lifecycle (reports/lifecycle.py) only.
        return False


@admin.display(description=_("report"), ordering="report")
def revealed_report(reveal):
    return reveal.report


@admin.display(description=_("revealed by"), ordering="revealed_by__username")
def revealed_by(reveal):
    return reveal.revealed_by


@admin.register(ContactReveal)
class ContactRevealAdmin(AdminInputMixin, admin.ModelAdmin):
    """The log of who opened a reporter's contact, when and why, for administrators.

    It shows that a contact was revealed, never the contact itself.
    """

    list_display = [revealed_report, revealed_by, "reason", "revealed_at"]
    list_select_related = ["report__category", "revealed_by"]
    date_hierarchy = "revealed_at"
    search_fields = ["=report__id", "revealed_by__username", "reason"]
    fields = [revealed_report, revealed_by, "reason", "revealed_at"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return request.user.is_province_admin

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(AuditedAdminMixin, AdminInputMixin, admin.ModelAdmin):
    """The days off that deadlines counting working hours skip (reports/escalation/deadlines.py).

    Seeded for years ahead; administrators add the government's yearly decisions
    (the exact Tết break, swapped days) here.
    """

    list_display = ["date", "name", "name_en"]
    date_hierarchy = "date"
    search_fields = ["name", "name_en"]


# The escalation chain has an admin module of its own.
from reports.escalation import admin as escalation_admin  # noqa: E402, F401

# And the client systems of Open311.
from reports.open311 import admin as open311_admin  # noqa: E402, F401
