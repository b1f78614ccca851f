"""The audit trail in the admin: the mixin that records admin writes, and the
read-only, filterable, exportable list of entries.

Imported by groups/admin.py (Django's autodiscovery reads only that module);
the admins of reports, patrols and mediation use ``AuditedAdminMixin`` too.
"""

import csv

from django.contrib import admin
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups import audit
from groups.models import AuditEntry, Membership, User

# Fields of a user whose change alters what the account may see or do.
ROLE_FIELDS = {
    "role",
    "police_ward",
    "is_staff",
    "is_superuser",
    "is_active",
    "groups",
    "user_permissions",
}


class AuditedAdminMixin:
    """Every add, change and deletion through this admin lands in the audit trail.

    Hooks Django's own admin log calls (``log_addition``/``log_change``/
    ``log_deletions``): they run for the change form, its inlines, the
    changelist's list_editable and the bulk delete action alike. Only field
    names are recorded, never the values.
    """

    def construct_change_message(self, request, form, formsets, add=False):
        request._audit_fields = sorted(form.changed_data)
        changed_inlines = set()
        for formset in formsets or ():
            if formset.new_objects or formset.changed_objects or formset.deleted_objects:
                changed_inlines.add(formset.model._meta.model_name)
        request._audit_inlines = sorted(changed_inlines)
        return super().construct_change_message(request, form, formsets, add)

    def _audit_action(self, request, obj, default):
        fields = set(getattr(request, "_audit_fields", ()))
        if isinstance(obj, User) and (default != audit.Action.CHANGE or fields & ROLE_FIELDS):
            return audit.Action.ROLE_CHANGE
        if isinstance(obj, Membership) or "membership" in getattr(request, "_audit_inlines", ()):
            return audit.Action.MEMBERSHIP_CHANGE
        return default

    def _audit_detail(self, request, operation):
        detail = {"operation": operation}
        if getattr(request, "_audit_fields", None):
            detail["fields"] = request._audit_fields
        if getattr(request, "_audit_inlines", None):
            detail["inlines"] = request._audit_inlines
        return detail

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        audit.record(
            action=self._audit_action(request, obj, audit.Action.CREATE),
            actor=request.user,
            obj=obj,
            request=request,
            detail=self._audit_detail(request, "create"),
        )
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        audit.record(
            action=self._audit_action(request, obj, audit.Action.CHANGE),
            actor=request.user,
            obj=obj,
            request=request,
            detail=self._audit_detail(request, "change"),
        )
        return entry

    def log_deletions(self, request, queryset):
        # Called before the rows go, so the entries still name their ward.
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            action = audit.Action.DELETE
            if isinstance(obj, Membership):
                action = audit.Action.MEMBERSHIP_CHANGE
            elif isinstance(obj, User):
                action = audit.Action.ROLE_CHANGE
            audit.record(
                action=action,
                actor=request.user,
                obj=obj,
                request=request,
                detail={"operation": "delete"},
            )
        return entries


class _Echo:
    def write(self, value):
        return value


CSV_COLUMNS = [
    "at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "ward_id",
    "session",
    "detail",
]


def audit_csv_response(queryset, *, filename: str) -> StreamingHttpResponse:
    """The entries as CSV, streamed; the admin's export and the police page share it."""
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for entry in queryset.order_by("at", "pk").iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    entry.at.isoformat(),
                    entry.actor_id or "",
                    # A username could start with "=": never a formula in a spreadsheet.
                    _no_formula(entry.actor_username),
                    entry.action,
                    entry.object_type,
                    _no_formula(entry.object_id),
                    entry.ward_id or "",
                    entry.session,
                    _no_formula(str(entry.detail)) if entry.detail else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _no_formula(value: str) -> str:
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


@admin.action(description=_("Export the selected entries (CSV)"))
def export_csv(modeladmin, request, queryset):
    audit.record(
        action=audit.Action.EXPORT,
        actor=request.user,
        object_type_label="groups.auditentry",
        request=request,
        detail={"rows": queryset.count(), "format": "csv"},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return audit_csv_response(queryset, filename=f"audit-{stamp}.csv")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes an entry, administrators included."""

    list_display = ["at", "actor_username", "action", "object_type", "object_id", "ward"]
    list_filter = ["action", "object_type", ("ward", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["actor_username", "=object_id", "=session"]
    date_hierarchy = "at"
    list_select_related = ["ward"]
    readonly_fields = [
        "at",
        "actor_id",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "ward",
        "session",
        "detail",
    ]
    fields = readonly_fields
    actions = [export_csv]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
