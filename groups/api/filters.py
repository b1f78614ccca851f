"""Filters the API needs stricter than the pages' (a page ignores a value it cannot
read; the API answers 400 naming the parameter, as its schema promises)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from groups.api.forms import IdField

TRUE, FALSE = {"true", "True", "1"}, {"false", "False", "0"}


class StrictBooleanField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise forms.ValidationError(_("Use true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """`true`/`false` (or 1/0); anything else is a 400, not "no filter"."""

    field_class = StrictBooleanField


class FilterBackend(DjangoFilterBackend):
    """django-filter, with an empty value refused where the schema gives the parameter
    a type that is not free text (a number, a day, a choice, true or false): ``?group=``
    is a 400 naming ``group``, not a list left unfiltered without a word. (The pages
    read an empty value as no filter, which is what an HTML form sends.)"""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            refuse_empty_values(filterset, request.query_params)
        return filterset


def refuse_empty_values(filterset, query_params) -> None:
    """A 400 naming every parameter of ``filterset`` that is not free text and came empty."""
    empty = [
        parameter
        for parameter, values in query_params.lists()
        if "" in values and _typed(filterset, parameter)
    ]
    if empty:
        message = _("Give a value, or leave the parameter out.")
        raise ValidationError({parameter: [message] for parameter in empty}, code="invalid")


def _typed(filterset, parameter: str) -> bool:
    field = filterset.form.fields.get(parameter)
    if field is None:
        # The halves of a range (`created_after`, `created_before`) are days or numbers.
        name, _underscore, _half = parameter.rpartition("_")
        field = filterset.form.fields.get(name)
        return isinstance(field, forms.MultiValueField)
    return isinstance(field, IdField) or not isinstance(field, forms.CharField)
