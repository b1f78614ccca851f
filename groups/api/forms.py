"""Input for the parts' API: id filters, a stable ordering, and the pages' own forms run on a
request's data, their errors and the domain's answered as the API answers errors.

The write endpoints of patrols and mediation validate with the very forms their pages
use and then call the same domain function; these helpers only translate: a form's
errors become a 400 naming each field, a domain ValidationError a 400 (or, for a move
the state does not allow, a 409 Conflict).
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.filters import OrderingFilter
from rest_framework.settings import api_settings

from groups.api.errors import Conflict
from groups.inputs import ascii_int

# The id in a detail URL: ASCII digits only, so that "²" or a 25-digit number is a 404
# from the resolver rather than a query PostgreSQL refuses.
ID_PATTERN = "[0-9]{1,18}"


class IdField(forms.CharField):
    """An id typed as 1 to 18 ASCII digits (groups/inputs.py), else a field error."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        number = ascii_int(value, minimum=1)
        if number is None:
            raise DjangoValidationError(_("Enter a whole number."), code="invalid")
        return number


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    """A number, not a choice among all rows: "no such row" would tell which rows exist
    beyond those the user may see."""

    field_class = IdField


class StableOrdering(OrderingFilter):
    """The whitelisted order the client asks for (``ordering_fields`` on each view), with
    the id as the last key so that pages never overlap or skip a row."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(field.lstrip("-") in ("pk", "id") for field in ordering):
            ordering.append("pk")
        return ordering


def form_data(request) -> QueryDict:
    """The request's body as a form reads it: JSON values become text, as a browser
    would send them; a list becomes a multi-valued field."""
    data = request.data
    if isinstance(data, QueryDict):
        return data
    if not isinstance(data, dict):
        raise serializers.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: [_("Send an object of fields.")]}, code="invalid"
        )
    result = QueryDict(mutable=True)
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        result.setlist(str(name), [_text(item) for item in values])
    return result


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def field_errors(errors: dict) -> dict:
    """Django's error dict with "__all__" under DRF's key for errors of no one field."""
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): [
            str(message) for message in messages
        ]
        for name, messages in errors.items()
    }


def cleaned(form) -> dict:
    """The form's cleaned data, or a 400 naming each field at fault."""
    if not form.is_valid():
        raise serializers.ValidationError(field_errors(form.errors), code="invalid")
    return form.cleaned_data


def refused(error: DjangoValidationError, *, conflict: bool = False):
    """A domain function's ValidationError as the API's error: 409 for a move the
    state does not allow, else 400 with the fields it names."""
    if conflict:
        return Conflict(" ".join(error.messages))
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(field_errors(error.message_dict), code="invalid")
    return serializers.ValidationError(
        {api_settings.NON_FIELD_ERRORS_KEY: error.messages}, code="invalid"
    )
