"""Filters the API needs stricter than the pages' (a page ignores a value it cannot
read; the API answers 400 naming the parameter, as its schema promises)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

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
