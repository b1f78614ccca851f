"""API tokens in the admin: superusers (who manage logins) see everyone's, make one
for a user (shown once) and revoke them. The rules are groups/api/tokens.py's.

Imported by groups/admin.py (Django's autodiscovery reads only that module).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from groups.api import tokens
from groups.models import ApiToken, User


class AdminTokenForm(forms.Form):
    user = forms.ModelChoiceField(label=_("user"), queryset=User.objects.filter(is_active=True))
    name = forms.CharField(label=_("name"), max_length=tokens.MAX_NAME_LENGTH)
    days = forms.IntegerField(
        label=_("Days until it expires"),
        min_value=1,
        max_value=settings.API_TOKEN_DAYS,
        initial=settings.API_TOKEN_DAYS,
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "token_key", "created", "expiry", "created_by"]
    list_select_related = ["user", "created_by"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["name", "user", "token_key", "created", "expiry", "created_by"]
    fields = readonly_fields

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AdminTokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                token, secret = tokens.create_token(
                    owner=form.cleaned_data["user"],
                    by=request.user,
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                    request=request,
                )
            except PermissionDenied as error:
                messages.error(request, str(error))
                return redirect("admin:groups_apitoken_changelist")
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return TemplateResponse(
                    request,
                    "registration/api_token_created.html",
                    {"token": token, "secret": secret},
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Make an API token for a user"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/groups/apitoken/add.html", context)

    def delete_model(self, request, obj):
        tokens.revoke_token(token=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for token in queryset:
            tokens.revoke_token(token=token, by=request.user)
