"""Open311 client systems in the admin: a key is issued on adding a system (or
with the action), shown once in a message, and kept only as a digest.

For superusers only, like the other secrets of outside systems. Imported by
reports/admin.py.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from groups.admin import SuperuserOnlyAdminMixin
from groups.admin_input import AdminInputMixin
from groups.audit_admin import AuditedAdminMixin
from reports.models import Open311Client
from reports.open311 import keys


@admin.register(Open311Client)
class Open311ClientAdmin(
    AuditedAdminMixin, AdminInputMixin, SuperuserOnlyAdminMixin, admin.ModelAdmin
):
    fields = ["name", "contact", "active", "key_prefix", "created_at", "last_used_at"]
    readonly_fields = ["key_prefix", "created_at", "last_used_at"]
    list_display = ["name", "key_prefix", "active", "created_at", "last_used_at"]
    list_filter = ["active"]
    actions = ["issue_new_key"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        _show_key_once(request, obj, keys.issue_key(client=obj))

    @admin.action(description=_("Issue a new key (the old one stops working)"))
    def issue_new_key(self, request, queryset):
        for client in queryset:
            _show_key_once(request, client, keys.issue_key(client=client))


def _show_key_once(request, client, key):
    messages.warning(
        request,
        _(
            "The key of %(client)s is %(key)s. Copy it now and hand it over safely: "
            "it is shown only this once."
        )
        % {"client": client, "key": key},
    )
