from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.audit import Action, record
from groups.audit_admin import audit_csv_response
from groups.models import AuditEntry, GroupDocument, Membership, SelfManagementGroup


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
    record(action=Action.DOWNLOAD, obj=document)
    return FileResponse(document.file.open("rb"), as_attachment=True)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *AuditEntry.Action.choices],
    )


def _audit_entries(request):
    """The entries the user may read (their ward for ward police), filtered; or 403."""
    user = request.user
    if not (user.is_province_admin or user.is_ward_police):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.visible_to(user).select_related("ward")
    if form.is_valid() and form.cleaned_data["action"]:
        entries = entries.filter(action=form.cleaned_data["action"])
    return form, entries


@login_required
def audit_trail(request):
    form, entries = _audit_entries(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "groups/audit_trail.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=200 if not form.is_bound or form.is_valid() else 400,
    )


@login_required
def audit_export(request):
    form, entries = _audit_entries(request)
    if form.is_bound and not form.is_valid():
        return render(request, "groups/audit_trail.html", {"form": form, "page": None}, status=400)
    record(
        action=Action.EXPORT,
        object_type_label="groups.auditentry",
        ward=request.user.police_ward_id,
        detail={"rows": entries.count(), "format": "csv"},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return audit_csv_response(entries, filename=f"audit-{stamp}.csv")
