"""What every API answer with a 4xx looks like, and the errors the parts raise.

Every error is JSON of one shape (docs/api.md):

    {"code": "invalid", "message": "…", "errors": [{"field": "outcome", "code": "required",
     "message": "…"}]}

``code`` is machine-readable and stable; ``message`` is for people, translated;
``errors`` names each field (dotted for nested input, null for the input as a
whole) and the rule it broke. A domain function's Django ``ValidationError``
becomes a 400 with its fields, its ``PermissionDenied`` a 403 and ``Http404`` a
404, so API views call the same rules as the pages without translating errors.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.exceptions import APIException
from rest_framework.fields import get_error_detail
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(APIException):
    """A move the object's current state does not allow (a lifecycle step, say)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This action is not possible in the object's current state.")
    default_code = "conflict"


def exception_handler(exc, context):
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: a 500, logged and answered by Django
    response.data = error_body(exc)
    return response


def _as_api_exception(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None, code=getattr(exc, "code", None))
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(get_error_detail(exc))
    return exc


def error_body(exc: APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        errors = list(_field_errors(exc.detail, prefix=None))
        return {
            "code": "invalid",
            "message": str(errors[0]["message"]) if len(errors) == 1 else str(_("Invalid input.")),
            "errors": errors,
        }
    body = {"code": _code(exc), "message": str(exc.detail), "errors": []}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        body["wait"] = int(exc.wait + 0.999)
    return body


def _code(exc: APIException) -> str:
    detail = exc.detail
    code = getattr(detail, "code", None)
    if isinstance(code, str) and code:
        return code
    return exc.default_code


def _field_errors(detail, *, prefix):
    """(field, code, message) for each error in a DRF detail, however nested."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            field = None if key in ("non_field_errors", "__all__") else str(key)
            if prefix is not None:
                field = f"{prefix}.{field}" if field else prefix
            yield from _field_errors(value, prefix=field)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                nested = f"{prefix}.{index}" if prefix is not None else str(index)
                yield from _field_errors(value, prefix=nested)
            else:
                yield from _field_errors(value, prefix=prefix)
    else:
        yield {
            "field": prefix,
            "code": getattr(detail, "code", None) or "invalid",
            "message": str(detail),
        }
