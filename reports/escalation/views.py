"""Acknowledging an escalation from the link in a notice (and from the dashboard)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from reports.escalation import chain as escalation
from reports.escalation.notice_content import read_acknowledge_token
from reports.models import Escalation, Notice


@login_required
def acknowledge(request, token):
    """GET shows what will be acknowledged; POST acknowledges.

    Mail scanners and link previews follow GET links, so only an explicit
    POST by a signed-in officer counts.
    """
    try:
        signed = read_acknowledge_token(token)
    except signing.SignatureExpired:
        return render(request, "reports/acknowledge.html", {"expired": True}, status=410)
    except signing.BadSignature:
        raise Http404 from None
    # The same 404 as a forged link once the contact it was sent to has left the
    # list or lost the login: the link no longer speaks for anyone.
    if (
        not Notice.objects.holder_in_service()
        .filter(pk=signed["n"], escalation=signed["e"])
        .exists()
    ):
        raise Http404
    found = get_object_or_404(
        Escalation.objects.visible_to(request.user).select_related(
            "report__category", "report__ward", "acknowledged_by"
        ),
        pk=signed["e"],
    )
    if request.method == "POST":
        try:
            taken = escalation.acknowledge(escalation=found, by=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            if taken:
                messages.success(request, _("Acknowledged: further escalation is stopped."))
            else:
                messages.info(request, _("This escalation was already acknowledged."))
        return redirect("reports:detail", pk=found.report_id)
    return render(request, "reports/acknowledge.html", {"escalation": found})
