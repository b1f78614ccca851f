"""The admin, leaving out what its request carries that is no key of a model.

Django's admin passes some values from the request to the database unchecked: the
choices an autocomplete widget shows again after a refused form, and the rows
ticked for an action. A value that is no key ("1²", "NaN") then raised instead of
being left out. Every ModelAdmin and inline of ours mixes this in (through
ScopedAdminMixin where it is scoped).
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from groups.inputs import RECORD_DAY_VALIDATORS, ascii_int, check_time_in_range

_INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def keys_of(key_field, values) -> list:
    """The values that can be keys of ``key_field``: ASCII decimal for an integer key."""
    if key_field.get_internal_type() in _INTEGER_KEYS:
        return [value for value in values if ascii_int(str(value)) is not None]
    kept = []
    for value in values:
        try:
            key_field.to_python(value)
        except ValidationError:
            continue
        kept.append(value)
    return kept


def _target(field):
    remote = field.remote_field
    if getattr(remote, "field_name", None) is None:  # many-to-many: the target's key
        return remote.model._meta.pk
    return remote.model._meta.get_field(remote.field_name)


class KeyedAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, keys_of(_target(self.field), value), attr)


class KeyedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, keys_of(_target(self.field), value), attr)


class AdminInputMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Days and times typed into the admin keep to the range the portal's own
        # forms hold (groups/inputs.py): a day in year 1 or 9999 broke later pages.
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return formfield
        if isinstance(db_field, models.DateTimeField):
            formfield.validators.append(check_time_in_range)
        elif isinstance(db_field, models.DateField):
            formfield.validators.extend(RECORD_DAY_VALIDATORS)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if selected != keys_of(self.model._meta.pk, selected):
            self.message_user(
                request, _("Choose the rows for the action from the list."), messages.WARNING
            )
            return None
        return super().response_action(request, queryset)
