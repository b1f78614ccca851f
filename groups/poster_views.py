"""The tip-box posters as PDF downloads (groups/posters.py decides who prints what)."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from groups import directory, posters
from groups.place_links import parse_area_id


@login_required
@require_GET
def group_poster(request, group_id):
    group_id = parse_area_id(str(group_id))  # same bounds: a bigint id
    group = (
        posters.printable_groups(request.user)
        .select_related("ward", "unit")
        .filter(pk=group_id or 0)
        .first()
    )
    if group is None:
        raise Http404
    return _pdf(posters.render_posters([posters.group_poster(group)]), f"poster-{group.pk}.pdf")


@login_required
@require_GET
def ward_posters(request, ward_id):
    ward = directory.public_ward(parse_area_id(str(ward_id)) or 0)
    if ward is None:
        raise Http404
    if not posters.may_print_ward(request.user, ward=ward):
        raise PermissionDenied
    return _pdf(posters.render_posters(posters.ward_posters(ward)), f"posters-{ward.pk}.pdf")


# Drawing takes about a tenth of a second a page: a few wards per request.
MAX_WARDS_PER_PDF = 10


@admin.action(description=_("Print the tip-box posters of the chosen communes/wards (PDF)"))
def print_ward_posters(modeladmin, request, queryset):
    """The areas admin's action: every chosen commune/ward's posters in one PDF."""
    wards = [
        ward
        for ward in queryset.filter(depth=2).order_by(directory.vietnamese_order())
        if posters.may_print_ward(request.user, ward=ward)
    ]
    if not wards:
        modeladmin.message_user(
            request, _("Choose one or more communes or wards."), level=messages.WARNING
        )
        return None
    if len(wards) > MAX_WARDS_PER_PDF:
        modeladmin.message_user(
            request,
            ngettext(
                "Choose at most %(count)d commune or ward at a time.",
                "Choose at most %(count)d communes or wards at a time.",
                MAX_WARDS_PER_PDF,
            )
            % {"count": MAX_WARDS_PER_PDF},
            level=messages.WARNING,
        )
        return None
    pages = [poster for ward in wards for poster in posters.ward_posters(ward)]
    return _pdf(posters.render_posters(pages), "posters.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
