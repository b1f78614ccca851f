"""The public intake API, for a phone app or a Zalo Mini App: file a report or a
tip, follow it and answer questions, without an account; and the categories and
places the report form offers.

The same rules as the web pages (reports/public_views.py), and the same code:
the web form's class validates a report, ``submit_report`` files it, the
per-client limit of reports/ratelimit.py counts it before anything is read,
and a request that fills in the honeypot field ``website`` gets a receipt that
opens nothing while nothing is saved. The receipt code and a tip's passphrase
travel in request bodies only, never in a URL: URLs end up in logs, proxies and
browser histories. No authentication: a session or token is ignored here, so a
tip filed from a signed-in app is as anonymous as one from the web form.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, NotFound, Throttled, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from groups import reference_data
from groups.api.errors import Conflict
from groups.models import Area
from reports import ratelimit, receipts, tracking
from reports.forms import ReporterMessageForm, ReportForm
from reports.intake import submit_report
from reports.models import Channel
from reports.places import commune_by_code
from reports.public_api_serializers import (
    MessageSentSerializer,
    PlacesSerializer,
    PublicCategorySerializer,
    ReceiptKeySerializer,
    ReceiptSerializer,
    ReporterMessageSerializer,
    ReportIntakeSerializer,
    ThreadSerializer,
)
from reports.public_views import LIMITED_MESSAGE, NOT_FOUND_MESSAGE

_REPORT_FIELDS = tuple(ReportForm.base_fields)
# JSON numbers for a map point arrive as doubles with more places than the form's 6.
_MAP_FIELDS = ("latitude", "longitude")

_ERRORS = {
    400: OpenApiResponse(description=_("A field or rule refused the request; see its errors.")),
    429: OpenApiResponse(description=_("Too many attempts from this client; wait and retry.")),
}


class _PublicView(APIView):
    # Anonymous on purpose: nothing about the sender, not even an account, is read.
    authentication_classes = []
    permission_classes = [AllowAny]
    # JSON, or a form as a Mini App's web view may send it.
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @method_decorator(sensitive_post_parameters())
    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


class ReportIntakeView(_PublicView):
    @extend_schema(
        operation_id="public_report_create",
        summary=_("File a report or an anonymous tip"),
        request={
            "application/json": ReportIntakeSerializer,
            "multipart/form-data": ReportIntakeSerializer,
        },
        responses={201: ReceiptSerializer, **_ERRORS},
        auth=[],
    )
    def post(self, request):
        _count_attempt(request, scope=ratelimit.REPORT)
        data, files = _form_input(request)
        # As on the web form: one read of the generation the reference data is kept by.
        with reference_data.one_generation():
            form = ReportForm(data, files)
            if not form.is_valid():
                raise ValidationError(_errors_of(form))
            cleaned = form.cleaned_data
            if form.is_spam:
                # A bot gets what a person gets, so it learns nothing; nothing is saved.
                passphrase = None
                if cleaned["anonymous"]:
                    passphrase = cleaned["passphrase"] or receipts.new_passphrase()
                return _receipt_response(receipts.new_receipt_code(), passphrase)
            receipt = submit_report(data=cleaned, channel=Channel.APP, photos=cleaned["photos"])
        return _receipt_response(receipt.code, receipt.passphrase)


class CategoriesView(_PublicView):
    @extend_schema(
        operation_id="public_categories",
        summary=_("The categories a report may have"),
        responses={200: PublicCategorySerializer(many=True)},
        auth=[],
    )
    def get(self, request):
        categories = ReportForm.base_fields["category"].queryset.order_by("order", "name")
        return Response(PublicCategorySerializer(categories, many=True).data)


class PlacesView(_PublicView):
    @extend_schema(
        operation_id="public_places",
        summary=_("A commune/ward by its official code, with its residential units"),
        parameters=[
            OpenApiParameter(
                "ward", str, required=True, description=_("The official code, e.g. 07030.")
            )
        ],
        responses={
            200: PlacesSerializer,
            404: OpenApiResponse(description=_("No commune or ward has this code.")),
        },
        auth=[],
    )
    def get(self, request):
        ward = commune_by_code(request.query_params.get("ward"))
        if ward is None:
            raise NotFound(detail=_("No commune or ward has this code."), code="not_found")
        units = Area.objects.within(ward).filter(depth=3)
        return Response(PlacesSerializer({"ward": ward, "units": units}).data)


class TrackView(_PublicView):
    @extend_schema(
        operation_id="public_report_track",
        summary=_("Follow a report with its receipt"),
        request=ReceiptKeySerializer,
        responses={
            200: ThreadSerializer,
            404: OpenApiResponse(description=_("No report opens with this receipt.")),
            **_ERRORS,
        },
        auth=[],
    )
    def post(self, request):
        _count_attempt(request, scope=ratelimit.TRACK)
        report = _report_of_receipt(request.data)
        return Response(ThreadSerializer(tracking.public_thread(report=report)).data)


class ReporterMessageView(_PublicView):
    @extend_schema(
        operation_id="public_report_message",
        summary=_("Answer or add to a report"),
        request=ReporterMessageSerializer,
        responses={
            201: MessageSentSerializer,
            404: OpenApiResponse(description=_("No report opens with this receipt.")),
            409: OpenApiResponse(description=_("The report is closed and takes no more messages.")),
            **_ERRORS,
        },
        auth=[],
    )
    def post(self, request):
        _count_attempt(request, scope=ratelimit.TRACK)
        report = _report_of_receipt(request.data)
        form = ReporterMessageForm(_single_values(request.data, ("message",)))
        if not form.is_valid():
            raise ValidationError(_errors_of(form))
        try:
            tracking.add_reporter_message(report=report, text=form.cleaned_data["message"])
        except DjangoValidationError as refused:
            raise Conflict(detail=" ".join(refused.messages), code="closed") from None
        return Response({"sent": True}, status=status.HTTP_201_CREATED)


# Input ----------------------------------------------------------------------


def _count_attempt(request, *, scope: str) -> None:
    # Before the body is read: a limited client changes nothing.
    if not ratelimit.allow(request, scope=scope):
        raise Throttled(detail=str(LIMITED_MESSAGE))


def _form_input(request):
    """The request as the web form's data and files: a multipart body as it is, a
    JSON object with each field a single value written as a form would send it."""
    if request.content_type.startswith("multipart/"):
        return request.data, request.FILES
    return _single_values(request.data, _REPORT_FIELDS), {}


def _single_values(data, fields) -> dict:
    if not isinstance(data, dict):
        raise ValidationError(
            {"non_field_errors": [ErrorDetail(_("Send a JSON object."), code="not_an_object")]}
        )
    if hasattr(data, "getlist"):  # a form-encoded body: already strings
        return {name: data.get(name) for name in fields if name in data}
    values, errors = {}, {}
    for name in fields:
        if name not in data or data[name] is None:
            continue
        value = data[name]
        if isinstance(value, bool):
            values[name] = "true" if value else "false"
        elif isinstance(value, float) and name in _MAP_FIELDS:
            values[name] = f"{value:.6f}"
        elif isinstance(value, str | int | float):
            values[name] = str(value)
        else:
            errors[name] = [ErrorDetail(_("Give a single value."), code="not_a_single_value")]
    if errors:
        raise ValidationError(errors)
    return values


def _errors_of(form) -> dict:
    """A form's errors as DRF's: messages per field, each with its code."""
    return {
        ("non_field_errors" if field == "__all__" else field): [
            ErrorDetail(message, code=error.code or "invalid")
            for error in field_errors
            for message in error.messages
        ]
        for field, field_errors in form.errors.as_data().items()
    }


def _report_of_receipt(data):
    key = ReceiptKeySerializer(data=data if isinstance(data, dict) else {})
    key.is_valid(raise_exception=True)
    report = tracking.find_by_receipt(
        code=key.validated_data["code"], passphrase=key.validated_data.get("passphrase", "")
    )
    if report is None:
        # One answer for a wrong code, a wrong passphrase and a receipt that lived its life.
        raise NotFound(detail=str(NOT_FOUND_MESSAGE), code="not_found")
    return report


def _receipt_response(code: str, passphrase: str | None) -> Response:
    body = {"code": code, "passphrase": passphrase, "anonymous": passphrase is not None}
    return Response(body, status=status.HTTP_201_CREATED)
