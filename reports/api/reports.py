"""Reports: the list and detail a user may see, and what handlers do to them.

Each action parses its input with a serializer, fetches the report through
``visible_to`` (another ward's report is a 404, as on the pages) and calls the
rule the detail page calls: reports/lifecycle.py, reports/duplicates.py,
reports/conversation.py, reports/vault_access.py. Who may do what is decided
there, so the API and the pages cannot disagree. A move the report's status does
not allow is a 409; a move the user may not make, a 403.
"""

from contextlib import contextmanager

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from groups.api.errors import Conflict
from groups.api.filters import StrictBooleanFilter
from groups.api.lookups import NumericLookupMixin
from reports import conversation
from reports.api import serializers as api
from reports.duplicates import merge_duplicate
from reports.filters import ReportFilter
from reports.lifecycle import TransitionNotAllowed, apply_transition
from reports.models import Report, ReportEvent, Status
from reports.vault_access import may_reveal_contact, reveal_contact


class ReportApiFilter(ReportFilter):
    """The inbox's filters; `overdue` must be true or false (the page ignores other values)."""

    overdue = StrictBooleanFilter(label=_("Deadline"), method="filter_overdue")


@contextmanager
def lifecycle_errors():
    """A move the report's current status does not allow answers 409, not 400."""
    try:
        yield
    except TransitionNotAllowed as error:
        raise Conflict(" ".join(error.messages), code="not_allowed") from error


class ReportViewSet(NumericLookupMixin, viewsets.ReadOnlyModelViewSet):
    """The reports the user may see, newest first; filters as on the inbox page."""

    serializer_class = api.ReportSerializer
    filterset_class = ReportApiFilter

    def get_queryset(self):
        return (
            Report.objects.visible_to(self.request.user)
            .select_related("category", "ward", "unit")
            .order_by("-created_at", "-pk")
        )

    def _move(self, request, *, to, form_class=api.NoteSerializer, public=None, **changes):
        report = self.get_object()
        form = form_class(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        note = data.get("note", "")
        if "outcome" in data:
            changes["outcome"] = data["outcome"]
        with lifecycle_errors():
            report = apply_transition(
                report=report,
                to=to,
                by=request.user,
                note=note,
                # As on the page: the status is public anyway; the flag decides
                # whether the reporter may also read the note.
                public=public if public is not None else bool(data["public"] or not note.strip()),
                **changes,
            )
        return Response(self.get_serializer(report).data)

    @extend_schema(request=None, responses=api.ReportSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        # Public, as on the detail page: the reporter sees that someone took it up.
        return self._move(request, to=Status.ACKNOWLEDGED, public=True)

    @extend_schema(request=api.NoteSerializer, responses=api.ReportSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._move(request, to=Status.IN_PROGRESS)

    @extend_schema(request=api.ResolveSerializer, responses=api.ReportSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._move(request, to=Status.RESOLVED, form_class=api.ResolveSerializer)

    @extend_schema(request=api.NoteSerializer, responses=api.ReportSerializer)
    @action(detail=True, methods=["post"], url_path="hand-to-police")
    def hand_to_police(self, request, pk=None):
        return self._move(request, to=Status.REFERRED)

    @extend_schema(request=api.RejectSerializer, responses=api.ReportSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._move(request, to=Status.REJECTED, form_class=api.RejectSerializer)

    @extend_schema(request=api.MergeSerializer, responses=api.ReportSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Close this report as a duplicate of ``duplicate_of`` (a report the user can see)."""
        report = self.get_object()
        form = api.MergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        into = self.get_queryset().filter(pk=form.validated_data["duplicate_of"]).first()
        if into is None or into.pk == report.pk:
            raise ApiValidationError(
                {"duplicate_of": [_("Choose another report you can see.")]}, code="invalid"
            )
        with lifecycle_errors():
            merged = merge_duplicate(
                report=report, into=into, by=request.user, note=form.validated_data["note"]
            )
        return Response(self.get_serializer(merged).data)

    @extend_schema(responses=api.ReportEventSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def timeline(self, request, pk=None):
        """The report's timeline as the user may read it (handlers: internal notes too)."""
        report = self.get_object()
        events = (
            ReportEvent.objects.visible_to(request.user)
            .filter(report=report)
            .select_related("actor")
        )
        return Response(api.ReportEventSerializer(events, many=True).data)

    @extend_schema(request=api.MessageSerializer, responses={201: api.ReportEventSerializer})
    @action(detail=True, methods=["post"])
    def messages(self, request, pk=None):
        """An internal note, a question to the reporter or an update for them."""
        report = self.get_object()
        form = api.MessageSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        kind, text = form.validated_data["kind"], form.validated_data["text"]
        if kind == ReportEvent.Kind.QUESTION:
            event = conversation.ask_reporter(report=report, by=request.user, text=text)
        else:
            event = conversation.add_note(
                report=report, by=request.user, text=text, public=kind == ReportEvent.Kind.UPDATE
            )
        return Response(api.ReportEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=api.RevealSerializer, responses=api.ContactSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The reporter's name and phone: ward police of the report's ward and
        administrators only, with a reason; who, when and why are logged first."""
        report = self.get_object()
        if not may_reveal_contact(user=request.user, report=report):
            raise ApiPermissionDenied(
                _("Only the ward police and administrators may see who reported.")
            )
        form = api.RevealSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        name, phone = reveal_contact(
            report=report, by=request.user, reason=form.validated_data["reason"]
        )
        response = Response(api.ContactSerializer({"name": name, "phone": phone}).data)
        # Kept nowhere: not in a cache on the way, not in the browser's.
        response["Cache-Control"] = "no-store"
        return response
