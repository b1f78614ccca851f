"""The Open311 GeoReport v2 endpoints, each in JSON and XML (``.json``/``.xml``).

Reads are open to anyone and show only what reports/open311/mapping.py
publishes. Filing (POST requests) needs a client system's key and goes through
the web form's validation and ``submit_report``, with the channel "open311".
Every refusal is the specification's error list with 400, 403 or 404.
"""

import datetime

from django.core import signing
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from groups.identity import service_identity
from groups.inputs import EARLIEST_DAY, LATEST_DAY, ascii_int
from groups.models import Area
from reports.forms import ReportForm
from reports.intake import submit_report
from reports.models import Category, Channel, Report
from reports.open311 import formats, keys, mapping
from reports.places import commune_by_code

# Our implementation's version, for discovery's "changeset".
CHANGESET = "2026-12-06T00:00:00+07:00"
WINDOW = datetime.timedelta(days=90)
MAX_ROWS = 1000
_TOKEN_SALT = "tuquan.reports.open311.token"  # noqa: S105 - a salt, not a secret
# The web form's fields by the names Open311 gives them, for error descriptions.
_OPEN311_NAMES = {
    "category": "service_code",
    "description": "description",
    "ward": "jurisdiction_id",
    "address": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "name": "first_name",
    "phone": "phone",
    "unit": f"attribute[{mapping.UNIT_ATTRIBUTE}]",
    mapping.GROUP_MEMBER_ATTRIBUTE: f"attribute[{mapping.GROUP_MEMBER_ATTRIBUTE}]",
}


class Refused(Exception):
    def __init__(self, status: int, *descriptions):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions


def _answers(view):
    """Turns a ``Refused`` into the specification's error list in the asked format."""

    def wrapped(request, *args, fmt, **kwargs):
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Refused as refused:
            return formats.errors(refused.descriptions, fmt=fmt, status=refused.status)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_GET
@_answers
def discovery(request, *, fmt):
    contact = service_identity().contact or service_identity().authority
    payload = {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": _(
            "Keys for client systems are issued by the province administrator: %(contact)s"
        )
        % {"contact": contact},
        "endpoints": [
            {
                "specification": mapping.SPECIFICATION,
                "url": request.build_absolute_uri("/open311/v2/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return formats.render(payload, fmt=fmt, root="discovery")


@require_GET
@_answers
def services(request, *, fmt):
    _jurisdiction(request.GET)
    payload = [mapping.service(category) for category in _open_categories()]
    return formats.render(payload, fmt=fmt, root="services", item="service")


@require_GET
@_answers
def service_definition(request, code, *, fmt):
    ward = _jurisdiction(request.GET)
    category = _category(code)
    return formats.render(
        mapping.service_definition(category, ward=ward), fmt=fmt, root="service_definition"
    )


@sensitive_post_parameters()
@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
@_answers
def service_requests(request, *, fmt):
    if request.method == "POST":
        return _file(request, fmt=fmt)
    ward = _jurisdiction(request.GET)
    listed = _listed(ward)
    ids = _id_list(request.GET.get("service_request_id"))
    # The specification: a list of ids overrides every other filter.
    listed = listed.filter(pk__in=ids) if ids is not None else _filtered(listed, request.GET)
    payload = [mapping.service_request(report) for report in listed[:MAX_ROWS]]
    return formats.render(payload, fmt=fmt, root="service_requests", item="request")


@require_GET
@_answers
def service_request(request, request_id, *, fmt):
    ward = _jurisdiction(request.GET)
    number = ascii_int(request_id)
    report = _listed(ward).filter(pk=number).first() if number else None
    if report is None:
        raise Refused(404, _("No public service request has this id."))
    # Always a list, of one.
    payload = [mapping.service_request(report)]
    return formats.render(payload, fmt=fmt, root="service_requests", item="request")


@require_GET
@_answers
def token(request, token, *, fmt):
    _jurisdiction(request.GET)
    try:
        report_id = signing.Signer(salt=_TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        raise Refused(404, _("No service request has this token.")) from None
    payload = [{"service_request_id": report_id, "token": token}]
    return formats.render(payload, fmt=fmt, root="service_requests", item="request")


# Filing ----------------------------------------------------------------------


def _file(request, *, fmt):
    client = keys.client_for_key(request.POST.get("api_key"))
    if client is None:
        raise Refused(403, _("A valid api_key is required to file a service request."))
    params = request.POST
    ward = _jurisdiction(params, required=True)
    has_point = bool(params.get("lat")) and bool(params.get("long"))
    if not has_point and not params.get("address_string"):
        raise Refused(400, _("Give lat and long, or address_string."))
    name = " ".join(
        part for part in (params.get("first_name", ""), params.get("last_name", "")) if part
    )
    data = {
        "category": params.get("service_code", ""),
        "description": params.get("description", ""),
        "ward": str(ward.pk),
        "address": params.get("address_string", ""),
        "latitude": params.get("lat", ""),
        "longitude": params.get("long", ""),
        "name": name,
        "phone": params.get("phone", ""),
        "unit": params.get(f"attribute[{mapping.UNIT_ATTRIBUTE}]", ""),
        mapping.GROUP_MEMBER_ATTRIBUTE: params.get(
            f"attribute[{mapping.GROUP_MEMBER_ATTRIBUTE}]", ""
        ),
    }
    form = ReportForm(data)
    if not form.is_valid():
        raise Refused(400, *_descriptions(form))
    receipt = submit_report(data=form.cleaned_data, channel=Channel.OPEN311)
    report = receipt.report
    notice = None
    if report.police_only:
        notice = _("It goes to the commune/ward police only and is not listed publicly.")
    payload = [
        {
            "service_request_id": str(report.pk),
            "token": signing.Signer(salt=_TOKEN_SALT).sign(str(report.pk)),
            "service_notice": notice,
            "account_id": None,
        }
    ]
    return formats.render(payload, fmt=fmt, root="service_requests", item="request", status=201)


def _descriptions(form) -> list[str]:
    return [
        f"{_OPEN311_NAMES.get(field, field)}: {message}"
        for field, messages in form.errors.items()
        for message in messages
    ]


# Input -----------------------------------------------------------------------


def _jurisdiction(params, *, required: bool = False) -> Area | None:
    """The commune/ward whose official code is ``jurisdiction_id``.

    Optional where it is unambiguous: for reading (every ward), and for filing
    when the deployment has a single commune/ward.
    """
    code = params.get("jurisdiction_id", "")
    if not code:
        if not required:
            return None
        communes = list(Area.objects.communes()[:2])
        if len(communes) == 1:
            return communes[0]
        raise Refused(400, _("jurisdiction_id is required: the official code of a commune/ward."))
    ward = commune_by_code(code)
    if ward is None:
        raise Refused(404, _("No commune or ward has this jurisdiction_id."))
    return ward


def _open_categories():
    # The categories the public report form offers.
    return ReportForm.base_fields["category"].queryset.order_by("order", "name")


def _category(code) -> Category:
    number = ascii_int(code)
    category = _open_categories().filter(pk=number).first() if number else None
    if category is None:
        raise Refused(404, _("No service has this service_code."))
    return category


def _listed(ward):
    listed = Report.objects.publicly_listed().select_related("category", "ward")
    if ward is not None:
        listed = listed.filter(ward=ward)
    return listed.order_by("-created_at", "-pk")


def _id_list(value, *, name="service_request_id") -> list[int] | None:
    if not value:
        return None
    parts = value.split(",")
    numbers = [ascii_int(part.strip()) for part in parts[: MAX_ROWS + 1]]
    if len(parts) > MAX_ROWS or None in numbers:
        raise Refused(400, _("%(name)s must be a comma-separated list of ids.") % {"name": name})
    return numbers


def _filtered(listed, params):
    codes = _id_list(params.get("service_code"), name="service_code")
    if codes is not None:
        listed = listed.filter(category_id__in=codes)
    wanted = params.get("status", "")
    if wanted:
        names = [name.strip() for name in wanted.split(",")]
        if not set(names) <= {mapping.OPEN, mapping.CLOSED}:
            raise Refused(400, _("status must be open, closed or both, comma-separated."))
        listed = listed.filter(status__in=mapping.statuses_of(names))
    start = _moment(params.get("start_date"), "start_date")
    end = _moment(params.get("end_date"), "end_date")
    if start and end and end - start > WINDOW:
        raise Refused(400, _("start_date and end_date may not span more than 90 days."))
    if start and end and end < start:
        raise Refused(400, _("end_date lies before start_date."))
    if start is None:
        start = (end or timezone.now()) - WINDOW
    listed = listed.filter(created_at__gte=start)
    if end is not None:
        listed = listed.filter(created_at__lte=end)
    return listed


def _moment(value, name) -> datetime.datetime | None:
    if not value:
        return None
    moment = None
    if len(value) <= 40 and value.isascii():
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            moment = None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment is None or not EARLIEST_DAY <= moment.date() <= LATEST_DAY:
        raise Refused(
            400,
            _("%(name)s must be an ISO 8601 time, e.g. 2026-12-01T00:00:00+07:00.")
            % {"name": name},
        )
    return moment
