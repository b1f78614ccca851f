from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from import_export.admin import ImportExportMixin
from treebeard.forms import movenodeform_factory

from groups import second_factor, staff_sessions
from groups.admin_input import AdminInputMixin
from groups.api_token_admin import ApiTokenAdmin  # noqa: F401 (registers it)
from groups.audit import Action, record
from groups.audit_admin import AuditedAdminMixin, AuditEntryAdmin  # noqa: F401 (registers it)
from groups.models import (
    COMMUNE_KINDS,
    PROVINCE_KINDS,
    RESIDENTIAL_KINDS,
    Area,
    EmergencyContact,
    GroupDocument,
    Member,
    Membership,
    ModelType,
    PoliceContact,
    SelfManagementGroup,
    Training,
    User,
)
from groups.poster_views import print_ward_posters
from groups.resources import GroupResource, MembershipResource
from groups.spreadsheet_cells import SafeCSV, SafeXLSX


class ScopedAdminMixin(AuditedAdminMixin, AdminInputMixin):
    """Admin pages see and change only what `visible_to`/`editable_by` allow.

    Every app's admin for user data uses this, so that a staff account that is
    not a province administrator is held to the same scope as on the portal.
    Every write through it lands in the audit trail (groups/audit_admin.py).
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _editable(self, request, obj) -> bool:
        return obj is None or (
            self.model._default_manager.editable_by(request.user).filter(pk=obj.pk).exists()
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)

    def save_model(self, request, obj, form, change):
        # The changelist's list_editable saves rows without asking has_change_permission
        # per object, and an add form accepts any group the model permission allows; so
        # every admin write is checked here, before (the row as stored) and after (the
        # row as saved). The admin wraps the save in a transaction, so a refusal undoes it.
        if change and not self._editable(request, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        if not self._editable(request, obj):
            raise PermissionDenied


class SuperuserOnlyAdminMixin:
    """Pages only a superuser sees: logins (a province administrator, who holds every
    model permission through the role, must not make itself superuser or take over
    another login) and secrets (webhook endpoints, Zalo tokens)."""

    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._superuser(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request) and super().has_delete_permission(request, obj)


class WriteOnlySecretsForm(forms.ModelForm):
    """A form whose `secret_fields` are never rendered back: typed in, stored, and
    left as they are when the field is left empty on a change."""

    secret_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.secret_fields:
            field = self.fields[name]
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
            if self.instance.pk:
                field.required = False
                field.help_text = _(
                    "Stored; not shown. Leave empty to keep it, type to replace it."
                )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # clean() runs before the form writes to the instance, which still holds
            # the stored value: an empty field puts that back instead of blanking it.
            for name in self.secret_fields:
                if not cleaned.get(name):
                    cleaned[name] = getattr(self.instance, name)
        return cleaned


class ReadOnlyInline(AdminInputMixin, admin.TabularInline):
    """Rows that belong to the parent and are written elsewhere, shown as they are.

    The parent's admin already decides who may open it; whoever may see it sees
    these rows with it, without a model permission of their own.
    """

    extra = 0
    max_num = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AreaForm(movenodeform_factory(Area)):
    """The tree's place decides the depth; the kind and the police phone must fit it
    here, before treebeard writes the node (the database would refuse it then)."""

    def clean(self):
        cleaned = super().clean()
        reference = cleaned.get("treebeard_ref_node")
        if isinstance(reference, (int, str)):
            reference = Area.objects.filter(pk=reference).first()
        position = cleaned.get("treebeard_position") or ""
        if reference is None:
            depth = 1
        elif position.endswith("child"):
            depth = reference.depth + 1
        else:
            depth = reference.depth
        kinds = {1: PROVINCE_KINDS, 2: COMMUNE_KINDS, 3: RESIDENTIAL_KINDS}.get(depth, ())
        if cleaned.get("kind") and cleaned["kind"] not in kinds:
            self.add_error("kind", _("This kind of area does not fit at this place in the tree."))
        if cleaned.get("police_phone") and depth != 2:
            self.add_error(
                "police_phone", _("Only a commune, ward or special zone has a police duty phone.")
            )
        return cleaned


@admin.register(Area)
class AreaAdmin(AuditedAdminMixin, AdminInputMixin, admin.ModelAdmin):
    form = AreaForm
    list_display = ["name", "kind", "code", "depth"]
    list_filter = ["kind", "depth"]
    search_fields = ["name", "code"]
    # Vietnamese alphabetical order within each tier, as every select of places
    # (the admin's autocomplete lists come from here too).
    ordering = ["depth", "name", "path"]
    list_per_page = 100
    actions = [print_ward_posters]

    def get_deleted_objects(self, objs, request):
        # Deleting an area deletes everything under it (the tree is a path, no foreign
        # key), which the admin's collector does not follow: it would not see that a
        # report or a group of a unit below protects the ward, and the delete raised.
        subtree = Area.objects.none()
        for area in objs:
            subtree |= Area.objects.within(area)
        return super().get_deleted_objects(list(subtree), request)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, AdminInputMixin, SuperuserOnlyAdminMixin, BaseUserAdmin):
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Role in tuquan"), {"fields": ["role", "police_ward", "phone"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Role in tuquan"), {"fields": ["role", "police_ward", "phone"]}),
    ]
    list_display = [
        "username",
        "first_name",
        "last_name",
        "role",
        "police_ward",
        "is_active",
        "has_second_factor",
    ]
    list_filter = ["role", "is_staff", "is_active"]
    autocomplete_fields = ["police_ward"]
    list_select_related = ["police_ward"]
    actions = ["reset_second_factor", "sign_out_everywhere"]

    def get_queryset(self, request):
        # One subquery, not a query per row: who still has to enrol a phone.
        return (
            super()
            .get_queryset(request)
            .annotate(
                second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
            )
        )

    @admin.display(boolean=True, description=_("second factor"), ordering="second_factor")
    def has_second_factor(self, user):
        return user.second_factor

    @admin.action(
        description=_("Reset the second factor (lost phone): enrol again at the next sign-in")
    )
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            second_factor.reset(user=user, by=request.user, request=request)
            staff_sessions.sign_out_everywhere(user=user, by=request.user, request=request)
            # The user's admin history shows it too.
            self.log_change(request, user, "Second factor reset; signed out everywhere.")
        self.message_user(
            request,
            _("Second factor reset and signed out everywhere: %(users)s.")
            % {"users": ", ".join(user.username for user in queryset)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Sign out everywhere"))
    def sign_out_everywhere(self, request, queryset):
        for user in queryset:
            staff_sessions.sign_out_everywhere(user=user, by=request.user, request=request)
        self.message_user(
            request,
            _("Signed out everywhere: %(users)s.")
            % {"users": ", ".join(user.username for user in queryset)},
            messages.SUCCESS,
        )


@admin.register(ModelType)
class ModelTypeAdmin(AuditedAdminMixin, AdminInputMixin, admin.ModelAdmin):
    list_display = ["name", "name_en", "is_mediation"]
    list_filter = ["is_mediation"]
    search_fields = ["name", "name_en"]


class MembershipInline(AdminInputMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["member"]
    fields = ["member", "role", "is_leader", "is_deputy", "started", "ended"]


class EmergencyContactInline(AdminInputMixin, admin.TabularInline):
    model = EmergencyContact
    extra = 0


class GroupDocumentInline(AdminInputMixin, admin.StackedInline):
    model = GroupDocument
    extra = 0


class SpreadsheetImportExportMixin(ImportExportMixin):
    """CSV/XLSX import (preview, then confirm) and export, held to the admin's scope.

    The resources get the user: they match rows through `visible_to`, change only
    what `editable_by` allows and export only visible rows; the export starts from
    the scoped changelist (`get_queryset`).
    """

    # Formula-safe, and what is exported imports back unchanged (groups/spreadsheet_cells.py).
    import_formats = [SafeCSV, SafeXLSX]
    export_formats = [SafeCSV, SafeXLSX]
    # Bad rows listed by the line the spreadsheet shows, with the reason in words.
    import_template_name = "admin/groups/import.html"

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def has_import_permission(self, request):
        # An import adds rows and changes existing ones.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        record(
            action=Action.EXPORT,
            actor=request.user,
            object_type_label=self.model._meta.label_lower,
            request=request,
            detail={"rows": queryset.count(), "format": file_format.get_title()},
        )
        return data

    def get_export_queryset(self, request):
        # The changelist refuses an unknown filter in its address with ?e=1; the
        # export, built on it, would raise.
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters:
            raise BadRequest from None

    def process_result(self, result, request):
        # The confirm step reads the file again. If the data changed since the preview
        # and a row has become bad, the resource rolled the whole batch back; the
        # library would still announce it as imported.
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _(
                    "Nothing was imported: the data changed since the preview and some "
                    "rows are no longer valid. Upload the file again to see them."
                ),
            )
            app_label, model_name = self.get_model_info()
            url = reverse(
                f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name
            )
            return HttpResponseRedirect(url)
        record(
            action=Action.MEMBERSHIP_CHANGE if self.model is Membership else Action.CHANGE,
            actor=request.user,
            object_type_label=self.model._meta.label_lower,
            request=request,
            detail={"operation": "import", **{k: int(v) for k, v in result.totals.items()}},
        )
        return super().process_result(result, request)


@admin.register(SelfManagementGroup)
class SelfManagementGroupAdmin(ScopedAdminMixin, SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [GroupResource]
    list_display = ["name", "ward", "unit", "status", "founded"]
    list_filter = ["status", "model_types", "ward"]
    search_fields = ["name", "ward__name", "unit__name"]
    autocomplete_fields = ["ward", "unit"]
    filter_horizontal = ["model_types"]
    list_select_related = ["ward", "unit"]
    inlines = [MembershipInline, EmergencyContactInline, GroupDocumentInline]
    date_hierarchy = "founded"


class MembershipOfMemberInline(AdminInputMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["group"]
    fields = ["group", "role", "is_leader", "is_deputy", "started", "ended"]


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "phone", "is_mediator", "user"]
    list_filter = ["is_mediator"]
    search_fields = ["full_name", "phone"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    inlines = [MembershipOfMemberInline]


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [MembershipResource]
    list_display = ["member", "group", "role", "is_leader", "is_deputy", "started", "ended"]
    list_filter = ["role", "is_leader", "is_deputy"]
    search_fields = ["member__full_name", "member__phone", "group__name"]
    autocomplete_fields = ["member", "group"]
    list_select_related = ["member", "group"]


@admin.register(Training)
class TrainingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "group", "topic", "held_on", "trainer"]
    list_filter = ["topic"]
    search_fields = ["title", "trainer", "group__name"]
    autocomplete_fields = ["group", "attendees"]
    list_select_related = ["group"]
    date_hierarchy = "held_on"


@admin.register(PoliceContact)
class PoliceContactAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "area", "rank_or_role", "phone", "email", "order", "active"]
    list_filter = ["active"]
    list_editable = ["order", "active"]
    search_fields = ["name", "phone", "email", "area__name"]
    autocomplete_fields = ["area", "user"]
    list_select_related = ["area"]
