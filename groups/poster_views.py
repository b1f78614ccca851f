"""The tip-box posters as PDF downloads (groups/posters.py decides who prints what)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
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


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
