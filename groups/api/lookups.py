from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound

from groups.inputs import ascii_int


class NumericLookupMixin:
    """A detail URL's id must be 1 to 18 ASCII digits; anything else is a JSON 404
    (not a database error on a non-number, not the HTML 404 of an unmatched URL)."""

    def get_object(self):
        lookup = self.lookup_url_kwarg or self.lookup_field
        if ascii_int(self.kwargs.get(lookup), minimum=1) is None:
            raise NotFound(_("No such object."))
        return super().get_object()
