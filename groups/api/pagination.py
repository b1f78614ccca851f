from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from groups.inputs import ascii_int


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (up to 200); a page past the end is a 404 JSON error,
    a page or page size that is not a whole number from 1 a 400 (DRF would take an
    empty page for the first and ignore a wrong size)."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        sizes = request.query_params.getlist(self.page_size_query_param)
        if any(ascii_int(size, minimum=1) is None for size in sizes):
            raise ValidationError(
                {self.page_size_query_param: [_("A whole number from 1.")]}, code="invalid"
            )
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        pages = request.query_params.getlist(self.page_query_param)
        if any(ascii_int(page, minimum=1) is None for page in pages):
            raise ValidationError(
                {self.page_query_param: [_("A whole number from 1.")]}, code="invalid"
            )
        return super().get_page_number(request, paginator)
