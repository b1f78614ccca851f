"""The public directory (groups/directory.py) and the identity pages: no login."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from groups import directory, posters
from groups.place_links import parse_area_id, report_path


@require_GET
def directory_index(request):
    return render(request, "directory/index.html", {"provinces": directory.directory_index()})


@require_GET
def directory_ward(request, ward_id):
    # The URL converter takes any run of digits; the same range check as the form's.
    ward = directory.public_ward(parse_area_id(str(ward_id)) or 0)
    if ward is None:
        raise Http404
    groups = list(directory.public_groups(ward))
    for group in groups:
        group.report_path = report_path(group.unit_id or group.ward_id)
    printable = posters.printable_group_ids(request.user, ward=ward)
    return render(
        request,
        "directory/ward.html",
        {
            "ward": ward,
            "groups": groups,
            "ward_report_path": report_path(ward.pk),
            "emergency_numbers": directory.EMERGENCY_NUMBERS,
            "printable_group_ids": printable,
            "may_print_ward": posters.may_print_ward(request.user, ward=ward),
        },
    )


@require_GET
def privacy_notice(request):
    return render(request, "identity/privacy.html")


@require_GET
def accessibility_statement(request):
    return render(request, "identity/accessibility.html")
