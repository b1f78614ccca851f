from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from groups.models import GroupDocument, Membership, SelfManagementGroup


@login_required
def group_list(request):
    groups = (
        SelfManagementGroup.objects.visible_to(request.user)
        .select_related("ward", "unit")
        .prefetch_related("model_types")
    )
    return render(request, "groups/group_list.html", {"groups": groups})


@login_required
def group_detail(request, pk):
    group = get_object_or_404(
        SelfManagementGroup.objects.visible_to(request.user)
        .select_related("ward", "unit")
        .prefetch_related(
            "model_types",
            "emergency_contacts",
            "documents",
            Prefetch(
                "memberships",
                queryset=Membership.objects.current().select_related("member"),
                to_attr="current_memberships",
            ),
            "trainings__attendees",
        ),
        pk=pk,
    )
    return render(request, "groups/group_detail.html", {"group": group})


@login_required
def document_download(request, pk):
    document = get_object_or_404(GroupDocument.objects.visible_to(request.user), pk=pk)
    if not document.file:
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True)
