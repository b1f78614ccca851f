"""Admin for mediation cases, their parties, mediators, sessions and history.

Held to the same confidentiality as the portal (``ScopedAdminMixin`` goes through
``visible_to``/``editable_by``). The status moves only on the portal, through
mediation/lifecycle.py, so here it is read-only; the database's constraints keep
whatever is edited here consistent with it.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from groups.admin import ReadOnlyInline, ScopedAdminMixin
from groups.admin_input import AdminInputMixin
from mediation.models import CaseEvent, CaseMediator, CaseParty, MediationCase, MediationSession


class CasePartyInline(AdminInputMixin, admin.TabularInline):
    model = CaseParty
    extra = 0
    fields = ["side", "full_name", "birth_year", "address", "phone"]


class CaseMediatorInline(AdminInputMixin, admin.TabularInline):
    model = CaseMediator
    fk_name = "case"
    extra = 0
    autocomplete_fields = ["member"]
    fields = ["member", "assigned_on", "recused_on", "recusal_reason"]


class MediationSessionInline(AdminInputMixin, admin.StackedInline):
    model = MediationSession
    extra = 0
    fields = ["held_on", "place", "other_attendees", "minutes", "next_steps"]
    show_change_link = True


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


class MediationCaseForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()
        # The status is read-only here, so Django leaves out every constraint that
        # names it; check them all against the row as it would be saved.
        try:
            self.instance.validate_constraints()
        except ValidationError as error:
            self._update_errors(error)


@admin.register(MediationCase)
class MediationCaseAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = MediationCaseForm
    list_display = ["__str__", "group", "kind", "status", "received_on", "outcome_on"]
    list_filter = ["status", "kind", "origin", "in_scope"]
    date_hierarchy = "received_on"
    search_fields = ["=id", "group__name"]
    list_select_related = ["group"]
    autocomplete_fields = ["group", "report"]
    readonly_fields = ["status", "created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["group", "status", "kind", "summary"]}),
        (_("Request"), {"fields": ["origin", "origin_detail", "received_on", "report"]}),
        (_("Scope"), {"fields": ["in_scope", "scope_note"]}),
        (
            _("Outcome"),
            {
                "fields": [
                    "outcome_on",
                    "agreement_terms",
                    "authority",
                    "authority_detail",
                    "guidance",
                    "outcome_note",
                ]
            },
        ),
        (_("Follow-up"), {"fields": ["followed_up_on", "agreement_kept", "follow_up_note"]}),
        (_("Record"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]
    inlines = [CasePartyInline, CaseMediatorInline, MediationSessionInline, CaseEventInline]

    def has_add_permission(self, request):
        # Cases open on the portal (mediation/intake.py), which writes their history.
        return False

    def get_search_results(self, request, queryset, search_term):
        # "=id" searches a number; a word would raise on the integer column.
        if search_term and not search_term.isdigit():
            return queryset.filter(group__name__icontains=search_term), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(CaseParty)
class CasePartyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "side", "case"]
    search_fields = ["full_name"]
    autocomplete_fields = ["case"]


@admin.register(CaseMediator)
class CaseMediatorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["member", "case", "assigned_on", "recused_on"]
    list_filter = [("recused_on", admin.EmptyFieldListFilter)]
    autocomplete_fields = ["case", "member", "replaced_by"]
    search_fields = ["member__full_name"]


@admin.register(MediationSession)
class MediationSessionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["case", "held_on", "place"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["case"]
    filter_horizontal = ["parties_present", "mediators_present"]


@admin.register(CaseEvent)
class CaseEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["case", "kind", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["case", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
