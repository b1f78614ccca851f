"""What our categories and reports look like in Open311 GeoReport v2, and what
never leaves through it.

A report is listed only if ``Report.objects.publicly_listed()`` holds it (never
an anonymous tip, never a report for the police only), and then with:
- no reporter data at all (the vault is never read) and no photos;
- its description only if its category is marked ``publish_description``;
  every other category counts as sensitive;
- its place coarsened: the commune/ward's name, no address or landmark, and the
  map point rounded to two decimal places (about a kilometre);
- its status as the specification's ``open``/``closed``, with our step in
  ``status_notes`` (STATUS_NOTES), never the handlers' outcome text or names.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Area
from reports.forms import ReportForm
from reports.models import CLOSED_STATUSES, Category, Report, Status

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
OPEN, CLOSED = "open", "closed"
# Two decimal places of a degree: about 1.1 km north-south, a neighbourhood, not a house.
COARSE_STEP = Decimal("0.01")

STATUS_NOTES = {
    Status.NEW: _("Received; waiting for the self-management group to take it."),
    Status.ACKNOWLEDGED: _("The self-management group has taken it."),
    Status.IN_PROGRESS: _("Being handled."),
    Status.REFERRED: _("Handed to the commune/ward police."),
    Status.RESOLVED: _("Resolved."),
    Status.DUPLICATE: _("Closed as a duplicate of another report."),
    Status.REJECTED: _("Closed without action."),
}

# What the report form asks beyond Open311's own fields (services/{code}): the
# residential unit (it decides which group receives the report) and, where the
# category is not about the group already, whether it concerns the group.
UNIT_ATTRIBUTE = "unit"
GROUP_MEMBER_ATTRIBUTE = "concerns_group_member"


def open311_status(status: str) -> str:
    return CLOSED if status in CLOSED_STATUSES else OPEN


def statuses_of(open311_statuses) -> list[str]:
    """Our statuses behind the specification's ``open``/``closed``."""
    ours = []
    for name in open311_statuses:
        ours += [value for value in Status.values if open311_status(value) == name]
    return ours


def asks_about_the_group(category: Category) -> bool:
    # A category about the group goes to the police anyway; for any other the
    # form asks whether it concerns the group or one of its members.
    return not category.about_the_group


def service(category: Category) -> dict:
    return {
        "service_code": str(category.pk),
        "service_name": str(category),
        "description": str(category.get_severity_display()),
        # Every category asks at least for the residential unit.
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": str(category.get_severity_display()),
    }


def service_definition(category: Category, *, ward: Area | None) -> dict:
    """The attributes a category asks for; with a jurisdiction, the units of
    that commune/ward as the unit's values."""
    unit_field = ReportForm.base_fields[UNIT_ATTRIBUTE]
    unit = {
        "variable": True,
        "code": UNIT_ATTRIBUTE,
        "datatype": "number",
        "required": False,
        "datatype_description": str(
            _(
                "The id of a residential unit of the commune/ward, as this definition lists "
                "them when asked with the jurisdiction_id."
            )
        ),
        "order": 1,
        "description": str(unit_field.label),
        "values": [],
    }
    if ward is not None:
        unit["datatype"] = "singlevaluelist"
        unit["values"] = [
            {"key": str(area.pk), "name": area.name}
            for area in Area.objects.residential_units().filter(path__startswith=ward.path)
        ]
    attributes = [unit]
    if asks_about_the_group(category):
        field = ReportForm.base_fields[GROUP_MEMBER_ATTRIBUTE]
        attributes.append(
            {
                "variable": True,
                "code": GROUP_MEMBER_ATTRIBUTE,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": str(field.help_text),
                "order": 2,
                "description": str(field.label),
                "values": [
                    {"key": "true", "name": str(_("Yes"))},
                    {"key": "false", "name": str(_("No"))},
                ],
            }
        )
    return {"service_code": str(category.pk), "attributes": attributes}


def service_request(report: Report) -> dict:
    """A listed report in the specification's field order; fields we never
    publish or do not have are null."""
    category = report.category
    updated = max(
        moment
        for moment in (report.created_at, report.acknowledged_at, report.closed_at)
        if moment is not None
    )
    return {
        "service_request_id": str(report.pk),
        "status": open311_status(report.status),
        "status_notes": str(STATUS_NOTES[report.status]),
        "service_name": str(category),
        "service_code": str(category.pk),
        "description": report.description if category.publish_description else None,
        "agency_responsible": str(_("Police of %(ward)s") % {"ward": report.ward.name}),
        "service_notice": None,
        "requested_datetime": iso_time(report.created_at),
        "updated_datetime": iso_time(updated),
        "expected_datetime": None,
        "address": report.ward.name,
        "address_id": None,
        "zipcode": None,
        "lat": coarse(report.latitude),
        "long": coarse(report.longitude),
        "media_url": None,
    }


def iso_time(moment) -> str:
    """ISO 8601 with the time zone's offset, e.g. 2026-12-06T09:30:00+07:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def coarse(value: Decimal | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(value).quantize(COARSE_STEP, rounding=ROUND_HALF_UP))
